"""Runtime behaviour beyond the basic API: configurations, restarts, forcing, snapshots of
every kind of state, reading structured values, stop/start."""

import json

import pytest

from labs.engine import AccessError, IOPoint, Runtime, compile_program, run_timeline
from labs.engine.timeline import TimelineError

CONFIG = """
TYPE Mode : (Idle, Busy); END_TYPE
FUNCTION_BLOCK Keeper
VAR_INPUT inc : BOOL; END_VAR
VAR_OUTPUT total : DINT; END_VAR
VAR RETAIN kept : DINT; END_VAR
VAR lost : DINT; END_VAR
IF inc THEN kept := kept + 1; lost := lost + 1; END_IF;
total := kept;
END_FUNCTION_BLOCK

PROGRAM Line
VAR
  go AT %IX0.0 : BOOL;
  lamp AT %QX0.0 : BOOL;
  k : Keeper;
  mode : Mode;
  shelf : ARRAY[1..2] OF INT := [4, 5];
  t : TON;
END_VAR
k(inc := go);
lamp := go;
IF go THEN mode := Busy; ELSE mode := Idle; END_IF;
t(IN := go, PT := T#1s);
END_PROGRAM

PROGRAM Beat
VAR_EXTERNAL beats : DINT; END_VAR
beats := beats + 1;
END_PROGRAM

CONFIGURATION Cell
  VAR_GLOBAL RETAIN beats : DINT; END_VAR
  TASK Fast (INTERVAL := T#20ms, PRIORITY := 1);
  PROGRAM line1 WITH Fast : Line;
  PROGRAM beat : Beat;
END_CONFIGURATION
"""


@pytest.fixture
def program():
    """The compiled configuration above."""
    return compile_program(CONFIG)


def test_configuration_instances_are_read_as_inst_var(program):
    """With a CONFIGURATION, variables are ``inst.var``; globals by plain name; a 20 ms
    task on a 10 ms tick runs every other scan."""
    rt = Runtime(program, scan_ms=10)
    rt.set_input("%IX0.0", True)
    rt.run_for(40)
    assert rt.read("line1.k.total") == 2
    assert rt.read("beats") == 4
    assert rt.read("line1.mode") == "Mode#Busy"
    assert rt.read("line1.shelf") == [4, 5]
    assert rt.read("line1.k") == {"inc": True, "total": 2, "kept": 2, "lost": 2}
    names = {v.name for v in program.variables()}
    assert {"beats", "line1.go", "line1.k", "beat.beats"} - names == {"beat.beats"}


def test_retain_inside_fb_instances_and_globals_survives_warm_restart(program):
    """RETAIN variables of FB instances and RETAIN globals keep their values on a warm
    restart; the rest is re-initialised; a cold restart resets everything."""
    rt = Runtime(program, scan_ms=10)
    rt.set_input("%IX0.0", True)
    rt.run_for(60)
    rt.warm_restart()
    assert rt.read("line1.k.kept") == 3
    assert rt.read("line1.k.lost") == 0
    assert rt.read("beats") == 6
    assert rt.read("line1.mode") == "Mode#Idle"
    rt.cold_restart()
    assert (rt.read("line1.k.kept"), rt.read("beats")) == (0, 0)


def test_stop_clears_outputs_and_start_resumes(program):
    """STOP: outputs FALSE and no program runs while the clock advances; start resumes."""
    rt = Runtime(program, scan_ms=10)
    rt.set_input("%IX0.0", True)
    rt.scan()
    assert rt.get_output("%QX0.0") is True
    rt.stop()
    assert rt.status == "STOP"
    assert rt.get_output("%QX0.0") is False
    rt.run_for(50)
    assert rt.read("beats") == 1
    assert rt.clock_ms == 60
    rt.start()
    rt.scan()
    assert rt.read("beats") == 2
    assert rt.get_output("%QX0.0") is True


def test_a_kept_reference_to_scan_follows_stop_and_force():
    """``scan = rt.scan`` kept by a caller still honours STOP and forcing afterwards."""
    rt = Runtime(compile_program("PROGRAM P VAR n : INT; END_VAR n := n + 1; END_PROGRAM"))
    scan = rt.scan
    scan()
    rt.stop()
    scan()
    assert (rt.read("n"), rt.clock_ms) == (1, 20)
    rt.start()
    rt.force("n", 7)
    scan()
    assert rt.read("n") == 7


def test_forcing_an_input_address_overrides_the_plant(program):
    """A forced input holds its value even when the plant writes the input image."""
    rt = Runtime(program, scan_ms=10)
    rt.force("%IX0.0", True)
    rt.set_input("%IX0.0", False)
    rt.scan()
    assert rt.read("line1.go") is True
    assert rt.forced == {"go": True}
    rt.unforce("%IX0.0")
    rt.set_input("%IX0.0", False)
    rt.scan()
    assert rt.read("line1.go") is False


def test_snapshot_restores_timers_tasks_forces_and_faults():
    """A snapshot carries timer internals, the task schedule, forces, status and fault."""
    source = """PROGRAM P VAR go AT %IX0.0 : BOOL; t : TON; n, d : INT; END_VAR
t(IN := go, PT := T#100ms);
n := n + 1;
IF n = 30 THEN d := n / (n - 30); END_IF;
END_PROGRAM"""
    program = compile_program(source)
    rt = Runtime(program, scan_ms=10)
    rt.set_input("%IX0.0", True)
    rt.run_for(50)
    twin = Runtime.restore(program, json.loads(json.dumps(rt.snapshot())))
    twin.run_for(60)
    rt.run_for(60)
    assert twin.read("t.Q") is rt.read("t.Q") is True
    assert twin.read("t.ET") == rt.read("t.ET") == 100
    rt.run_for(200)
    assert rt.status == "FAULT"
    faulted = Runtime.restore(program, json.loads(json.dumps(rt.snapshot())))
    assert faulted.status == "FAULT"
    assert faulted.fault == rt.fault
    assert faulted.fault.message("zh").startswith("除数为零")


@pytest.mark.parametrize(
    "mutation",
    [
        lambda s: s.update(format="other"),
        lambda s: s.update(clock_ms=-5),
        lambda s: s["programs"]["p"].update(v_n="text"),
        lambda s: s["programs"]["p"].pop("v_t"),
        lambda s: s.update(inputs=[1, 2, 3]),
    ],
)
def test_corrupt_snapshots_are_refused_cleanly(mutation):
    """A tampered snapshot raises AccessError (A_SNAPSHOT), never a Python exception."""
    program = compile_program(
        "PROGRAM P VAR go AT %IX0.0 : BOOL; t : TON; n : INT; END_VAR n := n + 1; END_PROGRAM"
    )
    snap = Runtime(program).snapshot()
    mutation(snap)
    with pytest.raises(AccessError):
        Runtime.restore(program, snap)


def test_values_are_checked_on_write():
    """Writes are type- and range-checked: INT range, enum names, TIME strings."""
    program = compile_program(
        "TYPE Mode : (Idle, Busy); END_TYPE PROGRAM P VAR i : INT; m : Mode; t : TIME; "
        "s : STRING[3]; r : REAL; END_VAR END_PROGRAM"
    )
    rt = Runtime(program)
    rt.write("m", "busy")
    rt.write("t", "T#1m")
    rt.write("r", 2)
    assert (rt.read("m"), rt.read("t"), rt.read("r")) == ("Mode#Busy", 60000, 2.0)
    for name, value in [("i", 40000), ("i", True), ("m", "Fast"), ("s", "long"), ("r", "x")]:
        with pytest.raises(AccessError) as err:
            rt.write(name, value)
        assert err.value.message("zh")


def test_bits_of_integers_are_read_and_written_by_name():
    """``name.N`` reads and writes one bit; writing bit 15 of an INT makes it negative."""
    program = compile_program("PROGRAM P VAR i : INT; w : WORD; END_VAR END_PROGRAM")
    rt = Runtime(program)
    rt.write("i.15", True)
    rt.write("w.4", 1)
    assert (rt.read("i"), rt.read("w"), rt.read("w.4"), rt.read("w.5")) == (-32768, 16, True, False)
    rt.write("i.15", False)
    assert rt.read("i") == 0
    for name in ("w.16", "i.x", "w.4.1"):
        with pytest.raises(AccessError):
            rt.read(name)


def test_constants_cannot_be_written_or_forced():
    """A CONSTANT is folded into the code, so writing or forcing it is refused."""
    rt = Runtime(compile_program("PROGRAM P VAR CONSTANT K : INT := 3; END_VAR END_PROGRAM"))
    for action in (rt.write, rt.force):
        with pytest.raises(AccessError) as err:
            action("K", 4)
        assert err.value.code == "A_CONSTANT"
    assert rt.read("K") == 3


def test_steps_at_the_same_time_act_together():
    """Two steps with the same t_ms: both writes happen before the one scan at t."""
    program = compile_program("PROGRAM P VAR a, b, s : INT; END_VAR s := a + b; END_PROGRAM")
    report = run_timeline(
        program,
        {
            "scan_ms": 10,
            "steps": [
                {"t_ms": 20, "set": {"a": 1}, "expect": {"s": 3}},
                {"t_ms": 20, "set": {"b": 2}, "expect": {"a": 1}},
            ],
        },
    )
    assert report.passed, report.checks
    assert report.end_ms == 30


def test_timeline_validation_errors_name_the_problem():
    """An invalid timeline raises TimelineError with a readable reason."""
    program = compile_program("PROGRAM P VAR a : INT; END_VAR END_PROGRAM")
    cases = [
        ({"scan_ms": 0, "steps": []}, "scan_ms"),
        ({"scan_ms": 10, "steps": [{"t_ms": 15}]}, "multiple"),
        ({"scan_ms": 10, "steps": [{"t_ms": 0, "expect": {"b": 1}}]}, "'b'"),
        ({"scan_ms": 10, "steps": [{"t_ms": 0, "wait": 1}]}, "unknown key"),
        ([], "object"),
    ]
    for timeline, fragment in cases:
        with pytest.raises(TimelineError) as err:
            run_timeline(program, timeline)
        assert fragment in err.value.message("en")
        assert err.value.message("zh") != err.value.message("en")


def test_io_point_with_its_own_address_in_the_program_hides_the_predeclared_one():
    """Redeclaring a predeclared name at another address (same type) is allowed: the
    program's declaration wins and the predeclared address stays wired on its own."""
    io = [IOPoint("START", "%IX0.0", "BOOL"), IOPoint("LAMP", "%QX0.0", "BOOL")]
    program = compile_program(
        "PROGRAM P VAR START AT %IX0.5 : BOOL; END_VAR LAMP := START; END_PROGRAM", io=io
    )
    rt = Runtime(program)
    rt.set_input("%IX0.5", True)
    rt.scan()
    assert rt.get_output("%QX0.0") is True
    assert set(rt.image()) == {"%IX0.0", "%IX0.5", "%QX0.0"}
