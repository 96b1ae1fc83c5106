"""AST of Structured Text: frozen dataclasses, each carrying its source span.

Identifiers are stored lower-cased (the language is case-insensitive); ``display``
fields keep the spelling of the source for messages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """1-based source position: start line/column and end line/column (exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int


NO_SPAN = Span(0, 0, 0, 0)


# ---------------------------------------------------------------- expressions
@dataclass(frozen=True, slots=True, eq=False)
class Literal:
    """A literal: ``kind`` is int/real/bool/time/string/enum; ``type_name`` for typed ones."""

    kind: str
    value: object
    type_name: str | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Name:
    """A variable, constant, enum value or POU name."""

    name: str
    display: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Address:
    """A direct address used as an expression, e.g. ``%IX0.0``."""

    address: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Member:
    """Member access ``base.name`` (struct field or FB instance variable)."""

    base: object
    name: str
    display: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class BitAccess:
    """Partial access to one bit of an integer or bit string, ``status.3``."""

    base: object
    bit: int
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Index:
    """Array indexing ``base[i, j]``."""

    base: object
    indices: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Arg:
    """One call argument: positional (name None), ``name := value`` or ``name => target``."""

    name: str | None
    value: object
    output: bool
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """A call of a function, standard function or function block instance."""

    callee: object
    args: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Unary:
    """Unary ``-``, ``+`` or ``NOT``."""

    op: str
    operand: object
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Binary:
    """Binary operator; ``op`` is upper-case (``AND``, ``MOD``, ``<=``...)."""

    op: str
    left: object
    right: object
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class ArrayInit:
    """Array initializer ``[1, 2, 3(0)]``: items are (repeat count or None, value)."""

    items: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class StructInit:
    """Structure initializer ``(a := 1, b := 2)``: fields are (name, value)."""

    fields: tuple
    span: Span


# ----------------------------------------------------------------- statements
@dataclass(frozen=True, slots=True, eq=False)
class Assign:
    """``target := value``."""

    target: object
    value: object
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class CallStmt:
    """A call used as a statement (FB invocation or function call)."""

    call: Call
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class If:
    """IF/ELSIF/ELSE: ``branches`` is a tuple of (condition, body)."""

    branches: tuple
    else_body: tuple | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class CaseRange:
    """A ``lo..hi`` CASE label."""

    low: object
    high: object
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Case:
    """CASE: ``clauses`` is a tuple of (labels, body); labels are expressions or CaseRange."""

    selector: object
    clauses: tuple
    else_body: tuple | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class For:
    """FOR var := start TO end [BY step] DO body END_FOR."""

    var: Name
    start: object
    end: object
    step: object | None
    body: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class While:
    """WHILE cond DO body END_WHILE."""

    cond: object
    body: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Repeat:
    """REPEAT body UNTIL cond END_REPEAT."""

    body: tuple
    cond: object
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Exit:
    """EXIT (leave the innermost loop)."""

    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Continue:
    """CONTINUE (next iteration of the innermost loop; 3rd edition)."""

    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Return:
    """RETURN (leave the POU)."""

    span: Span


# --------------------------------------------------------------- declarations
@dataclass(frozen=True, slots=True, eq=False)
class NamedType:
    """A reference to an elementary or declared type by name."""

    name: str
    display: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class StringTypeSpec:
    """``STRING`` or ``STRING[n]`` / ``STRING(n)``."""

    length: object | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class ArrayTypeSpec:
    """``ARRAY [lo..hi, ...] OF elem``: ranges are (low expr, high expr)."""

    ranges: tuple
    element: object
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class SubrangeSpec:
    """``INT (lo..hi)``."""

    base: NamedType
    low: object
    high: object
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class EnumSpec:
    """``(RED, GREEN, BLUE)``: values are (name, display, span)."""

    values: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class StructSpec:
    """``STRUCT ... END_STRUCT``: fields are VarDecl."""

    fields: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class VarDecl:
    """One declaration line ``a, b AT %IX0.0 : T := init;``: names are (name, display, span)."""

    names: tuple
    address: str | None
    type: object
    init: object | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class VarBlock:
    """A VAR... END_VAR block; ``kind`` is the keyword, e.g. ``VAR_INPUT``."""

    kind: str
    constant: bool
    retain: bool
    decls: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class TypeDecl:
    """One entry of a TYPE ... END_TYPE block."""

    name: str
    display: str
    spec: object
    init: object | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Pou:
    """A PROGRAM, FUNCTION_BLOCK or FUNCTION (``kind``), with its declarations and body."""

    kind: str
    name: str
    display: str
    return_type: object | None
    blocks: tuple
    body: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class TaskDecl:
    """``TASK name (INTERVAL := ..., PRIORITY := ...)``."""

    name: str
    display: str
    interval: object | None
    priority: object | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class ProgramInstance:
    """``PROGRAM inst [WITH task] : Type;``."""

    name: str
    display: str
    task: str | None
    type_name: str
    type_display: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Configuration:
    """CONFIGURATION with its globals, tasks and program instances (resources flattened)."""

    name: str
    display: str
    globals: tuple
    tasks: tuple
    instances: tuple
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class SourceFile:
    """Everything declared in one source text."""

    types: tuple
    pous: tuple
    globals: tuple
    configurations: tuple
