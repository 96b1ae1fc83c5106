"""``python -m labs.engine check|run``: output, exit codes, JSON reports, traces."""

import json
import subprocess
import sys
from pathlib import Path

from labs.engine.__main__ import main

PROGRAMS = Path(__file__).parent / "programs"
GOOD = str(PROGRAMS / "start_stop.st")
TIMELINE = str(PROGRAMS / "start_stop.json")
BAD = str(PROGRAMS / "bad" / "undeclared.st")


def test_check_clean_program_exits_zero(capsys):
    """check on a correct program says so and exits 0."""
    assert main(["check", GOOD]) == 0
    assert "no errors" in capsys.readouterr().out


def test_check_reports_diagnostics_in_chinese_and_exits_one(capsys):
    """check prints file:line:col, the code, the message in the chosen language and a caret."""
    assert main(["check", BAD, "--lang", "zh"]) == 1
    out = capsys.readouterr().out
    assert "undeclared.st:5:6: error[E_UNDECLARED]: 'b' 未声明" in out
    assert "     ^" in out


def test_check_json_lists_diagnostics(capsys):
    """check --json gives machine-readable diagnostics."""
    assert main(["check", BAD, "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert [d["code"] for d in data["diagnostics"]] == ["E_UNDECLARED", "E_UNDECLARED"]


def test_run_timeline_passes_and_prints_every_check(capsys):
    """run --timeline reports each expectation and exits 0 when all pass."""
    assert main(["run", GOOD, "--timeline", TIMELINE]) == 0
    out = capsys.readouterr().out
    assert "PASS  t=2100 ms  RUNNING_LAMP = TRUE" in out
    assert "14 of 14 checks passed" in out


def test_run_failing_timeline_exits_one_with_json_details(tmp_path, capsys):
    """A failed expectation makes run exit 1; --json lists expected and actual values."""
    timeline = tmp_path / "t.json"
    timeline.write_text(
        json.dumps({"scan_ms": 10, "steps": [{"t_ms": 0, "expect": {"MOTOR": True}}]})
    )
    assert main(["run", GOOD, "--timeline", str(timeline), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False
    assert report["checks"] == [
        {"t_ms": 0, "name": "MOTOR", "expected": True, "actual": False, "passed": False}
    ]


def test_run_for_with_trace_prints_values_per_scan(capsys):
    """run --for 50ms --trace prints one line per scan with the traced variables."""
    assert main(["run", GOOD, "--for", "50ms", "--trace", "MOTOR,warmup.ET"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "t=       0 ms  MOTOR=FALSE  warmup.ET=0"
    assert len([line for line in lines if line.startswith("t=")]) == 5
    assert lines[-1].startswith("ran 50 ms (5 scans), status RUN")


def test_bad_inputs_give_a_message_and_exit_two(tmp_path, capsys):
    """A missing file, invalid JSON or an unknown name in a timeline is exit 2, no traceback."""
    assert main(["run", str(tmp_path / "missing.st"), "--for", "1s"]) == 2
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["run", GOOD, "--timeline", str(broken)]) == 2
    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps({"steps": [{"t_ms": 0, "expect": {"NOPE": 1}}]}))
    assert main(["run", GOOD, "--timeline", str(unknown)]) == 2
    err = capsys.readouterr().err
    assert err.count("error:") == 3
    assert "NOPE" in err


def test_module_entry_point_runs():
    """``python -m labs.engine`` works as a process (exit code of check)."""
    result = subprocess.run(
        [sys.executable, "-m", "labs.engine", "check", BAD],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert result.returncode == 1
    assert "E_UNDECLARED" in result.stdout
