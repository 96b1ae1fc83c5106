"""Modbus TCP access to a sandbox with OpenPLC's address map (pymodbus SimDevice datastore).

OpenPLC map: coils ``n`` = ``%QX(n // 8).(n % 8)``; discrete inputs the same for ``%IX``;
input registers ``n`` = ``%IWn``; holding registers 0-1023 = ``%QWn``, 1024-2047 =
``%MW(n-1024)``, 2048.. = ``%MD((n-2048) // 2)``, high word first. The image of each area runs
from its first address to the highest located one (holes inside read 0 and ignore writes, as
unlocated addresses do on OpenPLC); anything beyond gets exception 02 (illegal data address),
to the bit for coils and discrete inputs. Writes are queued on the sandbox and applied before
the next scan.
"""

from __future__ import annotations

import logging
import struct
from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.pdu.bit_message import (
    ReadCoilsRequest,
    ReadDiscreteInputsRequest,
    WriteMultipleCoilsRequest,
    WriteSingleCoilRequest,
)
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice

from .sandbox import GatewayError, Sandbox, parse_address

logger = logging.getLogger(__name__)

MW_BASE = 1024
MD_BASE = 2048
READ_COILS, READ_DI, READ_HR, READ_IR = 1, 2, 3, 4
WRITE_COIL, WRITE_REG, WRITE_COILS, WRITE_REGS = 5, 6, 15, 16
_BLOCK = {1: "c", 5: "c", 15: "c", 2: "d", 3: "h", 6: "h", 16: "h", 22: "h", 23: "h", 4: "i"}


class ModbusMap:
    """The Modbus view of one sandbox's process image."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.coils: dict[int, str] = {}
        self.discrete: dict[int, str] = {}
        self.input_regs: dict[int, str] = {}
        self.holding: dict[int, tuple[str, int]] = {}  # register -> (address, word 0 high/1 low)
        for address in sandbox.points:
            area, size, index, bit = parse_address(address)
            if size == "X" and area in "QI":
                (self.coils if area == "Q" else self.discrete)[index * 8 + bit] = address
            elif area == "I" and size == "W":
                self.input_regs[index] = address
            elif area == "Q" and size == "W" and index < MW_BASE:
                self.holding[index] = (address, 0)
            elif area == "M" and size == "W" and index < MD_BASE - MW_BASE:
                self.holding[MW_BASE + index] = (address, 0)
            elif area == "M" and size == "D":
                self.holding[MD_BASE + 2 * index] = (address, 0)
                self.holding[MD_BASE + 2 * index + 1] = (address, 1)
        self.coil_count = max(self.coils) + 1 if self.coils else 0
        self.discrete_count = max(self.discrete) + 1 if self.discrete else 0
        self.ranges = {
            "c": [(0, self.coil_count)] if self.coils else [],
            "d": [(0, self.discrete_count)] if self.discrete else [],
            "i": [(0, max(self.input_regs) + 1)] if self.input_regs else [],
            "h": _holding_ranges(self.holding),
        }

    def device(self) -> SimDevice:
        """A pymodbus device with four separate blocks sized like the image.

        Bit blocks are whole 16-bit words (the datastore's granularity); the requests from
        :func:`bounded_bit_requests` cut them to the exact bit.
        """

        def bits(count: int) -> list[SimData]:
            words = max(1, -(-count // 16))
            return [SimData(0, count=16 * words, values=False, datatype=DataType.BITS)]

        def regs(ranges: list[tuple[int, int]]) -> list[SimData]:
            if not ranges:
                return [SimData(0, count=1, datatype=DataType.INVALID)]
            return [
                SimData(lo, count=hi - lo, values=0, datatype=DataType.REGISTERS)
                for lo, hi in ranges
            ]

        return SimDevice(
            id=0,
            simdata=(
                bits(self.coil_count),
                bits(self.discrete_count),
                regs(self.ranges["h"]),
                regs(self.ranges["i"]),
            ),
            action=self.action,
        )

    def in_image(self, block: str, address: int, count: int) -> bool:
        """True when ``count`` items from ``address`` all lie inside the image."""
        return any(lo <= address and address + count <= hi for lo, hi in self.ranges[block])

    async def action(
        self,
        function_code: int,
        start_address: int,
        address: int,
        count: int,
        registers: list[int],
        set_values: list[int] | list[bool] | None,
    ) -> ExcCodes | None:
        """pymodbus hook: range check, refresh from the image, queue writes."""
        block = _BLOCK.get(function_code)
        if block is None:
            return ExcCodes.ILLEGAL_FUNCTION
        if block in "cd":
            # for bit blocks pymodbus passes the number of 16-bit words touched, so the
            # exact bit count is checked by bounded_bit_requests; this is a second line
            n = len(set_values) if set_values else 1
            if not self.in_image(block, address, n):
                return ExcCodes.ILLEGAL_ADDRESS
            if set_values:
                return self._write_coils(address, set_values)
            self._refresh_bits(block, address // 16, count, start_address, registers)
            return None
        if not self.in_image(block, address, count):
            return ExcCodes.ILLEGAL_ADDRESS
        if set_values:
            return self._write_registers(address, list(set_values))
        self._refresh_regs(block, address, count, start_address, registers)
        return None

    def _refresh_bits(self, block, first_word, words, start, registers) -> None:
        table = self.coils if block == "c" else self.discrete
        image = self.sandbox.image
        for w in range(first_word, first_word + words):
            value = 0
            for i in range(16):
                address = table.get(w * 16 + i)
                if address is not None and image.get(address):
                    value |= 1 << i
            registers[w - start] = value

    def _refresh_regs(self, block, address, count, start, registers) -> None:
        image = self.sandbox.image
        for reg in range(address, address + count):
            if block == "i":
                registers[reg - start] = _to_u16(image.get(self.input_regs.get(reg, ""), 0))
                continue
            located = self.holding.get(reg)
            if located is None:
                registers[reg - start] = 0
                continue
            name, half = located
            value = image.get(name, 0)
            if name[2] == "D":
                raw = _to_u32(value)
                registers[reg - start] = (raw >> 16) & 0xFFFF if half == 0 else raw & 0xFFFF
            else:
                registers[reg - start] = _to_u16(value)

    def _write_coils(self, address: int, values: list) -> ExcCodes | None:
        try:
            for i, value in enumerate(values):
                target = self.coils.get(address + i)
                if target is not None:
                    self.sandbox.queue_write(target, bool(value))
        except GatewayError as exc:
            logger.info("modbus write refused: %s", exc)
            return ExcCodes.ILLEGAL_ADDRESS
        return None

    def _write_registers(self, address: int, values: list[int]) -> ExcCodes | None:
        image = self.sandbox.image
        doubles: dict[str, list[int | None]] = {}
        try:
            for i, raw in enumerate(values):
                located = self.holding.get(address + i)
                if located is None:
                    continue
                name, half = located
                if name[2] == "D":
                    doubles.setdefault(name, [None, None])[half] = raw & 0xFFFF
                    continue
                point = self.sandbox.points[name]
                self.sandbox.queue_write(name, _from_u16(raw, point.type))
            for name, (high, low) in doubles.items():
                current = _to_u32(image.get(name, 0))
                high = (current >> 16) & 0xFFFF if high is None else high
                low = current & 0xFFFF if low is None else low
                point = self.sandbox.points[name]
                self.sandbox.queue_write(name, _from_u32((high << 16) | low, point.type))
        except GatewayError as exc:
            logger.info("modbus write refused: %s", exc)
            return ExcCodes.ILLEGAL_ADDRESS
        return None


def bounded_bit_requests(image: ModbusMap) -> list[type[ModbusPDU]]:
    """Request classes for FC 1, 2, 5 and 15 that answer exception 02 past the image's last bit.

    The SimDevice action hook learns only how many 16-bit words a bit read touches, so it
    cannot tell the last declared coil from the next one in the same word. These subclasses
    of pymodbus' own requests, registered with the server's ``custom_pdu``, check the
    request's exact address and quantity before the datastore sees it.
    """

    class BoundedReadCoils(ReadCoilsRequest):
        async def datastore_update(self, context, device_id: int) -> ModbusPDU:
            block = "c" if self.function_code == READ_COILS else "d"
            if not image.in_image(block, self.address, self.count):
                return ExceptionResponse(self.function_code, ExcCodes.ILLEGAL_ADDRESS)
            return await super().datastore_update(context, device_id)

    class BoundedReadDiscreteInputs(BoundedReadCoils):
        function_code = ReadDiscreteInputsRequest.function_code

    class BoundedWriteCoil(WriteSingleCoilRequest):
        async def datastore_update(self, context, device_id: int) -> ModbusPDU:
            if not image.in_image("c", self.address, 1):
                return ExceptionResponse(self.function_code, ExcCodes.ILLEGAL_ADDRESS)
            return await super().datastore_update(context, device_id)

    class BoundedWriteCoils(WriteMultipleCoilsRequest):
        async def datastore_update(self, context, device_id: int) -> ModbusPDU:
            # a byte count that disagrees with the quantity or the data is exception 03,
            # which Modbus answers before 02; the base class does that check
            well_formed = self.byte_count is None or (
                self.byte_count == (self.count + 7) // 8 == self.data_byte_count
            )
            if well_formed and not image.in_image("c", self.address, self.count):
                return ExceptionResponse(self.function_code, ExcCodes.ILLEGAL_ADDRESS)
            return await super().datastore_update(context, device_id)

    return [BoundedReadCoils, BoundedReadDiscreteInputs, BoundedWriteCoil, BoundedWriteCoils]


def _holding_ranges(holding: dict[int, Any]) -> list[tuple[int, int]]:
    ranges = []
    for lo, hi in ((0, MW_BASE), (MW_BASE, MD_BASE), (MD_BASE, 65536)):
        inside = [r for r in holding if lo <= r < hi]
        if inside:
            ranges.append((lo, max(inside) + 1))
    return ranges


def _to_u16(value: Any) -> int:
    if isinstance(value, float):
        value = round(value)
    return int(value) & 0xFFFF


def _to_u32(value: Any) -> int:
    if isinstance(value, float):
        return struct.unpack(">I", struct.pack(">f", value))[0]
    return int(value) & 0xFFFFFFFF


def _from_u16(raw: int, type_: str) -> int:
    if type_.upper() in ("INT", "SINT") and raw >= 0x8000:
        return raw - 0x10000
    return raw


def _from_u32(raw: int, type_: str) -> int | float:
    type_ = type_.upper()
    if type_ == "REAL":
        return struct.unpack(">f", struct.pack(">I", raw))[0]
    if type_ in ("DINT", "INT") and raw >= 0x80000000:
        return raw - 0x100000000
    return raw


class ModbusGateway:
    """A Modbus TCP server bound to one sandbox."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 5020) -> None:
        self.map = ModbusMap(sandbox)
        self.server = ModbusTcpServer(
            self.map.device(), address=(host, port), custom_pdu=bounded_bit_requests(self.map)
        )

    async def start(self) -> None:
        """Listen in the background on the running event loop."""
        await self.server.serve_forever(background=True)

    async def stop(self) -> None:
        """Close the listener and every client connection."""
        await self.server.shutdown()
