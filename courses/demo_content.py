# ruff: noqa: E501 -- prose and quiz text read better unbroken; Han characters count double.
"""The demo curriculum of Demo Polytechnic / 示范职业技术学院, in Chinese and English.

Plain data: courses.demo turns it into pages, quizzes and generated diagrams. Lesson bodies are
lists of (block type, value); "diagram" values name a drawing in courses.demo.DIAGRAMS.
"""

INSTITUTION = {
    "slug": "demo-polytechnic",
    "name_zh": "示范职业技术学院",
    "name_en": "Demo Polytechnic",
    "kind": "college",
    "website": "https://example.org/demo-polytechnic",
    "intro_zh": "<p>示范职业技术学院面向珠三角制造企业的在职员工，提供工业互联网 OT/IT 融合课程。</p>",
    "intro_en": (
        "<p>Demo Polytechnic trains the workforce of Pearl River Delta manufacturers in "
        "industrial internet skills where operational and information technology meet.</p>"
    ),
}

INDUSTRIES = [
    ("electronics", "电子制造", "Electronics"),
    ("furniture", "家具", "Furniture"),
    ("textiles", "纺织服装", "Textiles and garments"),
    ("food", "食品加工", "Food processing"),
    ("plastics", "塑料与模具", "Plastics and moulds"),
]

# code, area, level, name_zh, name_en, framework name, framework url
SKILLS = [
    (
        "PLC-ST-1",
        "plc",
        "beginner",
        "IEC 61131-3 结构化文本编程",
        "Structured Text programming (IEC 61131-3)",
        "ESCO: program PLCs",
        "https://esco.ec.europa.eu/en/classification/skills",
    ),
    (
        "PLC-TMR-1",
        "plc",
        "beginner",
        "PLC 定时器与自锁逻辑",
        "PLC timers and latching logic",
        "",
        "",
    ),
    (
        "NET-MB-1",
        "networks",
        "intermediate",
        "Modbus TCP 通信",
        "Modbus TCP communication",
        "O*NET 17-3024.01 Robotics / automation technicians",
        "https://www.onetonline.org/link/summary/17-3024.01",
    ),
    (
        "NET-OPCUA-1",
        "networks",
        "intermediate",
        "OPC UA 信息模型与安全",
        "OPC UA information model and security",
        "",
        "",
    ),
    ("NET-MQTT-1", "networks", "beginner", "MQTT 消息传输", "MQTT messaging", "", ""),
    ("HMI-1", "hmi", "beginner", "HMI/SCADA 画面与报警", "HMI/SCADA screens and alarms", "", ""),
    (
        "DATA-PY-1",
        "data",
        "beginner",
        "用 Python 分析工业数据",
        "Industrial data analysis with Python",
        "中国职业分类大典：工业互联网工程技术人员 (2-02-10-13)",
        "http://www.mohrss.gov.cn/",
    ),
    ("DATA-OEE-1", "data", "beginner", "设备综合效率（OEE）计算", "OEE calculation", "", ""),
    (
        "SEC-62443-1",
        "security",
        "beginner",
        "IEC 62443 区域与管道",
        "IEC 62443 zones and conduits",
        "ESCO: ICT security",
        "https://esco.ec.europa.eu/en/classification/skills",
    ),
    ("MES-ISA95-1", "mes", "beginner", "ISA-95 分层模型", "The ISA-95 hierarchy", "", ""),
    ("MES-TRACE-1", "mes", "intermediate", "生产追溯与在制品管理", "Traceability and WIP", "", ""),
    ("EDGE-1", "edge", "beginner", "边缘计算网关", "Edge computing gateways", "", ""),
    ("TWIN-1", "twin", "intermediate", "数字孪生基础", "Digital twin fundamentals", "", ""),
]

PROGRAM = {
    "slug": "ot-it-fundamentals",
    "zh": {
        "title": "工业互联网 OT/IT 融合基础",
        "summary": (
            "五门课程，从 PLC 编程到工业网络、数据分析、工控安全和 MES，帮助一线技术员"
            "和 IT 人员读懂彼此的系统，在中小工厂落地数字化改造。"
        ),
        "outcomes": [
            "编写并调试简单的结构化文本 PLC 程序",
            "用 Modbus TCP 和 OPC UA 读取设备数据",
            "用 Python 计算 OEE 并找出停机原因",
            "按 IEC 62443 划分区域与管道",
            "按 ISA-95 规划一个小型 MES 项目",
        ],
    },
    "en": {
        "title": "Industrial Internet OT/IT Fundamentals",
        "summary": (
            "Five courses, from PLC programming to industrial networks, data analysis, ICS "
            "security and MES, so that shop-floor technicians and IT staff understand each "
            "other's systems and can deliver digital upgrades in small factories."
        ),
        "outcomes": [
            "Write and debug simple Structured Text PLC programs",
            "Read machine data over Modbus TCP and OPC UA",
            "Compute OEE with Python and find the causes of downtime",
            "Divide a plant into IEC 62443 zones and conduits",
            "Plan a small MES project along ISA-95",
        ],
    },
}


def _quiz(zh_title, en_title, questions, pass_mark=70):
    return {
        "zh_title": zh_title,
        "en_title": en_title,
        "questions": questions,
        "pass_mark": pass_mark,
    }


def _single(zh, en, options, fb_zh, fb_en):
    """options: list of (zh, en, correct); feedback: (correct, incorrect) per language."""
    return {"type": "single_choice", "zh": zh, "en": en, "options": options, "fb": (fb_zh, fb_en)}


def _multiple(zh, en, options, fb_zh, fb_en):
    return {"type": "multiple_choice", "zh": zh, "en": en, "options": options, "fb": (fb_zh, fb_en)}


def _truefalse(zh, en, answer, fb_zh, fb_en):
    return {"type": "true_false", "zh": zh, "en": en, "answer": answer, "fb": (fb_zh, fb_en)}


def _numeric(zh, en, answer, tolerance, unit, fb_zh, fb_en):
    return {
        "type": "numeric",
        "zh": zh,
        "en": en,
        "answer": answer,
        "tolerance": tolerance,
        "unit": unit,
        "fb": (fb_zh, fb_en),
    }


def _short(zh, en, accepted, fb_zh, fb_en):
    return {"type": "short_text", "zh": zh, "en": en, "accepted": accepted, "fb": (fb_zh, fb_en)}


def _ordering(zh, en, items, fb_zh, fb_en):
    """items: list of (zh, en) in the correct order."""
    return {"type": "ordering", "zh": zh, "en": en, "items": items, "fb": (fb_zh, fb_en)}


ST_MOTOR = """PROGRAM MotorStartStop
VAR
    StartButton AT %IX0.0 : BOOL;   (* NO push button *)
    StopButton  AT %IX0.1 : BOOL;   (* NC push button: TRUE while not pressed *)
    Overload    AT %IX0.2 : BOOL;   (* thermal relay, TRUE = tripped *)
    Motor       AT %QX0.0 : BOOL;
END_VAR

(* Seal-in (latching) circuit: Stop and Overload always win *)
Motor := (StartButton OR Motor) AND StopButton AND NOT Overload;
END_PROGRAM
"""

ST_SYNTAX = """VAR
    Temperature : REAL := 0.0;
    Mode        : INT  := 0;
    Heater      : BOOL;
    Alarm       : BOOL;
END_VAR

IF Temperature < 58.0 THEN
    Heater := TRUE;
ELSIF Temperature > 62.0 THEN
    Heater := FALSE;          (* 4 degree hysteresis avoids chattering *)
END_IF;

CASE Mode OF
    0: Alarm := FALSE;                      (* idle *)
    1: Alarm := Temperature > 80.0;         (* running *)
ELSE
    Alarm := TRUE;                          (* unknown mode is unsafe *)
END_CASE;
"""

ST_TON = """VAR
    StartDelay : TON;
    Conveyor   : BOOL;
    Horn       : BOOL;
    RunRequest : BOOL;
END_VAR

(* Sound the horn for 3 s before the conveyor moves *)
StartDelay(IN := RunRequest, PT := T#3s);
Horn     := RunRequest AND NOT StartDelay.Q;
Conveyor := StartDelay.Q;
"""

PY_MODBUS = """from pymodbus.client import ModbusTcpClient

client = ModbusTcpClient("192.168.10.20", port=502, timeout=2)
client.connect()
# Holding registers 40001-40002: tank level in 0.1 % steps, pump speed in rpm
result = client.read_holding_registers(address=0, count=2, device_id=1)
if result.isError():
    print("Modbus exception:", result)
else:
    level_percent = result.registers[0] / 10
    pump_rpm = result.registers[1]
    print(f"level {level_percent:.1f} %, pump {pump_rpm} rpm")
client.close()
"""

PY_OPCUA = """import asyncio
from asyncua import Client

async def main():
    async with Client("opc.tcp://192.168.10.30:4840") as client:
        node = client.get_node("ns=2;s=Line1.Filler.Temperature")
        print("temperature:", await node.read_value())

asyncio.run(main())
"""

PY_PANDAS = """import pandas as pd

df = pd.read_csv("spindle.csv", parse_dates=["time"], index_col="time")
df = df[df["temperature"].between(-20, 150)]      # drop sensor glitches
per_minute = df["temperature"].resample("1min").mean()
hot = per_minute[per_minute > 75]
print(per_minute.describe())
print(f"{len(hot)} minutes above 75 °C")
"""

PY_OEE = """planned_minutes = 480          # one 8-hour shift
downtime_minutes = 48
ideal_cycle_s = 30             # seconds per part at rated speed
parts_made = 720
good_parts = 684

run_minutes = planned_minutes - downtime_minutes
availability = run_minutes / planned_minutes
performance = parts_made * ideal_cycle_s / (run_minutes * 60)
quality = good_parts / parts_made
oee = availability * performance * quality
print(f"A={availability:.0%} P={performance:.0%} Q={quality:.0%} OEE={oee:.0%}")
"""


def _p(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _ul(*items):
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


COURSES = [
    # ------------------------------------------------------------------ 1. PLC
    {
        "slug": "plc-structured-text",
        "level": "beginner",
        "hours": 16,
        "language": "bilingual",
        "skills": ["PLC-ST-1", "PLC-TMR-1"],
        "industries": ["electronics", "furniture", "food", "plastics"],
        "prerequisites": [],
        "diagram": "scan_cycle",
        "zh": {
            "title": "PLC 编程基础：IEC 61131-3 结构化文本",
            "summary": "从扫描周期讲起，学习结构化文本（ST）的变量、条件、定时器和自锁电路，"
            "在模拟的电机和传送带上验证你的程序。",
            "audience": "电工、设备维修员和想转向自动化岗位的操作工；不需要编程基础。",
            "outcomes": [
                "解释 PLC 扫描周期以及输入映像、输出映像的作用",
                "用 ST 编写 IF、CASE 和赋值语句",
                "用 TON 定时器和自锁电路实现电机启停",
            ],
        },
        "en": {
            "title": "PLC Programming Basics: IEC 61131-3 Structured Text",
            "summary": "Starting from the scan cycle, learn Structured Text (ST) variables, "
            "conditions, timers and seal-in circuits, and check your programs on a simulated "
            "motor and conveyor.",
            "audience": "Electricians, maintenance staff and operators moving into automation; "
            "no programming experience needed.",
            "outcomes": [
                "Explain the PLC scan cycle and the input and output image tables",
                "Write IF, CASE and assignment statements in ST",
                "Build a motor start/stop circuit with a TON timer and a seal-in",
            ],
        },
        "modules": [
            {
                "slug": "foundations",
                "zh": "PLC 如何工作",
                "en": "How a PLC works",
                "lessons": [
                    {
                        "slug": "scan-cycle",
                        "minutes": 20,
                        "zh": {
                            "title": "PLC 与扫描周期",
                            "summary": "PLC 为什么不会“同时”看到输入变化？",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "可编程逻辑控制器（PLC）是一台为工厂环境加固的专用计算机。"
                                        "它不像电脑那样等待事件，而是不停地重复同一个循环：<b>扫描周期</b>。",
                                        "每个周期分三步：先把所有输入端子的状态一次性读入"
                                        "<b>输入映像</b>；然后从头到尾执行一遍用户程序；"
                                        "最后把计算结果写到<b>输出映像</b>并驱动输出端子。"
                                        "典型的扫描时间是 1–20 毫秒。",
                                        "因为输入只在周期开始时读取，程序执行期间即使按钮状态改变，"
                                        "本周期内看到的仍是旧值。这保证了同一周期内逻辑的一致性。",
                                    ),
                                ),
                                ("diagram", "scan_cycle"),
                                (
                                    "callout",
                                    {
                                        "kind": "warning",
                                        "title": "安全提示",
                                        "body": _p(
                                            "急停回路必须是硬接线的安全回路，不能只依靠 PLC 程序。"
                                            "程序只能作为辅助信号。"
                                        ),
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "PLCs and the scan cycle",
                            "summary": "Why does a PLC not see an input change 'at once'?",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "A programmable logic controller (PLC) is a computer "
                                        "hardened for the factory floor. Instead of waiting "
                                        "for events like a PC, it repeats one loop forever: "
                                        "the <b>scan cycle</b>.",
                                        "Each cycle has three steps: copy the state of every "
                                        "input terminal into the <b>input image</b>, run the "
                                        "user program from top to bottom, then write the "
                                        "results to the <b>output image</b> and drive the "
                                        "outputs. Typical scan times are 1 to 20 ms.",
                                        "Because inputs are read only at the start, a button "
                                        "that changes while the program runs is seen in the "
                                        "next cycle. This keeps the logic of one cycle "
                                        "consistent.",
                                    ),
                                ),
                                ("diagram", "scan_cycle"),
                                (
                                    "callout",
                                    {
                                        "kind": "warning",
                                        "title": "Safety",
                                        "body": _p(
                                            "Emergency stops must be hard-wired safety "
                                            "circuits. Never rely on the PLC program alone; it "
                                            "may only add a supporting signal."
                                        ),
                                    },
                                ),
                            ],
                        },
                    },
                    {
                        "slug": "st-syntax",
                        "minutes": 30,
                        "zh": {
                            "title": "ST 语法：变量、赋值、IF 与 CASE",
                            "summary": "结构化文本长得像 Pascal，读起来像说明书。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "IEC 61131-3 定义了五种 PLC 语言，其中结构化文本（ST）"
                                        "最适合计算和判断。变量先在 <code>VAR ... END_VAR</code> "
                                        "中声明类型：BOOL、INT、REAL、TIME 等。",
                                        "赋值用 <code>:=</code>，比较用 <code>=</code>；每条语句以分号结束；"
                                        "注释写在 <code>(* ... *)</code> 之间。下面的例子用回差控制加热器，"
                                        "并用 CASE 根据运行模式决定报警。",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "st",
                                        "code": ST_SYNTAX,
                                        "caption": "带回差的温度控制与模式报警",
                                    },
                                ),
                                (
                                    "callout",
                                    {
                                        "kind": "tip",
                                        "title": "",
                                        "body": _p(
                                            "CASE 一定要写 ELSE 分支：未知状态应进入安全状态。"
                                        ),
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "ST syntax: variables, assignment, IF and CASE",
                            "summary": "Structured Text looks like Pascal and reads like a manual.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "IEC 61131-3 defines five PLC languages; Structured "
                                        "Text (ST) suits calculations and decisions best. "
                                        "Variables are declared with a type inside "
                                        "<code>VAR ... END_VAR</code>: BOOL, INT, REAL, TIME "
                                        "and so on.",
                                        "Assignment is <code>:=</code>, comparison is "
                                        "<code>=</code>, statements end with a semicolon and "
                                        "comments sit between <code>(* ... *)</code>. The "
                                        "example below drives a heater with hysteresis and "
                                        "uses CASE to raise alarms by operating mode.",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "st",
                                        "code": ST_SYNTAX,
                                        "caption": "Temperature control with hysteresis, alarms by mode",
                                    },
                                ),
                                (
                                    "callout",
                                    {
                                        "kind": "tip",
                                        "title": "",
                                        "body": _p(
                                            "Always give CASE an ELSE branch: an unknown "
                                            "state should lead to a safe state."
                                        ),
                                    },
                                ),
                            ],
                        },
                    },
                ],
            },
            {
                "slug": "practice",
                "zh": "动手实践",
                "en": "Hands-on",
                "lessons": [
                    {
                        "slug": "motor-start-stop",
                        "minutes": 40,
                        "zh": {
                            "title": "定时器与自锁：电机启停",
                            "summary": "车间里最常见的电路，用 ST 写出来。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "自锁（自保持）电路让电机在松开启动按钮后继续运行：输出自身参与条件。"
                                        "停止按钮使用常闭触点，断线时等同于按下停止，这叫<b>失效安全</b>。",
                                        "TON 是接通延时定时器：IN 为 TRUE 并保持 PT 时间后，Q 才变为 TRUE。"
                                        "下面先响铃 3 秒再启动传送带，提醒附近的人。",
                                    ),
                                ),
                                (
                                    "code",
                                    {"language": "st", "code": ST_MOTOR, "caption": "电机自锁电路"},
                                ),
                                (
                                    "code",
                                    {
                                        "language": "st",
                                        "code": ST_TON,
                                        "caption": "启动前响铃 3 秒",
                                    },
                                ),
                                (
                                    "plc_lab",
                                    {
                                        "title": "电机启停实验",
                                        "scenario": "motor_start_stop",
                                        "instructions": _p(
                                            "在模拟电机上实现启动、停止和过载保护。"
                                            "测试：按启动后电机运行；松开启动后仍运行；按停止或过载时立即停止。"
                                        ),
                                        "starter_code": ST_MOTOR,
                                        "pass_score": 100,
                                        "time_limit_minutes": 30,
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "Timers and seal-in: motor start/stop",
                            "summary": "The most common circuit on the shop floor, in ST.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "A seal-in (latching) circuit keeps the motor running "
                                        "after the start button is released: the output is "
                                        "part of its own condition. The stop button is wired "
                                        "normally closed, so a broken wire acts like pressing "
                                        "stop. This is <b>fail-safe</b> design.",
                                        "TON is the on-delay timer: Q turns TRUE once IN has "
                                        "been TRUE for the preset time PT. Below, a horn "
                                        "sounds for 3 s before the conveyor starts, to warn "
                                        "people nearby.",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "st",
                                        "code": ST_MOTOR,
                                        "caption": "Motor seal-in circuit",
                                    },
                                ),
                                (
                                    "code",
                                    {
                                        "language": "st",
                                        "code": ST_TON,
                                        "caption": "Horn for 3 s before start",
                                    },
                                ),
                                (
                                    "plc_lab",
                                    {
                                        "title": "Motor start/stop lab",
                                        "scenario": "motor_start_stop",
                                        "instructions": _p(
                                            "Implement start, stop and overload protection on "
                                            "the simulated motor. Tests: start runs the motor; "
                                            "it keeps running after start is released; stop or "
                                            "overload stop it at once."
                                        ),
                                        "starter_code": ST_MOTOR,
                                        "pass_score": 100,
                                        "time_limit_minutes": 30,
                                    },
                                ),
                            ],
                        },
                    },
                ],
            },
        ],
        "quiz": _quiz(
            "PLC 基础测验",
            "PLC basics quiz",
            [
                _single(
                    "PLC 在一个扫描周期中什么时候读取输入端子？",
                    "When in the scan cycle does a PLC read its input terminals?",
                    [
                        (
                            "周期开始时，一次性读入输入映像",
                            "At the start, all at once into the input image",
                            True,
                        ),
                        ("每执行一条语句时", "Every time a statement runs", False),
                        (
                            "输出写完之后的下一个毫秒",
                            "One millisecond after the outputs are written",
                            False,
                        ),
                    ],
                    ("对：输入映像在周期开始时刷新。", "输入只在周期开始时读取一次。"),
                    (
                        "Right: the input image is refreshed at the start.",
                        "Inputs are read once, at the start of the cycle.",
                    ),
                ),
                _truefalse(
                    "停止按钮应接常闭触点，这样断线时电机会停止。",
                    "The stop button should be wired normally closed so that a broken wire stops the motor.",
                    True,
                    ("对，这就是失效安全。", "断线应导致安全状态，所以用常闭。"),
                    (
                        "Yes, that is fail-safe design.",
                        "A broken wire must lead to a safe state, hence NC.",
                    ),
                ),
                _short(
                    "ST 中的赋值运算符是什么？",
                    "What is the assignment operator in ST?",
                    [":="],
                    ("正确。", "赋值用 :=，比较用 =。"),
                    ("Correct.", "Assignment is :=, comparison is =."),
                ),
                _numeric(
                    "TON 的 PT 为 T#3s，IN 在 t=2 s 时变为 TRUE 并保持。Q 在第几秒变为 TRUE？",
                    "A TON has PT = T#3s and IN turns TRUE at t = 2 s and stays TRUE. At what time (s) does Q turn TRUE?",
                    5,
                    0.05,
                    "s",
                    ("对：2 + 3 = 5 秒。", "Q 在 IN 持续 PT 时间后变为 TRUE：2 + 3。"),
                    ("Right: 2 + 3 = 5 s.", "Q turns TRUE once IN has been TRUE for PT: 2 + 3."),
                ),
            ],
        ),
    },
    # ------------------------------------------------------------------ 2. Networks
    {
        "slug": "industrial-networks",
        "level": "intermediate",
        "hours": 16,
        "language": "bilingual",
        "skills": ["NET-MB-1", "NET-OPCUA-1"],
        "industries": ["electronics", "plastics", "textiles"],
        "prerequisites": [],
        "diagram": "modbus_frame",
        "zh": {
            "title": "工业网络：Modbus TCP 与 OPC UA",
            "summary": "读懂 Modbus 的四类数据和报文，用 Python 读取保持寄存器；"
            "理解 OPC UA 的地址空间与安全模式。",
            "audience": "设备工程师、IT 运维和需要从设备取数的开发人员。",
            "outcomes": [
                "区分线圈、离散输入、输入寄存器和保持寄存器",
                "解释 Modbus TCP 报文头（MBAP）和功能码",
                "用 Python 读取 Modbus 寄存器和 OPC UA 节点",
                "为 OPC UA 连接选择合适的安全策略",
            ],
        },
        "en": {
            "title": "Industrial Networks: Modbus TCP and OPC UA",
            "summary": "Understand Modbus's four data tables and its frames, read holding "
            "registers with Python, and learn OPC UA's address space and security modes.",
            "audience": "Equipment engineers, IT operations staff and developers who need "
            "data from machines.",
            "outcomes": [
                "Tell coils, discrete inputs, input registers and holding registers apart",
                "Explain the Modbus TCP header (MBAP) and function codes",
                "Read Modbus registers and OPC UA nodes with Python",
                "Choose a suitable security policy for an OPC UA connection",
            ],
        },
        "modules": [
            {
                "slug": "modbus",
                "zh": "Modbus TCP",
                "en": "Modbus TCP",
                "lessons": [
                    {
                        "slug": "modbus-data-model",
                        "minutes": 25,
                        "zh": {
                            "title": "Modbus 数据模型与报文",
                            "summary": "四张表、几个功能码、一个 7 字节的报文头。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "Modbus 诞生于 1979 年，至今仍是工厂里最常见的协议。它把设备数据分成四张表："
                                        "<b>线圈</b>（可读写的位）、<b>离散输入</b>（只读位）、"
                                        "<b>输入寄存器</b>（只读 16 位字）和<b>保持寄存器</b>（可读写 16 位字）。",
                                        "Modbus TCP 使用 502 端口。每个请求以 7 字节的 MBAP 头开始：事务号、协议号（0）、"
                                        "长度和单元号，然后是功能码和数据。常用功能码：01 读线圈、03 读保持寄存器、"
                                        "06 写单个寄存器、16 写多个寄存器。",
                                    ),
                                ),
                                ("diagram", "modbus_frame"),
                                (
                                    "callout",
                                    {
                                        "kind": "note",
                                        "title": "",
                                        "body": _p(
                                            "手册里的 40001 通常对应协议里的地址 0：编号从 1 开始，地址从 0 开始。"
                                        ),
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "The Modbus data model and frames",
                            "summary": "Four tables, a few function codes, a 7-byte header.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "Modbus was born in 1979 and is still the most common "
                                        "protocol in factories. It splits device data into "
                                        "four tables: <b>coils</b> (read/write bits), "
                                        "<b>discrete inputs</b> (read-only bits), <b>input "
                                        "registers</b> (read-only 16-bit words) and "
                                        "<b>holding registers</b> (read/write 16-bit words).",
                                        "Modbus TCP uses port 502. Every request starts with "
                                        "the 7-byte MBAP header: transaction id, protocol id "
                                        "(0), length and unit id, followed by a function code "
                                        "and data. Common codes: 01 read coils, 03 read "
                                        "holding registers, 06 write single register, 16 "
                                        "write multiple registers.",
                                    ),
                                ),
                                ("diagram", "modbus_frame"),
                                (
                                    "callout",
                                    {
                                        "kind": "note",
                                        "title": "",
                                        "body": _p(
                                            "Register 40001 in a manual is usually protocol "
                                            "address 0: numbers start at 1, addresses at 0."
                                        ),
                                    },
                                ),
                            ],
                        },
                    },
                    {
                        "slug": "modbus-python",
                        "minutes": 35,
                        "zh": {
                            "title": "用 Python 读取保持寄存器",
                            "summary": "pymodbus 五行代码取到液位和泵速。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "寄存器只是 16 位整数，含义要查设备手册：比例（例如 0.1%）、"
                                        "单位和字节序。32 位浮点数占两个寄存器，不同厂家的字序可能相反。",
                                        "读取时一定要设置超时并检查异常响应（功能码 + 0x80）。",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "python",
                                        "code": PY_MODBUS,
                                        "caption": "读取液位和泵速",
                                    },
                                ),
                                (
                                    "plc_lab",
                                    {
                                        "title": "水箱液位 Modbus 实验",
                                        "scenario": "tank_level_modbus",
                                        "instructions": _p(
                                            "PLC 通过 Modbus 公开水箱液位（40001）和泵速（40002）。"
                                            "编写 ST 程序在液位低于 20% 时启动泵、高于 80% 时停止，"
                                            "并从外部客户端读取寄存器验证。"
                                        ),
                                        "starter_code": "",
                                        "pass_score": 100,
                                        "time_limit_minutes": None,
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "Reading holding registers with Python",
                            "summary": "Five lines of pymodbus fetch a tank level and pump speed.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "A register is only a 16-bit integer: its meaning comes "
                                        "from the device manual (scale such as 0.1 %, unit, "
                                        "byte order). A 32-bit float spans two registers, and "
                                        "vendors disagree on word order.",
                                        "Always set a timeout and check for exception "
                                        "responses (function code + 0x80).",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "python",
                                        "code": PY_MODBUS,
                                        "caption": "Reading level and pump speed",
                                    },
                                ),
                                (
                                    "plc_lab",
                                    {
                                        "title": "Tank level over Modbus lab",
                                        "scenario": "tank_level_modbus",
                                        "instructions": _p(
                                            "The PLC publishes the tank level (40001) and pump "
                                            "speed (40002) over Modbus. Write ST that starts "
                                            "the pump below 20 % and stops it above 80 %, then "
                                            "read the registers from a client to check."
                                        ),
                                        "starter_code": "",
                                        "pass_score": 100,
                                        "time_limit_minutes": None,
                                    },
                                ),
                            ],
                        },
                    },
                ],
            },
            {
                "slug": "opc-ua",
                "zh": "OPC UA",
                "en": "OPC UA",
                "lessons": [
                    {
                        "slug": "opc-ua-basics",
                        "minutes": 30,
                        "zh": {
                            "title": "OPC UA 地址空间与安全",
                            "summary": "带语义的节点，而不只是寄存器编号。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "OPC UA（IEC 62541）把数据组织成<b>地址空间</b>：由节点和引用组成的图。"
                                        "每个节点有 NodeId，例如 <code>ns=2;s=Line1.Filler.Temperature</code>，"
                                        "并带有数据类型、单位和描述，客户端可以浏览而不必查手册。",
                                        "OPC UA 内置安全：消息安全模式有 None、Sign、SignAndEncrypt，"
                                        "连接双方用 X.509 证书互相认证。生产环境应使用 SignAndEncrypt，"
                                        "并禁用匿名登录。默认端口是 4840。",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "python",
                                        "code": PY_OPCUA,
                                        "caption": "用 asyncua 读取一个节点",
                                    },
                                ),
                                (
                                    "callout",
                                    {
                                        "kind": "warning",
                                        "title": "",
                                        "body": _p("不要在生产网络中使用安全模式 None。"),
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "The OPC UA address space and security",
                            "summary": "Nodes with meaning, not just register numbers.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "OPC UA (IEC 62541) organises data as an <b>address "
                                        "space</b>: a graph of nodes and references. Each node "
                                        "has a NodeId such as "
                                        "<code>ns=2;s=Line1.Filler.Temperature</code> and "
                                        "carries its data type, unit and description, so a "
                                        "client can browse instead of reading a manual.",
                                        "Security is built in: message security modes are "
                                        "None, Sign and SignAndEncrypt, and both sides "
                                        "authenticate with X.509 certificates. Production "
                                        "systems should use SignAndEncrypt and disable "
                                        "anonymous login. The default port is 4840.",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "python",
                                        "code": PY_OPCUA,
                                        "caption": "Reading one node with asyncua",
                                    },
                                ),
                                (
                                    "callout",
                                    {
                                        "kind": "warning",
                                        "title": "",
                                        "body": _p(
                                            "Never use security mode None on a production network."
                                        ),
                                    },
                                ),
                            ],
                        },
                    },
                ],
            },
        ],
        "quiz": _quiz(
            "工业网络测验",
            "Industrial networks quiz",
            [
                _numeric(
                    "Modbus TCP 默认使用哪个 TCP 端口？",
                    "Which TCP port does Modbus TCP use by default?",
                    502,
                    0,
                    "",
                    ("对，502。", "默认端口是 502（OPC UA 是 4840）。"),
                    ("Right, 502.", "The default is 502 (OPC UA uses 4840)."),
                ),
                _multiple(
                    "哪些 Modbus 表可以被客户端写入？",
                    "Which Modbus tables can a client write?",
                    [
                        ("线圈", "Coils", True),
                        ("保持寄存器", "Holding registers", True),
                        ("离散输入", "Discrete inputs", False),
                        ("输入寄存器", "Input registers", False),
                    ],
                    ("正确。", "只有线圈和保持寄存器可写。"),
                    ("Correct.", "Only coils and holding registers are writable."),
                ),
                _single(
                    "生产环境中 OPC UA 应使用哪种消息安全模式？",
                    "Which OPC UA message security mode belongs on a production network?",
                    [
                        ("SignAndEncrypt", "SignAndEncrypt", True),
                        ("Sign", "Sign", False),
                        ("None", "None", False),
                    ],
                    ("对：签名并加密。", "签名只防篡改不防窃听；None 完全不安全。"),
                    (
                        "Right: sign and encrypt.",
                        "Sign stops tampering but not eavesdropping; None is open.",
                    ),
                ),
                _truefalse(
                    "手册中的寄存器 40001 通常对应协议地址 0。",
                    "Register 40001 in a manual is usually protocol address 0.",
                    True,
                    ("对。", "编号从 1 开始，地址从 0 开始。"),
                    ("True.", "Numbers start at 1, addresses at 0."),
                ),
            ],
        ),
    },
    # ------------------------------------------------------------------ 3. Data
    {
        "slug": "industrial-data-python",
        "level": "beginner",
        "hours": 20,
        "language": "bilingual",
        "skills": ["DATA-PY-1", "DATA-OEE-1"],
        "industries": ["electronics", "textiles", "food", "furniture"],
        "prerequisites": [],
        "diagram": "oee",
        "zh": {
            "title": "Python 工业数据分析",
            "summary": "用 pandas 清洗传感器数据、按分钟重采样，计算设备综合效率（OEE）并找出停机原因。",
            "audience": "生产主管、工艺工程师和想用数据改进生产的 IT 人员。",
            "outcomes": [
                "读取并清洗带时间戳的传感器数据",
                "按时间重采样并找出异常",
                "计算可用率、性能率、质量率和 OEE",
            ],
        },
        "en": {
            "title": "Industrial Data Analysis with Python",
            "summary": "Clean sensor data with pandas, resample it per minute, compute overall "
            "equipment effectiveness (OEE) and find the causes of downtime.",
            "audience": "Production supervisors, process engineers and IT staff who want to "
            "improve production with data.",
            "outcomes": [
                "Load and clean time-stamped sensor data",
                "Resample by time and find anomalies",
                "Compute availability, performance, quality and OEE",
            ],
        },
        "modules": [
            {
                "slug": "data",
                "zh": "从传感器到表格",
                "en": "From sensor to table",
                "lessons": [
                    {
                        "slug": "sensor-to-dataframe",
                        "minutes": 30,
                        "zh": {
                            "title": "传感器数据的清洗与重采样",
                            "summary": "毛刺、缺失值和不规则的时间戳。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "现场数据很少是干净的：传感器断线时会输出 -32768 或 0，"
                                        "网关重启会造成缺口，不同设备的采样周期也不一样。",
                                        "先用物理上合理的范围过滤毛刺，再用 <code>resample</code> "
                                        "把数据对齐到统一的时间间隔，最后才做统计。",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "python",
                                        "code": PY_PANDAS,
                                        "caption": "主轴温度：过滤、按分钟平均、统计过热时间",
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "Cleaning and resampling sensor data",
                            "summary": "Glitches, gaps and irregular time stamps.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "Shop-floor data is rarely clean: a disconnected "
                                        "sensor reports -32768 or 0, a rebooting gateway "
                                        "leaves gaps, and machines sample at different rates.",
                                        "First drop glitches outside the physically possible "
                                        "range, then <code>resample</code> to a common "
                                        "interval, and only then compute statistics.",
                                    ),
                                ),
                                (
                                    "code",
                                    {
                                        "language": "python",
                                        "code": PY_PANDAS,
                                        "caption": "Spindle temperature: filter, per-minute mean, minutes too hot",
                                    },
                                ),
                            ],
                        },
                    },
                    {
                        "slug": "oee",
                        "minutes": 35,
                        "zh": {
                            "title": "计算设备综合效率（OEE）",
                            "summary": "OEE = 可用率 × 性能率 × 质量率。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "<b>可用率</b>是实际运行时间占计划时间的比例；<b>性能率</b>是实际产量"
                                        "相对于理想节拍下应有产量的比例；<b>质量率</b>是良品占总产量的比例。",
                                        "三者相乘得到 OEE。世界级水平约为 85%，很多中小工厂刚开始测量时只有 40–60%。",
                                    ),
                                ),
                                ("diagram", "oee"),
                                (
                                    "code",
                                    {
                                        "language": "python",
                                        "code": PY_OEE,
                                        "caption": "一个班次的 OEE",
                                    },
                                ),
                                (
                                    "jupyter_lab",
                                    {
                                        "title": "OEE 分析笔记本",
                                        "notebook": None,
                                        "instructions": _p(
                                            "打开笔记本，读取一周的停机记录，计算每个班次的 OEE，"
                                            "并画出停机原因的帕累托图。"
                                        ),
                                        "image": "python-data",
                                        "pass_score": 80,
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "Computing overall equipment effectiveness (OEE)",
                            "summary": "OEE = availability × performance × quality.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "<b>Availability</b> is run time over planned time; "
                                        "<b>performance</b> is actual output over what the "
                                        "ideal cycle time allows in that run time; "
                                        "<b>quality</b> is good parts over all parts.",
                                        "Multiply the three to get OEE. World class is about "
                                        "85 %; many small factories measure 40 to 60 % when "
                                        "they start.",
                                    ),
                                ),
                                ("diagram", "oee"),
                                (
                                    "code",
                                    {
                                        "language": "python",
                                        "code": PY_OEE,
                                        "caption": "OEE of one shift",
                                    },
                                ),
                                (
                                    "jupyter_lab",
                                    {
                                        "title": "OEE analysis notebook",
                                        "notebook": None,
                                        "instructions": _p(
                                            "Open the notebook, load a week of downtime "
                                            "records, compute OEE per shift and draw a Pareto "
                                            "chart of downtime causes."
                                        ),
                                        "image": "python-data",
                                        "pass_score": 80,
                                    },
                                ),
                            ],
                        },
                    },
                ],
            },
        ],
        "quiz": _quiz(
            "数据分析测验",
            "Data analysis quiz",
            [
                _numeric(
                    "计划 480 分钟，停机 48 分钟。可用率是多少（%）？",
                    "Planned time 480 min, downtime 48 min. What is the availability (%)?",
                    90,
                    0.5,
                    "%",
                    ("对：432 / 480 = 90%。", "可用率 = (480 − 48) / 480。"),
                    ("Right: 432 / 480 = 90 %.", "Availability = (480 − 48) / 480."),
                ),
                _single(
                    "传感器断线时输出 -32768，分析前应该怎么做？",
                    "A disconnected sensor reports -32768. What should you do before analysis?",
                    [
                        (
                            "按物理合理范围过滤掉",
                            "Filter it out by the physically possible range",
                            True,
                        ),
                        ("当作真实温度取平均", "Average it in as a real temperature", False),
                        ("把所有数据乘以 -1", "Multiply all data by -1", False),
                    ],
                    ("对。", "这是毛刺，不是测量值，应先过滤。"),
                    ("Right.", "It is a glitch, not a reading: filter it first."),
                ),
                _ordering(
                    "把 OEE 分析的步骤排好顺序。",
                    "Put the steps of an OEE analysis in order.",
                    [
                        ("采集停机与产量数据", "Collect downtime and output data"),
                        ("清洗数据", "Clean the data"),
                        ("计算 A、P、Q", "Compute A, P and Q"),
                        ("按停机原因做帕累托分析", "Pareto analysis of downtime causes"),
                    ],
                    ("顺序正确。", "先有数据、再清洗、再计算，最后找原因。"),
                    ("Correct order.", "Data first, then cleaning, then computing, then causes."),
                ),
            ],
        ),
    },
    # ------------------------------------------------------------------ 4. Security
    {
        "slug": "ics-security-basics",
        "level": "beginner",
        "hours": 12,
        "language": "bilingual",
        "skills": ["SEC-62443-1"],
        "industries": ["electronics", "food", "textiles", "furniture", "plastics"],
        "prerequisites": ["industrial-networks"],
        "diagram": "zones",
        "zh": {
            "title": "工控安全基础：IEC 62443 区域与管道",
            "summary": "OT 安全与 IT 安全的不同；按 IEC 62443 划分区域与管道；中小工厂可以马上做的加固措施。",
            "audience": "负责车间网络的 IT 人员、自动化工程师和工厂管理者。",
            "outcomes": [
                "说明 OT 系统中可用性优先的原因",
                "把一个工厂网络划分为区域与管道",
                "列出五项立即可做的加固措施",
            ],
        },
        "en": {
            "title": "ICS Security Basics: IEC 62443 Zones and Conduits",
            "summary": "How OT security differs from IT security, dividing a plant into IEC "
            "62443 zones and conduits, and hardening a small factory can do today.",
            "audience": "IT staff in charge of shop-floor networks, automation engineers and "
            "plant managers.",
            "outcomes": [
                "Explain why availability comes first in OT systems",
                "Divide a factory network into zones and conduits",
                "List five hardening measures to apply right away",
            ],
        },
        "modules": [
            {
                "slug": "security",
                "zh": "区域、管道与加固",
                "en": "Zones, conduits and hardening",
                "lessons": [
                    {
                        "slug": "ot-vs-it",
                        "minutes": 20,
                        "zh": {
                            "title": "OT 安全为什么不同",
                            "summary": "停产的代价、十年不变的设备、不能随便打补丁。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "IT 安全通常按机密性、完整性、可用性排序；在 OT 中顺序往往相反："
                                        "一条产线停下来每小时就是实实在在的损失，错误的控制指令还可能伤人。",
                                        "PLC 和 HMI 往往运行十年以上，很多使用不带认证的协议（如 Modbus），"
                                        "也不能像办公电脑那样随时重启打补丁。因此 OT 安全更依赖网络隔离和访问控制。",
                                    ),
                                ),
                                (
                                    "callout",
                                    {
                                        "kind": "warning",
                                        "title": "",
                                        "body": _p(
                                            "不要在生产运行时对 PLC 网络做主动扫描：一些老设备会因此死机。"
                                        ),
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "Why OT security is different",
                            "summary": "The cost of downtime, ten-year-old devices, patches you cannot just apply.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "IT security usually ranks confidentiality, integrity, "
                                        "availability; in OT the order is often reversed: a "
                                        "stopped line loses money every hour, and a wrong "
                                        "control command can hurt people.",
                                        "PLCs and HMIs often run for over ten years, many "
                                        "speak protocols without authentication (such as "
                                        "Modbus), and they cannot be rebooted for patches like "
                                        "office PCs. OT security therefore relies on network "
                                        "separation and access control.",
                                    ),
                                ),
                                (
                                    "callout",
                                    {
                                        "kind": "warning",
                                        "title": "",
                                        "body": _p(
                                            "Never actively scan a PLC network during "
                                            "production: some older devices crash."
                                        ),
                                    },
                                ),
                            ],
                        },
                    },
                    {
                        "slug": "zones-and-conduits",
                        "minutes": 30,
                        "zh": {
                            "title": "区域与管道",
                            "summary": "把安全要求相同的资产放在一起，只开必要的门。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "IEC 62443-3-2 要求把系统划分为<b>区域</b>（安全要求相同的一组资产，"
                                        "如一条产线的 PLC 与 HMI）和<b>管道</b>（区域之间唯一允许的通信路径）。",
                                        "每个管道上用防火墙只放行必要的协议和方向，例如只允许 MES 服务器读取 "
                                        "OPC UA，而不允许办公网直接访问 PLC。每个区域确定目标安全等级 SL 1–4。",
                                    ),
                                ),
                                ("diagram", "zones"),
                                (
                                    "text",
                                    "<h2>中小工厂的五项立即措施</h2>"
                                    + _ul(
                                        "办公网与生产网分开，中间设防火墙（DMZ）",
                                        "修改所有默认密码，关闭不用的服务",
                                        "远程维护只通过跳板机，按需开启并记录",
                                        "定期离线备份 PLC 程序和配置",
                                        "U 盘接入生产电脑前先查毒",
                                    ),
                                ),
                            ],
                        },
                        "en": {
                            "title": "Zones and conduits",
                            "summary": "Group assets with the same security needs; open only the doors you need.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "IEC 62443-3-2 divides a system into <b>zones</b> "
                                        "(assets with the same security requirements, such as "
                                        "one line's PLCs and HMIs) and <b>conduits</b> (the "
                                        "only allowed communication paths between zones).",
                                        "A firewall on each conduit lets through only the "
                                        "protocols and directions needed, for example the MES "
                                        "server reading OPC UA, but no direct access from the "
                                        "office network to PLCs. Each zone gets a target "
                                        "security level, SL 1 to 4.",
                                    ),
                                ),
                                ("diagram", "zones"),
                                (
                                    "text",
                                    "<h2>Five measures for a small factory, today</h2>"
                                    + _ul(
                                        "Separate office and production networks with a firewall (DMZ)",
                                        "Change every default password, switch off unused services",
                                        "Remote maintenance only through a jump host, opened on demand and logged",
                                        "Back up PLC programs and configurations offline, regularly",
                                        "Scan USB sticks before they touch a production PC",
                                    ),
                                ),
                            ],
                        },
                    },
                ],
            },
        ],
        "quiz": _quiz(
            "工控安全测验",
            "ICS security quiz",
            [
                _single(
                    "在 IEC 62443 中，区域之间允许的通信路径叫什么？",
                    "In IEC 62443, what is an allowed communication path between zones called?",
                    [
                        ("管道", "A conduit", True),
                        ("隧道", "A tunnel", False),
                        ("总线", "A bus", False),
                    ],
                    ("对：管道。", "区域之间的通信路径叫管道（conduit）。"),
                    ("Right: a conduit.", "Paths between zones are conduits."),
                ),
                _truefalse(
                    "在生产运行时对 PLC 网络做主动漏洞扫描是安全的。",
                    "Actively scanning a PLC network for vulnerabilities during production is safe.",
                    False,
                    ("对，这并不安全。", "一些老设备会因扫描死机，应在停机窗口或被动监测。"),
                    (
                        "Right, it is not safe.",
                        "Some older devices crash when scanned: use downtime windows or passive monitoring.",
                    ),
                ),
                _multiple(
                    "哪些是中小工厂可以立即做的措施？",
                    "Which are measures a small factory can apply right away?",
                    [
                        ("修改默认密码", "Change default passwords", True),
                        ("离线备份 PLC 程序", "Back up PLC programs offline", True),
                        (
                            "把 PLC 直接暴露到互联网方便远程维护",
                            "Expose PLCs to the internet for remote maintenance",
                            False,
                        ),
                    ],
                    ("正确。", "绝不能把 PLC 直接暴露到互联网。"),
                    ("Correct.", "Never expose a PLC directly to the internet."),
                ),
            ],
        ),
    },
    # ------------------------------------------------------------------ 5. MES
    {
        "slug": "mes-isa95",
        "level": "beginner",
        "hours": 12,
        "language": "bilingual",
        "skills": ["MES-ISA95-1", "MES-TRACE-1"],
        "industries": ["furniture", "electronics", "food"],
        "prerequisites": [],
        "diagram": "isa95",
        "zh": {
            "title": "中小工厂的 MES 与 ISA-95",
            "summary": "ISA-95 分层模型；MES 的派工、在制品、质量与追溯；从一条产线开始的小步实施。",
            "audience": "生产经理、信息化负责人和准备实施 MES 的中小企业老板。",
            "outcomes": [
                "说出 ISA-95 的 0–4 层及各层的时间尺度",
                "列出 MES 的核心功能",
                "为一条产线规划最小可行的 MES",
            ],
        },
        "en": {
            "title": "MES and ISA-95 for Small Factories",
            "summary": "The ISA-95 levels; MES dispatching, work in progress, quality and "
            "traceability; a small-step rollout that starts with one line.",
            "audience": "Production managers, IT leads and owners of small firms planning an MES.",
            "outcomes": [
                "Name ISA-95 levels 0 to 4 and their time scales",
                "List the core functions of an MES",
                "Plan a minimum viable MES for one production line",
            ],
        },
        "modules": [
            {
                "slug": "mes",
                "zh": "从 ERP 到设备",
                "en": "From ERP to machines",
                "lessons": [
                    {
                        "slug": "isa95-levels",
                        "minutes": 25,
                        "zh": {
                            "title": "ISA-95 分层模型",
                            "summary": "从毫秒到月：每一层管什么。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "ISA-95（IEC 62264）把企业分为五层：第 0 层是物理过程，第 1 层是传感器和执行器，"
                                        "第 2 层是 PLC、HMI、SCADA 的监控（秒到毫秒），第 3 层是 MES 的生产运行管理"
                                        "（班次、小时），第 4 层是 ERP 的经营计划（天、月）。",
                                        "MES 位于 ERP 与控制系统之间：把订单变成可执行的工单，再把实际产量、"
                                        "质量和停机反馈给 ERP。",
                                    ),
                                ),
                                ("diagram", "isa95"),
                            ],
                        },
                        "en": {
                            "title": "The ISA-95 levels",
                            "summary": "From milliseconds to months: what each level does.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "ISA-95 (IEC 62264) splits an enterprise into five "
                                        "levels: level 0 is the physical process, level 1 "
                                        "sensors and actuators, level 2 supervision by PLCs, "
                                        "HMIs and SCADA (seconds down to milliseconds), level 3 "
                                        "manufacturing operations in the MES (shifts, hours), "
                                        "level 4 business planning in the ERP (days, months).",
                                        "The MES sits between the ERP and control systems: it "
                                        "turns orders into executable work orders and reports "
                                        "actual output, quality and downtime back to the ERP.",
                                    ),
                                ),
                                ("diagram", "isa95"),
                            ],
                        },
                    },
                    {
                        "slug": "mes-small-steps",
                        "minutes": 30,
                        "zh": {
                            "title": "从一条产线开始的 MES",
                            "summary": "东莞一家家具厂的做法。",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "MES 的核心功能包括：派工与工单管理、在制品（WIP）跟踪、质量检验记录、"
                                        "设备状态与停机原因采集、以及按批次或序列号的追溯。",
                                        "一家 80 人的家具厂没有一次性上全套系统，而是先在封边线装上扫码枪和"
                                        "平板：工人扫工单开始和结束，设备通过网关用 MQTT 上报状态。三个月后，"
                                        "他们第一次知道了封边线真实的 OEE，再把经验推广到其他产线。",
                                    ),
                                ),
                                (
                                    "callout",
                                    {
                                        "kind": "tip",
                                        "title": "",
                                        "body": _p(
                                            "先选一条瓶颈产线、一个可以衡量的目标（例如减少换型时间）。"
                                        ),
                                    },
                                ),
                            ],
                        },
                        "en": {
                            "title": "An MES that starts with one line",
                            "summary": "What a furniture factory in Dongguan did.",
                            "body": [
                                (
                                    "text",
                                    _p(
                                        "The core functions of an MES are dispatching and "
                                        "work orders, work-in-progress (WIP) tracking, quality "
                                        "inspection records, machine state and downtime "
                                        "reasons, and traceability by batch or serial number.",
                                        "An 80-person furniture factory did not buy a full "
                                        "suite at once. It put barcode scanners and tablets on "
                                        "its edge-banding line: workers scan the start and end "
                                        "of each work order, and machines report their state "
                                        "over MQTT through a gateway. Three months later they "
                                        "knew the line's real OEE for the first time, and "
                                        "rolled the approach out to other lines.",
                                    ),
                                ),
                                (
                                    "callout",
                                    {
                                        "kind": "tip",
                                        "title": "",
                                        "body": _p(
                                            "Pick one bottleneck line and one measurable goal "
                                            "(for example, shorter changeovers)."
                                        ),
                                    },
                                ),
                            ],
                        },
                    },
                ],
            },
        ],
        "quiz": _quiz(
            "MES 与 ISA-95 测验",
            "MES and ISA-95 quiz",
            [
                _ordering(
                    "按 ISA-95 从低到高排列这些层。",
                    "Order these ISA-95 levels from lowest to highest.",
                    [
                        ("传感器与执行器", "Sensors and actuators"),
                        ("PLC / SCADA 监控", "PLC / SCADA supervision"),
                        ("MES 生产运行管理", "MES manufacturing operations"),
                        ("ERP 经营计划", "ERP business planning"),
                    ],
                    ("顺序正确。", "从第 1 层的传感器到第 4 层的 ERP。"),
                    ("Correct order.", "From sensors at level 1 to the ERP at level 4."),
                ),
                _single(
                    "MES 位于 ISA-95 的第几层？",
                    "At which ISA-95 level does the MES sit?",
                    [
                        ("第 3 层", "Level 3", True),
                        ("第 2 层", "Level 2", False),
                        ("第 4 层", "Level 4", False),
                    ],
                    ("对，第 3 层。", "MES 是第 3 层，ERP 是第 4 层。"),
                    ("Right, level 3.", "The MES is level 3; the ERP is level 4."),
                ),
                _short(
                    "ISA-95 的国际标准编号是 IEC 多少？",
                    "ISA-95 is also published as which IEC standard number?",
                    ["62264", "IEC 62264"],
                    ("对，IEC 62264。", "答案是 IEC 62264。"),
                    ("Right, IEC 62264.", "The answer is IEC 62264."),
                ),
            ],
        ),
    },
]
