"""The plant models: I/O lists, drawings, physics with realistic delays, faults, determinism."""

from __future__ import annotations

import json

import pytest

from labs.engine.plants import PLANTS, PlantError, create_plant

ALL = sorted(PLANTS)


def _run(plant, ms, **outputs):
    values = {p.name: False if p.type == "BOOL" else 0 for p in plant.outputs_io}
    values.update(outputs)
    for _ in range(ms // 10):
        plant.step(10, values)


def test_there_are_at_least_ten_plants():
    """The workshop has the ten classic training scenes."""
    assert len(PLANTS) >= 10
    expected = {"motor", "fwd_rev", "star_delta", "traffic", "tank", "mixer", "conveyor"}
    assert expected | {"sorting", "garage", "filling"} <= set(PLANTS)


@pytest.mark.parametrize("name", ALL)
def test_io_list_is_complete_and_bilingual(name):
    """Names and addresses are unique, directions match the address area, texts are bilingual."""
    cls = PLANTS[name]
    names = [p.name for p in cls.IO]
    addresses = [p.address for p in cls.IO]
    assert len(set(names)) == len(names) and len(set(addresses)) == len(addresses)
    for p in cls.IO:
        assert p.address.startswith("%I" if p.direction == "input" else "%Q")
        assert p.type in ("BOOL", "INT")
        assert p.en and p.zh and p.en != p.zh
        assert (p.address[2] == "X") == (p.type == "BOOL")
    assert cls.title["en"] and cls.title["zh"] and cls.summary["zh"]
    points = create_plant(name).io_points()
    assert [(p.name, p.address, p.type) for p in points] == [
        (p.name, p.address, p.type) for p in cls.IO
    ]


@pytest.mark.parametrize("name", ALL)
def test_drawing_binds_only_known_variables(name):
    """Every animated shape refers to an I/O name or a declared plant quantity."""
    cls = PLANTS[name]
    known = {p.name for p in cls.IO}
    known |= {f"plant.{v.name}" for v in cls.STATE + cls.SETTINGS}
    description = cls.describe()
    json.dumps(description)
    shapes = description["drawing"]["shapes"]
    assert shapes
    documented = {"on", "off", "press", "speed", "level", "position", "opening", "rotate"}
    documented |= {"value", "visible", "height", "max"}
    for shape in shapes:
        assert set(shape.get("bind", {})) <= documented, shape["id"]
        for key, var in shape.get("bind", {}).items():
            if key != "max":
                assert var in known, (shape["id"], var)
        if "label" in shape:
            assert set(shape["label"]) == {"en", "zh"}
    json.dumps(create_plant(name).view())


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_run_and_snapshot_restores(name):
    """Two plants with one seed behave identically; a restored snapshot continues identically."""
    a, b = create_plant(name, seed=5), create_plant(name, seed=5)
    outputs = {p.name: p.type == "BOOL" for p in a.outputs_io}
    for _ in range(300):
        a.step(10, outputs)
        b.step(10, outputs)
    snap = json.loads(json.dumps(a.snapshot()))
    assert snap == json.loads(json.dumps(b.snapshot()))
    c = PLANTS[name].restore(snap)
    for _ in range(300):
        a.step(10, outputs)
        c.step(10, outputs)
    assert a.snapshot() == c.snapshot()
    assert a.view()["io"] == c.view()["io"]


def test_different_seeds_give_different_part_arrivals():
    """Randomness comes from the seed: another seed, another arrival pattern."""
    runs = []
    for seed in (1, 2):
        plant = create_plant("conveyor", seed=seed)
        _run(plant, 20000, CONV=True)
        runs.append([b["x"] for b in plant.boxes])
    assert runs[0] != runs[1]


def test_tank_valve_strokes_and_level_rises_until_overflow():
    """The inlet valve takes 2 s to open; the level rises with flow and finally overflows."""
    tank = create_plant("tank", seed=1)
    start = tank.level_mm
    _run(tank, 1000, V_IN=True)
    assert 0.45 <= tank.v_in_pos <= 0.55
    _run(tank, 5000, V_IN=True)
    assert tank.level_mm > start + 300
    assert tank.input_values()["LS_LOW"]
    _run(tank, 40000, V_IN=True)
    assert tank.overflowed and tank.input_values()["LS_HIGH"]


def test_contactor_feedback_follows_coil_with_delay():
    """The auxiliary contact closes 40 ms after the coil is energised, not at once."""
    plant = create_plant("star_delta")
    _run(plant, 20, KM=True)
    assert not plant.input_values()["KM_FB"]
    _run(plant, 30, KM=True)
    assert plant.input_values()["KM_FB"]


def test_star_delta_changeover_without_pause_shorts():
    """Opening KY and closing KD in the same scan shorts the supply through the arc."""
    plant = create_plant("star_delta")
    _run(plant, 500, KM=True, KY=True)
    _run(plant, 200, KM=True, KD=True)
    assert plant.short_circuit


def test_push_buttons_follow_their_wiring():
    """An NO button reads TRUE when pressed; an NC stop button reads FALSE when pressed."""
    plant = create_plant("motor")
    assert plant.input_values()["START"] is False and plant.input_values()["STOP"] is True
    plant.press("START")
    plant.press("STOP")
    assert plant.input_values()["START"] is True and plant.input_values()["STOP"] is False
    plant.release("STOP")
    assert plant.input_values()["STOP"] is True
    with pytest.raises(PlantError) as err:
        plant.press("OL")
    assert "OL" in err.value.message("zh")


def test_faults_stuck_sensor_broken_wire_overload_and_clear():
    """Faults change what the PLC sees or what the actuators get, until cleared."""
    tank = create_plant("tank")
    tank.inject("stuck_on", "LS_HIGH")
    assert tank.input_values()["LS_HIGH"] is True
    tank.inject("wire_break", "V_IN")
    _run(tank, 3000, V_IN=True)
    assert tank.v_in_pos == 0.0
    tank.clear_fault("V_IN")
    _run(tank, 3000, V_IN=True)
    assert tank.v_in_pos == 1.0
    assert [f.to_dict() for f in tank.active_faults()] == [
        {"kind": "stuck_on", "target": "LS_HIGH"}
    ]
    tank.clear_fault()
    assert tank.active_faults() == []

    motor = create_plant("motor")
    motor.inject("overload", "K1")
    assert motor.input_values()["OL"] is False
    _run(motor, 1500, K1=True)
    assert motor.damaged


@pytest.mark.parametrize(
    ("kind", "target", "fragment"),
    [
        ("melt", "K1", "Unknown fault kind"),
        ("stuck_on", "NOPE", "NOPE"),
        ("stuck", "START", "cannot be injected"),
        ("overload", "LAMP_RUN", "no overload relay"),
    ],
)
def test_bad_fault_requests_raise_bilingual_errors(kind, target, fragment):
    """Impossible faults are refused with a message in both languages."""
    with pytest.raises(PlantError) as err:
        create_plant("motor").inject(kind, target)
    assert fragment in err.value.message("en") and err.value.message("zh")


def test_stuck_valve_does_not_move():
    """A valve that sticks stays where it was, whatever the PLC commands."""
    tank = create_plant("tank")
    _run(tank, 1000, V_IN=True)
    position = tank.v_in_pos
    tank.inject("stuck", "V_IN")
    _run(tank, 2000, V_IN=False)
    assert tank.v_in_pos == position


def test_garage_door_stops_on_obstacle_and_safety_edge_opens():
    """The door cannot pass an obstacle; the NC safety edge opens; pushing on crushes."""
    door = create_plant("garage")
    _run(door, 12000, MOTOR_UP=True)
    assert door.input_values()["LS_OPEN"] and door.end_stop_hit
    door.configure("obstacle_height", 30)
    _run(door, 7500, MOTOR_DOWN=True)
    assert door.door_pos == 30.0 and door.input_values()["SAFETY_EDGE"] is False
    assert door.crushed
    with pytest.raises(PlantError):
        door.configure("obstacle_height", "high")


def test_filling_spills_without_a_bottle_and_counts_bad_bottles():
    """Opening the valve with no bottle under the nozzle spills; an empty bottle leaving is bad."""
    line = create_plant("filling")
    _run(line, 500, FILL=True)
    assert line.spilled_g > 0
    _run(line, 12000, CONV=True)
    assert line.bad >= 1 and line.first_bad_fill == 0


def test_sorting_misroutes_tall_parts_without_the_diverter():
    """With the diverter never moving, tall parts end in the short chute."""
    plant = create_plant("sorting", seed=1)
    _run(plant, 60000, CONV=True)
    assert plant.sorted_wrong > 0 and plant.first_wrong_id > 0
