"""Modbus TCP into a running sandbox, with OpenPLC's address map and a real pymodbus client."""

from __future__ import annotations

import asyncio
import contextlib
import struct

from pymodbus.client import AsyncModbusTcpClient

from labs.engine import compile_program
from labs.engine.plants import create_plant
from labs.gateway.modbus import ModbusGateway
from labs.gateway.sandbox import Sandbox
from tests.processes import free_port

MAP_PROGRAM = """
PROGRAM MapProbe
VAR
    lamp AT %QX0.1 : BOOL;
    far AT %QX1.2 : BOOL;
    button AT %IX0.1 : BOOL;
    echo AT %QX0.0 : BOOL;
    analog AT %IW2 : INT;
    out_word AT %QW1 : INT;
    copy AT %QW0 : INT;
    setpoint AT %MW3 : INT;
    big AT %MD1 : DINT;
END_VAR
lamp := TRUE;
far := TRUE;
echo := button;
out_word := -2;
copy := analog + setpoint;
big := -100000;
END_PROGRAM
"""

TANK_HMI = """
PROGRAM TankWithHmi
VAR
    hmi_start AT %QX1.0 : BOOL;
    run : BOOL;
    fill : BOOL;
END_VAR
run := (START OR hmi_start OR run) AND STOP;
hmi_start := FALSE;
IF NOT LS_LOW THEN fill := TRUE; END_IF;
IF LS_HIGH OR LEVEL > 1750 THEN fill := FALSE; END_IF;
V_IN := run AND fill;
V_OUT := run;
END_PROGRAM
"""


@contextlib.asynccontextmanager
async def served(sandbox: Sandbox):
    """The sandbox scanning in real time behind a Modbus server; yields (port, client)."""
    port = free_port()
    gateway = ModbusGateway(sandbox, "127.0.0.1", port)
    await gateway.start()
    stop = asyncio.Event()
    task = asyncio.create_task(sandbox.run(stop))
    client = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=2)
    try:
        await client.connect()
        yield port, client
    finally:
        client.close()
        stop.set()
        await task
        await gateway.stop()


def test_openplc_address_map(run_async):
    """Coils, discrete inputs, input and holding registers map to %QX, %IX, %IW, %QW/%MW/%MD."""

    async def scenario():
        sandbox = Sandbox(compile_program(MAP_PROGRAM), scan_ms=10)
        async with served(sandbox) as (_port, client):
            await asyncio.sleep(0.05)
            coils = await client.read_coils(0, count=11)  # %QX0.0 .. %QX1.2, the whole image
            assert coils.bits[:3] == [False, True, False]
            assert coils.bits[10] is True  # %QX1.2 = 1 * 8 + 2
            holding = await client.read_holding_registers(0, count=2)
            assert holding.registers == [0, 0xFFFE]  # %QW0, %QW1 = -2 as 16-bit
            md = await client.read_holding_registers(2048 + 2, count=2)
            assert md.registers == [0xFFFE, 0x7960]  # -100000 high word first
            assert not (await client.write_register(1024 + 3, 40)).isError()  # %MW3
            await asyncio.sleep(0.1)
            assert sandbox.image["%MW3"] == 40
            sandbox.runtime.set_input("%IW2", 5)
            await asyncio.sleep(0.1)
            assert (await client.read_input_registers(2, count=1)).registers == [5]
            assert (await client.read_holding_registers(0, count=1)).registers == [45]
            assert (await client.read_discrete_inputs(0, count=2)).bits[:2] == [False, False]

    run_async(scenario())


def test_outside_the_image_is_exception_02(run_async):
    """Reads and writes past the located addresses answer exception 02, not zeros."""

    async def scenario():
        sandbox = Sandbox(compile_program(MAP_PROGRAM), scan_ms=10)
        async with served(sandbox) as (_port, client):
            requests = [
                client.read_coils(16, count=1),
                client.read_coils(11, count=1),
                client.read_discrete_inputs(100, count=1),
                client.read_input_registers(3, count=1),
                client.read_holding_registers(2, count=1),
                client.read_holding_registers(1024, count=5),
                client.read_holding_registers(2052, count=1),
                client.write_register(500, 1),
                client.write_coil(4000, True),
            ]
            for request in requests:
                assert _is_exception_02(await request)

    run_async(scenario())


BITS_PROGRAM = """
PROGRAM BitEdges
VAR
    q0 AT %QX0.0 : BOOL;
    q1 AT %QX0.1 : BOOL;
    q5 AT %QX0.5 : BOOL;
    i0 AT %IX0.0 : BOOL;
    i3 AT %IX0.3 : BOOL;
    copy AT %QW0 : INT;
END_VAR
q1 := TRUE;
q5 := i3;
IF q0 THEN copy := 7; ELSE copy := 0; END_IF;
END_PROGRAM
"""

HOLES_PROGRAM = """
PROGRAM Holes
VAR
    a AT %QX0.0 : BOOL;
    b AT %QX0.1 : BOOL;
    c AT %QX1.0 : BOOL;
END_VAR
b := TRUE;
c := TRUE;
END_PROGRAM
"""


def _is_exception_02(response) -> bool:
    return response.isError() and response.exception_code == 2


async def _until(read, expected, timeout: float = 5.0):
    """Poll ``await read()`` until it returns ``expected`` (the PLC scans in the background)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while (value := await read()) != expected and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    return value


def test_bit_areas_end_at_the_last_declared_bit(run_async):
    """Coil %QX0.5 and input %IX0.3 end their images: the next bit, same 16-bit word, is 02."""

    async def scenario():
        sandbox = Sandbox(compile_program(BITS_PROGRAM), scan_ms=10)
        async with served(sandbox) as (_port, client):
            last = await client.read_coils(5, count=1)
            assert not last.isError() and last.bits[0] is False
            assert _is_exception_02(await client.read_coils(6, count=1))
            assert _is_exception_02(await client.read_coils(4, count=3))  # spans the end

            async def whole():
                return (await client.read_coils(0, count=6)).bits[:6]

            expected = [False, True, False, False, False, False]
            assert await _until(whole, expected) == expected

            assert not (await client.read_discrete_inputs(3, count=1)).isError()
            assert _is_exception_02(await client.read_discrete_inputs(4, count=1))
            assert _is_exception_02(await client.read_discrete_inputs(0, count=5))
            assert (await client.read_discrete_inputs(0, count=4)).bits[:4] == [False] * 4

            assert _is_exception_02(await client.write_coil(6, True))
            assert _is_exception_02(await client.write_coils(4, [True, True, True]))
            assert _is_exception_02(await client.write_coils(6, [True]))
            await asyncio.sleep(0.05)
            assert (await client.read_holding_registers(0, count=1)).registers == [0]

            async def copy_register():
                return (await client.read_holding_registers(0, count=1)).registers

            assert not (await client.write_coils(0, [True, True, False, False, False])).isError()
            assert await _until(copy_register, [7]) == [7]
            assert sandbox.image["%QX0.0"] is True
            assert not (await client.write_coil(0, False)).isError()
            assert await _until(copy_register, [0]) == [0]

            async def input_and_coil():
                di = (await client.read_discrete_inputs(3, count=1)).bits[0]
                return di, (await client.read_coils(5, count=1)).bits[0]

            sandbox.runtime.set_input("%IX0.3", True)
            assert await _until(input_and_coil, (True, True)) == (True, True)

    run_async(scenario())


def test_holes_inside_a_bit_area_belong_to_the_image(run_async):
    """With %QX0.0, %QX0.1 and %QX1.0 coils 0-8 are the image: holes read FALSE, 9 is 02."""

    async def scenario():
        sandbox = Sandbox(compile_program(HOLES_PROGRAM), scan_ms=10)
        async with served(sandbox) as (_port, client):

            async def image():
                return (await client.read_coils(0, count=9)).bits[:9]

            expected = [False, True] + [False] * 6 + [True]
            assert await _until(image, expected) == expected
            assert not (await client.write_coil(4, True)).isError()  # a hole: no effect
            await asyncio.sleep(0.05)
            assert (await client.read_coils(4, count=1)).bits[0] is False
            assert _is_exception_02(await client.read_coils(9, count=1))
            assert _is_exception_02(await client.read_coils(0, count=10))
            assert _is_exception_02(await client.read_discrete_inputs(0, count=1))

    run_async(scenario())


async def _raw_request(port: int, pdu: bytes) -> bytes:
    """Send one Modbus TCP request as raw bytes (unit 1) and return the response PDU."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(struct.pack(">HHHB", 7, 0, len(pdu) + 1, 1) + pdu)
    await writer.drain()
    header = await asyncio.wait_for(reader.readexactly(7), 5)
    body = await asyncio.wait_for(reader.readexactly(struct.unpack(">H", header[4:6])[0] - 1), 5)
    writer.close()
    return body


def test_malformed_coil_writes_are_exception_03_before_02(run_async):
    """A write of coils whose byte count disagrees with its quantity is 03 even past the image."""

    async def scenario():
        sandbox = Sandbox(compile_program(BITS_PROGRAM), scan_ms=10)
        async with served(sandbox) as (port, _client):
            bad_count = struct.pack(">BHHB", 15, 100, 3, 2) + b"\x07\x00"
            assert await _raw_request(port, bad_count) == bytes([0x8F, 3])
            past_image = struct.pack(">BHHB", 15, 100, 3, 1) + b"\x07"
            assert await _raw_request(port, past_image) == bytes([0x8F, 2])
            inside = struct.pack(">BHHB", 15, 0, 2, 1) + b"\x01"
            assert await _raw_request(port, inside) == struct.pack(">BHH", 15, 0, 2)

    run_async(scenario())


def test_client_drives_the_plant(run_async):
    """An HMI coil starts the tank; the valve opens and the level register rises."""

    async def scenario():
        plant = create_plant("tank", seed=1)
        program = compile_program(TANK_HMI, io=plant.io_points())
        sandbox = Sandbox(program, plant=plant, scan_ms=10)
        async with served(sandbox) as (_port, client):
            before = (await client.read_input_registers(0, count=1)).registers[0]
            assert (await client.read_coils(0, count=2)).bits[:2] == [False, False]
            assert not (await client.write_coil(8, True)).isError()  # %QX1.0
            await asyncio.sleep(1.5)
            assert (await client.read_coils(0, count=2)).bits[:2] == [True, True]
            after = (await client.read_input_registers(0, count=1)).registers[0]
            assert after > before + 10

    run_async(scenario())


async def _garbage_client(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"\x00\x01\x00\x00\x00\xff\x01\x03" + bytes(range(256)) * 4)
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
        await asyncio.wait_for(reader.read(100), 0.5)
    writer.close()


async def _rude_client(port: int) -> None:
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"\x00\x07\x00\x00\x00\x06\x01\x03\x00")  # half a request, then gone
    await writer.drain()
    writer.transport.abort()


async def _flood_client(port: int, count: int) -> int:
    client = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=2)
    await client.connect()
    answered = 0
    for _ in range(count):
        response = await client.read_holding_registers(0, count=2)
        answered += not response.isError()
    client.close()
    return answered


def test_bad_clients_do_not_stop_the_plc_or_other_clients(run_async):
    """Garbage frames, abrupt disconnects and a bounded flood leave the PLC and a client fine."""

    async def scenario():
        sandbox = Sandbox(compile_program(MAP_PROGRAM), scan_ms=10)
        async with served(sandbox) as (port, good):
            scans_before = sandbox.scans
            results = await asyncio.gather(
                _garbage_client(port),
                _rude_client(port),
                _rude_client(port),
                _flood_client(port, 300),
                return_exceptions=True,
            )
            assert results[3] == 300
            await asyncio.sleep(0.1)
            assert sandbox.scans > scans_before
            assert sandbox.runtime.status == "RUN"
            response = await good.read_holding_registers(0, count=2)
            assert response.registers[1] == 0xFFFE

    run_async(scenario())
