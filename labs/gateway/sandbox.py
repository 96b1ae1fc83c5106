"""A running sandbox: one PLC runtime (and optionally its plant) scanned in real time.

Protocol servers never touch the runtime in the middle of a scan: they read ``image`` (a copy
of the process image taken after the last scan) and queue writes, which are applied before the
next scan. Everything runs on one asyncio event loop, so no locks are needed.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from labs.engine import Runtime
from labs.engine.plants import Plant, PlantError
from labs.engine.plants.base import BilingualError
from labs.engine.plants.simulation import PlantSimulation

logger = logging.getLogger(__name__)

ADDRESS = re.compile(r"^%([IQM])([XWDB])(\d+)(?:\.(\d+))?$", re.IGNORECASE)
MAX_PENDING = 10_000


class GatewayError(BilingualError):
    """A rejected protocol request."""


@dataclass(frozen=True)
class Point:
    """A located variable as a protocol sees it."""

    address: str
    name: str
    type: str
    direction: str
    unit: str = ""
    en: str = ""
    zh: str = ""
    writable: bool = False


def parse_address(address: str) -> tuple[str, str, int, int]:
    """``%QX1.2`` -> ``("Q", "X", 1, 2)``; GatewayError for anything else."""
    m = ADDRESS.match(address.strip())
    if not m:
        raise GatewayError(f"Not an IEC address: {address!r}.", f"不是 IEC 地址：{address!r}。")
    area, size, index, bit = m.groups()
    return area.upper(), size.upper(), int(index), int(bit or 0)


class Sandbox:
    """A PLC program with an optional plant, run in real time for protocol clients."""

    def __init__(
        self, program: Any, *, plant: Plant | None = None, scan_ms: int = 10, name: str = "sandbox"
    ) -> None:
        self.name = name
        self.scan_ms = scan_ms
        self.runtime = Runtime(program, scan_ms=scan_ms)
        self.plant = plant
        self.sim = PlantSimulation(self.runtime, plant) if plant is not None else None
        self.pending: list[tuple[str, str, Any]] = []
        self.image: dict[str, Any] = dict(self.runtime.image())
        self.scans = 0
        self.overruns = 0
        self.listeners: list[Callable[[Sandbox], None]] = []
        self.points = self._points(program)

    def _points(self, program: Any) -> dict[str, Point]:
        plant_io = {p.address.upper(): p for p in self.plant.IO} if self.plant else {}
        names: dict[str, tuple[str, str]] = {}
        for var in program.variables():
            if getattr(var, "address", None):
                names[var.address.upper()] = (var.name, var.type)
        points = {}
        for address in self.image:
            key = address.upper()
            area = parse_address(key)[0]
            io = plant_io.get(key)
            name, type_ = names.get(key, (key, "BOOL" if "X" in key[:3] else "INT"))
            if io is not None:
                name, type_ = io.name, io.type
            if area == "I":
                writable = self.plant is None or (io is not None and io.operator)
            else:
                writable = True  # outputs and memory: one-time writes, as on OpenPLC
            points[key] = Point(
                key,
                name,
                type_,
                "input" if area == "I" else "output" if area == "Q" else "memory",
                io.unit if io else "",
                io.en if io else "",
                io.zh if io else "",
                writable,
            )
        return points

    # -- writes from protocol clients ----------------------------------------------------------

    def queue_write(self, address: str, value: Any) -> None:
        """Apply ``value`` to ``address`` before the next scan; GatewayError if not allowed."""
        point = self.points.get(address.upper())
        if point is None:
            raise GatewayError(
                f"{address} is not part of this PLC's process image.",
                f"{address} 不在该 PLC 的过程映像中。",
            )
        if not point.writable:
            raise GatewayError(
                f"{point.name} ({address}) is driven by the plant and cannot be written.",
                f"{point.name}（{address}）由设备驱动，不能写入。",
            )
        if len(self.pending) >= MAX_PENDING:
            raise GatewayError("Too many pending writes.", "待处理的写入过多。")
        self.pending.append(("write", point.address, value))

    def _apply_pending(self) -> None:
        pending, self.pending = self.pending, []
        rt = self.runtime
        for _, address, value in pending:
            point = self.points[address]
            if point.direction == "input":
                if self.plant is not None:
                    try:
                        self.plant.operate(point.name, bool(value))
                    except PlantError as exc:
                        logger.info("sandbox %s: %s", self.name, exc)
                else:
                    rt.set_input(address, value)
            else:
                rt.write(address, value)

    # -- live faults (Factory I/O style) ------------------------------------------------------

    def inject_fault(self, kind: str, target: str) -> str:
        """Inject a plant fault now (between scans); returns its description in English.

        PlantError (bilingual) when there is no plant or the fault does not apply.
        """
        if self.plant is None:
            raise PlantError("This sandbox has no plant.", "该沙箱没有连接设备。")
        return self.plant.inject(kind, target).describe("en")

    def clear_fault(self, target: str | None = None) -> None:
        """Repair ``target`` (every fault when None)."""
        if self.plant is None:
            raise PlantError("This sandbox has no plant.", "该沙箱没有连接设备。")
        self.plant.clear_fault(target or None)

    # -- scanning -----------------------------------------------------------------------------

    def step(self) -> None:
        """One base tick: pending writes, the scan (and plant), then a fresh image copy."""
        if self.pending:
            self._apply_pending()
        if self.sim is not None:
            self.sim.step()
        else:
            self.runtime.scan()
        self.image = dict(self.runtime.image())
        self.scans += 1
        for listener in self.listeners:
            listener(self)

    async def run(self, stop: asyncio.Event, *, max_scans: int | None = None) -> None:
        """Scan in real time until ``stop`` is set (or ``max_scans`` scans were made).

        When the host falls behind by more than a second the schedule is reset instead of
        running a burst of catch-up scans, so a busy server slows the PLC clock down
        rather than freezing its clients.
        """
        period = self.scan_ms / 1000.0
        deadline = time.monotonic()
        while not stop.is_set() and (max_scans is None or self.scans < max_scans):
            self.step()
            deadline += period
            delay = deadline - time.monotonic()
            if delay < -1.0:
                self.overruns += 1
                deadline = time.monotonic()
                delay = 0.0
            await asyncio.sleep(max(0.0, delay))
