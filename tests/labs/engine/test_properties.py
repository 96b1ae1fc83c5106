"""Property tests (hypothesis): the compiler never crashes, generated well-typed programs
run without Python exceptions, and integer arithmetic follows the standard's model."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from labs.engine import CompileError, Runtime, compile_program
from labs.engine.lexer import tokenize

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADER = (
    "PROGRAM P\nVAR a, b : INT; c : DINT; x, y : BOOL; r, q : REAL; t : TIME; "
    "s : STRING[20]; arr : ARRAY[1..4] OF INT; tm : TON; END_VAR\n"
)

TOKENS = [
    "IF", "THEN", "ELSIF", "ELSE", "END_IF", "CASE", "OF", "END_CASE", "FOR", "TO", "BY",
    "DO", "END_FOR", "WHILE", "END_WHILE", "REPEAT", "UNTIL", "END_REPEAT", "EXIT",
    "RETURN", "AND", "OR", "XOR", "NOT", "MOD", "TRUE", "FALSE", ":=", "=>", "=", "<>", "<",
    "<=", ">", ">=", "+", "-", "*", "/", "**", "(", ")", "[", "]", ",", ";", ":", ".", "..",
    "#", "a", "b", "c", "x", "y", "r", "q", "t", "s", "arr", "tm", "tm.Q", "0", "1", "-1",
    "32767", "1.5", "T#1s", "INT#3", "16#FF", "'txt'", "ABS", "MIN", "LIMIT", "SQRT",
    "INT_TO_REAL", "REAL_TO_INT", "VAR", "END_VAR", "STRUCT", "ARRAY", "%IX0.0", "(*", "*)",
    "//", "'", "$",
]  # fmt: skip


def _compiles_or_diagnoses(source: str) -> None:
    try:
        program = compile_program(source)
    except CompileError as err:
        assert err.diagnostics
        for diag in err.diagnostics:
            assert diag.line >= 1 and diag.column >= 1
            diag.message("en")
            diag.message("zh")
            diag.excerpt()
        return
    rt = Runtime(program)
    for _ in range(3):
        rt.scan()
    assert rt.fault is None or rt.fault.code != "F_INTERNAL", rt.fault


@FAST
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes_the_compiler(text):
    """Any text compiles or yields diagnostics with positions and messages; nothing raises."""
    _compiles_or_diagnoses(text)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=60))
def test_token_soup_inside_a_program_never_crashes(tokens):
    """Random token sequences in a program body give diagnostics, never exceptions."""
    _compiles_or_diagnoses(HEADER + " ".join(tokens) + "\nEND_PROGRAM")


# ------------------------------------------------ well-typed program generator
INT_LEAVES = st.sampled_from(["a", "b", "arr[2]", "0", "1", "7", "-3", "32767", "INT#-32768"])
BOOL_LEAVES = st.sampled_from(["x", "y", "TRUE", "FALSE", "tm.Q"])
REAL_LEAVES = st.sampled_from(["r", "q", "0.0", "1.5", "-2.25", "1.0E10"])


def _int_expr():
    return st.recursive(
        INT_LEAVES,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "MOD"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"ABS({e})"),
            st.tuples(inner, inner).map(lambda t: f"MIN({t[0]}, {t[1]})"),
            st.tuples(inner, inner, inner).map(lambda t: f"LIMIT({t[0]}, {t[1]}, {t[2]})"),
            st.tuples(BOOL_LEAVES, inner, inner).map(lambda t: f"SEL({t[0]}, {t[1]}, {t[2]})"),
            REAL_LEAVES.map(lambda e: f"REAL_TO_INT(LIMIT(-1000.0, {e}, 1000.0))"),
        ),
        max_leaves=5,
    )


def _bool_expr(ints):
    return st.recursive(
        BOOL_LEAVES
        | st.tuples(ints, st.sampled_from(["<", ">", "=", "<>", "<=", ">="]), ints).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["AND", "OR", "XOR"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"(NOT {e})"),
        ),
        max_leaves=6,
    )


def _real_expr(ints):
    return st.recursive(
        REAL_LEAVES | ints.map(lambda e: f"INT_TO_REAL({e})"),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda e: f"SQRT(ABS({e}))"),
            st.tuples(inner, inner).map(lambda t: f"MAX({t[0]}, {t[1]})"),
        ),
        max_leaves=4,
    )


def _statement():
    ints = _int_expr()
    bools = _bool_expr(ints)
    reals = _real_expr(ints)
    simple = st.one_of(
        ints.map(lambda e: f"a := {e};"),
        ints.map(lambda e: f"arr[LIMIT(1, {e}, 4)] := b;"),
        bools.map(lambda e: f"x := {e};"),
        reals.map(lambda e: f"r := {e};"),
        ints.map(lambda e: f"c := c + {e};"),
        bools.map(lambda e: f"tm(IN := {e}, PT := T#30ms);"),
        st.just("s := CONCAT(LEFT(s, 10), 'ab');"),
        # Indexes by variables exercise the bounds-check elision: an unsound one would
        # surface as a Python IndexError, i.e. an F_INTERNAL fault.
        st.sampled_from(["a", "b"]).flatmap(
            lambda v: st.sampled_from(
                [f"arr[{v}] := arr[{v}] + 1;", f"b := arr[{v}];", f"{v} := 3;", f"{v} := b;"]
            )
        ),
    )
    return st.recursive(
        simple,
        lambda inner: st.one_of(
            st.tuples(bools, st.lists(inner, max_size=2), st.lists(inner, max_size=1)).map(
                lambda t: f"IF {t[0]} THEN {' '.join(t[1])} ELSE {' '.join(t[2])} END_IF;"
            ),
            st.tuples(ints, st.lists(inner, max_size=2)).map(
                lambda t: (
                    f"CASE {t[0]} OF 0, 1: {' '.join(t[1])} 2..5: y := NOT y; "
                    "ELSE b := b + 1; END_CASE;"
                )
            ),
            st.lists(inner, max_size=2).map(
                lambda body: f"FOR b := 1 TO 3 DO {' '.join(body)} END_FOR;"
            ),
        ),
        max_leaves=4,
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_statement(), min_size=1, max_size=4))
def test_generated_well_typed_programs_run_and_snapshot(statements):
    """Generated programs that pass the checks run without Python exceptions (only the
    PLC faults of the language may occur), and a snapshot taken midway restores a
    runtime that behaves identically. Constant expressions may divide by zero or leave
    the range of INT: those are legitimate compile errors, and the only ones allowed."""
    source = HEADER + "\n".join(statements) + "\nEND_PROGRAM"
    try:
        program = compile_program(source)
    except CompileError as err:
        assert {d.code for d in err.diagnostics} <= {"E_DIV_ZERO", "E_RANGE"}, err.format()
        reject()
    rt = Runtime(program)
    for _ in range(3):
        rt.scan()
    assert rt.fault is None or rt.fault.code in {"F_DIV_ZERO", "F_MATH", "F_INDEX", "F_WATCHDOG"}, (
        rt.fault
    )
    twin = Runtime.restore(program, json.loads(json.dumps(rt.snapshot())))
    for _ in range(3):
        rt.scan()
        twin.scan()
    assert json.dumps(twin.snapshot(), sort_keys=True) == json.dumps(rt.snapshot(), sort_keys=True)


# ------------------------------------------------------- arithmetic semantics
def _wrap(value: int, bits: int) -> int:
    half = 1 << (bits - 1)
    return ((value + half) % (1 << bits)) - half


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


ARITH = compile_program(
    "PROGRAM P VAR a, b, s, d, p, q, m : INT; x, y, xs, xd, xp : DINT; END_VAR\n"
    "s := a + b; d := a - b; p := a * b;\n"
    "IF b <> 0 THEN q := a / b; m := a MOD b; END_IF;\n"
    "xs := x + y; xd := x - y; xp := x * y;\n"
    "END_PROGRAM"
)
INT16 = st.integers(-32768, 32767)
INT32 = st.integers(-(2**31), 2**31 - 1)


@settings(max_examples=300, deadline=None)
@given(INT16, INT16, INT32, INT32)
def test_integer_arithmetic_wraps_and_truncates_like_the_standard(a, b, x, y):
    """INT and DINT +, -, * wrap at 16/32 bits; / truncates toward zero; MOD has the
    sign of the dividend and a = (a / b) * b + a MOD b."""
    rt = Runtime(ARITH)
    for name, value in {"a": a, "b": b, "x": x, "y": y}.items():
        rt.write(name, value)
    rt.scan()
    assert rt.read("s") == _wrap(a + b, 16)
    assert rt.read("d") == _wrap(a - b, 16)
    assert rt.read("p") == _wrap(a * b, 16)
    assert rt.read("xs") == _wrap(x + y, 32)
    assert rt.read("xd") == _wrap(x - y, 32)
    assert rt.read("xp") == _wrap(x * y, 32)
    if b:
        assert rt.read("q") == _wrap(_trunc_div(a, b), 16)
        assert _wrap(rt.read("q") * b + rt.read("m"), 16) == a
        assert rt.read("m") == 0 or (rt.read("m") > 0) == (a > 0)


ROUNDING = compile_program(
    "PROGRAM P VAR r : LREAL; i : DINT; END_VAR i := LREAL_TO_DINT(r); END_PROGRAM"
)


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**6), 10**6))
def test_real_to_int_rounds_half_to_even(n):
    """x.5 rounds to the even neighbour; other values to the nearest integer."""
    rt = Runtime(ROUNDING)
    rt.write("r", n + 0.5)
    rt.scan()
    assert rt.read("i") in (n, n + 1)
    assert rt.read("i") % 2 == 0


# ------------------------------------------------------ mutated corpus programs
CORPUS = [path.read_text() for path in sorted((Path(__file__).parent / "programs").glob("*.st"))]
MUTATION = st.tuples(st.sampled_from(["delete", "duplicate", "swap"]), st.integers(0, 10**6))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_corpus_programs_never_crash(source, mutations):
    """Real programs with tokens deleted, duplicated or swapped give diagnostics or run;
    nothing raises and no scan ends in an internal fault."""
    texts = [tok.text for tok in tokenize(source)[0] if tok.kind != "eof"]
    for op, seed in mutations:
        i, j = seed % len(texts), (seed // 7) % len(texts)
        if op == "delete" and len(texts) > 1:
            del texts[i]
        elif op == "duplicate":
            texts.insert(i, texts[j])
        else:
            texts[i], texts[j] = texts[j], texts[i]
    _compiles_or_diagnoses(" ".join(texts))
