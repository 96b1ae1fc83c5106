"""The common machinery of every simulated plant: I/O lists, faults, panel devices, snapshots.

A plant is a small deterministic physics model stepped once per PLC base tick. It owns the
electrical value of every input it declares (sensors and panel push-buttons) and reacts to the
outputs the PLC drives. It never reads a wall clock and draws every random number from its own
seeded generator, so two runs with the same seed and the same PLC outputs are identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from .rng import SeededRandom

DIRECTIONS = ("input", "output")

FAULT_KINDS: dict[str, dict[str, str]] = {
    "stuck_on": {"en": "sensor stuck on", "zh": "传感器卡在接通状态"},
    "stuck_off": {"en": "sensor stuck off", "zh": "传感器卡在断开状态"},
    "wire_break": {"en": "wire broken", "zh": "断线"},
    "stuck": {"en": "actuator stuck", "zh": "执行器卡死"},
    "overload": {"en": "motor overload trip", "zh": "电机过载跳闸"},
}
INPUT_FAULTS = frozenset({"stuck_on", "stuck_off", "wire_break"})
OUTPUT_FAULTS = frozenset({"wire_break", "stuck"})


class BilingualError(ValueError):
    """A refused request whose message exists in English and Chinese."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.messages = {"en": en, "zh": zh}

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("en" or "zh"), English when the language is unknown."""
        return self.messages.get(lang, self.messages["en"])


class PlantError(BilingualError):
    """A bad request to a plant (unknown device, unknown fault...)."""


@dataclass(frozen=True)
class PlantIO:
    """One wire between the plant and the PLC.

    ``direction`` is seen from the PLC: an ``input`` is a sensor or a panel device read by the
    PLC, an ``output`` an actuator it drives. ``normally_closed`` marks contacts that read TRUE
    at rest (stop buttons, overload relays, safety edges), the fail-safe wiring every PLC
    course teaches.
    """

    name: str
    address: str
    direction: str
    type: str
    unit: str
    en: str
    zh: str
    normally_closed: bool = False
    operator: bool = False

    def description(self, lang: str = "en") -> str:
        """The description in ``lang`` ("en" or "zh")."""
        return self.zh if lang == "zh" else self.en

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form for pages and the OPC UA address space."""
        return {
            "name": self.name,
            "address": self.address,
            "direction": self.direction,
            "type": self.type,
            "unit": self.unit,
            "description": {"en": self.en, "zh": self.zh},
            "normally_closed": self.normally_closed,
            "operator": self.operator,
        }


@dataclass(frozen=True)
class StateVar:
    """A plant quantity that checks may use as ``plant.<name>`` and pages may animate."""

    name: str
    unit: str
    en: str
    zh: str


@dataclass(frozen=True)
class FaultSpec:
    """A fault injected into a plant: ``kind`` from :data:`FAULT_KINDS` on the I/O ``target``."""

    kind: str
    target: str

    def to_dict(self) -> dict[str, str]:
        """JSON-compatible form."""
        return {"kind": self.kind, "target": self.target}

    def describe(self, lang: str = "en") -> str:
        """Human readable form, for example ``LS_HIGH: sensor stuck on``."""
        return f"{self.target}: {FAULT_KINDS[self.kind]['zh' if lang == 'zh' else 'en']}"


def _io(name, address, direction, type_, unit, en, zh, *, nc=False, operator=False) -> PlantIO:
    return PlantIO(name, address, direction, type_, unit, en, zh, nc, operator)


def di(name: str, address: str, en: str, zh: str, *, nc: bool = False, operator: bool = False):
    """A digital input (BOOL) of the PLC."""
    return _io(name, address, "input", "BOOL", "", en, zh, nc=nc, operator=operator)


def do(name: str, address: str, en: str, zh: str) -> PlantIO:
    """A digital output (BOOL) of the PLC."""
    return _io(name, address, "output", "BOOL", "", en, zh)


def ai(name: str, address: str, unit: str, en: str, zh: str) -> PlantIO:
    """An analogue input (INT, in engineering units) of the PLC."""
    return _io(name, address, "input", "INT", unit, en, zh)


def ao(name: str, address: str, unit: str, en: str, zh: str) -> PlantIO:
    """An analogue output (INT) of the PLC, such as a counter display."""
    return _io(name, address, "output", "INT", unit, en, zh)


def start_button(address: str, name: str = "START") -> PlantIO:
    """A normally open start push-button on the operator panel."""
    return di(name, address, "Start push-button (NO)", "启动按钮（常开）", operator=True)


def stop_button(address: str, name: str = "STOP") -> PlantIO:
    """A normally closed stop push-button: TRUE at rest, FALSE when pressed (fail-safe)."""
    return di(
        name,
        address,
        "Stop push-button (NC, TRUE when not pressed)",
        "停止按钮（常闭，未按下时为 TRUE）",
        nc=True,
        operator=True,
    )


def overload_contact(address: str) -> PlantIO:
    """The normally closed auxiliary contact of a thermal overload relay."""
    return di(
        "OL",
        address,
        "Overload relay contact (NC, FALSE when tripped)",
        "热继电器触点（常闭，跳闸时为 FALSE）",
        nc=True,
    )


@dataclass
class _Faults:
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    frozen: dict[str, Any] = field(default_factory=dict)
    overload: set[str] = field(default_factory=set)


class Plant:
    """Base class of every plant; subclasses set the class attributes and write the physics.

    Subclasses implement ``_reset()`` (initial state, using ``self.rng``), ``_physics(dt_ms)``
    (advance the state using ``self.out``, the actuator values after output faults) and
    ``_sense()`` (compute the sensor values into ``self.sensors``). Every attribute named in
    ``STATE`` and every attribute set in ``_reset`` must hold JSON-compatible data so that
    :meth:`snapshot` works.
    """

    name: ClassVar[str] = ""
    title: ClassVar[dict[str, str]] = {}
    summary: ClassVar[dict[str, str]] = {}
    IO: ClassVar[tuple[PlantIO, ...]] = ()
    STATE: ClassVar[tuple[StateVar, ...]] = ()
    OVERLOAD_TARGETS: ClassVar[tuple[str, ...]] = ()
    SETTINGS: ClassVar[tuple[StateVar, ...]] = ()
    DRAWING: ClassVar[dict[str, Any]] = {}

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)
        self._by_name = {p.name.upper(): p for p in self.IO}
        self.inputs_io = tuple(p for p in self.IO if p.direction == "input")
        self.outputs_io = tuple(p for p in self.IO if p.direction == "output")
        self.reset()

    # -- life cycle ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the initial state with the original seed; faults cleared, buttons released."""
        self.rng = SeededRandom(self.seed)
        self.time_ms = 0
        self.faults = _Faults()
        self.panel = {p.name: p.normally_closed for p in self.inputs_io if p.operator}
        self.out = {p.name: (False if p.type == "BOOL" else 0) for p in self.outputs_io}
        self.sensors = {p.name: (False if p.type == "BOOL" else 0) for p in self.inputs_io}
        self._reset()
        self._sense()

    def _reset(self) -> None:
        raise NotImplementedError

    def _physics(self, dt_ms: int) -> None:
        raise NotImplementedError

    def _sense(self) -> None:
        raise NotImplementedError

    # -- the PLC side ---------------------------------------------------------------------------

    def io_points(self) -> list:
        """The I/O list as engine ``IOPoint`` objects for ``compile_program(io=...)``."""
        from labs.engine import IOPoint

        return [IOPoint(p.name, p.address, p.type) for p in self.IO]

    def io(self, name: str) -> PlantIO:
        """The I/O point called ``name`` (case-insensitive); PlantError when there is none."""
        try:
            return self._by_name[str(name).upper()]
        except KeyError:
            raise PlantError(
                f"The {self.name} plant has no I/O point called {name!r}.",
                f"{self.name} 设备没有名为 {name!r} 的 I/O 点。",
            ) from None

    def input_values(self) -> dict[str, Any]:
        """The electrical value of every input, by name, after input faults."""
        values = {**self.sensors, **self.panel}
        faults = self.faults.inputs
        if faults:
            for name, kind in faults.items():
                io = self._by_name[name.upper()]
                if kind == "stuck_on":
                    values[name] = True if io.type == "BOOL" else 32767
                else:
                    values[name] = False if io.type == "BOOL" else 0
        return values

    def step(self, dt_ms: int, outputs: dict[str, Any]) -> None:
        """Advance the plant by ``dt_ms`` with the PLC's outputs (by name) applied."""
        out = self.out
        faults = self.faults.outputs
        if not faults:
            out.update(outputs)
        else:
            for name, value in outputs.items():
                if name in faults:
                    if faults[name] == "wire_break":
                        value = False if isinstance(value, bool) else 0
                    else:
                        value = self.faults.frozen[name]
                out[name] = value
        self._physics(dt_ms)
        self.time_ms += dt_ms
        self._sense()

    # -- operators and faults ------------------------------------------------------------------

    def press(self, name: str) -> None:
        """Press the panel push-button ``name`` (an NC button opens, an NO button closes)."""
        io = self._operator(name)
        self.panel[io.name] = not io.normally_closed

    def release(self, name: str) -> None:
        """Release the panel push-button ``name``."""
        io = self._operator(name)
        self.panel[io.name] = io.normally_closed

    def operate(self, name: str, value: bool) -> None:
        """Set the electrical value of the panel device ``name`` directly."""
        io = self._operator(name)
        self.panel[io.name] = bool(value)

    def _operator(self, name: str) -> PlantIO:
        io = self.io(name)
        if not io.operator:
            raise PlantError(
                f"{io.name} is not a panel device an operator can press.",
                f"{io.name} 不是操作员可以按下的面板器件。",
            )
        return io

    def configure(self, name: str, value: float) -> None:
        """Change a plant setting of ``SETTINGS`` (an obstacle, a pedestrian rate...)."""
        for setting in self.SETTINGS:
            if setting.name == name:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise PlantError(
                        f"The setting {name} needs a number, not {value!r}.",
                        f"设置 {name} 需要一个数值，而不是 {value!r}。",
                    )
                setattr(self, name, value)
                self._sense()
                return
        known = ", ".join(s.name for s in self.SETTINGS) or "-"
        raise PlantError(
            f"The {self.name} plant has no setting {name!r} (settings: {known}).",
            f"{self.name} 设备没有设置项 {name!r}（可用：{known}）。",
        )

    def inject(self, kind: str, target: str) -> FaultSpec:
        """Inject a fault; PlantError if the kind does not apply to the target."""
        if kind not in FAULT_KINDS:
            raise PlantError(
                f"Unknown fault kind {kind!r}; known kinds: {', '.join(FAULT_KINDS)}.",
                f"未知的故障类型 {kind!r}；可用类型：{', '.join(FAULT_KINDS)}。",
            )
        io = self.io(target)
        if kind == "overload":
            if io.name not in self.OVERLOAD_TARGETS:
                raise PlantError(f"{io.name} has no overload relay.", f"{io.name} 没有过载继电器。")
            self.faults.overload.add(io.name)
        elif io.direction == "input" and kind in INPUT_FAULTS:
            self.faults.inputs[io.name] = kind
        elif io.direction == "output" and kind in OUTPUT_FAULTS:
            self.faults.outputs[io.name] = kind
            self.faults.frozen[io.name] = self.out[io.name]
        else:
            raise PlantError(
                f"A fault of kind {kind!r} cannot be injected into {io.direction} {io.name}.",
                f"不能向{'输入' if io.direction == 'input' else '输出'} {io.name} "
                f"注入 {kind!r} 类型的故障。",
            )
        spec = FaultSpec(kind, io.name)
        self._sense()
        return spec

    def clear_fault(self, target: str | None = None) -> None:
        """Clear the faults on ``target`` (all faults when None), as a technician's repair."""
        names = None if target is None else {self.io(target).name}
        for table in (self.faults.inputs, self.faults.outputs, self.faults.frozen):
            for name in list(table):
                if names is None or name in names:
                    del table[name]
        self.faults.overload = {n for n in self.faults.overload if names and n not in names}
        self._sense()

    def active_faults(self) -> list[FaultSpec]:
        """Every fault in force."""
        faults = [FaultSpec(k, n) for n, k in self.faults.inputs.items()]
        faults += [FaultSpec(k, n) for n, k in self.faults.outputs.items()]
        faults += [FaultSpec("overload", n) for n in sorted(self.faults.overload)]
        return faults

    def is_stuck(self, output: str) -> bool:
        """True when the actuator ``output`` is mechanically stuck (it does not move)."""
        return self.faults.outputs.get(output) == "stuck"

    # -- helpers for the physics ---------------------------------------------------------------

    def travel(self, output: str, position: float, target: float, full_ms: float, dt: int):
        """Move ``position`` toward ``target`` at a rate of one unit per ``full_ms``.

        A stuck actuator does not move, which is how a sticking valve behaves.
        """
        if position == target or self.faults.outputs.get(output) == "stuck":
            return position
        step = dt / full_ms
        if position < target:
            return min(target, position + step)
        if position > target:
            return max(target, position - step)
        return position

    ANALOG_MS: ClassVar[int] = 50

    def analog_due(self) -> bool:
        """True when analogue inputs refresh: every ``ANALOG_MS``, an input module's cycle."""
        return self.time_ms % self.ANALOG_MS == 0

    def noise(self, amplitude: float) -> float:
        """Seeded uniform noise in [-amplitude, amplitude]."""
        return (self.rng.random() * 2.0 - 1.0) * amplitude

    # -- introspection ------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Every public plant quantity of ``STATE`` by name."""
        return {v.name: getattr(self, v.name) for v in self.STATE}

    def view(self) -> dict[str, Any]:
        """What the HMI drawing animates: I/O values by name, plant state, moving items."""
        values = self.input_values()
        values.update(self.out)
        return {
            "t_ms": self.time_ms,
            "io": values,
            "state": self.state(),
            "items": self.items(),
            "faults": [f.to_dict() for f in self.active_faults()],
        }

    def items(self) -> list[dict[str, Any]]:
        """Moving things (boxes, bottles) for the drawing; none by default."""
        return []

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """Static, JSON-compatible description: title, I/O list, state, faults, drawing."""
        return {
            "name": cls.name,
            "title": dict(cls.title),
            "summary": dict(cls.summary),
            "io": [p.to_dict() for p in cls.IO],
            "state": [
                {"name": v.name, "unit": v.unit, "description": {"en": v.en, "zh": v.zh}}
                for v in cls.STATE
            ],
            "overload_targets": list(cls.OVERLOAD_TARGETS),
            "settings": [
                {"name": v.name, "unit": v.unit, "description": {"en": v.en, "zh": v.zh}}
                for v in cls.SETTINGS
            ],
            "drawing": cls.DRAWING,
        }

    # -- snapshot -----------------------------------------------------------------------------

    _BASE_FIELDS = ("time_ms", "panel", "out", "sensors")

    def snapshot(self) -> dict[str, Any]:
        """The whole plant state as JSON-compatible data."""
        own = {
            k: v
            for k, v in vars(self).items()
            if not k.startswith("_") and k not in ("rng", "faults", "inputs_io", "outputs_io")
        }
        return {
            "plant": self.name,
            "fields": own,
            "rng": self.rng.state,
            "faults": {
                "inputs": dict(self.faults.inputs),
                "outputs": dict(self.faults.outputs),
                "frozen": dict(self.faults.frozen),
                "overload": sorted(self.faults.overload),
            },
        }

    @classmethod
    def restore(cls, snap: dict[str, Any]) -> Plant:
        """A plant in exactly the state of ``snap`` (from :meth:`snapshot`)."""
        plant = cls(seed=snap["fields"].get("seed", 0))
        for key, value in snap["fields"].items():
            setattr(plant, key, _copy(value))
        plant.rng = SeededRandom.from_state(snap["rng"])
        faults = snap["faults"]
        plant.faults = _Faults(
            dict(faults["inputs"]),
            dict(faults["outputs"]),
            dict(faults["frozen"]),
            set(faults["overload"]),
        )
        return plant


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
