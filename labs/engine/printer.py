"""Print an AST back as Structured Text (a formatter, and the round-trip test's half).

``parse(to_source(tree))`` gives the same tree as ``tree`` apart from source spans;
binary and unary expressions are printed fully parenthesised.
"""

from __future__ import annotations

import math

from . import nodes as n

_ESCAPES = {"$": "$$", "'": "$'", "\n": "$N", "\t": "$T", "\r": "$R", "\f": "$P"}
INDENT = "  "


def _string(value: str) -> str:
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"${ord(ch):02X}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _number(value) -> str:
    if isinstance(value, float):
        if math.isinf(value):
            return "-1.0E999" if value < 0 else "1.0E999"
        text = repr(value)
        return text if ("." in text or "e" in text) else text + ".0"
    return str(value)


def expression(e) -> str:
    """Structured Text for an expression or initializer node."""
    if isinstance(e, n.Literal):
        prefix = f"{e.type_name.upper()}#" if e.type_name else ""
        if e.kind == "bool":
            return prefix + ("TRUE" if e.value else "FALSE")
        if e.kind == "time":
            return f"T#{e.value}ms"
        if e.kind == "string":
            return prefix + _string(e.value)
        if e.kind == "enum":
            return prefix + str(e.value)
        return prefix + _number(e.value)
    if isinstance(e, n.Name):
        return e.display
    if isinstance(e, n.Address):
        return e.address
    if isinstance(e, n.Member):
        return f"{expression(e.base)}.{e.display}"
    if isinstance(e, n.BitAccess):
        return f"{expression(e.base)}.{e.bit}"
    if isinstance(e, n.Index):
        return f"{expression(e.base)}[{', '.join(expression(i) for i in e.indices)}]"
    if isinstance(e, n.Call):
        return f"{expression(e.callee)}({', '.join(_arg(a) for a in e.args)})"
    if isinstance(e, n.Unary):
        space = " " if e.op == "NOT" else ""
        return f"({e.op}{space}{expression(e.operand)})"
    if isinstance(e, n.Binary):
        return f"({expression(e.left)} {e.op} {expression(e.right)})"
    if isinstance(e, n.ArrayInit):
        items = []
        for repeat, value in e.items:
            if repeat is None:
                items.append(expression(value))
            else:
                items.append(f"{repeat}({'' if value is None else expression(value)})")
        return "[" + ", ".join(items) + "]"
    if isinstance(e, n.StructInit):
        return "(" + ", ".join(f"{name} := {expression(v)}" for name, v in e.fields) + ")"
    raise TypeError(f"cannot print {type(e).__name__}")


def _arg(a: n.Arg) -> str:
    if a.name is None:
        return expression(a.value)
    return f"{a.name} {'=>' if a.output else ':='} {expression(a.value)}"


def statements(stmts, depth: int) -> list[str]:
    """Lines of a statement list, indented ``depth`` levels."""
    lines: list[str] = []
    for stmt in stmts:
        lines.extend(statement(stmt, depth))
    return lines


def statement(s, depth: int) -> list[str]:
    """Lines of one statement."""
    pad = INDENT * depth
    if isinstance(s, n.Assign):
        return [f"{pad}{expression(s.target)} := {expression(s.value)};"]
    if isinstance(s, n.CallStmt):
        return [f"{pad}{expression(s.call)};"]
    if isinstance(s, n.If):
        lines = []
        for i, (cond, body) in enumerate(s.branches):
            lines.append(f"{pad}{'IF' if i == 0 else 'ELSIF'} {expression(cond)} THEN")
            lines.extend(statements(body, depth + 1))
        if s.else_body is not None:
            lines.append(f"{pad}ELSE")
            lines.extend(statements(s.else_body, depth + 1))
        lines.append(f"{pad}END_IF;")
        return lines
    if isinstance(s, n.Case):
        lines = [f"{pad}CASE {expression(s.selector)} OF"]
        for labels, body in s.clauses:
            text = ", ".join(
                f"{expression(lb.low)}..{expression(lb.high)}"
                if isinstance(lb, n.CaseRange)
                else expression(lb)
                for lb in labels
            )
            lines.append(f"{pad}{INDENT}{text}:")
            lines.extend(statements(body, depth + 2))
        if s.else_body is not None:
            lines.append(f"{pad}ELSE")
            lines.extend(statements(s.else_body, depth + 1))
        lines.append(f"{pad}END_CASE;")
        return lines
    if isinstance(s, n.For):
        step = f" BY {expression(s.step)}" if s.step is not None else ""
        head = f"{pad}FOR {s.var.display} := {expression(s.start)} TO {expression(s.end)}{step} DO"
        return [head, *statements(s.body, depth + 1), f"{pad}END_FOR;"]
    if isinstance(s, n.While):
        return [
            f"{pad}WHILE {expression(s.cond)} DO",
            *statements(s.body, depth + 1),
            f"{pad}END_WHILE;",
        ]
    if isinstance(s, n.Repeat):
        return [
            f"{pad}REPEAT",
            *statements(s.body, depth + 1),
            f"{pad}UNTIL {expression(s.cond)}",
            f"{pad}END_REPEAT;",
        ]
    if isinstance(s, n.Exit):
        return [f"{pad}EXIT;"]
    if isinstance(s, n.Continue):
        return [f"{pad}CONTINUE;"]
    if isinstance(s, n.Return):
        return [f"{pad}RETURN;"]
    raise TypeError(f"cannot print {type(s).__name__}")


def type_spec(spec) -> str:
    """Structured Text for a type specification."""
    if isinstance(spec, n.NamedType):
        return spec.display
    if isinstance(spec, n.StringTypeSpec):
        return "STRING" if spec.length is None else f"STRING[{expression(spec.length)}]"
    if isinstance(spec, n.ArrayTypeSpec):
        ranges = ", ".join(f"{expression(lo)}..{expression(hi)}" for lo, hi in spec.ranges)
        return f"ARRAY[{ranges}] OF {type_spec(spec.element)}"
    if isinstance(spec, n.SubrangeSpec):
        return f"{spec.base.display} ({expression(spec.low)}..{expression(spec.high)})"
    if isinstance(spec, n.EnumSpec):
        return "(" + ", ".join(display for _name, display, _span in spec.values) + ")"
    if isinstance(spec, n.StructSpec):
        fields = " ".join(_decl(f) for f in spec.fields)
        return f"STRUCT {fields} END_STRUCT"
    raise TypeError(f"cannot print {type(spec).__name__}")


def _decl(d: n.VarDecl) -> str:
    names = ", ".join(display for _name, display, _span in d.names)
    at = f" AT {d.address}" if d.address else ""
    init = f" := {expression(d.init)}" if d.init is not None else ""
    return f"{names}{at} : {type_spec(d.type)}{init};"


def var_block(block: n.VarBlock, depth: int) -> list[str]:
    """Lines of a VAR ... END_VAR block."""
    pad = INDENT * depth
    quals = (" CONSTANT" if block.constant else "") + (" RETAIN" if block.retain else "")
    lines = [f"{pad}{block.kind}{quals}"]
    lines.extend(f"{pad}{INDENT}{_decl(d)}" for d in block.decls)
    lines.append(f"{pad}END_VAR")
    return lines


def to_source(tree: n.SourceFile) -> str:
    """The whole source file as Structured Text."""
    lines: list[str] = []
    if tree.types:
        lines.append("TYPE")
        for decl in tree.types:
            init = f" := {expression(decl.init)}" if decl.init is not None else ""
            lines.append(f"{INDENT}{decl.display} : {type_spec(decl.spec)}{init};")
        lines.append("END_TYPE")
    for block in tree.globals:
        lines.extend(var_block(block, 0))
    for pou in tree.pous:
        ret = f" : {type_spec(pou.return_type)}" if pou.return_type is not None else ""
        lines.append(f"{pou.kind} {pou.display}{ret}")
        for block in pou.blocks:
            lines.extend(var_block(block, 0))
        lines.extend(statements(pou.body, 1))
        lines.append(f"END_{pou.kind}")
    for config in tree.configurations:
        lines.append(f"CONFIGURATION {config.display}")
        for block in config.globals:
            lines.extend(var_block(block, 1))
        for task in config.tasks:
            props = []
            if task.interval is not None:
                props.append(f"INTERVAL := {expression(task.interval)}")
            if task.priority is not None:
                props.append(f"PRIORITY := {expression(task.priority)}")
            lines.append(f"{INDENT}TASK {task.display} ({', '.join(props)});")
        for inst in config.instances:
            with_task = f" WITH {inst.task}" if inst.task else ""
            lines.append(f"{INDENT}PROGRAM {inst.display}{with_task} : {inst.type_display};")
        lines.append("END_CONFIGURATION")
    return "\n".join(lines) + "\n"
