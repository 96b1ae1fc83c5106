"""Diagnostics and faults, with their messages in English and Simplified Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# code -> (English template, zh-Hans template); templates use str.format fields.
MESSAGES: dict[str, tuple[str, str]] = {
    "E_SYNTAX": ("syntax error: {detail}", "语法错误：{detail}"),
    "E_EXPECTED": ("expected {expected} but found {found}", "此处应为 {expected}，实际为 {found}"),
    "E_CHAR": ("unexpected character {char}", "意外的字符 {char}"),
    "E_UNTERMINATED_COMMENT": ("comment is not closed", "注释没有结束"),
    "E_UNTERMINATED_STRING": ("string literal is not closed", "字符串没有结束"),
    "E_BAD_LITERAL": ("invalid literal {text}: {detail}", "无效的字面量 {text}：{detail}"),
    "E_BAD_ADDRESS": ("invalid direct address {text}", "无效的直接地址 {text}"),
    "E_TOO_MANY_ERRORS": ("too many errors, stopping here", "错误太多，到此为止"),
    "E_UNDECLARED": ("'{name}' is not declared", "'{name}' 未声明"),
    "E_DUPLICATE": ("'{name}' is declared twice", "'{name}' 重复声明"),
    "E_UNKNOWN_TYPE": ("unknown type '{name}'", "未知的类型 '{name}'"),
    "E_TYPE_MISMATCH": (
        "type mismatch: cannot use {actual} where {expected} is expected"
        " (use an explicit conversion such as {hint})",
        "类型不匹配：需要 {expected}，却给出了 {actual}（请使用显式转换，例如 {hint}）",
    ),
    "E_TYPE_MISMATCH_NOHINT": (
        "type mismatch: cannot use {actual} where {expected} is expected",
        "类型不匹配：需要 {expected}，却给出了 {actual}",
    ),
    "E_ADDRESS_TYPE": (
        "{type} does not fit address {address} (%X: BOOL, %B: 8 bits, %W: 16 bits,"
        " %D: 32 bits, %L: 64 bits)",
        "{type} 与地址 {address} 的大小不符（%X：BOOL，%B：8 位，%W：16 位，%D：32 位，%L：64 位）",
    ),
    "E_OPERAND": (
        "operator {op} cannot be applied to {types}",
        "运算符 {op} 不能用于 {types}",
    ),
    "E_CONST_ASSIGN": ("cannot assign to constant '{name}'", "不能给常量 '{name}' 赋值"),
    "E_INPUT_ASSIGN": (
        "cannot assign to input '{name}' of another block from outside;"
        " pass it in the call instead",
        "不能从外部给其他功能块的输入 '{name}' 赋值；请在调用时传入",
    ),
    "E_NOT_ASSIGNABLE": ("this expression cannot be assigned to", "此表达式不能被赋值"),
    "E_RECURSION": ("recursion is not allowed: {cycle}", "不允许递归：{cycle}"),
    "E_CASE_OVERLAP": (
        "CASE label {label} overlaps an earlier label and can never be reached",
        "CASE 标签 {label} 与前面的标签重叠，永远不会被执行",
    ),
    "E_NOT_CALLABLE": ("'{name}' cannot be called", "'{name}' 不能被调用"),
    "E_CALL_ARGS": ("wrong arguments for '{name}': {detail}", "'{name}' 的参数有误：{detail}"),
    "E_NO_MEMBER": ("'{type}' has no member '{name}'", "'{type}' 没有成员 '{name}'"),
    "E_NOT_ARRAY": ("'{name}' is not an array", "'{name}' 不是数组"),
    "E_INDEX_COUNT": (
        "array needs {expected} index(es), got {actual}",
        "数组需要 {expected} 个下标，实际给出 {actual} 个",
    ),
    "E_INDEX_RANGE": (
        "index {index} is outside the bounds {lo}..{hi}",
        "下标 {index} 超出范围 {lo}..{hi}",
    ),
    "E_CONST_EXPR": ("a constant expression is needed here", "这里需要常量表达式"),
    "E_RANGE": ("value {value} does not fit in {type}", "数值 {value} 超出 {type} 的范围"),
    "E_LIMIT": ("{what} exceeds the limit of {limit}", "{what} 超出限制 {limit}"),
    "E_EXIT_OUTSIDE_LOOP": ("EXIT is only allowed inside a loop", "EXIT 只能用在循环中"),
    "E_CONTINUE_OUTSIDE_LOOP": (
        "CONTINUE is only allowed inside a loop",
        "CONTINUE 只能用在循环中",
    ),
    "E_FOR_VAR": (
        "the FOR control variable must be a local integer variable",
        "FOR 循环变量必须是局部整数变量",
    ),
    "E_NO_PROGRAM": ("the source declares no PROGRAM", "源程序中没有 PROGRAM"),
    "E_MANY_PROGRAMS": (
        "several PROGRAMs need a CONFIGURATION that says how to run them",
        "有多个 PROGRAM 时需要 CONFIGURATION 说明如何运行",
    ),
    "E_ADDRESS_CONFLICT": (
        "address {address} is already used by '{other}'",
        "地址 {address} 已被 '{other}' 使用",
    ),
    "E_IO_CONFLICT": (
        "'{name}' is predeclared as {expected} at {address}, not {actual}",
        "'{name}' 已预先声明为 {address} 上的 {expected}，而不是 {actual}",
    ),
    "E_EXTERNAL": (
        "VAR_EXTERNAL '{name}' has no matching VAR_GLOBAL",
        "VAR_EXTERNAL '{name}' 没有对应的 VAR_GLOBAL",
    ),
    "E_TASK": ("invalid task: {detail}", "无效的任务：{detail}"),
    "E_UNSUPPORTED": ("{what} is not supported", "不支持 {what}"),
    "E_FB_IN_FUNCTION": (
        "a FUNCTION cannot contain function block instances",
        "FUNCTION 中不能包含功能块实例",
    ),
    "E_DIV_ZERO": ("division by zero", "除数为零"),
    "W_UNUSED": ("'{name}' is never used", "'{name}' 从未使用"),
    # runtime faults
    "F_WATCHDOG": (
        "watchdog: the scan ran more than {limit} loop iterations (endless loop?)",
        "看门狗：本次扫描的循环次数超过 {limit}（是否死循环？）",
    ),
    "F_WATCHDOG_TIME": (
        "watchdog: the scan took longer than {limit} ms of wall time",
        "看门狗：本次扫描的实际耗时超过 {limit} 毫秒",
    ),
    "F_DIV_ZERO": ("division by zero", "除数为零"),
    "F_INDEX": (
        "array index {index} is outside the bounds {lo}..{hi}",
        "数组下标 {index} 超出范围 {lo}..{hi}",
    ),
    "F_RANGE": (
        "value {value} is outside the subrange {lo}..{hi}",
        "数值 {value} 超出子范围 {lo}..{hi}",
    ),
    "F_STRING": ("string operation failed: {detail}", "字符串操作失败：{detail}"),
    "F_MATH": ("math error: {detail}", "数学运算错误：{detail}"),
    "F_INTERNAL": ("internal engine error: {detail}", "引擎内部错误：{detail}"),
    # access errors (Runtime.read/write)
    "A_UNKNOWN": ("no variable or address named '{name}'", "没有名为 '{name}' 的变量或地址"),
    "A_VALUE": (
        "'{value}' is not a valid {type} value for '{name}'",
        "'{value}' 不是 '{name}' 的有效 {type} 值",
    ),
    "A_NOT_SCALAR": ("'{name}' is not a single value", "'{name}' 不是单个值"),
    "A_CONSTANT": ("'{name}' is a CONSTANT and cannot be written", "'{name}' 是常量，不能写入"),
    "A_SNAPSHOT": ("invalid snapshot: {detail}", "无效的快照：{detail}"),
    "T_NOT_OBJECT": ("the timeline must be a JSON object", "时间线必须是 JSON 对象"),
    "T_SCAN_MS": (
        "scan_ms must be a positive integer (milliseconds)",
        "scan_ms 必须是正整数（毫秒）",
    ),
    "T_STEPS": ("steps must be a list", "steps 必须是列表"),
    "T_STEP": ("step {step} must be an object", "第 {step} 步必须是对象"),
    "T_T_MS": (
        "step {step}: t_ms must be an integer >= 0",
        "第 {step} 步：t_ms 必须是 >= 0 的整数",
    ),
    "T_GRID": (
        "step {step}: t_ms {t} is not a multiple of scan_ms {scan_ms}",
        "第 {step} 步：t_ms {t} 不是 scan_ms {scan_ms} 的整数倍",
    ),
    "T_KEYS": ("step {step}: unknown key(s) {keys}", "第 {step} 步：未知的键 {keys}"),
    "T_FIELD": ("step {step}: {key} must be an object", "第 {step} 步：{key} 必须是对象"),
    "T_UNFORCE": (
        "step {step}: unforce must be a list of names",
        "第 {step} 步：unforce 必须是变量名列表",
    ),
    "T_ACCESS": ("at t_ms {t}: {message}", "在 t_ms {t}：{message}"),
    "E_NOT_TEXT": ("the program source must be text", "程序源代码必须是文本"),
}


# Phrases that appear as message arguments (parser expectations, limits...).
PHRASES_ZH = {
    "an expression": "表达式",
    "a statement": "语句",
    "a name": "名称",
    "a type": "类型",
    "a type name": "类型名",
    "a POU name": "POU 名称",
    "a variable name": "变量名",
    "a member name": "成员名",
    "a field name": "字段名",
    "the loop variable": "循环变量",
    "an enumeration value": "枚举值",
    "a task name": "任务名",
    "a program type": "程序类型",
    "a program instance name": "程序实例名",
    "a configuration name": "配置名",
    "end of file": "文件结尾",
    "':=' (assignment)": "':='（赋值）",
    "':=' or a call": "':=' 或调用",
    "a direct address like %IX0.0": "直接地址（例如 %IX0.0）",
    "PROGRAM, FUNCTION_BLOCK, FUNCTION, TYPE or CONFIGURATION": (
        "PROGRAM、FUNCTION_BLOCK、FUNCTION、TYPE 或 CONFIGURATION"
    ),
    "nesting depth": "嵌套深度",
    "program size": "程序大小",
    "program nesting": "程序嵌套",
    "loop nesting": "循环嵌套",
    "total memory (cells)": "总内存（单元）",
    "string literal": "字符串字面量",
    "not a duration": "不是时长",
    "bad $ escape": "错误的 $ 转义",
    "too many": "参数过多",
    "no outputs": "没有输出",
    "bad parameter names": "参数名错误",
    "bad value": "错误的值",
    "an integer": "整数",
    "integer literal": "整数字面量",
    "real literal": "实数字面量",
    "this engine's capacity": "本引擎的能力",
    "INTERVAL must be a positive TIME": "INTERVAL 必须是正的 TIME",
    "PRIORITY must be an integer >= 0": "PRIORITY 必须是 >= 0 的整数",
    "a function block call is a statement, not a value": "功能块调用是语句，不是值",
    "initializer outside a declaration": "初始值只能出现在声明中",
    "needs 2 or more values": "需要 2 个或更多值",
    "needs a value": "需要一个值",
    "needs one argument IN": "需要一个参数 IN",
    "unexpected expression": "意外的表达式",
    "a data type": "数据类型",
    "integer": "整数",
    "a single value": "单个值",
    "array": "数组",
    "structure": "结构体",
    "K must be an integer": "K 必须是整数",
    "AT addresses outside PROGRAM": "PROGRAM 之外的 AT 地址",
    "CONSTANT function block instance": "CONSTANT 功能块实例",
    "VAR_GLOBAL inside a POU": "POU 内的 VAR_GLOBAL",
    "VAR_IN_OUT in a PROGRAM": "PROGRAM 中的 VAR_IN_OUT",
    "anonymous STRUCT (declare it in TYPE)": "匿名 STRUCT（请在 TYPE 中声明）",
    "function block inside a STRUCT": "STRUCT 中的功能块",
    "more than one CONFIGURATION": "多于一个 CONFIGURATION",
    "negated output (NOT x => y)": "取反输出（NOT x => y）",
    "pointers (^)": "指针（^）",
    "program instance arguments": "程序实例参数",
    "this call inside an expression": "在表达式中的这种调用（请单独调用或直接赋值）",
    "index check": "下标检查",
}

# Argument texts with a variable part: (pattern, zh replacement).
PATTERNS_ZH = [
    (
        re.compile(r"^'(.+)' is in several enumerations: write TYPE#(.+)$"),
        r"'\1' 属于多个枚举：请写成 类型#\2",
    ),
    (re.compile(r"^'(.+)' needs \( \) to be called$"), r"'\1' 需要加 ( ) 才能调用"),
    (re.compile(r"^needs (\d+) argument\(s\): (.+)$"), r"需要 \1 个参数：\2"),
    (re.compile(r"^use (.+) => \.\.\.$"), r"请使用 \1 => ..."),
    (re.compile(r"^(.+) is not an output$"), r"\1 不是输出"),
    (re.compile(r"^(.+) must be given$"), r"必须给出 \1"),
    (
        re.compile(r"^VAR_GLOBAL, RESOURCE, TASK, PROGRAM or (.+)$"),
        r"VAR_GLOBAL、RESOURCE、TASK、PROGRAM 或 \1",
    ),
    (re.compile(r"^a type of the size of (.+)$"), r"与 \1 大小相同的类型"),
    (re.compile(r"^array size (\d+)$"), r"数组大小 \1"),
    (re.compile(r"^string length (\d+)$"), r"字符串长度 \1"),
    (re.compile(r"^task property (.+)$"), r"任务属性 \1"),
    (re.compile(r"^(VAR_\w+) in a FUNCTION$"), r"FUNCTION 中的 \1"),
    (re.compile(r"^(\d+) initial values$"), r"\1 个初始值"),
    (re.compile(r"^(\d+) characters$"), r"\1 个字符"),
    (re.compile(r"^cannot convert float (\w+) to integer$"), r"无法把浮点数 \1 转换为整数"),
    (re.compile(r"^'(.*)' is not an integer$"), r"'\1' 不是整数"),
    (re.compile(r"^'(.*)' is not a number$"), r"'\1' 不是数字"),
]


def _zh(value):
    if isinstance(value, (int, float)):
        return value
    value = str(value)
    if value in PHRASES_ZH:
        return PHRASES_ZH[value]
    for pattern, replacement in PATTERNS_ZH:
        if pattern.match(value):
            return pattern.sub(replacement, value)
    # Lists of operand types: "INT and integer literal", "REAL, STRING".
    value = value.replace("integer literal", "整数字面量").replace("real literal", "实数字面量")
    return value.replace(" and ", " 和 ")


def render(code: str, args: dict, lang: str = "en") -> str:
    """Render the message for ``code`` in ``lang`` ("en" or "zh")."""
    if code == "E_TYPE_MISMATCH" and not args.get("hint"):
        code = "E_TYPE_MISMATCH_NOHINT"
    en, zh = MESSAGES.get(code, ("{code}", "{code}"))
    zh_lang = lang.lower().startswith("zh")
    template = zh if zh_lang else en
    if zh_lang:
        args = {k: _zh(v) for k, v in args.items()}
    try:
        return template.format(code=code, **args)
    except (KeyError, IndexError, ValueError):
        return f"{code} {args}"


@dataclass(frozen=True)
class Diagnostic:
    """A compile-time error or warning located in the source (1-based positions)."""

    line: int
    column: int
    end_line: int
    end_column: int
    code: str
    args: dict = field(default_factory=dict, compare=False)
    source_line: str = field(default="", compare=False, repr=False)
    severity: str = "error"

    def message(self, lang: str = "en") -> str:
        """The readable message in ``lang`` ("en" or "zh")."""
        return render(self.code, self.args, lang)

    def excerpt(self) -> str:
        """The source line with a caret under the offending text."""
        text = self.source_line.rstrip("\n").expandtabs(1)
        if not text:
            return ""
        width = 1
        if self.end_line == self.line and self.end_column > self.column:
            width = self.end_column - self.column
        width = max(1, min(width, len(text) - self.column + 2))
        return f"{text}\n{' ' * (self.column - 1)}{'^' * width}"

    def format(self, lang: str = "en", filename: str = "<source>") -> str:
        """A compiler-style report: ``file:line:col: error[CODE]: message`` and the excerpt."""
        head = f"{filename}:{self.line}:{self.column}: {self.severity}[{self.code}]: "
        head += self.message(lang)
        excerpt = self.excerpt()
        return head + ("\n" + excerpt if excerpt else "")

    def to_dict(self, lang: str = "en") -> dict:
        """JSON-compatible form of this diagnostic."""
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "excerpt": self.excerpt(),
        }


class CompileError(Exception):
    """Raised by ``compile_program`` with every error found in the source."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = list(diagnostics)
        first = self.diagnostics[0].message("en") if self.diagnostics else "compile error"
        super().__init__(f"{len(self.diagnostics)} error(s); first: {first}")

    def format(self, lang: str = "en", filename: str = "<source>") -> str:
        """Every diagnostic, formatted, one after the other."""
        return "\n".join(d.format(lang, filename) for d in self.diagnostics)


@dataclass(frozen=True)
class Fault:
    """Why a running PLC stopped in FAULT state, and where in the source."""

    code: str
    line: int
    column: int = 1
    args: dict = field(default_factory=dict, compare=False)
    clock_ms: int = 0

    def message(self, lang: str = "en") -> str:
        """The readable reason in ``lang`` ("en" or "zh"), with the line."""
        text = render(self.code, self.args, lang)
        if self.line:
            text += (
                f" (第 {self.line} 行)" if lang.lower().startswith("zh") else f" (line {self.line})"
            )
        return text

    def to_dict(self, lang: str = "en") -> dict:
        """JSON-compatible form (also used in snapshots)."""
        return {
            "code": self.code,
            "line": self.line,
            "column": self.column,
            "args": dict(self.args),
            "clock_ms": self.clock_ms,
            "message": self.message(lang),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Fault:
        """Inverse of ``to_dict``."""
        return cls(
            code=str(data["code"]),
            line=int(data.get("line", 0)),
            column=int(data.get("column", 1)),
            args=dict(data.get("args", {})),
            clock_ms=int(data.get("clock_ms", 0)),
        )


class AccessError(LookupError):
    """Raised by ``Runtime.read``/``write``/``force`` for an unknown name or a bad value."""

    def __init__(self, code: str, cause: AccessError | None = None, **args):
        self.code = code
        self.args_dict = args
        self.cause = cause
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The readable message in ``lang`` (with the message of its cause, if any)."""
        args = dict(self.args_dict)
        if self.cause is not None:
            args["message"] = self.cause.message(lang)
        return render(self.code, args, lang)
