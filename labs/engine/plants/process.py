"""Process plants: a buffer tank with valves and level sensors, and a batch mixer."""

from __future__ import annotations

import math
from typing import ClassVar

from .base import Plant, StateVar, ai, di, do, start_button, stop_button
from .drawing import button, drawing, lamp, sensor, shape


class Tank(Plant):
    """A 2 m high buffer tank: an inlet valve, an outlet valve, two level switches and a gauge."""

    name = "tank"
    title: ClassVar[dict[str, str]] = {"en": "Tank level control", "zh": "水箱液位控制"}
    summary: ClassVar[dict[str, str]] = {
        "en": "START (seal-in) runs the process, STOP ends it. While running, the outlet valve "
        "V_OUT is open (the process consumes water); the inlet V_IN opens when the level falls "
        "below LS_LOW and closes when it reaches LS_HIGH. As a backup, V_IN also closes when "
        "LEVEL exceeds 1750 mm, and the ALARM lamp lights above 1800 mm. The tank must never "
        "overflow (2000 mm).",
        "zh": "按启动（自锁）运行，按停止结束。运行时出水阀 V_OUT 打开（工艺用水）；液位低于 LS_LOW "
        "时打开进水阀 V_IN，到达 LS_HIGH 时关闭。作为后备，LEVEL 超过 1750 mm 时也关闭 V_IN，"
        "超过 1800 mm 时报警灯 ALARM 亮。水箱绝不能溢出（2000 mm）。",
    }
    IO = (
        start_button("%IX0.0"),
        stop_button("%IX0.1"),
        di(
            "LS_LOW",
            "%IX0.2",
            "Low level switch (TRUE above 400 mm)",
            "低液位开关（高于 400 mm 为 TRUE）",
        ),
        di(
            "LS_HIGH",
            "%IX0.3",
            "High level switch (TRUE above 1600 mm)",
            "高液位开关（高于 1600 mm 为 TRUE）",
        ),
        ai("LEVEL", "%IW0", "mm", "Level transmitter, 0-2000 mm", "液位变送器，0-2000 mm"),
        do("V_IN", "%QX0.0", "Inlet valve (opens in 2 s)", "进水阀（2 秒全开）"),
        do("V_OUT", "%QX0.1", "Outlet valve (opens in 2 s)", "出水阀（2 秒全开）"),
        do("ALARM", "%QX0.2", "High level alarm lamp", "高液位报警灯"),
    )
    STATE = (
        StateVar("level_mm", "mm", "Water level", "液位"),
        StateVar("max_level_mm", "mm", "Highest level so far", "最高液位"),
        StateVar("overflowed", "", "The tank overflowed", "水箱溢出"),
        StateVar("v_in_pos", "", "Inlet valve opening 0-1", "进水阀开度 0-1"),
        StateVar("v_out_pos", "", "Outlet valve opening 0-1", "出水阀开度 0-1"),
    )
    HEIGHT_MM = 2000.0
    DRAWING = drawing(
        460,
        360,
        [
            shape(
                "valve",
                "vin",
                120,
                20,
                30,
                30,
                label=("V_IN", "进水阀"),
                bind={"opening": "plant.v_in_pos"},
            ),
            shape("tank", "tank", 100, 60, 160, 240, bind={"level": "plant.level_mm", "max": 2000}),
            shape(
                "valve",
                "vout",
                200,
                310,
                30,
                30,
                label=("V_OUT", "出水阀"),
                bind={"opening": "plant.v_out_pos"},
            ),
            sensor("lsh", 270, 108, "LS_HIGH", ("LS_HIGH", "高液位")),
            sensor("lsl", 270, 252, "LS_LOW", ("LS_LOW", "低液位")),
            shape(
                "text",
                "level",
                300,
                170,
                80,
                20,
                label=("LEVEL mm", "液位 mm"),
                bind={"value": "LEVEL"},
            ),
            button("start", 20, 60, "START", "green", ("START", "启动")),
            button("stop", 20, 120, "STOP", "red", ("STOP", "停止")),
            lamp("alarm", 400, 60, "ALARM", "red", ("Alarm", "报警")),
        ],
    )

    def _reset(self) -> None:
        self.level_mm = 250.0 + 100.0 * self.rng.random()
        self.max_level_mm = self.level_mm
        self.overflowed = False
        self.v_in_pos = 0.0
        self.v_out_pos = 0.0

    def _physics(self, dt: int) -> None:
        out = self.out
        self.v_in_pos = self.travel("V_IN", self.v_in_pos, 1.0 if out["V_IN"] else 0.0, 2000, dt)
        self.v_out_pos = self.travel(
            "V_OUT", self.v_out_pos, 1.0 if out["V_OUT"] else 0.0, 2000, dt
        )
        inflow = 100.0 * self.v_in_pos
        outflow = 45.0 * self.v_out_pos * math.sqrt(max(self.level_mm, 0.0) / 1000.0)
        level = self.level_mm + (inflow - outflow) * dt / 1000.0
        if level >= self.HEIGHT_MM:
            level = self.HEIGHT_MM
            self.overflowed = True
        self.level_mm = max(0.0, level)
        self.max_level_mm = max(self.max_level_mm, self.level_mm)

    def _sense(self) -> None:
        s = self.sensors
        s["LS_LOW"] = self.level_mm > 400.0
        s["LS_HIGH"] = self.level_mm > 1600.0
        if self.analog_due():
            s["LEVEL"] = round(self.level_mm + self.noise(3.0))


class Mixer(Plant):
    """A 1000 L batch mixer: two ingredient valves, an agitator, a heater and a drain valve."""

    name = "mixer"
    title: ClassVar[dict[str, str]] = {"en": "Batch mixer", "zh": "配料搅拌罐"}
    summary: ClassVar[dict[str, str]] = {
        "en": "START (tank empty) runs one batch: open V_A until LEVEL reaches 300 L, then V_B "
        "until 600 L. The agitator runs from the moment B starts until draining begins. Heat "
        "(heater only with the agitator running) until TEMP reaches 45.0 °C (TEMP = 450), "
        "agitate 5 s more, then open V_DRAIN until LS_LOW goes off and light LAMP_DONE until "
        "the next START. STOP aborts the batch and switches everything off.",
        "zh": "按启动（罐空时）执行一批：打开 V_A 至 LEVEL 达 300 L，再打开 V_B 至 600 L。搅拌机从加 B "
        "开始运行直至排料开始。加热（仅在搅拌运行时）至 TEMP 达 45.0 °C（TEMP = 450），再搅拌 5 秒，"
        "然后打开 V_DRAIN 至 LS_LOW 断开，完成灯 LAMP_DONE 亮至下次启动。按停止中止批次并全部关闭。",
    }
    IO = (
        start_button("%IX0.0"),
        stop_button("%IX0.1"),
        di(
            "LS_LOW",
            "%IX0.2",
            "Liquid present switch (TRUE above 10 L)",
            "有液开关（高于 10 L 为 TRUE）",
        ),
        ai("LEVEL", "%IW0", "L", "Content, 0-1000 L", "罐内液量，0-1000 L"),
        ai(
            "TEMP",
            "%IW1",
            "0.1 °C",
            "Temperature in 0.1 °C (450 = 45.0 °C)",
            "温度，单位 0.1 °C（450 = 45.0 °C）",
        ),
        do("V_A", "%QX0.0", "Ingredient A valve", "原料 A 阀"),
        do("V_B", "%QX0.1", "Ingredient B valve", "原料 B 阀"),
        do("AGITATOR", "%QX0.2", "Agitator motor", "搅拌电机"),
        do("HEATER", "%QX0.3", "Heater contactor", "加热器接触器"),
        do("V_DRAIN", "%QX0.4", "Drain valve", "排料阀"),
        do("LAMP_DONE", "%QX0.5", "Batch complete lamp", "批次完成指示灯"),
    )
    STATE = (
        StateVar("level_l", "L", "Content", "罐内液量"),
        StateVar("temp_c", "°C", "Temperature", "温度"),
        StateVar("batch_a", "L", "Litres of A in the last drained batch", "上一批排料时 A 的升数"),
        StateVar("batch_b", "L", "Litres of B in the last drained batch", "上一批排料时 B 的升数"),
        StateVar(
            "batch_temp", "°C", "Temperature when the last batch was drained", "上一批排料时的温度"
        ),
        StateVar("batches", "", "Batches whose draining started", "已开始排料的批次"),
        StateVar("overflowed", "", "The mixer overflowed", "罐体溢出"),
        StateVar("scorched", "", "Heated without agitation for over 2 s", "未搅拌加热超过 2 秒"),
        StateVar(
            "heater_dry",
            "",
            "Heater on while not covered (below 100 L)",
            "加热器未被液体浸没时通电",
        ),
    )
    DRAWING = drawing(
        480,
        380,
        [
            shape("valve", "va", 120, 20, 30, 30, label=("V_A", "A 阀"), bind={"on": "V_A"}),
            shape("valve", "vb", 210, 20, 30, 30, label=("V_B", "B 阀"), bind={"on": "V_B"}),
            shape("tank", "tank", 100, 60, 160, 240, bind={"level": "plant.level_l", "max": 1000}),
            shape(
                "motor",
                "agit",
                160,
                40,
                40,
                40,
                label=("Agitator", "搅拌"),
                bind={"on": "AGITATOR"},
            ),
            shape(
                "rect", "heater", 120, 270, 120, 12, label=("Heater", "加热"), bind={"on": "HEATER"}
            ),
            shape(
                "valve", "vd", 165, 310, 30, 30, label=("V_DRAIN", "排料阀"), bind={"on": "V_DRAIN"}
            ),
            shape(
                "text",
                "temp",
                300,
                150,
                120,
                20,
                label=("TEMP °C", "温度 °C"),
                bind={"value": "plant.temp_c"},
            ),
            shape(
                "text",
                "lvl",
                300,
                180,
                120,
                20,
                label=("LEVEL L", "液量 L"),
                bind={"value": "LEVEL"},
            ),
            button("start", 20, 60, "START", "green", ("START", "启动")),
            button("stop", 20, 120, "STOP", "red", ("STOP", "停止")),
            lamp("done", 420, 60, "LAMP_DONE", "green", ("Done", "完成")),
        ],
    )

    def _reset(self) -> None:
        self.level_l = 0.0
        self.amount_a = 0.0
        self.amount_b = 0.0
        self.temp_c = 20.0
        self.ambient_c = 18.0 + 4.0 * self.rng.random()
        self.batch_a = 0.0
        self.batch_b = 0.0
        self.batch_temp = 0.0
        self.batches = 0
        self.overflowed = False
        self.scorched = False
        self.heater_dry = False
        self.unstirred_ms = 0
        self.draining = False

    def _physics(self, dt: int) -> None:
        out = self.out
        secs = dt / 1000.0
        add_a = 25.0 * secs if out["V_A"] and not self.is_stuck("V_A") else 0.0
        add_b = 25.0 * secs if out["V_B"] and not self.is_stuck("V_B") else 0.0
        added = add_a + add_b
        if added:
            total = self.level_l + added
            self.temp_c = (self.temp_c * self.level_l + 20.0 * added) / total
            self.level_l, self.amount_a, self.amount_b = (
                total,
                self.amount_a + add_a,
                self.amount_b + add_b,
            )
        if out["V_DRAIN"] and self.level_l > 0:
            if not self.draining:
                self.draining = True
                self.batch_a, self.batch_b = round(self.amount_a, 1), round(self.amount_b, 1)
                self.batch_temp = round(self.temp_c, 2)
                if self.level_l > 50.0:
                    self.batches += 1
            out_l = min(self.level_l, 50.0 * secs * max(0.3, math.sqrt(self.level_l / 600.0)))
            share = out_l / self.level_l
            self.amount_a -= self.amount_a * share
            self.amount_b -= self.amount_b * share
            self.level_l -= out_l
            if self.level_l < 0.5:
                self.level_l = self.amount_a = self.amount_b = 0.0
        elif not out["V_DRAIN"]:
            self.draining = False
        if self.level_l >= 1000.0:
            self.overflowed = True
            self.level_l = 1000.0
        if out["HEATER"]:
            if self.level_l < 100.0:
                self.heater_dry = True
            else:
                self.temp_c += 600.0 / self.level_l * secs
            self.unstirred_ms = 0 if out["AGITATOR"] else self.unstirred_ms + dt
            if self.unstirred_ms > 2000:
                self.scorched = True
        self.temp_c -= (self.temp_c - self.ambient_c) * 0.002 * secs

    def _sense(self) -> None:
        s = self.sensors
        s["LS_LOW"] = self.level_l > 10.0
        if self.analog_due():
            s["LEVEL"] = round(self.level_l)
            s["TEMP"] = round(self.temp_c * 10.0 + self.noise(2.0))
