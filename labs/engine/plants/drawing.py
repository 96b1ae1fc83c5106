"""Helpers that build the JSON-compatible drawing description of a plant's HMI.

The format is documented in ``docs/labs/plants.md``. A drawing is
``{"width", "height", "shapes": [...], "items": {...} | None}``. Every shape has an ``id``, a
``type`` (``rect``, ``lamp``, ``button``, ``motor``, ``valve``, ``tank``, ``sensor``,
``belt``, ``door``, ``text``, ``pipe``), a position and size in drawing units, an optional
bilingual ``label`` and an optional ``bind`` telling which variable animates it. Variables are
I/O names (``K1``) or plant quantities (``plant.level_mm``).
"""

from __future__ import annotations

from typing import Any


def shape(kind: str, sid: str, x: float, y: float, w: float, h: float, **extra: Any) -> dict:
    """One shape; ``label=(en, zh)`` becomes a bilingual label."""
    out: dict[str, Any] = {"id": sid, "type": kind, "x": x, "y": y, "w": w, "h": h}
    label = extra.pop("label", None)
    if label is not None:
        out["label"] = {"en": label[0], "zh": label[1]}
    out.update(extra)
    return out


def lamp(sid: str, x: float, y: float, var: str, color: str, label: tuple[str, str]) -> dict:
    """A pilot lamp lit while ``var`` is TRUE."""
    return shape("lamp", sid, x, y, 24, 24, label=label, color=color, bind={"on": var})


def button(sid: str, x: float, y: float, var: str, color: str, label: tuple[str, str]) -> dict:
    """A panel push-button; clicking it presses the operator input ``var``."""
    return shape("button", sid, x, y, 36, 36, label=label, color=color, bind={"press": var})


def sensor(sid: str, x: float, y: float, var: str, label: tuple[str, str]) -> dict:
    """A sensor symbol highlighted while the input ``var`` is TRUE."""
    return shape("sensor", sid, x, y, 16, 16, label=label, bind={"on": var})


def motor(sid: str, x: float, y: float, speed_var: str, label: tuple[str, str]) -> dict:
    """A motor symbol whose rotor turns at the speed of ``speed_var`` (rpm)."""
    return shape("motor", sid, x, y, 60, 60, label=label, bind={"speed": speed_var, "max": 1500})


def drawing(width: int, height: int, shapes: list[dict], items: dict | None = None) -> dict:
    """The complete drawing description."""
    return {"width": width, "height": height, "shapes": shapes, "items": items}
