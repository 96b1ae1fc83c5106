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


def test_input_setter_writes_like_set_input():
    """A setter resolved once stores what ``set_input`` stores and refuses what it refuses."""
    import pytest

    from labs.engine import AccessError

    plant = create_plant("tank")
    program = compile_program(reference_solution("tank"), io=plant.io_points())
    fast, slow = Runtime(program, scan_ms=10), Runtime(program, scan_ms=10)
    for address, value in [("%IX0.2", True), ("%IX0.2", 1), ("%IW0", 1234), ("%iw0", 7.0)]:
        fast.input_setter(address)(value)
        slow.set_input(address, value)
        assert fast.read(address) == slow.read(address)
        assert type(fast.read(address)) is type(slow.read(address))
    for address, value in [("%IX0.2", 2), ("%IW0", 40000), ("%IW0", "high"), ("%IW0", 1.5)]:
        with pytest.raises(AccessError):
            fast.input_setter(address)(value)
        with pytest.raises(AccessError):
            slow.set_input(address, value)
    with pytest.raises(AccessError):
        fast.input_setter("%IX9.9")


def test_input_faults_and_panel_changes_reach_the_plc_on_the_next_tick():
    """Unchanged inputs are not rewritten, yet every fault, repair or press is seen at once."""
    runtime, plant = _motor()
    sim = PlantSimulation(runtime, plant)
    sim.run_for(50)
    assert runtime.read("%IX0.2") is True  # OL closed
    plant.inject("stuck_off", "OL")
    sim.step()
    assert runtime.read("%IX0.2") is False and sim.inputs["OL"] is False
    sim.run_for(50)
    assert runtime.read("%IX0.2") is False
    plant.clear_fault("OL")
    sim.step()
    assert runtime.read("%IX0.2") is True and sim.inputs["OL"] is True
    plant.press("START")
    sim.step()
    assert runtime.read("%IX0.0") is True
    plant.release("START")
    sim.step()
    assert runtime.read("%IX0.0") is False and runtime.read("K1") is True


def test_outputs_reach_the_plant_after_faults_and_stops():
    """The plant follows the PLC outputs through output faults, repairs and a PLC stop."""
    runtime, plant = _motor()
    sim = PlantSimulation(runtime, plant)
    plant.press("START")
    sim.run_for(100)
    plant.release("START")
    sim.run_for(100)
    assert plant.out["K1"] is True and sim.outputs["K1"] is True
    plant.inject("wire_break", "K1")
    sim.step()
    assert plant.out["K1"] is False and sim.outputs["K1"] is True
    plant.clear_fault("K1")
    sim.step()
    assert plant.out["K1"] is True
    runtime.stop()
    sim.step()
    assert sim.outputs["K1"] is False and plant.out["K1"] is False
