"""Graded lab scenarios: the timeline format extended with plant events and plant checks.

A scenario is a JSON document (see ``docs/labs/scenarios.md``)::

    {"name": "seal_in", "title": {"en": ..., "zh": ...}, "scan_ms": 10,
     "duration_ms": 10000, "seed": 1, "settings": {"obstacle_height": 0},
     "events": [{"id": "start", "t_ms": 1000, "press": "START", "hold_ms": 300},
                {"t_ms": 3000, "fault": {"kind": "overload", "target": "K1"}},
                {"t_ms": 4000, "clear_fault": "K1"},
                {"t_ms": 0, "set": {"%MW0": 5}},
                {"t_ms": 500, "configure": {"obstacle_height": 30}}],
     "checks": [{"id": "runs", "kind": "within", "after": "start", "within_ms": 300,
                 "expect": {"K1": true}, "message": {"en": ..., "zh": ...}}, ...]}

Check kinds: ``at`` (condition holds after the scan at ``t_ms``), ``within`` (becomes true
within ``within_ms`` of an event, optionally not before ``min_ms``), ``always`` and ``never``
(invariants checked after every scan, optionally in a window), ``final`` (holds at the end).
A condition is ``{"VAR": value, ...}`` (all equal), ``{"var": V, "op": "<", "value": x}``, or
``{"all": [...]}``, ``{"any": [...]}``, ``{"not": cond}``. Variables are the program's names or
addresses (read through the runtime) and ``plant.<quantity>`` for the plant's state.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .plants.base import FAULT_KINDS, BilingualError, Plant

CHECK_KINDS = ("at", "within", "always", "never", "final")
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
MAX_DURATION_MS = 600_000
_PLACEHOLDER = re.compile(r"\{([A-Za-z_%][\w.%]*)\}")


class ScenarioError(BilingualError):
    """A malformed scenario document; the message names the faulty part."""


@dataclass(frozen=True)
class Event:
    """Something done to the plant or the PLC before the scan at ``t_ms``."""

    t_ms: int
    action: str
    target: Any
    id: str = ""
    hold_ms: int = 300


@dataclass(frozen=True)
class Check:
    """One graded expectation with its bilingual failure message."""

    id: str
    kind: str
    expect: Any
    message: Mapping[str, str]
    t_ms: int | None = None
    after: str | None = None
    within_ms: int = 0
    min_ms: int = 0
    message_early: Mapping[str, str] | None = None
    from_ms: int = 0
    until_ms: int | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Scenario:
    """A parsed, validated scenario."""

    name: str
    title: Mapping[str, str]
    duration_ms: int
    scan_ms: int = 10
    seed: int = 0
    settings: Mapping[str, float] = field(default_factory=dict)
    events: tuple[Event, ...] = ()
    checks: tuple[Check, ...] = ()
    trace: tuple[str, ...] = ()


def _bilingual(raw: Any, where: str) -> dict[str, str]:
    if isinstance(raw, str):
        return {"en": raw, "zh": raw}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("en"), str):
        raise ScenarioError(
            f"{where}: a message needs an 'en' and a 'zh' text.",
            f"{where}：消息需要 'en' 与 'zh' 两种文本。",
        )
    return {"en": raw["en"], "zh": str(raw.get("zh", raw["en"]))}


def _int(raw: Any, where: str, *, minimum: int = 0) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
        raise ScenarioError(
            f"{where} must be an integer >= {minimum}, not {raw!r}.",
            f"{where} 必须是不小于 {minimum} 的整数，而不是 {raw!r}。",
        )
    return raw


_EVENT_ACTIONS = ("press", "release", "operate", "set", "fault", "clear_fault", "configure")


def parse_scenario(doc: Mapping[str, Any], plant: type[Plant] | None = None) -> Scenario:
    """Validate a scenario document; ScenarioError explains the first problem found."""
    if not isinstance(doc, Mapping):
        raise ScenarioError("A scenario must be a JSON object.", "场景必须是 JSON 对象。")
    name = str(doc.get("name", "scenario"))
    scan_ms = _int(doc.get("scan_ms", 10), f"{name}: scan_ms", minimum=1)
    duration = _int(doc.get("duration_ms"), f"{name}: duration_ms", minimum=scan_ms)
    if duration > MAX_DURATION_MS:
        raise ScenarioError(
            f"{name}: duration_ms is limited to {MAX_DURATION_MS}.",
            f"{name}：duration_ms 不能超过 {MAX_DURATION_MS}。",
        )
    for key, kind in (("events", list), ("checks", list), ("trace", list), ("settings", dict)):
        if key in doc and not isinstance(doc[key], kind):
            raise ScenarioError(
                f"{name}: {key} must be a JSON {'list' if kind is list else 'object'}.",
                f"{name}：{key} 必须是 JSON {'数组' if kind is list else '对象'}。",
            )
    events = []
    for i, raw in enumerate(doc.get("events", ())):
        where = f"{name}: events[{i}]"
        if not isinstance(raw, Mapping):
            raise ScenarioError(f"{where} must be an object.", f"{where} 必须是对象。")
        actions = [a for a in _EVENT_ACTIONS if a in raw]
        if len(actions) != 1:
            raise ScenarioError(
                f"{where} needs exactly one of {', '.join(_EVENT_ACTIONS)}.",
                f"{where} 必须且只能包含 {', '.join(_EVENT_ACTIONS)} 之一。",
            )
        action = actions[0]
        target = raw[action]
        if plant is not None:
            _validate_event(plant, action, target, where)
        events.append(
            Event(
                t_ms=_int(raw.get("t_ms"), f"{where}.t_ms"),
                action=action,
                target=target,
                id=str(raw.get("id", "")),
                hold_ms=_int(raw.get("hold_ms", 300), f"{where}.hold_ms", minimum=scan_ms),
            )
        )
    event_ids = {e.id for e in events if e.id}
    checks = [
        _parse_check(raw, f"{name}: checks[{i}]", event_ids, plant)
        for i, raw in enumerate(doc.get("checks", ()))
    ]
    settings = dict(doc.get("settings", {}))
    if plant is not None:
        known = {s.name for s in plant.SETTINGS}
        for key in settings:
            if key not in known:
                raise ScenarioError(
                    f"{name}: the {plant.name} plant has no setting {key!r}.",
                    f"{name}：{plant.name} 设备没有设置项 {key!r}。",
                )
    return Scenario(
        name=name,
        title=_bilingual(doc.get("title", name), f"{name}: title"),
        duration_ms=duration,
        scan_ms=scan_ms,
        seed=_int(doc.get("seed", 0), f"{name}: seed"),
        settings=settings,
        events=tuple(sorted(events, key=lambda e: e.t_ms)),
        checks=tuple(checks),
        trace=tuple(str(v) for v in doc.get("trace", ())),
    )


def _weight(raw: Any, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 1000:
        raise ScenarioError(
            f"{where}: weight must be a number from 0 to 1000.",
            f"{where}：weight 必须是 0 到 1000 之间的数。",
        )
    return float(raw)


def _validate_event(plant: type[Plant], action: str, target: Any, where: str) -> None:
    names = {p.name.upper(): p for p in plant.IO}
    if action in ("press", "release"):
        io = names.get(target.upper()) if isinstance(target, str) else None
        if io is None or not io.operator:
            raise ScenarioError(
                f"{where}: {target!r} is not a push-button of the {plant.name} plant.",
                f"{where}：{target!r} 不是 {plant.name} 设备的按钮。",
            )
    elif action == "fault":
        if (
            not isinstance(target, Mapping)
            or not isinstance(target.get("kind"), str)
            or (target["kind"] not in FAULT_KINDS)
        ):
            raise ScenarioError(
                f"{where}: a fault needs a kind among {', '.join(FAULT_KINDS)} and a target.",
                f"{where}：故障需要 kind（{', '.join(FAULT_KINDS)} 之一）与 target。",
            )
        if str(target.get("target", "")).upper() not in names:
            raise ScenarioError(
                f"{where}: unknown fault target {target.get('target')!r}.",
                f"{where}：未知的故障对象 {target.get('target')!r}。",
            )
    elif action in ("set", "operate", "configure") and not isinstance(target, Mapping):
        raise ScenarioError(
            f"{where}: {action} needs an object of names and values.",
            f"{where}：{action} 需要由名称与值组成的对象。",
        )


def _parse_check(raw: Any, where: str, event_ids: set[str], plant: type[Plant] | None) -> Check:
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{where} must be an object.", f"{where} 必须是对象。")
    kind = raw.get("kind")
    if kind not in CHECK_KINDS:
        raise ScenarioError(
            f"{where}: kind must be one of {', '.join(CHECK_KINDS)}.",
            f"{where}：kind 必须是 {', '.join(CHECK_KINDS)} 之一。",
        )
    expect = raw.get("expect")
    variables = condition_variables(expect, where)
    if plant is not None:
        state = {v.name for v in plant.STATE}
        for var in variables:
            if var.startswith("plant.") and var[6:] not in state:
                raise ScenarioError(
                    f"{where}: the {plant.name} plant has no quantity {var!r}.",
                    f"{where}：{plant.name} 设备没有物理量 {var!r}。",
                )
    after = raw.get("after")
    if kind == "within" and (not isinstance(after, str) or after not in event_ids):
        raise ScenarioError(
            f"{where}: 'after' must name an event id ({', '.join(sorted(event_ids)) or '-'}).",
            f"{where}：'after' 必须是某个事件的 id（{', '.join(sorted(event_ids)) or '-'}）。",
        )
    if kind == "at" and "t_ms" not in raw:
        raise ScenarioError(f"{where}: an 'at' check needs t_ms.", f"{where}：at 检查需要 t_ms。")
    default = _default_message(kind, expect, raw)
    until = raw.get("until_ms")
    return Check(
        id=str(raw.get("id", where)),
        kind=kind,
        expect=expect,
        message=_bilingual(raw.get("message", default), where),
        t_ms=_int(raw["t_ms"], f"{where}.t_ms") if "t_ms" in raw else None,
        after=after,
        within_ms=_int(raw.get("within_ms", 0), f"{where}.within_ms"),
        min_ms=_int(raw.get("min_ms", 0), f"{where}.min_ms"),
        message_early=_bilingual(raw["message_early"], where) if "message_early" in raw else None,
        from_ms=_int(raw.get("from_ms", 0), f"{where}.from_ms"),
        until_ms=None if until is None else _int(until, f"{where}.until_ms"),
        weight=_weight(raw.get("weight", 1.0), where),
    )


def _default_message(kind: str, expect: Any, raw: Mapping[str, Any]) -> dict[str, str]:
    text = describe_condition(expect)
    if kind == "within":
        return {
            "en": f"Expected {text} within {{limit}} s after {raw.get('after')}; "
            f"time taken: {{elapsed}}.",
            "zh": f"期望在 {raw.get('after')} 之后 {{limit}} 秒内满足 {text}；实际用时：{{elapsed}}。",
        }
    if kind in ("always", "never"):
        verb = (
            ("must always hold", "必须始终满足")
            if kind == "always"
            else ("must never hold", "绝不能出现")
        )
        return {
            "en": f"{text} {verb[0]}, but failed at {{t}} s.",
            "zh": f"{text} {verb[1]}，但在 {{t}} 秒时违反。",
        }
    return {
        "en": f"Expected {text} at {{t}} s; values: {{values}}.",
        "zh": f"期望 {{t}} 秒时满足 {text}；实际值：{{values}}。",
    }


def describe_condition(cond: Any) -> str:
    """A short readable form of a condition, used in default messages."""
    if isinstance(cond, Mapping):
        if "all" in cond:
            return " AND ".join(describe_condition(c) for c in cond["all"])
        if "any" in cond:
            return "(" + " OR ".join(describe_condition(c) for c in cond["any"]) + ")"
        if "not" in cond:
            return f"NOT ({describe_condition(cond['not'])})"
        if "var" in cond:
            other = cond["ref"] if "ref" in cond else format_value(cond.get("value"))
            return f"{cond['var']} {cond.get('op', '==')} {other}"
        return " AND ".join(f"{k} = {format_value(v)}" for k, v in cond.items())
    return repr(cond)


def format_value(value: Any) -> str:
    """A value as a learner reads it in a message: TRUE/FALSE, 4 significant digits."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def condition_variables(cond: Any, where: str = "condition") -> list[str]:
    """Every variable a condition reads; ScenarioError when the condition is malformed."""
    if not isinstance(cond, Mapping) or not cond:
        raise ScenarioError(
            f"{where}: 'expect' must be a non-empty object.",
            f"{where}：'expect' 必须是非空对象。",
        )
    if "all" in cond or "any" in cond:
        items = cond.get("all", cond.get("any"))
        if not isinstance(items, list) or not items:
            raise ScenarioError(
                f"{where}: 'all'/'any' need a non-empty list.",
                f"{where}：'all'/'any' 需要非空列表。",
            )
        return [v for c in items for v in condition_variables(c, where)]
    if "not" in cond:
        return condition_variables(cond["not"], where)
    if "var" in cond:
        op = cond.get("op", "==")
        value = cond.get("value")
        if (
            not isinstance(op, str)
            or op not in OPS
            or ("value" in cond) == ("ref" in cond)
            or not isinstance(value, bool | int | float | str | None)
            or not isinstance(cond.get("ref", ""), str)
        ):
            raise ScenarioError(
                f"{where}: a comparison needs 'var', 'op' ({' '.join(OPS)}) and 'value' or 'ref'.",
                f"{where}：比较需要 'var'、'op'（{' '.join(OPS)}）以及 'value' 或 'ref'。",
            )
        return [str(cond["var"])] + ([str(cond["ref"])] if "ref" in cond else [])
    return [str(k) for k in cond]


_INLINE_DEPTH = 32
_PLAIN = frozenset({int, bool, str, type(None)})
_NUMBERS = frozenset({int, float, bool})
_SYMBOLS = {operator.lt: "<", operator.le: "<=", operator.gt: ">", operator.ge: ">="}


def compile_condition(
    cond: Any, resolve: Callable[[str], Callable[[], Any]], *, negate: bool = False
) -> Callable[[], bool]:
    """Turn a condition into one function; ``resolve(variable)`` gives a getter for a variable.

    Invariants run after every scan, so the condition becomes a single generated Python
    expression (one call per evaluation instead of a tree of closures). Only names generated
    here appear in its source; variables, getters and values are passed in its namespace, so
    nothing from the scenario document is ever parsed as code. Exact comparisons (BOOL,
    integers) use ``==`` directly; REAL values compare with relative tolerance 1e-4.
    ``negate=True`` gives the negation (what an ``always`` check must not see). Conditions
    nested deeper than the parser likes fall back to closures with the same results.
    """
    return compile_any([(cond, negate)], resolve)


def compile_any(
    conditions: Sequence[tuple[Any, bool]], resolve: Callable[[str], Callable[[], Any]]
) -> Callable[[], bool]:
    """One function, true when any ``(condition, negate)`` pair holds (see compile_condition).

    Grading asks this of all invariants at once after every scan: one call instead of one
    per invariant, and only when it is true does it look at them one by one.
    """
    if any(_depth_exceeds(cond, _INLINE_DEPTH) for cond, _negate in conditions):
        parts = []
        for cond, negate in conditions:
            inner = _closure_condition(cond, resolve)
            parts.append((lambda inner=inner: not inner()) if negate else inner)
        if len(parts) == 1:
            return parts[0]
        return lambda: any(part() for part in parts)
    namespace: dict[str, Any] = {
        "__builtins__": {},
        "bool": bool,
        "_equal": _equal,
        "_order": _order,
        "_PLAIN": _PLAIN,
        "_NUMBERS": _NUMBERS,
    }
    bound: dict[str, str] = {}
    temps = iter(range(1 << 30))

    def const(value: Any) -> str:
        name = f"k{len(namespace)}"
        namespace[name] = value
        return name

    def get(variable: Any) -> str:
        variable = str(variable)
        if variable not in bound:
            bound[variable] = const(resolve(variable))
        return f"{bound[variable]}()"

    def equal(actual: str, expected: Any) -> str:
        # _equal(v, k) is v == k unless a float is involved: inline that common case
        k = const(expected)
        if isinstance(expected, bool):
            return f"({actual} == {k})"
        if isinstance(expected, float):
            return f"_equal({actual}, {k})"
        v = f"v{next(temps)}"
        return f"(({v} == {k}) if ({v} := {actual}).__class__ in _PLAIN else _equal({v}, {k}))"

    def order(op: Callable[[Any, Any], bool], actual: str, expected: str, literal: bool) -> str:
        # _order(op, a, b) is a OP b when both are numbers (no TypeError to catch)
        symbol, fn = _SYMBOLS[op], const(op)
        a = f"v{next(temps)}"
        if literal:
            test = f"({a} := {actual}).__class__ in _NUMBERS"
            b = expected
        else:
            b = f"v{next(temps)}"
            test = (
                f"(({a} := {actual}).__class__ in _NUMBERS)"
                f" & (({b} := {expected}).__class__ in _NUMBERS)"
            )
        return f"(({a} {symbol} {b}) if {test} else _order({fn}, {a}, {b}))"

    def expr(c: Any) -> str:
        if "all" in c:
            return "(" + " and ".join(expr(x) for x in c["all"]) + ")" if c["all"] else "True"
        if "any" in c:
            return "(" + " or ".join(expr(x) for x in c["any"]) + ")" if c["any"] else "False"
        if "not" in c:
            return f"(not {expr(c['not'])})"
        if "var" in c:
            actual = get(c["var"])
            op = OPS[c.get("op", "==")]
            if "ref" in c:
                ref = get(c["ref"])
                if op is operator.eq or op is operator.ne:
                    return f"(_equal({actual}, {ref}) is {op is operator.eq})"
                return order(op, actual, ref, literal=False)
            value = c["value"]
            if op is operator.eq or op is operator.ne:
                return f"({equal(actual, value)} is {op is operator.eq})"
            if value.__class__ in _NUMBERS:
                return order(op, actual, const(value), literal=True)
            return f"_order({const(op)}, {actual}, {const(value)})"
        parts = [equal(get(k), v) for k, v in c.items()]
        return "(" + " and ".join(parts) + ")" if parts else "True"

    terms = [f"(not {expr(cond)})" if negate else expr(cond) for cond, negate in conditions]
    source = f"lambda: bool({' or '.join(terms) or 'False'})"
    # generated from the validated condition only; no document text is part of the source
    return eval(compile(source, "<condition>", "eval"), namespace)  # noqa: S307


def _depth_exceeds(cond: Any, limit: int) -> bool:
    """True when ``cond`` nests more than ``limit`` all/any/not levels (iteratively)."""
    stack = [(cond, 0)]
    while stack:
        c, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(c, Mapping):
            for key in ("all", "any"):
                if isinstance(c.get(key), list):
                    stack.extend((x, depth + 1) for x in c[key])
            if "not" in c:
                stack.append((c["not"], depth + 1))
    return False


def _closure_condition(
    cond: Any, resolve: Callable[[str], Callable[[], Any]]
) -> Callable[[], bool]:
    """The same condition as a tree of closures (for conditions nested too deep to inline)."""
    if "all" in cond:
        return _all([_closure_condition(c, resolve) for c in cond["all"]])
    if "any" in cond:
        return _any([_closure_condition(c, resolve) for c in cond["any"]])
    if "not" in cond:
        inner = _closure_condition(cond["not"], resolve)
        return lambda: not inner()
    if "var" in cond:
        get, op = resolve(str(cond["var"])), OPS[cond.get("op", "==")]
        if "ref" in cond:
            ref = resolve(str(cond["ref"]))
            if op in (operator.eq, operator.ne):
                eq = op is operator.eq
                return lambda: _equal(get(), ref()) is eq
            return lambda: _order(op, get(), ref())
        value = cond["value"]
        if op in (operator.eq, operator.ne):
            eq = op is operator.eq
            return lambda: _equal(get(), value) is eq
        return lambda: _order(op, get(), value)
    return _all([_equality(resolve(str(k)), v) for k, v in cond.items()])


def _all(parts: list[Callable[[], bool]]) -> Callable[[], bool]:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda: bool(a() and b())
    return lambda: all(p() for p in parts)


def _any(parts: list[Callable[[], bool]]) -> Callable[[], bool]:
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda: bool(a() or b())
    return lambda: any(p() for p in parts)


def _equality(get: Callable[[], Any], expected: Any) -> Callable[[], bool]:
    if isinstance(expected, bool):
        return lambda: get() == expected
    return lambda: _equal(get(), expected)


def _order(op: Callable[[Any, Any], bool], actual: Any, expected: Any) -> bool:
    # a STRING variable compared with a number is simply not satisfied, never an exception
    try:
        return bool(op(actual, expected))
    except TypeError:
        return False


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, float) or isinstance(expected, float):
        if isinstance(actual, bool) or isinstance(expected, bool):
            return actual == expected
        try:
            a, e = float(actual), float(expected)
        except (TypeError, ValueError):
            return False
        return abs(a - e) <= 1e-4 * max(abs(a), abs(e), 1e-12)
    return actual == expected


def render_message(template: str, values: Mapping[str, Any]) -> str:
    """Fill ``{t}``, ``{elapsed}``, ``{limit}``, ``{values}`` and ``{VAR}`` placeholders."""

    def sub(match: re.Match) -> str:
        key = match.group(1)
        if key in values:
            return format_value(values[key])
        return match.group(0)

    return _PLACEHOLDER.sub(sub, template)


def message_variables(check: Check) -> list[str]:
    """Variables named in a check's messages, captured when the check fails."""
    names: list[str] = []
    for text in (*check.message.values(), *(check.message_early or {}).values()):
        for key in _PLACEHOLDER.findall(text):
            if key not in ("t", "elapsed", "limit", "values", "min") and key not in names:
                names.append(key)
    return names
