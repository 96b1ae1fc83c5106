"""The program corpus: every tests/labs/engine/programs/*.st runs its timeline and passes;
every programs/bad/*.st fails to compile with exactly the diagnostics listed beside it."""

import json
from pathlib import Path

import pytest

from labs.engine import CompileError, IOPoint, compile_program, run_timeline

PROGRAMS = Path(__file__).parent / "programs"
GOOD = sorted(PROGRAMS.glob("*.st"))
BAD = sorted((PROGRAMS / "bad").glob("*.st"))


def test_the_corpus_is_large_enough():
    """The issue asks for at least 40 programs with timelines, plus negative programs."""
    assert len(GOOD) >= 40
    assert len(BAD) >= 15
    for path in GOOD + BAD:
        assert path.with_suffix(".json").exists(), path.name


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_program_meets_its_timeline(path):
    """The program compiles, every expectation of its timeline holds, and it faults only
    where the timeline says it must (code and line)."""
    timeline = json.loads(path.with_suffix(".json").read_text())
    io = [IOPoint(**point) for point in timeline.get("io", [])]
    program = compile_program(path.read_text(), io=io)
    report = run_timeline(program, timeline)
    failed = [c for c in report.checks if not c["passed"]]
    assert failed == []
    assert report.checks, "a timeline must check something"
    expected_fault = timeline.get("expect_fault")
    if expected_fault is None:
        assert report.fault is None, report.fault.message("en")
    else:
        assert report.fault is not None
        assert (report.fault.code, report.fault.line) == (
            expected_fault["code"],
            expected_fault["line"],
        )


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_program_reports_its_diagnostics(path):
    """The compiler rejects the program with the listed codes at the listed positions,
    and every diagnostic has an English and a Chinese message and a caret excerpt."""
    expected = json.loads(path.with_suffix(".json").read_text())["errors"]
    with pytest.raises(CompileError) as err:
        compile_program(path.read_text())
    got = [{"line": d.line, "column": d.column, "code": d.code} for d in err.value.diagnostics]
    assert got == expected
    for diag in err.value.diagnostics:
        english, chinese = diag.message("en"), diag.message("zh")
        assert english and chinese and english != chinese
        assert "^" in diag.excerpt()
