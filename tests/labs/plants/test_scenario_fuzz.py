"""Property: no scenario document, however malformed, makes grading raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labs.engine.grading import grade, reference_solution

MOTOR = reference_solution("motor")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["K1", "START", "STOP", "OL", "plant.speed_rpm", "nope", "%QX0.0", ""]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "kind",
                    "target",
                    "var",
                    "op",
                    "value",
                    "ref",
                    "all",
                    "any",
                    "not",
                    "K1",
                    "en",
                    "zh",
                ]
            ),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=8,
)
ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "~", None])
conditions = st.one_of(
    json_values,
    st.fixed_dictionaries({"var": scalars, "op": ops, "value": json_values}),
    st.fixed_dictionaries({"any": st.lists(st.fixed_dictionaries({"K1": scalars}), max_size=3)}),
)
events = st.fixed_dictionaries(
    {"t_ms": st.one_of(st.integers(-10, 600), scalars)},
    optional={
        "id": st.sampled_from(["start", "e", ""]),
        "press": scalars,
        "set": json_values,
        "fault": json_values,
        "clear_fault": scalars,
        "configure": json_values,
        "operate": json_values,
        "hold_ms": scalars,
    },
)
checks = st.fixed_dictionaries(
    {"kind": st.sampled_from(["at", "within", "always", "never", "final", "odd", None])},
    optional={
        "expect": conditions,
        "after": st.one_of(st.sampled_from(["start", "e"]), json_values),
        "t_ms": scalars,
        "within_ms": scalars,
        "min_ms": scalars,
        "from_ms": scalars,
        "until_ms": scalars,
        "weight": scalars,
        "message": json_values,
        "message_early": json_values,
    },
)
documents = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"duration_ms": st.sampled_from([300, 600, -1, "x", None, 10**9])},
        optional={
            "name": scalars,
            "scan_ms": st.sampled_from([10, 0, -3, "10", 7]),
            "seed": scalars,
            "events": st.one_of(st.lists(events, max_size=4), json_values),
            "checks": st.one_of(st.lists(checks, max_size=4), json_values),
            "settings": json_values,
            "trace": st.one_of(st.lists(scalars, max_size=3), json_values),
            "title": json_values,
        },
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_grading_never_raises_on_a_scenario_document(doc):
    """Whatever the document, the result is data: passed or not, with errors explained."""
    result = grade(MOTOR, "motor", [doc])
    data = result.to_dict("zh")
    assert isinstance(data["score"], float)
    if result.error is not None:
        assert result.error["en"] and result.error["zh"]
