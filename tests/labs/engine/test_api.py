"""The public API of labs.engine (docs: /work/briefs/engine-api.md, docs/engine/language.md)."""

import json

import pytest

from labs.engine import (
    AccessError,
    CompileError,
    IOPoint,
    Limits,
    Runtime,
    compile_program,
    run_timeline,
)

START_STOP = """
PROGRAM Main
VAR
  START AT %IX0.0 : BOOL;
  STOP AT %IX0.1 : BOOL;
  MOTOR AT %QX0.0 : BOOL;
  LAMP AT %QX0.1 : BOOL;
  T1 : TON;
  runs : INT;
END_VAR
IF START AND NOT STOP THEN
  MOTOR := TRUE;
ELSIF STOP THEN
  MOTOR := FALSE;
END_IF;
T1(IN := MOTOR, PT := T#200ms);
LAMP := T1.Q;
runs := runs + 1;
END_PROGRAM
"""


def test_start_stop_latch_and_timer_follow_the_plc_clock():
    """MOTOR latches on START, the TON output rises exactly PT after MOTOR (scan at t sees t)."""
    program = compile_program(START_STOP)
    rt = Runtime(program, scan_ms=10)
    rt.set_input("%IX0.0", True)
    rt.scan()
    assert rt.read("MOTOR") is True
    assert rt.get_output("%QX0.0") is True
    rt.set_input("%IX0.0", False)
    rt.run_for(190)  # scans at t = 10 .. 190
    assert rt.clock_ms == 200
    assert rt.read("T1.ET") == 190
    assert rt.read("lamp") is False
    rt.scan()  # t = 200
    assert rt.read("T1.Q") is True
    assert rt.read("%QX0.1") is True
    assert rt.read("T1.ET") == 200


def test_timeline_reports_every_check_and_its_actual_value():
    """run_timeline applies sets before the scan at t and checks after it; a wrong value fails."""
    program = compile_program(START_STOP)
    report = run_timeline(
        program,
        {
            "scan_ms": 10,
            "steps": [
                {"t_ms": 0, "set": {"START": True}, "expect": {"MOTOR": True}},
                {"t_ms": 10, "set": {"START": False}},
                {"t_ms": 190, "expect": {"LAMP": False, "T1.ET": 190}},
                {"t_ms": 200, "expect": {"lamp": True, "runs": 21}},
                {"t_ms": 300, "set": {"STOP": True}, "expect": {"MOTOR": True}},
            ],
        },
    )
    assert not report.passed
    failed = [c for c in report.checks if not c["passed"]]
    assert failed == [
        {"t_ms": 300, "name": "MOTOR", "expected": True, "actual": False, "passed": False}
    ]
    assert report.to_dict("zh")["checks"][0]["passed"] is True
    json.dumps(report.to_dict())


def test_integer_overflow_wraps_at_the_type_width():
    """INT arithmetic wraps from 32767 to -32768 as on a PLC."""
    program = compile_program(
        "PROGRAM P VAR x : INT := 32767; y : USINT := 255; END_VAR x := x + 1; y := y + 1; "
        "END_PROGRAM"
    )
    rt = Runtime(program)
    rt.scan()
    assert rt.read("x") == -32768
    assert rt.read("y") == 0


def test_snapshot_restores_identical_future_behaviour():
    """A runtime restored from a JSON round-tripped snapshot behaves exactly like the original."""
    program = compile_program(START_STOP)
    rt = Runtime(program, scan_ms=10)
    rt.write("START", True)
    rt.run_for(120)
    rt.force("STOP", False)
    snap = json.loads(json.dumps(rt.snapshot()))
    twin = Runtime.restore(program, snap)
    for _ in range(15):
        rt.scan()
        twin.scan()
        assert twin.read("T1.ET") == rt.read("T1.ET")
        assert twin.read("LAMP") == rt.read("LAMP")
    assert twin.clock_ms == rt.clock_ms == 270
    assert twin.forced == {"STOP": False}


def test_snapshot_of_another_program_is_refused():
    """Restoring a snapshot into a different program raises a readable AccessError."""
    one = compile_program(START_STOP)
    other = compile_program("PROGRAM P VAR a : INT; END_VAR a := 1; END_PROGRAM")
    with pytest.raises(AccessError) as err:
        Runtime.restore(other, Runtime(one).snapshot())
    assert "snapshot" in err.value.message("en")
    assert "快照" in err.value.message("zh")


def test_predeclared_io_points_are_usable_by_name_and_address():
    """IOPoints become globals: the program can use the name or the address undeclared."""
    io = [
        IOPoint("START", "%IX0.0", "BOOL"),
        IOPoint("LEVEL", "%IW0", "INT"),
        IOPoint("PUMP", "%QX0.0", "BOOL"),
    ]
    program = compile_program(
        "PROGRAM P PUMP := START AND %IW0 < 100; END_PROGRAM",
        io=io,
    )
    rt = Runtime(program)
    rt.set_input("%IX0.0", True)
    rt.set_input("%IW0", 50)
    rt.scan()
    assert rt.get_output("%QX0.0") is True
    assert rt.image() == {"%IW0": 50, "%IX0.0": True, "%QX0.0": True}
    names = {v.name: v.kind for v in program.variables()}
    assert names["LEVEL"] == "input"
    assert names["PUMP"] == "output"


def test_redeclaring_an_io_point_with_another_type_is_an_error():
    """A program declaration of a predeclared I/O name with a different type is E_IO_CONFLICT."""
    io = [IOPoint("START", "%IX0.0", "BOOL")]
    with pytest.raises(CompileError) as err:
        compile_program("PROGRAM P VAR START : INT; END_VAR START := 1; END_PROGRAM", io=io)
    assert [d.code for d in err.value.diagnostics] == ["E_IO_CONFLICT"]
    program = compile_program("PROGRAM P VAR START AT %IX0.0 : BOOL; END_VAR END_PROGRAM", io=io)
    assert [v.address for v in program.variables()] == ["%IX0.0"]


def test_forcing_holds_a_value_against_the_program():
    """A forced variable keeps its value even though the program writes it every scan."""
    program = compile_program(START_STOP)
    rt = Runtime(program)
    rt.force("MOTOR", True)
    rt.write("STOP", True)
    rt.scan()
    assert rt.read("MOTOR") is True
    assert rt.get_output("%QX0.0") is True
    rt.unforce("MOTOR")
    rt.scan()
    assert rt.read("MOTOR") is False
    assert rt.forced == {}


def test_runaway_loop_faults_with_line_and_clears_outputs():
    """An endless WHILE trips the watchdog: FAULT, the line, outputs FALSE, clock still runs."""
    source = """PROGRAM P
VAR q AT %QX0.0 : BOOL; i : INT; END_VAR
q := TRUE;
IF i > 2 THEN
  WHILE TRUE DO
    i := i + 1;
  END_WHILE;
END_IF;
i := i + 1;
END_PROGRAM"""
    rt = Runtime(compile_program(source, limits=Limits(max_loop_iterations=5000)))
    rt.run_for(30)
    assert rt.status == "RUN"
    assert rt.get_output("%QX0.0") is True
    rt.scan()
    assert rt.status == "FAULT"
    assert rt.fault.line == 5
    assert rt.fault.code == "F_WATCHDOG"
    assert "5000" in rt.fault.message("en")
    assert "看门狗" in rt.fault.message("zh")
    assert rt.get_output("%QX0.0") is False
    clock = rt.clock_ms
    rt.scan()
    assert rt.clock_ms == clock + 10
    assert rt.status == "FAULT"


def test_diagnostics_have_position_caret_and_both_languages():
    """An undeclared name is reported with line, column, caret excerpt, English and Chinese."""
    source = "PROGRAM P\nVAR a : INT; END_VAR\na := b + 1;\nEND_PROGRAM\n"
    with pytest.raises(CompileError) as err:
        compile_program(source)
    (diag,) = err.value.diagnostics
    assert (diag.line, diag.column, diag.code) == (3, 6, "E_UNDECLARED")
    assert diag.excerpt() == "a := b + 1;\n     ^"
    assert diag.message("en") == "'b' is not declared"
    assert diag.message("zh") == "'b' 未声明"
    assert diag.to_dict("zh")["message"] == "'b' 未声明"


def test_unused_variables_are_warnings_not_errors():
    """A declared but never used local variable compiles, with a W_UNUSED warning."""
    program = compile_program("PROGRAM P VAR a, spare : INT; END_VAR a := 1; END_PROGRAM")
    assert [(w.code, w.line, w.column, w.severity) for w in program.warnings] == [
        ("W_UNUSED", 1, 18, "warning")
    ]
    assert program.warnings[0].message("zh") == "'spare' 从未使用"


def test_parser_reports_several_syntax_errors():
    """After a syntax error the parser resumes at the next statement and reports the next one."""
    source = "PROGRAM P\nVAR a : INT; END_VAR\na := ;\na = 2;\na := 3;\nEND_PROGRAM"
    with pytest.raises(CompileError) as err:
        compile_program(source)
    lines = [d.line for d in err.value.diagnostics]
    assert lines == [3, 4]


def test_warm_restart_keeps_retain_and_cold_restart_resets_it():
    """RETAIN variables survive a warm restart; a cold restart resets everything."""
    program = compile_program(
        "PROGRAM P VAR RETAIN total : DINT; END_VAR VAR n : INT; END_VAR "
        "total := total + 1; n := n + 1; END_PROGRAM"
    )
    rt = Runtime(program)
    rt.run_for(50)
    rt.warm_restart()
    assert (rt.read("total"), rt.read("n")) == (5, 0)
    rt.cold_restart()
    assert (rt.read("total"), rt.read("n")) == (0, 0)


def test_unknown_names_raise_access_error():
    """Reading or writing an unknown variable raises AccessError with a bilingual message."""
    rt = Runtime(compile_program(START_STOP))
    with pytest.raises(AccessError):
        rt.read("NOPE")
    with pytest.raises(AccessError):
        rt.write("MOTOR", 3)
    with pytest.raises(AccessError):
        rt.set_input("%IX9.9", True)
