"""Material handling plants: a counting conveyor, a height sorter and a bottle filling line.

Positions are metres along the belt; moving things are kept as plain dicts so that a plant
snapshot is JSON-compatible.
"""

from __future__ import annotations

from typing import ClassVar

from .base import Plant, StateVar, ai, ao, di, do, start_button, stop_button
from .drawing import button, drawing, lamp, sensor, shape


def _start_stop():
    return (
        start_button("%IX0.0"),
        stop_button("%IX0.1"),
    )


class Conveyor(Plant):
    """A 2 m belt fed with boxes at random intervals; a photo-eye sits at its far end."""

    name = "conveyor"
    title: ClassVar[dict[str, str]] = {
        "en": "Conveyor with part counting",
        "zh": "输送带与工件计数",
    }
    summary: ClassVar[dict[str, str]] = {
        "en": "START (seal-in) runs the belt, STOP stops it. Count each box when it has passed "
        "the photo-eye PE (falling edge) and show the count on COUNT. At 12 boxes stop the belt "
        "and light LAMP_FULL; the next START clears the count and the lamp and runs again.",
        "zh": "按启动（自锁）运行输送带，按停止停止。每个纸箱完全通过光电开关 PE 时（下降沿）计数一次，"
        "在 COUNT 上显示。满 12 箱停止输送带并点亮 LAMP_FULL；再次按启动清零、灭灯并重新运行。",
    }
    IO = (
        *_start_stop(),
        di(
            "PE",
            "%IX0.2",
            "Photo-eye at the belt end (TRUE while a box blocks it)",
            "带末端光电开关（纸箱遮挡时为 TRUE）",
        ),
        do("CONV", "%QX0.0", "Belt motor (0.5 m/s)", "输送带电机（0.5 m/s）"),
        do("LAMP_FULL", "%QX0.1", "Batch full lamp", "装满指示灯"),
        ao("COUNT", "%QW0", "boxes", "Counter display", "计数显示"),
    )
    STATE = (
        StateVar("delivered", "", "Boxes that left the belt", "已离开输送带的纸箱"),
        StateVar("on_belt", "", "Boxes on the belt", "输送带上的纸箱"),
    )
    SPEED = 0.5
    EYE = 1.85
    BOX = 0.3
    DRAWING = drawing(
        560,
        220,
        [
            shape("belt", "belt", 40, 120, 460, 20, bind={"on": "CONV"}),
            sensor("pe", 465, 90, "PE", ("PE", "光电")),
            shape(
                "text", "count", 420, 30, 80, 24, label=("COUNT", "计数"), bind={"value": "COUNT"}
            ),
            button("start", 40, 170, "START", "green", ("START", "启动")),
            button("stop", 100, 170, "STOP", "red", ("STOP", "停止")),
            lamp("full", 520, 30, "LAMP_FULL", "orange", ("Full", "满")),
        ],
        items={"shape": "box", "origin": [40, 100], "px_per_m": 230, "size_m": [0.3, 0.2]},
    )

    def _reset(self) -> None:
        self.boxes: list[dict] = []
        self.next_box_ms = 500
        self.delivered = 0
        self.on_belt = 0
        self.serial = 0

    def _physics(self, dt: int) -> None:
        if not self.out["CONV"]:
            return
        move = self.SPEED * dt / 1000.0
        for box in self.boxes:
            box["x"] += move
        kept = [b for b in self.boxes if b["x"] < self.EYE + self.BOX]
        self.delivered += len(self.boxes) - len(kept)
        self.boxes = kept
        self.next_box_ms -= dt
        if self.next_box_ms <= 0 and (not self.boxes or self.boxes[-1]["x"] > self.BOX + 0.2):
            self.serial += 1
            self.boxes.append({"id": self.serial, "x": 0.0})
            self.next_box_ms = self.rng.randint(1500, 3000)
        self.on_belt = len(self.boxes)

    def _sense(self) -> None:
        eye = self.EYE
        self.sensors["PE"] = any(b["x"] >= eye for b in self.boxes)

    def items(self) -> list[dict]:
        """Boxes on the belt; ``x`` is the box front in metres."""
        return [dict(b) for b in self.boxes]


class Sorter(Plant):
    """Parts of two heights travel past a measuring station to a diverter gate."""

    name = "sorting"
    title: ClassVar[dict[str, str]] = {
        "en": "Sorting by height with a diverter",
        "zh": "按高度分拣",
    }
    summary: ClassVar[dict[str, str]] = {
        "en": "START (seal-in) runs the belt, STOP stops it. At the measuring station PE_LOW "
        "sees every part and PE_HIGH only tall parts. Tall parts must be pushed into the tall "
        "chute by the diverter, 1.0 m downstream (2.5 s at 0.4 m/s); short parts must pass "
        "to the end of the belt. Parts are at least 1.4 m apart.",
        "zh": "按启动（自锁）运行输送带，按停止停止。检测站的 PE_LOW 能检测所有工件，PE_HIGH 只检测高工件。"
        "高工件须由下游 1.0 m 处（0.4 m/s 约 2.5 秒）的分拣挡板推入高件滑槽；矮工件须一直送到带末端。"
        "工件间距至少 1.4 m。",
    }
    IO = (
        *_start_stop(),
        di(
            "PE_LOW",
            "%IX0.2",
            "Low photo-eye at the measuring station (any part)",
            "检测站低位光电（所有工件）",
        ),
        di(
            "PE_HIGH",
            "%IX0.3",
            "High photo-eye at the measuring station (tall parts only)",
            "检测站高位光电（仅高工件）",
        ),
        do("CONV", "%QX0.0", "Belt motor (0.4 m/s)", "输送带电机（0.4 m/s）"),
        do(
            "DIVERTER",
            "%QX0.1",
            "Diverter gate (TRUE: to the tall chute, moves in 0.3 s)",
            "分拣挡板（TRUE：推向高件滑槽，0.3 秒到位）",
        ),
    )
    STATE = (
        StateVar("sorted_ok", "", "Parts sorted correctly", "分拣正确的工件"),
        StateVar("sorted_wrong", "", "Parts sorted into the wrong chute", "分错滑槽的工件"),
        StateVar(
            "first_wrong_id",
            "",
            "Number of the first wrongly sorted part (0: none)",
            "第一个分错的工件编号（0 为无）",
        ),
        StateVar("gate_pos", "", "Diverter position 0-1", "挡板位置 0-1"),
    )
    SPEED = 0.4
    MEASURE = 0.6
    GATE = 1.6
    END = 2.2
    PART = 0.2
    DRAWING = drawing(
        600,
        260,
        [
            shape("belt", "belt", 40, 120, 500, 20, bind={"on": "CONV"}),
            sensor("pel", 170, 110, "PE_LOW", ("PE_LOW", "低位光电")),
            sensor("peh", 170, 70, "PE_HIGH", ("PE_HIGH", "高位光电")),
            shape(
                "rect",
                "gate",
                400,
                100,
                10,
                50,
                label=("Diverter", "挡板"),
                bind={"rotate": "plant.gate_pos"},
            ),
            shape("rect", "chute_tall", 390, 160, 40, 60, label=("Tall", "高件")),
            shape("rect", "chute_short", 545, 120, 40, 60, label=("Short", "矮件")),
            button("start", 40, 200, "START", "green", ("START", "启动")),
            button("stop", 100, 200, "STOP", "red", ("STOP", "停止")),
        ],
        items={"shape": "part", "origin": [40, 100], "px_per_m": 227, "size_m": [0.2, 0.1]},
    )

    def _reset(self) -> None:
        self.parts: list[dict] = []
        self.next_part_ms = 500
        self.serial = 0
        self.sorted_ok = 0
        self.sorted_wrong = 0
        self.first_wrong_id = 0
        self.gate_pos = 0.0

    def _physics(self, dt: int) -> None:
        self.gate_pos = self.travel(
            "DIVERTER", self.gate_pos, 1.0 if self.out["DIVERTER"] else 0.0, 300, dt
        )
        if not self.out["CONV"]:
            return
        move = self.SPEED * dt / 1000.0
        kept = []
        for part in self.parts:
            before = part["x"] - self.PART / 2
            part["x"] += move
            centre = part["x"] - self.PART / 2
            if before < self.GATE <= centre and self.gate_pos >= 0.5:
                self._sorted(part, tall_chute=True)
                continue
            if centre >= self.END:
                self._sorted(part, tall_chute=False)
                continue
            kept.append(part)
        self.parts = kept
        self.next_part_ms -= dt
        if self.next_part_ms <= 0:
            self.serial += 1
            self.parts.append({"id": self.serial, "x": 0.0, "tall": self.rng.random() < 0.5})
            self.next_part_ms = self.rng.randint(3500, 6000)

    def _sorted(self, part: dict, *, tall_chute: bool) -> None:
        if part["tall"] == tall_chute:
            self.sorted_ok += 1
        else:
            self.sorted_wrong += 1
            if not self.first_wrong_id:
                self.first_wrong_id = part["id"]

    def _sense(self) -> None:
        low = high = False
        for part in self.parts:
            if part["x"] - self.PART <= self.MEASURE <= part["x"]:
                low = True
                high = high or part["tall"]
        self.sensors["PE_LOW"] = low
        self.sensors["PE_HIGH"] = high

    def items(self) -> list[dict]:
        """Parts on the belt; ``x`` is the part front in metres, ``tall`` its kind."""
        return [dict(p) for p in self.parts]


class FillingLine(Plant):
    """Bottles on a belt stop under a nozzle and are filled by weight on a load cell."""

    name = "filling"
    title: ClassVar[dict[str, str]] = {"en": "Bottle filling line", "zh": "灌装生产线"}
    summary: ClassVar[dict[str, str]] = {
        "en": "START (seal-in) runs the line, STOP stops the belt and closes the valve. When "
        "PE_BOTTLE sees a bottle under the nozzle, stop the belt, open FILL until WEIGHT "
        "reaches 495 g, close it, wait 0.5 s for drips, then run the belt on. Show the number "
        "of filled bottles on COUNT. Every bottle must leave with 490-520 g; never open the "
        "valve without a bottle under the nozzle.",
        "zh": "按启动（自锁）运行，按停止停止输送带并关闭灌装阀。PE_BOTTLE 检测到瓶子到达灌装头下方时"
        "停止输送带，打开 FILL 至 WEIGHT 达 495 g 后关闭，等待 0.5 秒滴净，再继续输送。COUNT 显示已灌装"
        "瓶数。每瓶离开时须为 490-520 g；灌装头下方无瓶时绝不能开阀。",
    }
    IO = (
        *_start_stop(),
        di("PE_BOTTLE", "%IX0.2", "Bottle centred under the nozzle", "瓶子对准灌装头"),
        ai(
            "WEIGHT",
            "%IW0",
            "g",
            "Load cell under the nozzle (net content)",
            "灌装头下称重传感器（净含量）",
        ),
        do("CONV", "%QX0.0", "Belt motor (0.1 m/s)", "输送带电机（0.1 m/s）"),
        do("FILL", "%QX0.1", "Filling valve (about 100 g/s)", "灌装阀（约 100 g/s）"),
        ao("COUNT", "%QW0", "bottles", "Filled bottles display", "已灌装瓶数显示"),
    )
    STATE = (
        StateVar("good", "", "Bottles that left correctly filled", "合格离开的瓶子"),
        StateVar("bad", "", "Bottles that left under- or over-filled", "欠灌或过灌离开的瓶子"),
        StateVar(
            "first_bad_fill",
            "g",
            "Content of the first bad bottle (-1: none)",
            "第一个不合格瓶子的含量（-1 为无）",
        ),
        StateVar("spilled_g", "g", "Product spilled on the belt", "洒在输送带上的物料"),
    )
    SPEED = 0.1
    PITCH = 0.25
    NOZZLE = 1.0
    EXIT = 1.6
    DRAWING = drawing(
        560,
        240,
        [
            shape("belt", "belt", 40, 150, 480, 16, bind={"on": "CONV"}),
            shape(
                "valve", "nozzle", 320, 40, 30, 40, label=("FILL", "灌装阀"), bind={"on": "FILL"}
            ),
            sensor("pe", 300, 120, "PE_BOTTLE", ("PE_BOTTLE", "到位光电")),
            shape(
                "text",
                "weight",
                370,
                60,
                90,
                20,
                label=("WEIGHT g", "重量 g"),
                bind={"value": "WEIGHT"},
            ),
            shape(
                "text", "count", 460, 20, 80, 20, label=("COUNT", "计数"), bind={"value": "COUNT"}
            ),
            button("start", 40, 190, "START", "green", ("START", "启动")),
            button("stop", 100, 190, "STOP", "red", ("STOP", "停止")),
        ],
        items={"shape": "bottle", "origin": [40, 100], "px_per_m": 300, "size_m": [0.08, 0.2]},
    )

    def _reset(self) -> None:
        self.bottles = [{"id": i + 1, "x": 0.9 - i * self.PITCH, "fill": 0.0} for i in range(4)]
        self.serial = 4
        self.valve_pos = 0.0
        self.good = 0
        self.bad = 0
        self.first_bad_fill = -1
        self.spilled_g = 0.0

    def _under_nozzle(self) -> dict | None:
        for bottle in self.bottles:
            if abs(bottle["x"] - self.NOZZLE) <= 0.015:
                return bottle
        return None

    def _physics(self, dt: int) -> None:
        self.valve_pos = self.travel(
            "FILL", self.valve_pos, 1.0 if self.out["FILL"] else 0.0, 100, dt
        )
        if self.valve_pos > 0:
            flow = 100.0 * self.valve_pos * dt / 1000.0
            bottle = self._under_nozzle()
            if bottle is None:
                self.spilled_g += flow
            else:
                bottle["fill"] += flow
        if not self.out["CONV"]:
            return
        move = self.SPEED * dt / 1000.0
        kept = []
        for bottle in self.bottles:
            bottle["x"] += move
            if bottle["x"] >= self.EXIT:
                if 490.0 <= bottle["fill"] <= 520.0:
                    self.good += 1
                else:
                    self.bad += 1
                    if self.first_bad_fill < 0:
                        self.first_bad_fill = round(bottle["fill"])
                continue
            kept.append(bottle)
        if kept[-1]["x"] >= self.PITCH - 0.1:
            self.serial += 1
            kept.append({"id": self.serial, "x": kept[-1]["x"] - self.PITCH, "fill": 0.0})
        self.bottles = kept

    def _sense(self) -> None:
        nozzle = self.NOZZLE
        centred = False
        for b in self.bottles:  # a plain loop: this runs every scan
            if abs(b["x"] - nozzle) <= 0.004:
                centred = True
                break
        self.sensors["PE_BOTTLE"] = centred
        if self.analog_due():
            bottle = self._under_nozzle()
            weight = 0.0 if bottle is None else bottle["fill"] + self.noise(1.0)
            self.sensors["WEIGHT"] = max(0, round(weight))

    def items(self) -> list[dict]:
        """Bottles on the belt; ``x`` is the bottle centre in metres, ``fill`` in grams."""
        return [dict(b) for b in self.bottles]
