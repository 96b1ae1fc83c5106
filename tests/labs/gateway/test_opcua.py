"""OPC UA: one server hosts several sandboxes, each in its own namespace, with a real client."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asyncua import Client, ua

from labs.engine import compile_program
from labs.engine.grading import reference_solution
from labs.engine.plants import create_plant
from labs.gateway.opcua import OpcUaGateway
from labs.gateway.sandbox import GatewayError, Sandbox
from tests.processes import free_port


def _sandbox(plant_name: str, name: str) -> Sandbox:
    plant = create_plant(plant_name, seed=1)
    program = compile_program(reference_solution(plant_name), io=plant.io_points())
    return Sandbox(program, plant=plant, scan_ms=10, name=name)


@pytest.fixture(scope="module")
def server():
    """One OPC UA server for the module (starting one takes seconds), on its own loop thread.

    Yields ``(url, gateway, call)`` where ``call(coro)`` runs a coroutine on that loop with a
    time limit.
    """
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def call(coro, timeout=30.0):
        return asyncio.run_coroutine_threadsafe(asyncio.wait_for(coro, timeout), loop).result()

    url = f"opc.tcp://127.0.0.1:{free_port()}"
    gateway = OpcUaGateway(url, sync_ms=20)
    call(gateway.start(), timeout=60.0)
    yield url, gateway, call
    call(gateway.stop())
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_many_sandboxes_in_one_server(server):
    """Two learners' sandboxes get separate namespaces; a write reaches only its own PLC."""
    url, gateway, call = server

    async def scenario():
        alice, bob = _sandbox("motor", "alice"), _sandbox("tank", "bob")
        await gateway.add_sandbox("alice", alice)
        await gateway.add_sandbox("bob", bob)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(s.run(stop)) for s in (alice, bob)]
        try:
            async with Client(url, timeout=5) as client:
                ns_a = await client.get_namespace_index("urn:plc-labs:sandbox:alice")
                ns_b = await client.get_namespace_index("urn:plc-labs:sandbox:bob")
                assert ns_a != ns_b
                names = {
                    (await n.read_browse_name()).Name
                    for n in await client.nodes.objects.get_children()
                }
                assert {"alice", "bob"} <= names

                start = client.get_node(ua.NodeId("alice.START", ns_a))
                k1 = client.get_node(ua.NodeId("alice.K1", ns_a))
                assert await k1.read_value() is False
                await start.write_value(True)
                await asyncio.sleep(0.2)
                await start.write_value(False)
                await asyncio.sleep(0.2)
                assert await k1.read_value() is True, "seal-in keeps the motor on"
                speed = client.get_node(ua.NodeId("alice.Plant.speed_rpm", ns_a))
                assert await speed.read_value() > 0
                assert bob.runtime.read("V_OUT") is False, "the other sandbox is untouched"

                level = client.get_node(ua.NodeId("bob.LEVEL", ns_b))
                props = {
                    (await p.read_browse_name()).Name: await p.read_value()
                    for p in await level.get_properties()
                }
                assert props["Address"] == "%IW0"
                assert props["EngineeringUnits"].DisplayName.Text == "mm"
                assert props["DescriptionZh"].Text.startswith("液位")
                description = await level.read_description()
                assert "Level transmitter" in description.Text
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            await gateway.remove_sandbox("alice")
            await gateway.remove_sandbox("bob")

    call(scenario())


def test_plant_driven_sensors_refuse_writes_and_removal_unpublishes(server):
    """Sensors the plant drives are read-only for clients; a removed sandbox disappears."""
    url, gateway, call = server

    async def scenario():
        sandbox = _sandbox("tank", "carol")
        await gateway.add_sandbox("carol", sandbox)
        stop = asyncio.Event()
        task = asyncio.create_task(sandbox.run(stop))
        async with Client(url, timeout=5) as client:
            ns = await client.get_namespace_index("urn:plc-labs:sandbox:carol")
            cases = [
                ("carol.LS_HIGH", True, ua.VariantType.Boolean),
                ("carol.LEVEL", 1, ua.VariantType.Int16),
            ]
            for node_id, value, variant in cases:
                node = client.get_node(ua.NodeId(node_id, ns))
                with pytest.raises(ua.UaStatusCodeError) as err:
                    await node.write_value(ua.DataValue(ua.Variant(value, variant)))
                assert type(err.value).__name__ in ("BadNotWritable", "BadUserAccessDenied")
            stop_button = client.get_node(ua.NodeId("carol.STOP", ns))
            with pytest.raises(ua.UaStatusCodeError) as err:
                await stop_button.write_value(ua.DataValue(ua.Variant(3, ua.VariantType.Int16)))
            assert "TypeMismatch" in type(err.value).__name__
            status = client.get_node(ua.NodeId("carol.Status", ns))
            assert await status.read_value() == "RUN"

            folder = client.get_node(ua.NodeId("carol", ns))
            method = ua.NodeId("carol.InjectFault", ns)
            answer = await folder.call_method(method, "stuck_on", "LS_HIGH")
            assert answer == "LS_HIGH: sensor stuck on"
            await asyncio.sleep(0.2)
            assert await client.get_node(ua.NodeId("carol.LS_HIGH", ns)).read_value() is True
            refused = await folder.call_method(method, "melt", "LS_HIGH")
            assert "Unknown fault kind" in refused and "未知" in refused
            cleared = await folder.call_method(ua.NodeId("carol.ClearFault", ns), "")
            assert cleared.startswith("cleared") and sandbox.plant.active_faults() == []
        stop.set()
        await task
        await gateway.remove_sandbox("carol")
        async with Client(url, timeout=5) as client:
            names = {
                (await n.read_browse_name()).Name for n in await client.nodes.objects.get_children()
            }
            assert "carol" not in names

    call(scenario())


def test_sandbox_names_are_checked(server):
    """A folder name with spaces or a duplicate name is refused with a bilingual message."""
    _url, gateway, call = server

    async def scenario():
        sandbox = _sandbox("motor", "dave")
        with pytest.raises(GatewayError) as err:
            await gateway.add_sandbox("bad name", sandbox)
        assert "bad name" in err.value.message("zh")
        await gateway.add_sandbox("dave", sandbox)
        with pytest.raises(GatewayError):
            await gateway.add_sandbox("dave", sandbox)
        await gateway.remove_sandbox("dave")

    call(scenario())
