"""Traffic light crossing with a pedestrian request button, and a garage door."""

from __future__ import annotations

from typing import ClassVar

from .base import Plant, StateVar, di, do, stop_button
from .drawing import button, drawing, lamp, sensor, shape


class TrafficLight(Plant):
    """A road crossed by a zebra crossing; pedestrians ask for green with a button."""

    name = "traffic"
    title: ClassVar[dict[str, str]] = {
        "en": "Traffic lights with pedestrian request",
        "zh": "带行人请求的交通信号灯",
    }
    summary: ClassVar[dict[str, str]] = {
        "en": "Cars have green until a pedestrian presses the button: the WAIT lamp lights, "
        "cars get yellow for 2 s then red; after 1 s the pedestrians get green for 6 s, then "
        "red; after 2 s more cars get green again. Cars and pedestrians never have green "
        "together and exactly one car lamp is lit at any time.",
        "zh": "平时车辆绿灯，行人按下按钮后“请等待”灯亮，车辆黄灯 2 秒后转红灯；1 秒后行人绿灯 6 秒，"
        "再转红灯；再过 2 秒车辆恢复绿灯。车辆与行人绝不能同时绿灯，任何时刻车辆灯只亮一盏。",
    }
    IO = (
        di(
            "PED_BTN",
            "%IX0.0",
            "Pedestrian request button (NO)",
            "行人请求按钮（常开）",
            operator=True,
        ),
        do("CAR_RED", "%QX0.0", "Car red lamp", "车辆红灯"),
        do("CAR_YELLOW", "%QX0.1", "Car yellow lamp", "车辆黄灯"),
        do("CAR_GREEN", "%QX0.2", "Car green lamp", "车辆绿灯"),
        do("PED_RED", "%QX0.3", "Pedestrian red lamp", "行人红灯"),
        do("PED_GREEN", "%QX0.4", "Pedestrian green lamp", "行人绿灯"),
        do("WAIT", "%QX0.5", "Request acknowledged lamp (WAIT)", "请求已登记指示灯（请等待）"),
    )
    STATE = (
        StateVar("waiting", "", "Pedestrians waiting at the kerb", "路边等待的行人"),
        StateVar("crossed", "", "Pedestrians who crossed", "已通过的行人"),
        StateVar("conflict", "", "Cars and pedestrians had green together", "车辆与行人同时绿灯"),
    )
    SETTINGS = (
        StateVar(
            "pedestrian_every_s",
            "s",
            "Mean time between pedestrians (0: none)",
            "行人平均到达间隔（0 为无）",
        ),
    )
    DRAWING = drawing(
        420,
        300,
        [
            shape("rect", "road", 0, 120, 420, 80, color="#555"),
            shape("rect", "zebra", 180, 120, 60, 80, color="#eee"),
            lamp("cr", 60, 20, "CAR_RED", "red", ("Red", "红")),
            lamp("cy", 60, 50, "CAR_YELLOW", "yellow", ("Yellow", "黄")),
            lamp("cg", 60, 80, "CAR_GREEN", "green", ("Green", "绿")),
            lamp("pr", 300, 220, "PED_RED", "red", ("Walk: red", "行人红")),
            lamp("pg", 300, 250, "PED_GREEN", "green", ("Walk: green", "行人绿")),
            lamp("wait", 340, 235, "WAIT", "white", ("WAIT", "请等待")),
            button("btn", 250, 230, "PED_BTN", "yellow", ("Request", "请求")),
            shape("text", "waiting", 180, 220, 60, 20, bind={"value": "plant.waiting"}),
        ],
    )

    def _reset(self) -> None:
        self.waiting = 0
        self.crossed = 0
        self.conflict = False
        self.pedestrian_every_s = 0
        self.auto_press_ms = 0

    def _physics(self, dt: int) -> None:
        out = self.out
        if out["PED_GREEN"] and (out["CAR_GREEN"] or out["CAR_YELLOW"]):
            self.conflict = True
        if self.pedestrian_every_s and self.rng.random() < dt / (self.pedestrian_every_s * 1000):
            self.waiting += 1
        if self.waiting and out["PED_GREEN"]:
            self.crossed += self.waiting
            self.waiting = 0
        if self.waiting and not out["WAIT"] and self.auto_press_ms == 0:
            self.auto_press_ms = 200  # a waiting pedestrian presses the button
        if self.auto_press_ms:
            self.auto_press_ms = max(0, self.auto_press_ms - dt)
            self.panel["PED_BTN"] = self.auto_press_ms > 0

    def _sense(self) -> None:
        pass


class GarageDoor(Plant):
    """A sectional garage door driven up and down by a motor, with a safety edge at its bottom."""

    name = "garage"
    title: ClassVar[dict[str, str]] = {
        "en": "Garage door with safety edge",
        "zh": "带安全触边的车库门",
    }
    summary: ClassVar[dict[str, str]] = {
        "en": "OPEN drives the door up until LS_OPEN, CLOSE drives it down until LS_CLOSED, "
        "STOP stops it. If the safety edge touches an obstacle while closing, stop and open "
        "the door fully. Never drive both directions at once; the warning lamp is lit while "
        "the door moves.",
        "zh": "按开门按钮门上升至 LS_OPEN，按关门按钮门下降至 LS_CLOSED，按停止按钮停止。关门时安全"
        "触边碰到障碍物，立即停止并把门完全打开。绝不能同时驱动两个方向；门运动时警示灯亮。",
    }
    IO = (
        di("BTN_OPEN", "%IX0.0", "Open push-button (NO)", "开门按钮（常开）", operator=True),
        di("BTN_CLOSE", "%IX0.1", "Close push-button (NO)", "关门按钮（常开）", operator=True),
        stop_button("%IX0.2", "BTN_STOP"),
        di("LS_OPEN", "%IX0.3", "Limit switch door fully open", "门全开限位开关"),
        di("LS_CLOSED", "%IX0.4", "Limit switch door fully closed", "门全关限位开关"),
        di(
            "SAFETY_EDGE",
            "%IX0.5",
            "Safety edge (NC, FALSE when it touches something)",
            "安全触边（常闭，碰到物体时为 FALSE）",
            nc=True,
        ),
        do("MOTOR_UP", "%QX0.0", "Motor contactor: open (up)", "电机接触器：开门（上升）"),
        do("MOTOR_DOWN", "%QX0.1", "Motor contactor: close (down)", "电机接触器：关门（下降）"),
        do("WARN_LAMP", "%QX0.2", "Warning lamp", "警示灯"),
    )
    STATE = (
        StateVar("door_pos", "%", "Door opening (0 closed, 100 open)", "门开度（0 关，100 开）"),
        StateVar("crushed", "", "The door kept pushing on an obstacle", "门持续压在障碍物上"),
        StateVar("end_stop_hit", "", "The motor drove into an end stop", "电机撞上机械止挡"),
        StateVar("motor_conflict", "", "Up and down driven together", "上升与下降同时驱动"),
    )
    SETTINGS = (
        StateVar(
            "obstacle_height",
            "%",
            "Height of an obstacle in the doorway (0: none)",
            "门口障碍物高度（0 为无）",
        ),
    )
    TRAVEL_MS = 10000
    DRAWING = drawing(
        420,
        320,
        [
            shape("rect", "frame", 120, 20, 200, 260, color="#888"),
            shape(
                "door", "door", 125, 25, 190, 250, bind={"position": "plant.door_pos", "max": 100}
            ),
            shape("rect", "obstacle", 190, 240, 60, 35, bind={"height": "plant.obstacle_height"}),
            sensor("lso", 330, 25, "LS_OPEN", ("LS open", "全开限位")),
            sensor("lsc", 330, 265, "LS_CLOSED", ("LS closed", "全关限位")),
            button("open", 30, 40, "BTN_OPEN", "green", ("OPEN", "开")),
            button("close", 30, 100, "BTN_CLOSE", "green", ("CLOSE", "关")),
            button("stop", 30, 160, "BTN_STOP", "red", ("STOP", "停")),
            lamp("warn", 370, 120, "WARN_LAMP", "orange", ("Warning", "警示")),
        ],
    )

    def _reset(self) -> None:
        self.door_pos = 0.0
        self.crushed = False
        self.end_stop_hit = False
        self.motor_conflict = False
        self.obstacle_height = 0
        self.push_ms = 0
        self.stall_ms = 0

    def _physics(self, dt: int) -> None:
        up, down = bool(self.out["MOTOR_UP"]), bool(self.out["MOTOR_DOWN"])
        if up and down:
            self.motor_conflict = True
            return
        step = 100.0 * dt / self.TRAVEL_MS
        floor = float(self.obstacle_height) if self.obstacle_height > 0 else 0.0
        if up:
            self.door_pos = min(100.0, self.door_pos + step)
        elif down:
            self.door_pos = max(floor, self.door_pos - step)
        blocked = down and floor > 0 and self.door_pos <= floor
        self.push_ms = self.push_ms + dt if blocked else 0
        if self.push_ms > 300:
            self.crushed = True
        at_end = (up and self.door_pos >= 100.0) or (down and self.door_pos <= 0.0)
        self.stall_ms = self.stall_ms + dt if at_end else 0
        if self.stall_ms > 500:
            self.end_stop_hit = True

    def _sense(self) -> None:
        s = self.sensors
        s["LS_OPEN"] = self.door_pos >= 99.5
        s["LS_CLOSED"] = self.door_pos <= 0.5
        s["SAFETY_EDGE"] = not (self.obstacle_height > 0 and self.door_pos <= self.obstacle_height)
