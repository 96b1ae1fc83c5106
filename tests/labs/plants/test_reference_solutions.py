"""Every plant's reference solution passes its scenario set; plausible mistakes fail it.

Each wrong solution must fail the check that targets its mistake, with a message in English
and Chinese that names the problem, so a learner knows what went wrong and when.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labs.engine.grading import grade, load_scenarios, reference_solution
from labs.engine.plants import PLANTS

WRONG = Path(__file__).parent / "wrong"

# (file, plant, scenario, failing check id, English fragment, Chinese fragment)
MISTAKES = [
    ("motor_no_seal_in", "motor", "start_stop", "seal_in", "needs a seal-in", "自锁"),
    ("motor_ignores_overload", "motor", "overload", "trip_stops", "overload relay tripped", "跳闸"),
    (
        "fwd_rev_no_interlock",
        "fwd_rev",
        "reverse_after_stop",
        "interlock",
        "Interlock them",
        "互锁",
    ),
    (
        "star_delta_timer_too_short",
        "star_delta",
        "normal_start",
        "delta_time",
        "must last 5 s",
        "星形阶段",
    ),
    (
        "star_delta_no_changeover_pause",
        "star_delta",
        "normal_start",
        "no_short",
        "short circuit",
        "短路",
    ),
    (
        "traffic_walk_during_yellow",
        "traffic",
        "request_cycle",
        "no_conflict",
        "green together",
        "同时放行",
    ),
    ("tank_no_analogue_backup", "tank", "high_switch_broken", "no_overflow", "overflowed", "溢出"),
    (
        "mixer_heats_unstirred",
        "mixer",
        "one_batch",
        "stirred",
        "without the agitator",
        "搅拌机未运行",
    ),
    (
        "conveyor_counts_levels",
        "conveyor",
        "count_twelve",
        "no_overcount",
        "count edges",
        "边沿计数",
    ),
    (
        "sorting_diverter_follows_sensor",
        "sorting",
        "sort_parts",
        "right_chute",
        "wrong chute",
        "错误的滑槽",
    ),
    ("garage_ignores_safety_edge", "garage", "obstacle", "not_crushed", "safety edge", "安全触边"),
    ("filling_by_time", "filling", "fill_bottles", "good_fill", "needs 490-520 g", "490-520 g"),
]


def test_every_plant_has_a_mistake_covered():
    """At least one wrong solution per plant is graded below."""
    assert {m[1] for m in MISTAKES} == set(PLANTS)


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_reference_solution_passes(plant):
    """The shipped reference solution passes every check of every shipped scenario."""
    result = grade(reference_solution(plant), plant)
    assert result.compiled, result.to_dict()["diagnostics"]
    assert result.messages() == []
    assert result.passed
    assert result.score == 100.0
    assert len(result.scenarios) == len(load_scenarios(plant)) >= 2


@pytest.mark.parametrize(("name", "plant", "scenario", "check", "en", "zh"), MISTAKES)
def test_wrong_solution_fails_with_the_right_message(name, plant, scenario, check, en, zh):
    """The mistake is caught by its check, with a bilingual message and the failure time."""
    result = grade((WRONG / f"{name}.st").read_text("utf-8"), plant)
    assert result.compiled, result.to_dict()["diagnostics"]
    assert not result.passed
    assert result.score < 100.0
    found = {s.name: s for s in result.scenarios}[scenario]
    failed = {c.id: c for c in found.checks if not c.passed}
    assert check in failed, [c.to_dict() for c in found.checks]
    assert en in failed[check].message("en")
    assert zh in failed[check].message("zh")
    assert failed[check].t_ms is not None
    for lang in ("en", "zh"):
        assert "{" not in failed[check].message(lang), "every placeholder is filled in"
