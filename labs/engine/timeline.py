"""Scenario timelines: the JSON format graders and tests use to drive and check a program."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .diagnostics import AccessError, Fault
from .program import Program
from .runtime import Runtime

REAL_TOLERANCE = 1e-4
MAX_TIMELINE_MS = 24 * 3600 * 1000


class TimelineError(AccessError):
    """The timeline document itself is invalid (raised before anything runs)."""


def values_match(expected, actual) -> bool:
    """Do an expected and an actual value agree (REAL within 1e-4 relative, enums by name)?"""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(expected, int) and isinstance(actual, int):
            return expected == actual
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        return math.isclose(expected, actual, rel_tol=REAL_TOLERANCE, abs_tol=1e-9)
    if isinstance(expected, str) and isinstance(actual, str):
        if expected.lower() == actual.lower():
            return True
        # An enum may be written without its type: "RED" matches "Color#Red".
        return (
            "#" in actual
            and "#" not in expected
            and actual.split("#", 1)[1].lower() == (expected.lower())
        )
    return expected == actual


@dataclass
class TimelineReport:
    """Outcome of ``run_timeline``: every check, and the fault if the PLC faulted."""

    passed: bool
    checks: list = field(default_factory=list)
    fault: Fault | None = None
    scans: int = 0
    end_ms: int = 0

    def to_dict(self, lang: str = "en") -> dict:
        """JSON-compatible report."""
        return {
            "passed": self.passed,
            "checks": [dict(c) for c in self.checks],
            "fault": self.fault.to_dict(lang) if self.fault else None,
            "scans": self.scans,
            "end_ms": self.end_ms,
        }


def _bad(code: str, **args) -> TimelineError:
    return TimelineError(code, **args)


def _validate(timeline) -> tuple[int, list]:
    if not isinstance(timeline, dict):
        raise _bad("T_NOT_OBJECT")
    scan_ms = timeline.get("scan_ms", 10)
    if isinstance(scan_ms, bool) or not isinstance(scan_ms, int) or not 0 < scan_ms <= 3_600_000:
        raise _bad("T_SCAN_MS")
    steps = timeline.get("steps", [])
    if not isinstance(steps, list):
        raise _bad("T_STEPS")
    clean = []
    for i, step in enumerate(steps):
        if not isinstance(step, dict):
            raise _bad("T_STEP", step=i + 1)
        t = step.get("t_ms")
        if isinstance(t, bool) or not isinstance(t, int) or t < 0 or t > MAX_TIMELINE_MS:
            raise _bad("T_T_MS", step=i + 1)
        if t % scan_ms:
            raise _bad("T_GRID", step=i + 1, t=t, scan_ms=scan_ms)
        unknown = set(step) - {"t_ms", "set", "expect", "force", "unforce", "comment"}
        if unknown:
            raise _bad("T_KEYS", step=i + 1, keys=", ".join(sorted(unknown)))
        for key in ("set", "expect", "force"):
            if not isinstance(step.get(key, {}), dict):
                raise _bad("T_FIELD", step=i + 1, key=key)
        if not isinstance(step.get("unforce", []), list):
            raise _bad("T_UNFORCE", step=i + 1)
        clean.append((t, i, step))
    clean.sort(key=lambda item: (item[0], item[1]))
    return scan_ms, [step for _t, _i, step in clean]


def run_timeline(program: Program, timeline: dict, *, on_scan=None) -> TimelineReport:
    """Run ``program`` through ``timeline`` and check every expectation (see issue 3).

    ``on_scan(runtime)``, when given, is called after every scan (used for traces).
    Raises ``TimelineError`` when the document is invalid or names an unknown variable.
    """
    scan_ms, steps = _validate(timeline)
    rt = Runtime(program, scan_ms=scan_ms)
    for step in steps:
        for key in ("set", "expect", "force"):
            for name in step.get(key, {}):
                try:
                    rt._resolve(name)
                except AccessError as exc:
                    raise TimelineError("T_ACCESS", cause=exc, t=step["t_ms"]) from None
    checks = []
    fault = None
    # Steps at the same time act together: all their writes, then one scan, then checks.
    groups: list[list[dict]] = []
    for step in steps:
        if groups and groups[-1][0]["t_ms"] == step["t_ms"]:
            groups[-1].append(step)
        else:
            groups.append([step])
    for group in groups:
        t = group[0]["t_ms"]
        while rt.clock_ms < t:
            rt.scan()
            if on_scan is not None:
                on_scan(rt)
        try:
            for step in group:
                for name, value in step.get("set", {}).items():
                    rt.write(name, value)
                for name, value in step.get("force", {}).items():
                    rt.force(name, value)
                for name in step.get("unforce", []):
                    rt.unforce(name)
        except AccessError as exc:
            raise TimelineError("T_ACCESS", cause=exc, t=t) from None
        rt.scan()
        if on_scan is not None:
            on_scan(rt)
        if rt.fault is not None and fault is None:
            fault = rt.fault
        for step in group:
            for name, expected in step.get("expect", {}).items():
                actual = rt.read(name)
                checks.append(
                    {
                        "t_ms": t,
                        "name": name,
                        "expected": expected,
                        "actual": actual,
                        "passed": values_match(expected, actual),
                    }
                )
    passed = all(c["passed"] for c in checks)
    return TimelineReport(passed, checks, fault, rt.clock_ms // scan_ms, rt.clock_ms)
