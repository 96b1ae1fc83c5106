"""Grading returns structured results and never raises on a bad program or scenario."""

from __future__ import annotations

import itertools
import json

import pytest

from labs.engine import Limits
from labs.engine.grading import grade, reference_solution, scenario_documents
from labs.engine.plants import PLANTS
from labs.engine.scenarios import ScenarioError, parse_scenario

MOTOR = reference_solution("motor")


def _scenario(**extra):
    doc = {
        "name": "probe",
        "duration_ms": 3000,
        "events": [{"id": "start", "t_ms": 500, "press": "START"}],
        "checks": [
            {
                "id": "runs",
                "kind": "within",
                "after": "start",
                "within_ms": 200,
                "expect": {"K1": True},
                "message": {"en": "no start ({elapsed})", "zh": "未启动（{elapsed}）"},
            }
        ],
    }
    doc.update(extra)
    return doc


def test_compile_errors_are_a_result_with_bilingual_diagnostics():
    """A program that does not compile scores 0 and reports line, column and both languages."""
    result = grade("PROGRAM P\nK1 := NOPE;\nEND_PROGRAM\n", "motor")
    assert not result.compiled and not result.passed and result.score == 0.0
    diag = result.diagnostics[0]
    assert diag["en"]["line"] == 2
    assert "NOPE" in diag["en"]["message"] and diag["zh"]["message"] != diag["en"]["message"]
    assert result.to_dict("zh")["diagnostics"][0]["code"] == diag["en"]["code"]


def test_runaway_loop_is_a_fault_result_not_an_exception():
    """A watchdog fault ends in a failed scenario carrying the fault and its line."""
    source = "PROGRAM P\nVAR i : INT; END_VAR\nWHILE TRUE DO i := i + 1; END_WHILE;\nEND_PROGRAM\n"
    result = grade(source, "motor", [_scenario()], limits=Limits(max_loop_iterations=1000))
    scenario = result.scenarios[0]
    assert scenario.fault is not None and scenario.fault["t_ms"] == 0
    assert scenario.fault["en"]["line"] == 3
    assert result.to_dict("zh")["scenarios"][0]["fault"]["t_ms"] == 0
    assert not result.passed and result.score == 0.0
    assert any(scenario.fault["zh"]["message"] in m for m in result.messages("zh"))


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        (_scenario(duration_ms=-5), "duration_ms"),
        (_scenario(events=[{"t_ms": 1, "press": "NOT_A_BUTTON"}]), "push-button"),
        (_scenario(events=[{"t_ms": 1, "press": "OL"}]), "push-button"),
        (_scenario(events=[{"t_ms": 1, "fault": {"kind": "melt", "target": "K1"}}]), "fault"),
        (_scenario(checks=[{"kind": "within", "after": "nope", "expect": {"K1": True}}]), "after"),
        (_scenario(checks=[{"kind": "always", "expect": {"plant.nope": 1}}]), "plant.nope"),
        (_scenario(checks=[{"kind": "always", "expect": {"var": "K1", "op": "~"}}]), "op"),
        (_scenario(checks=[{"kind": "sometimes", "expect": {"K1": True}}]), "kind"),
        (_scenario(settings={"gravity": 3}), "gravity"),
    ],
)
def test_malformed_scenarios_are_reported_not_raised(doc, fragment):
    """A bad scenario document becomes a bilingual error on the result."""
    result = grade(MOTOR, "motor", [doc])
    assert result.error is not None and not result.passed
    assert fragment in result.error["en"]
    assert result.error["zh"]
    with pytest.raises(ScenarioError):
        parse_scenario(doc, PLANTS["motor"])


def test_unknown_plant_is_a_result():
    """Grading against a plant that does not exist reports it instead of raising."""
    result = grade(MOTOR, "spaceship")
    assert not result.passed and "spaceship" in result.error["en"]


def test_unknown_program_variable_in_a_check_is_reported():
    """A check on a variable the program lacks fails the scenario with a clear message."""
    doc = _scenario(checks=[{"kind": "final", "expect": {"no_such_var": 1}}])
    result = grade(MOTOR, "motor", [doc])
    assert not result.passed
    assert "no_such_var" in result.scenarios[0].error["en"]


def test_within_failure_reports_time_and_elapsed():
    """A late reaction fails at the deadline; the message gives the actual delay."""
    slow = (
        "PROGRAM P\nVAR t : TON; END_VAR\nt(IN := START OR K1, PT := T#500ms);\n"
        "IF START THEN K1 := TRUE; END_IF;\nLAMP_RUN := t.Q;\nEND_PROGRAM\n"
    )
    doc = _scenario()
    doc["checks"][0]["expect"] = {"LAMP_RUN": True}
    check = grade(slow, "motor", [doc]).scenarios[0].checks[0]
    assert not check.passed
    assert check.t_ms == 700
    assert check.values == {"LAMP_RUN": False}
    assert check.message("en") == "no start (0.50 s)"
    assert check.message("zh") == "未启动（0.50 s）"


def test_min_ms_catches_a_reaction_that_comes_too_early():
    """With ``min_ms`` an early reaction fails with ``message_early``."""
    doc = _scenario()
    doc["checks"][0].update(
        min_ms=100, message_early={"en": "too early: {elapsed}", "zh": "太早：{elapsed}"}
    )
    check = grade(MOTOR, "motor", [doc]).scenarios[0].checks[0]
    assert not check.passed and check.message("en").startswith("too early: 0.0")


def test_results_are_deterministic_and_json_compatible():
    """Grading twice gives identical results; to_dict survives json.dumps in both languages."""
    first = grade(reference_solution("conveyor"), "conveyor")
    second = grade(reference_solution("conveyor"), "conveyor")
    for lang in ("en", "zh"):
        assert json.dumps(first.to_dict(lang)) == json.dumps(second.to_dict(lang))


def test_trace_holds_change_points_of_the_io():
    """The trace lists each I/O signal's changes, enough to plot K1 going on after START."""
    result = grade(MOTOR, "motor", [_scenario()])
    trace = result.scenarios[0].trace
    assert set(trace) == {p.name for p in PLANTS["motor"].IO}
    assert trace["K1"][0] == [0, False]
    assert any(value is True and 500 <= t <= 700 for t, value in trace["K1"])
    assert all(a[0] < b[0] for a, b in zip(trace["K1"], trace["K1"][1:], strict=False))


def test_trace_points_are_the_same_however_the_signals_are_named():
    """I/O signals (fast path), a duplicate, an address and a plant quantity trace alike."""
    plain = _scenario(trace=["K1", "START"])
    io_only = _scenario(trace=["K1", "START", "K1", "%QX0.0"])
    mixed = _scenario(trace=["K1", "START", "K1", "%QX0.0", "plant.speed_rpm"])
    traces = [s.trace for s in grade(MOTOR, "motor", [plain, io_only, mixed]).scenarios]
    for trace in traces[1:]:
        assert trace["K1"] == trace["%QX0.0"] == traces[0]["K1"]
        assert trace["START"] == traces[0]["START"]
    speed = traces[2]["plant.speed_rpm"]
    assert speed[0] == [0, 0.0] and len(speed) > 3
    for trace in traces:
        for points in trace.values():
            pairs = itertools.pairwise(points)
            assert all(a[0] < b[0] and a[1] != b[1] for a, b in pairs)


def test_score_weights_checks():
    """The score is the weighted share of passed checks."""
    doc = _scenario()
    doc["checks"].append({"kind": "final", "expect": {"K1": False}, "weight": 3})
    result = grade(MOTOR, "motor", [doc])
    assert result.score == 25.0


def test_every_shipped_scenario_parses_and_has_bilingual_messages():
    """Shipped scenarios validate against their plant and every check has en and zh text."""
    for plant in PLANTS:
        for doc in scenario_documents(plant):
            scenario = parse_scenario(doc, PLANTS[plant])
            for check in scenario.checks:
                assert check.message["en"] and check.message["zh"]
                assert check.message["en"] != check.message["zh"]


def test_a_bad_write_event_is_reported_on_the_scenario():
    """A scenario writing a variable the program lacks reports it instead of raising."""
    doc = _scenario(events=[{"id": "start", "t_ms": 0, "set": {"NOT_THERE": 1}}])
    result = grade(MOTOR, "motor", [doc])
    assert not result.passed
    assert "NOT_THERE" in result.scenarios[0].error["en"]
    assert result.scenarios[0].error["zh"]


def test_a_bad_setting_value_is_reported():
    """A plant setting with a value that is not a number is a scenario error, not a crash."""
    doc = _scenario(settings={"obstacle_height": "tall"})
    doc["events"] = []
    doc["checks"] = [{"kind": "final", "expect": {"LS_CLOSED": True}}]
    result = grade(reference_solution("garage"), "garage", [doc])
    assert "obstacle_height" in result.scenarios[0].error["en"]


def _nested(cond, levels):
    for _ in range(levels):
        cond = {"not": {"not": cond}}
    return cond


@pytest.mark.parametrize(
    ("expect", "holds"),
    [
        ({"K1": True}, True),
        ({"K1": True, "LAMP_RUN": 0}, False),
        ({"var": "plant.speed_rpm", "op": ">", "value": 1400}, True),
        ({"var": "plant.speed_rpm", "op": "<=", "value": 1400.0}, False),
        ({"var": "plant.speed_rpm", "op": "==", "value": 1450}, True),
        ({"var": "plant.speed_rpm", "op": "==", "value": 1450.1}, True),  # REAL tolerance
        ({"var": "plant.speed_rpm", "op": "==", "value": 1452.0}, False),
        ({"var": "plant.speed_rpm", "op": "!=", "ref": "plant.speed_rpm"}, False),
        ({"var": "K1", "op": ">=", "ref": "plant.running"}, True),
        ({"var": "K1", "op": "<", "value": "text"}, False),
        ({"var": "K1", "op": "==", "value": "True or K1"}, False),
        ({"any": [{"K1": False}, {"not": {"OL": False}}]}, True),
    ],
)
def test_conditions_give_the_same_answer_inlined_and_deeply_nested(expect, holds):
    """A condition is equally true compiled to one expression or past the nesting limit.

    Values that look like code ("True or K1") are compared as data; a text compared with a
    number is simply false.
    """
    checks = [
        {"id": f"c{depth}", "kind": "final", "expect": _nested(expect, depth), "message": "x"}
        for depth in (0, 20)
    ]
    doc = _scenario(
        duration_ms=2500, events=[{"t_ms": 100, "press": "START", "hold_ms": 200}], checks=checks
    )
    result = grade(MOTOR, "motor", [doc])
    assert [c.passed for c in result.scenarios[0].checks] == [holds, holds]


def test_invariants_in_changing_windows_fail_at_the_first_bad_scan():
    """Invariants with different windows each report their own first violation."""
    checks = [
        {"id": "before", "kind": "never", "expect": {"K1": True}, "until_ms": 400, "message": "x"},
        {"id": "late", "kind": "never", "expect": {"K1": True}, "from_ms": 900, "message": "x"},
        {"id": "off", "kind": "always", "expect": {"K1": False}, "from_ms": 700, "message": "x"},
        {"id": "on", "kind": "always", "expect": {"K1": True}, "from_ms": 600, "message": "x"},
    ]
    events = [{"t_ms": 500, "press": "START", "hold_ms": 200}]
    together = _scenario(duration_ms=2000, events=events, checks=checks)
    alone = [_scenario(duration_ms=2000, events=events, checks=[check]) for check in checks]
    result = grade(MOTOR, "motor", [together, *alone])
    by_id = {c.id: c for c in result.scenarios[0].checks}
    assert by_id["before"].passed and by_id["on"].passed
    assert not by_id["late"].passed and by_id["late"].t_ms == 900
    assert not by_id["off"].passed and by_id["off"].t_ms == 700
    for scenario in result.scenarios[1:]:
        (check,) = scenario.checks
        assert (check.passed, check.t_ms) == (by_id[check.id].passed, by_id[check.id].t_ms)
