"""Grade a learner's Structured Text program against a plant's scenarios.

:func:`grade` never raises on a bad program: compile errors, PLC faults (watchdog...) and
malformed scenarios all come back as data in a :class:`GradeResult`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from itertools import compress
from operator import ne
from typing import Any

from .plants import PLANTS, Plant, PlantError, create_plant
from .plants.simulation import PlantSimulation
from .scenarios import (
    Check,
    Scenario,
    ScenarioError,
    compile_any,
    compile_condition,
    condition_variables,
    format_value,
    message_variables,
    parse_scenario,
    render_message,
)

logger = logging.getLogger(__name__)
LANGS = ("en", "zh")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check; ``t_ms`` and ``values`` describe the first failure."""

    id: str
    kind: str
    passed: bool
    weight: float = 1.0
    t_ms: int | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    messages: Mapping[str, str] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        """What went wrong, in ``lang`` (empty when the check passed)."""
        return self.messages.get(lang, self.messages.get("en", ""))

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-compatible form in one language."""
        return {
            "id": self.id,
            "kind": self.kind,
            "passed": self.passed,
            "weight": self.weight,
            "t_ms": self.t_ms,
            "values": dict(self.values),
            "message": self.message(lang),
        }


@dataclass(frozen=True)
class ScenarioResult:
    """Every check of one scenario, the PLC fault if any, and a compact trace to plot.

    ``trace`` maps each signal to its change points ``[[t_ms, value], ...]``.
    """

    name: str
    title: Mapping[str, str]
    checks: tuple[CheckResult, ...]
    fault: Mapping[str, Any] | None = None
    trace: Mapping[str, list] = field(default_factory=dict)
    duration_ms: int = 0
    error: Mapping[str, str] | None = None

    @property
    def passed(self) -> bool:
        """True when every check passed and the PLC never faulted."""
        return self.error is None and self.fault is None and all(c.passed for c in self.checks)

    def first_failure(self) -> CheckResult | None:
        """The failed check that failed earliest."""
        failed = [c for c in self.checks if not c.passed]
        return min(failed, key=lambda c: (c.t_ms is None, c.t_ms or 0), default=None)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-compatible form in one language."""
        first = self.first_failure()
        return {
            "name": self.name,
            "title": self.title.get(lang, self.title.get("en", self.name)),
            "passed": self.passed,
            "duration_ms": self.duration_ms,
            "checks": [c.to_dict(lang) for c in self.checks],
            "first_failure": None if first is None else first.to_dict(lang),
            "fault": None
            if self.fault is None
            else {**self.fault[lang], "t_ms": self.fault["t_ms"]},
            "error": None if self.error is None else self.error.get(lang),
            "trace": {k: list(v) for k, v in self.trace.items()},
        }


@dataclass(frozen=True)
class GradeResult:
    """The grade of one submission: score 0-100, per-scenario results or compile errors."""

    plant: str
    scenarios: tuple[ScenarioResult, ...] = ()
    diagnostics: tuple[Mapping[str, Any], ...] = ()
    error: Mapping[str, str] | None = None

    @property
    def compiled(self) -> bool:
        """False when the program did not compile."""
        return not self.diagnostics

    @property
    def passed(self) -> bool:
        """True when the program compiled and every scenario passed."""
        return (
            self.compiled
            and self.error is None
            and bool(self.scenarios)
            and all(s.passed for s in self.scenarios)
        )

    @property
    def score(self) -> float:
        """Weighted share of passed checks, 0-100; a faulted scenario scores zero."""
        total = passed = 0.0
        for scenario in self.scenarios:
            for check in scenario.checks:
                total += check.weight
                if check.passed and scenario.fault is None:
                    passed += check.weight
        return round(100.0 * passed / total, 1) if total else 0.0

    def messages(self, lang: str = "en") -> list[str]:
        """Every failure message, compile errors first."""
        out = [d[lang]["message"] for d in self.diagnostics]
        if self.error:
            out.append(self.error[lang])
        for scenario in self.scenarios:
            if scenario.error:
                out.append(scenario.error[lang])
            if scenario.fault:
                out.append(str(scenario.fault[lang].get("message", "")))
            out += [c.message(lang) for c in scenario.checks if not c.passed]
        return out

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-compatible form in one language."""
        return {
            "plant": self.plant,
            "passed": self.passed,
            "score": self.score,
            "compiled": self.compiled,
            "diagnostics": [d[lang] for d in self.diagnostics],
            "error": None if self.error is None else self.error[lang],
            "scenarios": [s.to_dict(lang) for s in self.scenarios],
        }


# -- packaged scenario sets and reference solutions -----------------------------------------------


def _library(name: str) -> str:
    return resources.files("labs.engine.plants").joinpath("library", name).read_text("utf-8")


def scenario_documents(plant: str) -> list[dict[str, Any]]:
    """The raw scenario documents shipped with ``plant``."""
    return json.loads(_library(f"{plant}.json"))["scenarios"]


def load_scenarios(plant: str) -> list[Scenario]:
    """The validated scenario set shipped with ``plant``."""
    cls = PLANTS[plant]
    return [parse_scenario(doc, cls) for doc in scenario_documents(plant)]


def reference_solution(plant: str) -> str:
    """The Structured Text reference solution shipped with ``plant``."""
    return _library(f"{plant}.st")


# -- grading -------------------------------------------------------------------------------------


def grade(
    source: str,
    plant: str,
    scenarios: Sequence[Scenario | Mapping[str, Any]] | None = None,
    *,
    limits: Any = None,
    trace_ms: int = 50,
) -> GradeResult:
    """Compile ``source`` with the plant's I/O predeclared and run it through ``scenarios``.

    ``scenarios`` defaults to the set shipped with the plant; documents are validated here.
    """
    from . import CompileError, compile_program

    if plant not in PLANTS:
        err = PlantError(f"Unknown plant {plant!r}.", f"未知的设备 {plant!r}。")
        return GradeResult(plant=plant, error=err.messages)
    cls = PLANTS[plant]
    try:
        if scenarios is None:
            parsed = load_scenarios(plant)
        else:
            parsed = [s if isinstance(s, Scenario) else parse_scenario(s, cls) for s in scenarios]
    except ScenarioError as exc:
        return GradeResult(plant=plant, error=exc.messages)
    try:
        program = compile_program(source, io=cls(seed=0).io_points(), limits=limits)
    except CompileError as exc:
        return GradeResult(
            plant=plant,
            diagnostics=tuple({lang: d.to_dict(lang) for lang in LANGS} for d in exc.diagnostics),
        )
    results = tuple(run_scenario(program, plant, s, trace_ms=trace_ms) for s in parsed)
    return GradeResult(plant=plant, scenarios=results)


class _Eval:
    """The running state of one check during a scenario."""

    __slots__ = ("check", "cond", "done", "end", "extra", "passed", "start", "t_ms", "values")

    def __init__(self, check: Check, cond: Callable[[], bool]) -> None:
        self.check = check
        self.cond = cond
        self.done = False
        self.passed = False
        self.t_ms: int | None = None
        self.values: dict[str, Any] = {}
        self.start = 0
        self.end = 0
        self.extra: dict[str, Any] = {}


def run_scenario(
    program: Any, plant_name: str, scenario: Scenario, *, trace_ms: int = 50
) -> ScenarioResult:
    """Run one scenario against a compiled program; never raises on program behaviour."""
    from . import AccessError, Runtime

    plant = create_plant(plant_name, seed=scenario.seed)
    runtime = Runtime(program, scan_ms=scenario.scan_ms)
    sim = PlantSimulation(runtime, plant)
    try:
        for key, value in scenario.settings.items():
            plant.configure(key, value)
    except PlantError as exc:
        return ScenarioResult(scenario.name, scenario.title, (), error=exc.messages)

    getters: dict[str, Callable[[], Any]] = {}
    missing: list[str] = []
    io_names = {p.name.upper(): p for p in plant.IO}
    io_names.update({p.address.upper(): p for p in plant.IO})

    def getter(name: str) -> Callable[[], Any]:
        if name in getters:
            return getters[name]
        io = io_names.get(name.upper())
        # partials of built-ins: a check reads its variables without a Python frame each
        if name.startswith("plant."):
            fn = partial(getattr, plant, name[6:])
        elif io is not None and io.direction == "input":
            fn = partial(sim.inputs.get, io.name)
        elif io is not None:
            fn = partial(sim.outputs.__getitem__, io.name)
        else:
            try:
                runtime.read(name)
            except (KeyError, LookupError, ValueError, TypeError):
                missing.append(name)
                fn = lambda: None
            else:
                fn = partial(runtime.read, name)
        getters[name] = fn
        return fn

    def read(name: str) -> Any:
        return (getters.get(name) or getter(name))()

    evals = []
    for check in scenario.checks:
        for var in condition_variables(check.expect) + message_variables(check):
            getter(var)
        # an invariant needs only its violation: the condition for "never", its negation
        # for "always"
        negate = check.kind == "always"
        evals.append(_Eval(check, compile_condition(check.expect, getter, negate=negate)))
    if missing:
        error = {
            "en": f"Variables not found in the program: {', '.join(missing)}.",
            "zh": f"程序中找不到变量：{', '.join(missing)}。",
        }
        return ScenarioResult(scenario.name, scenario.title, (), error=error)

    scan = scenario.scan_ms
    duration = scenario.duration_ms
    event_times: dict[str, int] = {}
    schedule: dict[int, list[Callable[[], None]]] = {}
    error: dict[str, str] | None = None

    def at(t: int, fn: Callable[[], None]) -> None:
        schedule.setdefault(-(-t // scan) * scan, []).append(fn)

    for event in scenario.events:
        t = -(-event.t_ms // scan) * scan
        if event.id:
            event_times[event.id] = t
        at(t, _event_action(plant, runtime, event))
        if event.action == "press":
            at(t + event.hold_ms, lambda e=event: plant.release(e.target))
    for ev in evals:
        c = ev.check
        if c.kind == "within":
            ev.start = event_times[c.after]
            ev.end = ev.start + c.within_ms
        elif c.kind in ("always", "never"):
            ev.start = c.from_ms
            ev.end = duration if c.until_ms is None else c.until_ms
        elif c.kind == "at":
            ev.start = ev.end = -(-(c.t_ms or 0) // scan) * scan
        else:
            ev.start = ev.end = duration - scan

    trace_names = list(scenario.trace) or [p.name for p in plant.IO]
    trace: dict[str, list] = {name: [] for name in trace_names}
    traced = [(getter(name), trace[name]) for name in trace_names]
    trace_every = max(1, trace_ms // scan)
    # When every traced signal is a BOOL or integer I/O point, equal values are the same
    # values, so a sample equal to the previous one adds no change point and is skipped whole.
    exact_trace = bool(trace_names) and all(
        io_names.get(name.upper()) is not None
        and io_names[name.upper()].type.upper() not in ("REAL", "LREAL")
        for name in trace_names
    )
    unique = list(dict.fromkeys(trace_names))  # a name listed twice shares one list
    sample = _sampler([getter(name) for name in unique])
    trace_lists = [trace[name] for name in unique]
    signals = range(len(unique))
    last_sample: tuple | None = None
    fault: dict[str, Any] | None = None
    # Invariants run after every scan in their window, so they get a lean path of their own:
    # one generated function asks whether any invariant in its window is violated, and only
    # then are they looked at one by one. The set in the window changes only at these times.
    invariants = [ev for ev in evals if ev.check.kind in ("always", "never")]
    changes = sorted({ev.start for ev in invariants} | {ev.end + 1 for ev in invariants})
    next_change = changes[0] if changes else duration
    in_window: list[_Eval] = []
    any_violated: Callable[[], bool] | None = None

    def watch_invariants(t: int) -> Callable[[], bool] | None:
        in_window[:] = [ev for ev in invariants if not ev.done and ev.start <= t <= ev.end]
        if not in_window:
            return None
        pairs = [(ev.check.expect, ev.check.kind == "always") for ev in in_window]
        return compile_any(pairs, getter)

    # The other checks are observed from their start on, in order of start time.
    pending = sorted(
        (ev for ev in evals if ev.check.kind not in ("always", "never")), key=lambda ev: ev.start
    )
    next_pending = 0
    next_start = pending[0].start if pending else duration
    watching: list[_Eval] = []
    step = sim.step
    trace_in = 0

    for t in range(0, duration // scan * scan, scan):
        actions = schedule.get(t)
        if actions:
            for fn in actions:
                try:
                    fn()
                except PlantError as exc:
                    error = error or exc.messages
                except AccessError as exc:
                    error = error or {lang: exc.message(lang) for lang in LANGS}
        step()
        if fault is None and runtime.fault is not None and runtime.status == "FAULT":
            fault = {lang: runtime.fault.to_dict(lang) for lang in LANGS}
            fault["t_ms"] = t
        if trace_in == 0:
            trace_in = trace_every
            if exact_trace:
                values = sample()
                if last_sample is None:
                    for value, points in zip(values, trace_lists, strict=True):
                        points.append([t, value])
                    last_sample = values
                elif values != last_sample:
                    # a signal's last change point equals its last sample: append where the
                    # sample changed (found without a Python-level loop over every signal)
                    for i in compress(signals, map(ne, values, last_sample)):
                        trace_lists[i].append([t, values[i]])
                    last_sample = values
            else:
                for get, points in traced:
                    value = get()
                    if not points or points[-1][1] != value:
                        points.append([t, value])
        trace_in -= 1
        if t >= next_change:
            any_violated = watch_invariants(t)
            next_change = next((c for c in changes if c > t), duration)
        if any_violated is not None and any_violated():
            for ev in in_window:
                if ev.cond():
                    _fail(ev, t, read)
            any_violated = watch_invariants(t)
        if t >= next_start:
            while next_pending < len(pending) and pending[next_pending].start <= t:
                watching.append(pending[next_pending])
                next_pending += 1
            next_start = pending[next_pending].start if next_pending < len(pending) else duration
        if watching:
            finished = False
            for ev in watching:
                _observe(ev, t, read)
                finished = finished or ev.done
            if finished:
                watching = [ev for ev in watching if not ev.done]
    for ev in evals:
        if not ev.done:
            _finish(ev, duration, read)
    checks = tuple(_result(ev) for ev in evals)
    return ScenarioResult(scenario.name, scenario.title, checks, fault, trace, duration, error)


def _sampler(getters: list[Callable[[], Any]]) -> Callable[[], tuple]:
    """One function returning every getter's value as a tuple (a generated one-line lambda)."""
    namespace: dict[str, Any] = {"__builtins__": {}}
    calls = []
    for i, get in enumerate(getters):
        namespace[f"g{i}"] = get
        calls.append(f"g{i}(), ")
    # generated from positions only; getters are passed in the namespace
    return eval(compile(f"lambda: ({''.join(calls)})", "<trace>", "eval"), namespace)  # noqa: S307


def _event_action(plant: Plant, runtime: Any, event: Any) -> Callable[[], None]:
    """The action of one scenario event, run before the scan at its time."""
    target = event.target

    def press() -> None:
        plant.press(target)

    def release() -> None:
        plant.release(target)

    def operate() -> None:
        for name, value in target.items():
            plant.operate(name, value)

    def configure() -> None:
        for name, value in target.items():
            plant.configure(name, value)

    def fault() -> None:
        plant.inject(target["kind"], target["target"])

    def clear_fault() -> None:
        plant.clear_fault(None if target in (True, "all", None) else str(target))

    def write() -> None:
        for name, value in target.items():
            runtime.write(name, value)

    actions = {
        "press": press,
        "release": release,
        "operate": operate,
        "configure": configure,
        "fault": fault,
        "clear_fault": clear_fault,
    }
    return actions.get(event.action, write)


def _observe(ev: _Eval, t: int, read: Callable[[str], Any]) -> None:
    kind = ev.check.kind
    if kind in ("always", "never"):
        if t > ev.end:
            ev.done = ev.passed = True
            return
        ok = ev.cond()
        if ok is (kind == "never"):
            _fail(ev, t, read)
    elif kind == "within":
        ok = ev.cond()
        elapsed = t - ev.start
        if "late" in ev.extra:
            if ok:
                ev.extra["elapsed"] = elapsed
                ev.done = True
            return
        if ok:
            if elapsed < ev.check.min_ms:
                ev.extra["early"] = True
                ev.extra["elapsed"] = elapsed
                _fail(ev, t, read)
            else:
                ev.passed = ev.done = True
        elif t >= ev.end:
            _fail(ev, t, read, keep_watching=True)
    elif t >= ev.end:  # "at" and "final"
        if ev.cond():
            ev.passed = ev.done = True
        else:
            _fail(ev, t, read)


def _fail(ev: _Eval, t: int, read: Callable[[str], Any], *, keep_watching: bool = False) -> None:
    ev.passed = False
    ev.t_ms = t
    names = condition_variables(ev.check.expect) + message_variables(ev.check)
    ev.values = {name: read(name) for name in dict.fromkeys(names)}
    if keep_watching:
        ev.extra["late"] = True
    else:
        ev.done = True


def _finish(ev: _Eval, duration: int, read: Callable[[str], Any]) -> None:
    if ev.check.kind in ("always", "never"):
        ev.passed = ev.t_ms is None
    elif (ev.check.kind == "within" and "late" not in ev.extra) or (
        ev.check.kind in ("at", "final") and ev.t_ms is None
    ):
        _fail(ev, duration, read)
    ev.done = True


def _result(ev: _Eval) -> CheckResult:
    c = ev.check
    if ev.passed:
        return CheckResult(c.id, c.kind, True, c.weight)
    elapsed = ev.extra.get("elapsed")
    base: dict[str, Any] = dict(ev.values)
    base["t"] = round((ev.t_ms or 0) / 1000.0, 2)
    base["limit"] = round(c.within_ms / 1000.0, 2)
    base["min"] = round(c.min_ms / 1000.0, 2)
    base["values"] = ", ".join(f"{k}={format_value(v)}" for k, v in ev.values.items())
    template = c.message_early if ev.extra.get("early") and c.message_early else c.message
    messages = {}
    for lang in LANGS:
        values = dict(base)
        if elapsed is None:
            values["elapsed"] = "never" if lang == "en" else "从未满足"
        else:
            values["elapsed"] = f"{elapsed / 1000.0:.2f} s"
        messages[lang] = render_message(template.get(lang, template["en"]), values)
    return CheckResult(c.id, c.kind, False, c.weight, ev.t_ms, ev.values, messages)
