"""Motor control plants: direct-on-line start/stop, forward/reverse, star-delta starter."""

from __future__ import annotations

from typing import ClassVar

from .base import Plant, StateVar, di, do, overload_contact, start_button, stop_button
from .drawing import button, drawing, lamp, motor, shape

RATED_RPM = 1450.0


def contactor_step(c: dict, coil: bool, dt: int, pull_in_ms: int, drop_out_ms: int) -> bool:
    """Advance one contactor ``{"closed", "timer"}``; returns True when its contacts moved.

    The armature needs ``pull_in_ms`` to close after the coil is energised and ``drop_out_ms``
    to open after it is released, so feedback contacts follow the coil with a real delay.
    """
    if coil == c["closed"]:
        c["timer"] = 0
        return False
    c["timer"] += dt
    if c["timer"] >= (pull_in_ms if coil else drop_out_ms):
        c["closed"] = coil
        c["timer"] = 0
        return True
    return False


def ramp(speed: float, target: float, dt: int, ms_to_rated: float) -> float:
    """Move ``speed`` toward ``target`` with the acceleration of a loaded induction motor."""
    if speed == target:  # a motor at speed, or at rest: the common case, every scan
        return target
    step = RATED_RPM * dt / ms_to_rated
    if speed < target:
        faster = speed + step
        return faster if faster < target else target
    slower = speed - step
    return slower if slower > target else target


class _OverloadMixin:
    """A thermal overload relay: a tripped relay opens its NC contact (input reads FALSE).

    The relay does not cut the motor by itself (the PLC must do that); a motor left running
    on a tripped relay for more than a second counts as damaged.
    """

    def _overload_step(self, running: bool, dt: int) -> None:
        if self.faults.overload and running:
            self.overload_run_ms += dt
            if self.overload_run_ms > 1000:
                self.damaged = True
        else:
            self.overload_run_ms = 0


class MotorStartStop(_OverloadMixin, Plant):
    """Direct-on-line motor with START (NO), STOP (NC) and a thermal overload relay (NC)."""

    name = "motor"
    title: ClassVar[dict[str, str]] = {
        "en": "Motor start/stop with seal-in",
        "zh": "电机启停与自锁",
    }
    summary: ClassVar[dict[str, str]] = {
        "en": "Pressing START runs the motor and it keeps running after START is released "
        "(seal-in). STOP or an overload trip stops it; the fault lamp shows the trip.",
        "zh": "按下启动按钮电机运行，松开后保持运行（自锁）。按下停止按钮或过载跳闸时电机停止，"
        "故障灯指示跳闸。",
    }
    IO = (
        start_button("%IX0.0"),
        stop_button("%IX0.1"),
        overload_contact("%IX0.2"),
        do("K1", "%QX0.0", "Main contactor coil", "主接触器线圈"),
        do("LAMP_RUN", "%QX0.1", "Green running lamp", "绿色运行指示灯"),
        do("LAMP_FAULT", "%QX0.2", "Red fault lamp", "红色故障指示灯"),
    )
    STATE = (
        StateVar("speed_rpm", "rpm", "Motor speed", "电机转速"),
        StateVar("running", "", "Motor energised", "电机通电"),
        StateVar("damaged", "", "Motor ran on a tripped overload relay", "过载后电机仍在运行"),
    )
    OVERLOAD_TARGETS = ("K1",)
    DRAWING = drawing(
        480,
        260,
        [
            button("start", 30, 40, "START", "green", ("START", "启动")),
            button("stop", 30, 110, "STOP", "red", ("STOP", "停止")),
            shape("rect", "k1", 150, 40, 50, 70, label=("K1", "K1"), bind={"on": "K1"}),
            shape("rect", "ol", 150, 130, 50, 30, label=("OL", "热继"), bind={"off": "OL"}),
            motor("m1", 300, 70, "plant.speed_rpm", ("M1", "电机 M1")),
            lamp("run", 420, 40, "LAMP_RUN", "green", ("Run", "运行")),
            lamp("fault", 420, 90, "LAMP_FAULT", "red", ("Fault", "故障")),
        ],
    )

    def _reset(self) -> None:
        self.k1 = {"closed": False, "timer": 0}
        self.speed_rpm = 0.0
        self.running = False
        self.damaged = False
        self.overload_run_ms = 0

    def _physics(self, dt: int) -> None:
        contactor_step(self.k1, bool(self.out["K1"]), dt, 30, 20)
        self.running = self.k1["closed"]
        self.speed_rpm = ramp(self.speed_rpm, RATED_RPM if self.running else 0.0, dt, 1000)
        self._overload_step(self.running, dt)

    def _sense(self) -> None:
        self.sensors["OL"] = not self.faults.overload


class ForwardReverse(_OverloadMixin, Plant):
    """Reversing starter: two contactors swap two phases; both closed is a phase-to-phase short."""

    name = "fwd_rev"
    title: ClassVar[dict[str, str]] = {
        "en": "Forward/reverse with interlock",
        "zh": "电机正反转与互锁",
    }
    summary: ClassVar[dict[str, str]] = {
        "en": "FWD runs the motor forward and REV in reverse, each with seal-in. The two "
        "contactors must never be on together (interlock): change direction only after STOP.",
        "zh": "按正转按钮电机正转，按反转按钮电机反转，均需自锁。两个接触器绝不能同时吸合（互锁）："
        "必须先按停止再换向。",
    }
    IO = (
        di("FWD", "%IX0.0", "Forward push-button (NO)", "正转按钮（常开）", operator=True),
        di("REV", "%IX0.1", "Reverse push-button (NO)", "反转按钮（常开）", operator=True),
        stop_button("%IX0.2"),
        overload_contact("%IX0.3"),
        do("K_FWD", "%QX0.0", "Forward contactor coil", "正转接触器线圈"),
        do("K_REV", "%QX0.1", "Reverse contactor coil", "反转接触器线圈"),
    )
    STATE = (
        StateVar("speed_rpm", "rpm", "Motor speed (negative in reverse)", "电机转速（反转为负）"),
        StateVar(
            "short_circuit", "", "Both contactors closed: short circuit", "两接触器同时吸合短路"
        ),
        StateVar("damaged", "", "Motor ran on a tripped overload relay", "过载后电机仍在运行"),
    )
    OVERLOAD_TARGETS = ("K_FWD", "K_REV")
    DRAWING = drawing(
        520,
        260,
        [
            button("fwd", 30, 30, "FWD", "green", ("FWD", "正转")),
            button("rev", 30, 90, "REV", "green", ("REV", "反转")),
            button("stop", 30, 150, "STOP", "red", ("STOP", "停止")),
            shape("rect", "kf", 160, 40, 50, 70, label=("K_FWD", "正转 KM1"), bind={"on": "K_FWD"}),
            shape("rect", "kr", 230, 40, 50, 70, label=("K_REV", "反转 KM2"), bind={"on": "K_REV"}),
            motor("m1", 360, 70, "plant.speed_rpm", ("M1", "电机 M1")),
            shape(
                "text",
                "short",
                160,
                150,
                160,
                24,
                label=("SHORT CIRCUIT", "相间短路"),
                bind={"visible": "plant.short_circuit"},
            ),
        ],
    )

    def _reset(self) -> None:
        self.kf = {"closed": False, "timer": 0}
        self.kr = {"closed": False, "timer": 0}
        self.speed_rpm = 0.0
        self.short_circuit = False
        self.damaged = False
        self.overload_run_ms = 0

    def _physics(self, dt: int) -> None:
        contactor_step(self.kf, bool(self.out["K_FWD"]), dt, 30, 20)
        contactor_step(self.kr, bool(self.out["K_REV"]), dt, 30, 20)
        if self.kf["closed"] and self.kr["closed"]:
            self.short_circuit = True
        target = 0.0
        if self.short_circuit:
            target = 0.0  # the breaker has tripped: nothing runs until reset
        elif self.kf["closed"]:
            target = RATED_RPM
        elif self.kr["closed"]:
            target = -RATED_RPM
        self.speed_rpm = ramp(self.speed_rpm, target, dt, 1000)
        self._overload_step(self.kf["closed"] or self.kr["closed"], dt)

    def _sense(self) -> None:
        self.sensors["OL"] = not self.faults.overload


class StarDelta(_OverloadMixin, Plant):
    """Star-delta starter: KM main, KY star, KD delta contactors with auxiliary feedback."""

    name = "star_delta"
    title: ClassVar[dict[str, str]] = {
        "en": "Star-delta starter with contactor feedback",
        "zh": "星三角降压启动（带接触器反馈）",
    }
    summary: ClassVar[dict[str, str]] = {
        "en": "START closes KM and KY (star). After 5 s open KY, wait until its feedback KY_FB "
        "is off, pause 100 ms, then close KD (delta). KY and KD must never conduct together. "
        "If a contactor's feedback does not follow its coil within 0.5 s, switch everything "
        "off and light the fault lamp.",
        "zh": "按启动后 KM 与 KY 吸合（星形）。5 秒后断开 KY，等待其反馈 KY_FB 断开，再延时 100 ms "
        "后吸合 KD（三角形）。KY 与 KD 绝不能同时导通。若接触器反馈在 0.5 秒内未跟随线圈，"
        "全部断开并点亮故障灯。",
    }
    IO = (
        start_button("%IX0.0"),
        stop_button("%IX0.1"),
        overload_contact("%IX0.2"),
        di("KM_FB", "%IX0.3", "Main contactor auxiliary contact (NO)", "主接触器辅助触点（常开）"),
        di(
            "KY_FB", "%IX0.4", "Star contactor auxiliary contact (NO)", "星形接触器辅助触点（常开）"
        ),
        di(
            "KD_FB",
            "%IX0.5",
            "Delta contactor auxiliary contact (NO)",
            "三角形接触器辅助触点（常开）",
        ),
        do("KM", "%QX0.0", "Main contactor coil", "主接触器线圈"),
        do("KY", "%QX0.1", "Star contactor coil", "星形接触器线圈"),
        do("KD", "%QX0.2", "Delta contactor coil", "三角形接触器线圈"),
        do("LAMP_FAULT", "%QX0.3", "Red fault lamp", "红色故障指示灯"),
    )
    STATE = (
        StateVar("speed_rpm", "rpm", "Motor speed", "电机转速"),
        StateVar("short_circuit", "", "Star and delta conducted together", "星形与三角形同时导通"),
        StateVar("damaged", "", "Motor ran on a tripped overload relay", "过载后电机仍在运行"),
    )
    OVERLOAD_TARGETS = ("KM",)
    ARC_MS = 30
    DRAWING = drawing(
        560,
        280,
        [
            button("start", 30, 40, "START", "green", ("START", "启动")),
            button("stop", 30, 110, "STOP", "red", ("STOP", "停止")),
            shape("rect", "km", 150, 40, 50, 70, label=("KM", "KM 主"), bind={"on": "KM_FB"}),
            shape("rect", "ky", 220, 40, 50, 70, label=("KY", "KY 星"), bind={"on": "KY_FB"}),
            shape("rect", "kd", 290, 40, 50, 70, label=("KD", "KD 角"), bind={"on": "KD_FB"}),
            motor("m1", 400, 60, "plant.speed_rpm", ("M1", "电机 M1")),
            lamp("fault", 500, 40, "LAMP_FAULT", "red", ("Fault", "故障")),
        ],
    )

    def _reset(self) -> None:
        self.km = {"closed": False, "timer": 0}
        self.ky = {"closed": False, "timer": 0}
        self.kd = {"closed": False, "timer": 0}
        self.ky_arc_ms = 0
        self.kd_arc_ms = 0
        self.speed_rpm = 0.0
        self.short_circuit = False
        self.damaged = False
        self.overload_run_ms = 0

    def _physics(self, dt: int) -> None:
        contactor_step(self.km, bool(self.out["KM"]), dt, 40, 30)
        # An opening contact keeps conducting through its arc for a few tens of ms: this is
        # why a real star-delta change-over needs a pause after the star contactor drops out.
        if contactor_step(self.ky, bool(self.out["KY"]), dt, 40, 30) and not self.ky["closed"]:
            self.ky_arc_ms = self.ARC_MS
        if contactor_step(self.kd, bool(self.out["KD"]), dt, 40, 30) and not self.kd["closed"]:
            self.kd_arc_ms = self.ARC_MS
        ky_conducts = self.ky["closed"] or self.ky_arc_ms > 0
        kd_conducts = self.kd["closed"] or self.kd_arc_ms > 0
        if self.ky_arc_ms:
            self.ky_arc_ms = max(0, self.ky_arc_ms - dt)
        if self.kd_arc_ms:
            self.kd_arc_ms = max(0, self.kd_arc_ms - dt)
        if ky_conducts and kd_conducts and self.km["closed"]:
            self.short_circuit = True
        target = 0.0
        if self.km["closed"] and not self.short_circuit:
            if self.kd["closed"]:
                target = RATED_RPM
            elif self.ky["closed"]:
                target = 1300.0
        self.speed_rpm = ramp(self.speed_rpm, target, dt, 3000)
        self._overload_step(self.km["closed"], dt)

    def _sense(self) -> None:
        s = self.sensors
        s["OL"] = not self.faults.overload
        s["KM_FB"] = self.km["closed"]
        s["KY_FB"] = self.ky["closed"]
        s["KD_FB"] = self.kd["closed"]
