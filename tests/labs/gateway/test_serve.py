"""``python -m labs.engine serve``: a real process serving a plant over Modbus; clear refusals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pymodbus.client import ModbusTcpClient

from labs.engine.grading import reference_solution
from labs.gateway.cli import main, parse_duration, parse_host_port
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[3]
COMMAND = [sys.executable, "-m", "labs.engine", "serve"]


@pytest.fixture
def tank_source(tmp_path):
    path = tmp_path / "tank.st"
    path.write_text(reference_solution("tank"), "utf-8")
    return path


def test_serve_runs_the_plant_for_a_modbus_client(tank_source):
    """A client connected to the served tank reads the level and the stop button's input."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [
            *COMMAND,
            str(tank_source),
            "--plant",
            "tank",
            "--modbus",
            f"127.0.0.1:{port}",
            "--for",
            "6s",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        client = ModbusTcpClient("127.0.0.1", port=port, timeout=2)
        deadline = time.monotonic() + 5
        while not client.connect() and time.monotonic() < deadline:
            time.sleep(0.1)
        level = client.read_input_registers(0, count=1)
        inputs = client.read_discrete_inputs(0, count=4)
        client.close()
        assert not level.isError() and 200 <= level.registers[0] <= 400
        assert inputs.bits[:2] == [False, True], "START released, STOP (NC) closed"
        stdout, _stderr = proc.communicate(timeout=15)
    finally:
        proc.kill()
        proc.wait(5)
    assert proc.returncode == 0
    assert "Modbus TCP on 127.0.0.1" in stdout and "Stopped after" in stdout


def test_compile_errors_are_printed_with_a_caret(tmp_path, capsys):
    """A program that does not compile exits 1 with file:line:column, message and caret."""
    bad = tmp_path / "bad.st"
    bad.write_text("PROGRAM P\nK1 := NOPE;\nEND_PROGRAM\n", "utf-8")
    assert main(["serve", str(bad), "--plant", "motor", "--modbus", "127.0.0.1:1"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:7:" in err and "NOPE" in err and "^" in err


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--modbus", "localhost"], "HOST:PORT"),
        (["--modbus", "127.0.0.1:99999"], "HOST:PORT"),
        (["--modbus", "127.0.0.1:5020", "--for", "soon"], "duration"),
        ([], "--modbus"),
    ],
)
def test_bad_options_are_refused(tank_source, capsys, extra, fragment):
    """Malformed endpoints and durations exit 2 with a message, nothing starts."""
    assert main(["serve", str(tank_source), "--plant", "tank", *extra]) == 2
    assert fragment in capsys.readouterr().err


def test_missing_file_and_busy_port(tank_source, tmp_path, capsys):
    """A missing program and a port already in use are reported, not raised."""
    assert main(["serve", str(tmp_path / "nope.st"), "--modbus", "127.0.0.1:5020"]) == 2
    assert "nope.st" in capsys.readouterr().err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(
            [
                "serve",
                str(tank_source),
                "--plant",
                "tank",
                "--lang",
                "zh",
                "--modbus",
                f"127.0.0.1:{port}",
                "--for",
                "1s",
            ]
        )
    assert code == 1
    assert "无法在" in capsys.readouterr().err


def test_parsers():
    """Durations and endpoints parse the documented forms only."""
    assert parse_duration("500ms") == 0.5 and parse_duration("2m") == 120.0
    assert parse_duration("3") == 3.0
    assert parse_host_port("[::1]:502") == ("::1", 502)
    with pytest.raises(ValueError):
        parse_duration("-1s")
