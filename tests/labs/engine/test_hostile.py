"""Hostile and absurd inputs are rejected with diagnostics or stop the PLC in FAULT;
nothing reaches Python builtins, dunder attributes or the host process."""

import types

import pytest

from labs.engine import CompileError, Limits, Runtime, compile_program


def _all_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names) | set(code.co_varnames) | set(code.co_freevars)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _all_names(const)
    return names


def _compile_error_codes(source: str, **kwargs) -> list[str]:
    with pytest.raises(CompileError) as err:
        compile_program(source, **kwargs)
    return [d.code for d in err.value.diagnostics]


def test_dunder_and_python_keyword_identifiers_are_mangled():
    """Names like __class__, lambda or getattr become plain mangled variables: the
    generated code never names a dunder, a builtin or a module."""
    source = """PROGRAM P
VAR
  __class__ : INT;
  __import__ : INT;
  lambda, import, getattr, None, G, C, h_sqrt : INT;
END_VAR
__class__ := 1;
__import__ := __class__ + 1;
lambda := getattr + None + G + C + h_sqrt;
END_PROGRAM"""
    program = compile_program(source)
    rt = Runtime(program)
    rt.scan()
    assert rt.read("__import__") == 2
    names = _all_names(program.code)
    assert not [n for n in names if n.startswith("__")]
    for forbidden in ("getattr", "eval", "exec", "open", "__import__", "globals", "type"):
        assert forbidden not in names


def test_generated_code_runs_without_builtins():
    """The runtime executes generated code with an empty __builtins__."""
    rt = Runtime(compile_program("PROGRAM P VAR a : INT; END_VAR a := a + 1; END_PROGRAM"))
    assert rt._ns["__builtins__"] == {}
    rt.scan()
    assert rt.read("a") == 1


def test_quotes_and_backslashes_in_strings_stay_data():
    """A string literal full of quotes and backslashes is stored as data, not code."""
    source = (
        "PROGRAM P VAR s, t : STRING; END_VAR\n"
        "s := '$'); import os; os.system($'x$'); (\\\\ $$ \\n\"\"\"';\n"
        't := "double $" quoted \\\\";\n'
        "END_PROGRAM"
    )
    rt = Runtime(compile_program(source))
    rt.scan()
    assert rt.read("s") == "'); import os; os.system('x'); (\\\\ $ \\n\"\"\""
    assert rt.read("t") == 'double " quoted \\\\'


@pytest.mark.parametrize(
    "declaration",
    [
        "x : LINT := 99999999999999999999999999999999;",
        "x : LREAL := 1.0E999;",
        "x : TIME := T#99999999999999999999d;",
        "x : ARRAY[1..99999999999999999999] OF INT;",
        "x : STRING[99999999];",
    ],
)
def test_huge_literals_and_sizes_are_compile_errors(declaration):
    """Out-of-range literals and enormous declarations are diagnostics, not crashes."""
    codes = _compile_error_codes(f"PROGRAM P VAR {declaration} END_VAR END_PROGRAM")
    assert codes and set(codes) <= {"E_RANGE", "E_LIMIT"}


def test_total_memory_is_bounded():
    """Many arrays that are each allowed still hit the total memory limit."""
    decls = "".join(f"a{i} : ARRAY[1..60000] OF LREAL;\n" for i in range(40))
    assert "E_LIMIT" in _compile_error_codes(f"PROGRAM P VAR {decls} END_VAR END_PROGRAM")


def test_deeply_nested_expressions_and_statements_are_limited():
    """Ten thousand nested parentheses or IFs give E_LIMIT, not a RecursionError."""
    expr = "(" * 10_000 + "1" + ")" * 10_000
    assert "E_LIMIT" in _compile_error_codes(
        f"PROGRAM P VAR a : INT; END_VAR a := {expr}; END_PROGRAM"
    )
    ifs = "IF TRUE THEN " * 5000 + "a := 1;" + " END_IF;" * 5000
    assert "E_LIMIT" in _compile_error_codes(f"PROGRAM P VAR a : INT; END_VAR {ifs} END_PROGRAM")
    unary = "-" * 10_000 + "a"
    assert "E_LIMIT" in _compile_error_codes(
        f"PROGRAM P VAR a : INT; END_VAR a := {unary}; END_PROGRAM"
    )


def _nested_loops(depth: int) -> str:
    body = "".join(f"FOR i{k} := 1 TO 1 DO\n" for k in range(depth)) + "n := n + 1;"
    body += " END_FOR;" * depth
    decls = "".join(f"i{k} : INT; " for k in range(depth))
    return f"PROGRAM P VAR n : INT; {decls} END_VAR\n{body} END_PROGRAM"


def test_loops_nest_sixteen_deep_and_no_deeper():
    """16 nested loops compile and run; a 17th is E_LIMIT on its own line."""
    rt = Runtime(compile_program(_nested_loops(16)))
    rt.scan()
    assert rt.read("n") == 1
    with pytest.raises(CompileError) as err:
        compile_program(_nested_loops(17))
    assert [(d.code, d.line) for d in err.value.diagnostics] == [("E_LIMIT", 18)]


def test_oversized_source_is_rejected():
    """A source longer than Limits.max_source_chars is refused before parsing."""
    codes = _compile_error_codes(
        "PROGRAM P " + " " * 500 + "END_PROGRAM", limits=Limits(max_source_chars=100)
    )
    assert codes == ["E_LIMIT"]


@pytest.mark.parametrize(
    "body",
    [
        "WHILE TRUE DO a := a + 1; END_WHILE;",
        "REPEAT a := a + 1; UNTIL FALSE END_REPEAT;",
        "FOR a := 1 TO 30000 DO FOR b := 1 TO 30000 DO c := c + 1; END_FOR; END_FOR;",
        "FOR a := 0 TO 32767 DO c := c + 1; END_FOR;",
        "WHILE TRUE DO s := CONCAT(s, s, 'x'); END_WHILE;",
        "FOR a := 1 TO 10 BY 0 DO c := 1; END_FOR;",
    ],
)
def test_runaway_loops_fault_cleanly(body):
    """Endless or enormous loops stop the PLC with a watchdog FAULT on their line."""
    source = f"PROGRAM P VAR a, b : INT; c : DINT; s : STRING; END_VAR\n{body}\nEND_PROGRAM"
    rt = Runtime(compile_program(source, limits=Limits(max_loop_iterations=20_000)))
    rt.scan()
    assert rt.status == "FAULT"
    assert rt.fault.code == "F_WATCHDOG"
    assert rt.fault.line == 2


def test_wall_clock_watchdog_stops_a_slow_scan():
    """A scan that takes longer than watchdog_ms of wall time faults even under the
    iteration budget."""
    source = """PROGRAM P VAR s : STRING[1024]; i : DINT; END_VAR
WHILE TRUE DO
  s := CONCAT(LEFT(s, 1000), 'abc');
  i := i + 1;
END_WHILE;
END_PROGRAM"""
    limits = Limits(max_loop_iterations=10**9, watchdog_ms=30)
    rt = Runtime(compile_program(source, limits=limits))
    rt.scan()
    assert rt.status == "FAULT"
    assert rt.fault.code == "F_WATCHDOG_TIME"


@pytest.mark.parametrize(
    ("statement", "code"),
    [
        ("r := REAL_TO_INT(x / 0.0 * 0.0);", "F_MATH"),
        ("i := STRING_TO_INT('12abc');", "F_STRING"),
        ("i := MUX(i + 7, 1, 2);", "F_INDEX"),
        ("i := i MOD (i - i);", "F_DIV_ZERO"),
    ],
)
def test_runtime_errors_are_faults_with_lines(statement, code):
    """Arithmetic and conversion errors become FAULTs naming their line."""
    source = f"PROGRAM P VAR i, r : INT; x : REAL; END_VAR\n{statement}\nEND_PROGRAM"
    rt = Runtime(compile_program(source))
    rt.scan()
    assert rt.status == "FAULT"
    assert (rt.fault.code, rt.fault.line) == (code, 2)


def test_extreme_real_maths_is_ieee_not_an_exception():
    """Overflowing REAL maths gives infinities as on a PLC FPU, without faulting."""
    source = """PROGRAM P VAR a, b, c, d : LREAL; big : LREAL := 1.0E300; END_VAR
a := big * big;
b := 10.0 ** 400.0;
c := SQRT(-1.0);
d := EXPT(big, 1000000);
END_PROGRAM"""
    rt = Runtime(compile_program(source))
    rt.scan()
    assert rt.status == "RUN"
    assert rt.read("a") == float("inf")
    assert rt.read("c") != rt.read("c")  # NaN


def test_shifts_and_string_functions_with_absurd_arguments():
    """Huge shift counts and string positions are defined, never a Python error."""
    source = """PROGRAM P VAR w : WORD := 16#FFFF; s : STRING := 'abc'; n : DINT := 2000000000;
  r1, r2, r3 : WORD; s1, s2, s3 : STRING; END_VAR
r1 := SHL(w, n);
r2 := ROL(w, n);
r3 := SHR(w, -5);
s1 := LEFT(s, n);
s2 := MID(s, n, -n);
s3 := RIGHT(s, -n);
END_PROGRAM"""
    rt = Runtime(compile_program(source))
    rt.scan()
    assert rt.status == "RUN"
    assert (rt.read("r1"), rt.read("s1"), rt.read("s2")) == (0, "abc", "")


def test_non_ascii_and_control_characters_outside_strings_are_diagnosed():
    """Identifiers are ASCII (IEC 61131-3 clause 6.1.2); other characters are reported."""
    codes = _compile_error_codes("PROGRAM P VAR 变量 : INT; END_VAR \x00 END_PROGRAM")
    assert "E_CHAR" in codes


def test_non_text_source_is_a_diagnostic():
    """Passing something that is not text is a CompileError, not a TypeError."""
    with pytest.raises(CompileError):
        compile_program(b"PROGRAM P END_PROGRAM")  # type: ignore[arg-type]
