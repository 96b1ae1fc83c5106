"""How long grading a typical submission takes: 5 scenarios x 60 simulated s at 10 ms scans.

Run: ``python bench/grading.py [--rounds N] [--plant NAME]``. For each plant the reference
solution is graded against five 60 s scenarios (the plant's shipped scenarios stretched or
repeated with other seeds to 60 s each), several rounds, best round kept. It prints, per plant,
wall and CPU seconds per submission (CPU because a shared machine inflates wall time; the load
average is printed too), simulated/wall ratio, and the ratios against a baseline measured in
the same process: the bare engine scanning the same compiled program for the same number of
scans with no plant and no checks (grading cost / bare scan cost); then the mean and the worst
plant.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from labs.engine import Runtime, compile_program
from labs.engine.grading import grade, reference_solution, scenario_documents
from labs.engine.plants import PLANTS, create_plant

SCENARIOS = 5
DURATION_MS = 60_000
SCAN_MS = 10


def typical_scenarios(plant: str) -> list[dict]:
    """Five 60 s scenarios built from the plant's shipped ones."""
    shipped = scenario_documents(plant)
    out = []
    for i in range(SCENARIOS):
        doc = dict(shipped[i % len(shipped)])
        doc["name"] = f"{doc['name']}_{i}"
        doc["seed"] = 100 + i
        doc["duration_ms"] = DURATION_MS
        doc["scan_ms"] = SCAN_MS
        out.append(doc)
    return out


def best_of(rounds: int, fn) -> tuple[float, float]:
    """The fastest of ``rounds`` calls: (wall seconds, CPU seconds of this process).

    CPU time is printed too because a shared machine inflates wall time.
    """
    wall = cpu = float("inf")
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def bench_plant(plant: str, rounds: int) -> dict[str, float]:
    """Wall and CPU seconds of one graded submission and of the bare engine baseline."""
    source = reference_solution(plant)
    scenarios = typical_scenarios(plant)
    result = grade(source, plant, scenarios)
    if not result.compiled or result.error:
        raise SystemExit(f"{plant}: benchmark setup failed: {result.to_dict()}")
    program = compile_program(source, io=create_plant(plant).io_points())
    scans = SCENARIOS * DURATION_MS // SCAN_MS

    def bare() -> None:
        rt = Runtime(program, scan_ms=SCAN_MS)
        for _ in range(scans):
            rt.scan()

    wall, cpu = best_of(rounds, lambda: grade(source, plant, scenarios))
    bare_wall, bare_cpu = best_of(rounds, bare)
    return {"wall": wall, "cpu": cpu, "bare_wall": bare_wall, "bare_cpu": bare_cpu}


def main() -> None:
    """Print one line per plant, the mean and the worst plant."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plant", action="append", choices=sorted(PLANTS))
    args = parser.parse_args()
    simulated = SCENARIOS * DURATION_MS / 1000.0
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{SCENARIOS} scenarios x {DURATION_MS // 1000} s at {SCAN_MS} ms scans "
        f"({SCENARIOS * DURATION_MS // SCAN_MS} scans per submission), best of {args.rounds}; "
        f"load average {load}"
    )
    print(
        f"{'plant':<12}{'wall s':>8}{'cpu s':>8}{'sim/wall':>10}{'bare wall':>11}{'bare cpu':>10}"
        f"{'wall/bare':>11}{'cpu/bare':>10}"
    )
    rows = {}
    for plant in args.plant or sorted(PLANTS):
        r = rows[plant] = bench_plant(plant, args.rounds)
        print(
            f"{plant:<12}{r['wall']:>8.3f}{r['cpu']:>8.3f}{simulated / r['wall']:>10.0f}"
            f"{r['bare_wall']:>11.3f}{r['bare_cpu']:>10.3f}"
            f"{r['wall'] / r['bare_wall']:>11.1f}{r['cpu'] / r['bare_cpu']:>10.1f}"
        )
    mean_wall = sum(r["wall"] for r in rows.values()) / len(rows)
    mean_cpu = sum(r["cpu"] for r in rows.values()) / len(rows)
    print(f"{'mean':<12}{mean_wall:>8.3f}{mean_cpu:>8.3f}{simulated / mean_wall:>10.0f}")
    worst_wall = max(rows, key=lambda p: rows[p]["wall"])
    worst_cpu = max(rows, key=lambda p: rows[p]["cpu"])
    print(
        f"worst wall: {worst_wall} {rows[worst_wall]['wall']:.3f} s; "
        f"worst cpu: {worst_cpu} {rows[worst_cpu]['cpu']:.3f} s "
        "(target: < 0.3 s per submission on one core)"
    )


if __name__ == "__main__":
    main()
