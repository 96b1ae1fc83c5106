"""Bounds checks are only left out where the index is proven in range: every way a
variable can leave the proven range must still give an F_INDEX fault."""

import pytest

from labs.engine import Runtime, compile_program

HEADER = """FUNCTION_BLOCK Out
VAR_OUTPUT o : INT; END_VAR
o := 99;
END_FUNCTION_BLOCK
PROGRAM P
VAR a : ARRAY[1..3] OF INT; x, y, i, n : INT := 0; c : BOOL := TRUE; f : Out; END_VAR
"""

ESCAPES = {
    "assigned from an unknown variable in a branch": (
        "x := 1; y := 99; IF c THEN x := y; END_IF; a[x] := 1;"
    ),
    "incremented in a WHILE loop": (
        "x := 1; WHILE n < 5 DO a[x] := 1; x := x + 1; n := n + 1; END_WHILE;"
    ),
    "left over from the previous scan": "a[x] := 1; x := 9;",
    "set by a function block output": "x := 1; f(o => x); a[x] := 1;",
    "changed through one of its bits": "x := 1; x.4 := TRUE; a[x] := 1;",
    "left past the end by a FOR loop": "x := 1; FOR x := 1 TO 3 DO n := n + 1; END_FOR; a[x] := 1;",
    "assigned in a REPEAT after its use": (
        "x := 3; REPEAT a[x] := 1; x := x + 1; n := n + 1; UNTIL n > 3 END_REPEAT;"
    ),
    "shifted by a constant past the end": "FOR i := 1 TO 3 DO a[i + 1] := 1; END_FOR;",
}


@pytest.mark.parametrize("body", ESCAPES.values(), ids=ESCAPES.keys())
def test_index_that_escapes_its_range_faults(body):
    """The program faults with F_INDEX within two scans instead of writing elsewhere."""
    rt = Runtime(compile_program(HEADER + body + "\nEND_PROGRAM"))
    rt.scan()
    rt.scan()
    assert rt.status == "FAULT"
    assert rt.fault.code == "F_INDEX"


def test_proven_indexes_run_without_checks_and_stay_correct():
    """Indexes proven in range (constants, loop variables, values copied from them) give
    the right elements; the generated code has no bounds check for them."""
    source = (
        HEADER
        + """
x := 1;
FOR i := 1 TO 3 DO
  IF a[i] >= a[x] THEN x := i; END_IF;
  a[i] := a[i] + i;
END_FOR;
y := a[x];
END_PROGRAM"""
    )
    program = compile_program(source)
    rt = Runtime(program)
    rt.run_for(30)
    assert rt.read("a") == [3, 6, 9]
    assert rt.read("y") == 9
    assert "h_oobn" not in program.python_source.split("def cycle")[1]
