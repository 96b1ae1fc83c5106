"""The simulated machines of a PLC training workshop, stepped once per PLC scan.

``PLANTS`` maps each plant's name to its class; :func:`create_plant` builds one by name.
"""

from __future__ import annotations

from .base import FAULT_KINDS, FaultSpec, Plant, PlantError, PlantIO, StateVar
from .crossing import GarageDoor, TrafficLight
from .handling import Conveyor, FillingLine, Sorter
from .motors import ForwardReverse, MotorStartStop, StarDelta
from .process import Mixer, Tank

PLANTS: dict[str, type[Plant]] = {
    cls.name: cls
    for cls in (
        MotorStartStop,
        ForwardReverse,
        StarDelta,
        TrafficLight,
        Tank,
        Mixer,
        Conveyor,
        Sorter,
        GarageDoor,
        FillingLine,
    )
}


def create_plant(name: str, seed: int = 0) -> Plant:
    """A new plant called ``name`` seeded with ``seed``; PlantError for an unknown name."""
    try:
        cls = PLANTS[name]
    except KeyError:
        known = ", ".join(PLANTS)
        raise PlantError(
            f"Unknown plant {name!r}; plants: {known}.", f"未知的设备 {name!r}；可用设备：{known}。"
        ) from None
    return cls(seed=seed)


__all__ = [
    "FAULT_KINDS",
    "PLANTS",
    "FaultSpec",
    "Plant",
    "PlantError",
    "PlantIO",
    "StateVar",
    "create_plant",
]
