"""The PLC-plant coupling: order within a tick, and the fast output path equal to the API."""

from __future__ import annotations

from labs.engine import Runtime, compile_program
from labs.engine.grading import reference_solution
from labs.engine.plants import create_plant
from labs.engine.plants.simulation import PlantSimulation, output_reader


def _motor():
    plant = create_plant("motor")
    program = compile_program(reference_solution("motor"), io=plant.io_points())
    return Runtime(program, scan_ms=10), plant


def test_fast_output_path_matches_get_output():
    """Reading the output image directly gives exactly what ``get_output`` returns."""
    runtime, plant = _motor()
    sim = PlantSimulation(runtime, plant)
    addresses = [p.address for p in plant.outputs_io]
    fast = output_reader(runtime, addresses)
    plant.press("START")
    for _ in range(30):
        sim.step()
        assert fast() == [runtime.get_output(a) for a in addresses]
    assert fast()[0] is True


def test_output_reader_falls_back_to_the_public_api():
    """A runtime without the engine's internals is read through ``get_output``."""

    class Minimal:
        def get_output(self, address):
            return address == "%QX0.1"

    assert output_reader(Minimal(), ["%QX0.0", "%QX0.1"])() == [False, True]


def test_plant_answers_the_scan_and_the_plc_sees_it_next_tick():
    """Outputs of the scan at t drive the plant; its sensors reach the PLC at the next scan."""
    runtime, plant = _motor()
    sim = PlantSimulation(runtime, plant)
    plant.press("START")
    sim.step()
    assert sim.inputs["START"] is True and sim.outputs["K1"] is True
    assert runtime.clock_ms == 10
    plant.release("START")
    sim.run_for(100)
    assert runtime.read("K1") is True and plant.running
    plant.inject("overload", "K1")
    sim.step()
    assert sim.inputs["OL"] is False and sim.outputs["K1"] is False


def test_snapshot_pauses_and_resumes_plc_and_plant_identically():
    """A JSON round trip of a running simulation continues exactly like the original."""
    import json

    plant = create_plant("conveyor", seed=3)
    program = compile_program(reference_solution("conveyor"), io=plant.io_points())
    sim = PlantSimulation(Runtime(program, scan_ms=10), plant)
    plant.press("START")
    sim.run_for(300)
    plant.release("START")
    sim.run_for(9_000)
    copy = PlantSimulation.restore(program, json.loads(json.dumps(sim.snapshot())))
    for _ in range(1_500):
        sim.step()
        copy.step()
    assert copy.runtime.image() == sim.runtime.image()
    assert copy.plant.snapshot() == sim.plant.snapshot()
    assert sim.runtime.read("COUNT") > 0
