"""Scans per second of compiled ST programs against the same logic hand-written in Python.

Run: ``python bench/engine.py [--scans N]``. Both sides run in this process, alternating,
several rounds; the best round of each is kept, timed in process CPU time so that other
processes on a shared machine disturb the ratio less. The ratio is
compiled time / hand-written time (1.0 = as fast as idiomatic Python).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labs.engine import Runtime, compile_program

SCAN_MS = 10

TRAFFIC_LIGHT = """
PROGRAM TrafficLight
VAR
  RUN AT %IX0.0 : BOOL;
  RED AT %QX0.0 : BOOL;
  YELLOW AT %QX0.1 : BOOL;
  GREEN AT %QX0.2 : BOOL;
  state : INT;
  tRed : TON;
  tGreen : TON;
  tYellow : TON;
END_VAR
tRed(IN := RUN AND state = 0, PT := T#5s);
tGreen(IN := state = 1, PT := T#4s);
tYellow(IN := state = 2, PT := T#1s);
CASE state OF
  0: IF tRed.Q THEN state := 1; END_IF;
  1: IF tGreen.Q THEN state := 2; END_IF;
  2: IF tYellow.Q THEN state := 0; END_IF;
END_CASE;
RED := state = 0;
GREEN := state = 1;
YELLOW := state = 2;
END_PROGRAM
"""

TANK = """
PROGRAM Tank
VAR
  LEVEL_RAW AT %IW0 : INT;
  VALVE AT %QW0 : INT;
  ALARM AT %QX0.0 : BOOL;
  level : REAL;
  setpoint : REAL := 50.0;
  error : REAL;
  integral : REAL;
  output : REAL;
  kp : REAL := 2.5;
  ki : REAL := 0.1;
END_VAR
level := INT_TO_REAL(LEVEL_RAW) / 100.0;
error := setpoint - level;
integral := LIMIT(-100.0, integral + error * 0.01, 100.0);
output := LIMIT(0.0, kp * error + ki * integral, 100.0);
VALVE := REAL_TO_INT(output * 10.0);
ALARM := level > 90.0 OR level < 5.0;
END_PROGRAM
"""

CONVEYOR = """
PROGRAM Conveyor
VAR
  SENSOR AT %IX0.0 : BOOL;
  RESET AT %IX0.1 : BOOL;
  FULL AT %QX0.0 : BOOL;
  COUNT_OUT AT %QW0 : INT;
  edge : R_TRIG;
  counter : CTU;
  lanes : ARRAY[0..7] OF INT;
  i : INT;
  busiest : INT;
END_VAR
edge(CLK := SENSOR);
counter(CU := edge.Q, R := RESET, PV := 100);
IF edge.Q THEN
  lanes[counter.CV MOD 8] := lanes[counter.CV MOD 8] + 1;
END_IF;
IF RESET THEN
  FOR i := 0 TO 7 DO
    lanes[i] := 0;
  END_FOR;
END_IF;
busiest := 0;
FOR i := 1 TO 7 DO
  IF lanes[i] > lanes[busiest] THEN
    busiest := i;
  END_IF;
END_FOR;
FULL := counter.Q;
COUNT_OUT := counter.CV;
END_PROGRAM
"""


# ----------------------------------------------------------- hand-written Python
class OnDelay:
    """A plain-Python on-delay timer."""

    def __init__(self, preset_ms):
        self.preset_ms = preset_ms
        self.started = None

    def update(self, enabled, now):
        """True once ``enabled`` has been true for the preset time."""
        if not enabled:
            self.started = None
            return False
        if self.started is None:
            self.started = now
        return now - self.started >= self.preset_ms


class TrafficLightPy:
    """The traffic light, as a Python programmer would write it."""

    def __init__(self):
        self.run = False
        self.state = 0
        self.red = self.yellow = self.green = False
        self.t_red = OnDelay(5000)
        self.t_green = OnDelay(4000)
        self.t_yellow = OnDelay(1000)

    def step(self, now):
        """One cycle at time ``now`` (ms)."""
        red_done = self.t_red.update(self.run and self.state == 0, now)
        green_done = self.t_green.update(self.state == 1, now)
        yellow_done = self.t_yellow.update(self.state == 2, now)
        if self.state == 0:
            if red_done:
                self.state = 1
        elif self.state == 1:
            if green_done:
                self.state = 2
        elif self.state == 2 and yellow_done:
            self.state = 0
        self.red = self.state == 0
        self.green = self.state == 1
        self.yellow = self.state == 2


class TankPy:
    """The tank PI controller in Python."""

    def __init__(self):
        self.level_raw = 0
        self.valve = 0
        self.alarm = False
        self.setpoint = 50.0
        self.integral = 0.0
        self.kp = 2.5
        self.ki = 0.1

    def step(self, now):
        """One cycle at time ``now`` (ms)."""
        level = self.level_raw / 100.0
        error = self.setpoint - level
        self.integral = min(max(self.integral + error * 0.01, -100.0), 100.0)
        output = min(max(self.kp * error + self.ki * self.integral, 0.0), 100.0)
        self.valve = round(output * 10.0)
        self.alarm = level > 90.0 or level < 5.0


class ConveyorPy:
    """The conveyor counter in Python."""

    def __init__(self):
        self.sensor = False
        self.reset = False
        self.last_sensor = False
        self.count = 0
        self.lanes = [0] * 8
        self.busiest = 0
        self.full = False

    def step(self, now):
        """One cycle at time ``now`` (ms)."""
        rising = self.sensor and not self.last_sensor
        self.last_sensor = self.sensor
        if self.reset:
            self.count = 0
        elif rising and self.count < 32767:
            self.count += 1
        if rising:
            self.lanes[self.count % 8] += 1
        if self.reset:
            self.lanes = [0] * 8
        busiest = 0
        for i in range(1, 8):
            if self.lanes[i] > self.lanes[busiest]:
                busiest = i
        self.busiest = busiest
        self.full = self.count >= 100


def bench_engine(source, scans, inputs):
    """CPU seconds for ``scans`` scans of the compiled program."""
    rt = Runtime(compile_program(source), scan_ms=SCAN_MS)
    for address, value in inputs.items():
        rt.set_input(address, value)
    start = time.process_time()
    scan = rt.scan
    for _ in range(scans):
        scan()
    elapsed = time.process_time() - start
    assert rt.status == "RUN", rt.fault
    return elapsed


def bench_python(cls, scans, setup):
    """CPU seconds for ``scans`` steps of the hand-written version."""
    obj = cls()
    setup(obj)
    start = time.process_time()
    step = obj.step
    now = 0
    for _ in range(scans):
        step(now)
        now += SCAN_MS
    return time.process_time() - start


CASES = [
    ("traffic light (3 TON, CASE)", TRAFFIC_LIGHT, {"%IX0.0": True}, TrafficLightPy,
     lambda o: setattr(o, "run", True)),
    ("tank (REAL maths, LIMIT)", TANK, {"%IW0": 4200}, TankPy,
     lambda o: setattr(o, "level_raw", 4200)),
    ("conveyor (CTU, R_TRIG, ARRAY, FOR)", CONVEYOR, {"%IX0.0": True}, ConveyorPy,
     lambda o: setattr(o, "sensor", True)),
]  # fmt: skip


def main(argv=None) -> int:
    """Print scans per second and the ratio for each program."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scans", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"{'program':38} {'engine scans/s':>15} {'python scans/s':>15} {'ratio':>6}")
    for label, source, inputs, cls, setup in CASES:
        # Alternate the two sides so that load from other processes hits both alike.
        engine = python = float("inf")
        for _ in range(args.rounds):
            engine = min(engine, bench_engine(source, args.scans, inputs))
            python = min(python, bench_python(cls, args.scans, setup))
        print(
            f"{label:38} {args.scans / engine:15,.0f} {args.scans / python:15,.0f} "
            f"{engine / python:6.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
