"""OPC UA access to sandboxes (asyncua): one server process, one namespace and folder each.

Under ``Objects/<sandbox>`` every located variable is a node named after its I/O name, with its
IEC address, description (English, and Chinese in ``DescriptionZh``) and engineering units
(OPC UA Part 8 ``EUInformation``, UNECE codes). Plant quantities sit under
``Objects/<sandbox>/Plant`` and the PLC state in ``Objects/<sandbox>/Status``. Inputs an
operator may touch (panel push-buttons; every input when there is no plant), outputs and memory
are writable; a client's write is applied before the sandbox's next scan.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from asyncua import Server, ua
from asyncua.common.callback import CallbackType

from labs.engine.plants import PlantError

from .sandbox import GatewayError, Sandbox

logger = logging.getLogger(__name__)
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

VARIANTS = {
    "BOOL": ua.VariantType.Boolean,
    "SINT": ua.VariantType.SByte,
    "INT": ua.VariantType.Int16,
    "DINT": ua.VariantType.Int32,
    "LINT": ua.VariantType.Int64,
    "USINT": ua.VariantType.Byte,
    "BYTE": ua.VariantType.Byte,
    "UINT": ua.VariantType.UInt16,
    "WORD": ua.VariantType.UInt16,
    "UDINT": ua.VariantType.UInt32,
    "DWORD": ua.VariantType.UInt32,
    "REAL": ua.VariantType.Float,
    "LREAL": ua.VariantType.Double,
}
# UNECE Recommendation 20 common codes, as OPC UA Part 8 5.6.3 asks for EUInformation.UnitId.
UNECE = {
    "mm": ("MMT", "millimetre"),
    "L": ("LTR", "litre"),
    "g": ("GRM", "gram"),
    "rpm": ("RPM", "revolutions per minute"),
    "%": ("P1", "percent"),
    "s": ("SEC", "second"),
    "°C": ("CEL", "degree Celsius"),
    "0.1 °C": ("CEL", "0.1 degree Celsius"),
    "m": ("MTR", "metre"),
}


def _unit_id(code: str) -> int:
    value = 0
    for ch in code:
        value = (value << 8) | ord(ch)
    return value


@dataclass
class _Hosted:
    sandbox: Sandbox
    namespace: int
    folder: Any
    nodes: dict[str, Any] = field(default_factory=dict)  # address or plant.x -> node
    pushed: dict[str, Any] = field(default_factory=dict)


class OpcUaGateway:
    """An OPC UA server hosting any number of sandboxes."""

    def __init__(self, endpoint: str = "opc.tcp://127.0.0.1:4840", *, sync_ms: int = 50) -> None:
        self.endpoint = endpoint
        self.sync_ms = sync_ms
        self.server = Server()
        self.hosted: dict[str, _Hosted] = {}
        self._by_node: dict[ua.NodeId, tuple[str, str]] = {}
        self._sync_task: asyncio.Task | None = None

    async def start(self) -> None:
        """Initialise the address space and listen on the endpoint."""
        await self.server.init()
        self.server.set_endpoint(self.endpoint)
        self.server.set_server_name("PLC training sandboxes")
        self.server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        self.server.subscribe_server_callback(CallbackType.PostWrite, self._on_write)
        await self.server.start()
        self._sync_task = asyncio.create_task(self._sync_loop())

    async def stop(self) -> None:
        """Stop syncing and close the server."""
        if self._sync_task is not None:
            self._sync_task.cancel()
            await asyncio.gather(self._sync_task, return_exceptions=True)
        await self.server.stop()

    async def add_sandbox(self, name: str, sandbox: Sandbox) -> int:
        """Publish ``sandbox`` under ``Objects/<name>``; returns its namespace index."""
        if not _NAME.fullmatch(name):
            raise GatewayError(
                f"Sandbox name {name!r}: use 1-64 letters, digits, '_' or '-'.",
                f"沙箱名称 {name!r} 无效：只能用 1-64 个字母、数字、'_' 或 '-'。",
            )
        if name in self.hosted:
            raise GatewayError(f"Sandbox {name!r} is already hosted.", f"沙箱 {name!r} 已存在。")
        ns = await self.server.register_namespace(f"urn:plc-labs:sandbox:{name}")
        objects = self.server.nodes.objects
        folder = await objects.add_folder(ua.NodeId(name, ns), ua.QualifiedName(name, ns))
        hosted = _Hosted(sandbox, ns, folder)
        for point in sandbox.points.values():
            value = sandbox.image.get(point.address)
            node = await self._variable(
                folder,
                ns,
                f"{name}.{point.name}",
                point.name,
                value,
                point.type,
                point.unit,
                point.en,
                point.zh,
            )
            await node.add_property(ns, "Address", point.address)
            if point.writable:
                await node.set_writable(True)
            hosted.nodes[point.address] = node
            self._by_node[node.nodeid] = (name, point.address)
        status = await folder.add_variable(
            ua.NodeId(f"{name}.Status", ns), ua.QualifiedName("Status", ns), sandbox.runtime.status
        )
        hosted.nodes["status"] = status
        if sandbox.plant is not None:
            plant_folder = await folder.add_folder(
                ua.NodeId(f"{name}.Plant", ns), ua.QualifiedName("Plant", ns)
            )
            for var in sandbox.plant.STATE:
                value = getattr(sandbox.plant, var.name)
                type_ = "BOOL" if isinstance(value, bool) else "LREAL"
                node = await self._variable(
                    plant_folder,
                    ns,
                    f"{name}.Plant.{var.name}",
                    var.name,
                    value,
                    type_,
                    var.unit,
                    var.en,
                    var.zh,
                )
                hosted.nodes[f"plant.{var.name}"] = node
        if sandbox.plant is not None:
            await self._fault_methods(folder, ns, name, sandbox)
        self.hosted[name] = hosted
        return ns

    async def _fault_methods(self, folder: Any, ns: int, name: str, sandbox: Sandbox) -> None:
        """``InjectFault(kind, target)`` and ``ClearFault(target)``; both return a message."""

        def inject(_parent, kind, target):
            try:
                text = sandbox.inject_fault(str(kind.Value), str(target.Value))
            except PlantError as exc:
                text = f"{exc.message('en')} / {exc.message('zh')}"
            return [ua.Variant(text, ua.VariantType.String)]

        def clear(_parent, target):
            try:
                sandbox.clear_fault(str(target.Value) or None)
                text = "cleared / 已清除"
            except PlantError as exc:
                text = f"{exc.message('en')} / {exc.message('zh')}"
            return [ua.Variant(text, ua.VariantType.String)]

        string = ua.VariantType.String
        await folder.add_method(
            ua.NodeId(f"{name}.InjectFault", ns),
            ua.QualifiedName("InjectFault", ns),
            inject,
            [string, string],
            [string],
        )
        await folder.add_method(
            ua.NodeId(f"{name}.ClearFault", ns),
            ua.QualifiedName("ClearFault", ns),
            clear,
            [string],
            [string],
        )

    async def remove_sandbox(self, name: str) -> None:
        """Take a sandbox's folder out of the address space."""
        hosted = self.hosted.pop(name, None)
        if hosted is None:
            return
        for node in hosted.nodes.values():
            self._by_node.pop(node.nodeid, None)
        await self.server.delete_nodes([hosted.folder], recursive=True)

    async def _variable(self, parent, ns, node_id, browse, value, type_, unit, en, zh):
        variant = VARIANTS.get(type_.upper(), ua.VariantType.Int32)
        node = await parent.add_variable(
            ua.NodeId(node_id, ns), ua.QualifiedName(browse, ns), _cast(value, type_), variant
        )
        if en:
            await node.write_attribute(
                ua.AttributeIds.Description, ua.DataValue(ua.Variant(ua.LocalizedText(en, "en")))
            )
        if zh:
            await node.add_property(ns, "DescriptionZh", ua.LocalizedText(zh, "zh-Hans"))
        if unit:
            code, label = UNECE.get(unit, ("", unit))
            info = ua.EUInformation(
                NamespaceUri="http://www.opcfoundation.org/UA/units/un/cefact",
                UnitId=_unit_id(code) if code else -1,
                DisplayName=ua.LocalizedText(unit),
                Description=ua.LocalizedText(label),
            )
            await node.add_property(ns, "EngineeringUnits", info)
        return node

    def _on_write(self, event: Any, _dispatcher: Any = None) -> None:
        params = event.request_params
        results = event.response_params or []
        for i, item in enumerate(params.NodesToWrite):
            if item.AttributeId != ua.AttributeIds.Value:
                continue
            if i < len(results) and not results[i].is_good():
                continue
            target = self._by_node.get(item.NodeId)
            if target is None or target[0] not in self.hosted:
                continue
            hosted = self.hosted[target[0]]
            value = item.Value.Value.Value
            try:
                hosted.sandbox.queue_write(target[1], value)
            except GatewayError as exc:
                logger.info("opc ua write refused: %s", exc)
            hosted.pushed[target[1]] = value

    async def _sync_loop(self) -> None:
        while True:
            for hosted in list(self.hosted.values()):
                await self._sync(hosted)
            await asyncio.sleep(self.sync_ms / 1000.0)

    async def _sync(self, hosted: _Hosted) -> None:
        """Push every value that changed since the last push."""
        sandbox = hosted.sandbox
        changes: list[tuple[str, Any, str]] = []
        for address, value in sandbox.image.items():
            point = sandbox.points.get(address.upper())
            if point is not None:
                changes.append((point.address, value, point.type))
        changes.append(("status", sandbox.runtime.status, "STRING"))
        if sandbox.plant is not None:
            for var in sandbox.plant.STATE:
                value = getattr(sandbox.plant, var.name)
                changes.append(
                    (f"plant.{var.name}", value, "BOOL" if isinstance(value, bool) else "LREAL")
                )
        for key, value, type_ in changes:
            if key in hosted.pushed and hosted.pushed[key] == value:
                continue
            node = hosted.nodes.get(key)
            if node is None:
                continue
            variant = VARIANTS.get(type_.upper(), ua.VariantType.String)
            await self.server.write_attribute_value(
                node.nodeid, ua.DataValue(ua.Variant(_cast(value, type_), variant))
            )
            hosted.pushed[key] = value


def _cast(value: Any, type_: str) -> Any:
    type_ = type_.upper()
    if type_ == "BOOL":
        return bool(value)
    if type_ in ("REAL", "LREAL"):
        return float(value or 0.0)
    if type_ == "STRING":
        return str(value)
    return int(value or 0)
