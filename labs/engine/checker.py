"""Semantic checks and typing: name resolution, types, constants, limits, recursion.

The checker walks the AST once, records the type of every expression and what every
name refers to (``Annotations``), and reports errors as diagnostics. The code
generator trusts these annotations: it runs only when the checker found no error.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass, field

from . import nodes as n
from . import types as T
from .diagnostics import Diagnostic
from .stdlib import STANDARD_FB_DISPLAY, STANDARD_FBS

_ADDRESS_RE = re.compile(r"^%([IQM])([XBWDL]?)(\d+)(?:\.(\d+))?$")
_ADDRESS_BITS = {"X": 1, "B": 8, "W": 16, "D": 32, "L": 64}


def normalize_address(text: str) -> str | None:
    """Canonical form of a direct address (``%I0.0`` -> ``%IX0.0``), None if invalid."""
    match = _ADDRESS_RE.match(text.strip().upper())
    if not match:
        return None
    area, size, major, minor = match.groups()
    if not size:
        size = "X" if minor is not None else ""
    if size == "X":
        if minor is None or int(minor) > 7:
            return None
        return f"%{area}X{int(major)}.{int(minor)}"
    if minor is not None or not size:
        return None
    return f"%{area}{size}{int(major)}"


def address_fits(address: str, t) -> bool:
    """Is the type ``t`` the size of the located address (X=BOOL, W=16 bits, ...)?"""
    size = address[2]
    base = T.base_of(t)
    if not isinstance(base, T.Elementary):
        return False
    if size == "X":
        return base.kind == "bool"
    if base.kind == "bool":
        return False
    return base.bits == _ADDRESS_BITS[size] or (base.kind == "time" and size in "DL")


@dataclass(eq=False)
class Symbol:
    """A declared variable: where it lives and how the generated code names it."""

    name: str
    display: str
    type: object
    kind: str  # var input output inout temp global external return
    storage: str  # self | global | local
    constant: bool = False
    retain: bool = False
    address: str | None = None
    span: n.Span = n.NO_SPAN
    init: object = None
    value: object = None  # folded value of a CONSTANT
    used: bool = False

    @property
    def attr(self) -> str:
        """The mangled attribute name of this variable in generated code."""
        return "v_" + self.name


@dataclass(eq=False)
class PouInfo:
    """A checked PROGRAM, FUNCTION_BLOCK, FUNCTION or standard function block."""

    name: str
    display: str
    kind: str  # PROGRAM FUNCTION_BLOCK FUNCTION STD_FB
    node: n.Pou | None = None
    symbols: dict = field(default_factory=dict)
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    inouts: list = field(default_factory=list)
    return_type: object = None
    hidden: dict = field(default_factory=dict)
    calls: set = field(default_factory=set)
    has_loops: bool = False

    @property
    def std(self) -> bool:
        """Is this one of the standard function blocks?"""
        return self.kind == "STD_FB"


@dataclass(frozen=True)
class EnumValue:
    """A reference to an enumeration value."""

    type: T.EnumType
    index: int


@dataclass(eq=False)
class CallInfo:
    """What a call resolved to. ``kind``: fb, func, std, conv."""

    kind: str
    target: object = None  # PouInfo, or the standard function's name
    instance: object = None  # FB instance expression
    inputs: list = field(default_factory=list)  # (Symbol|name, expr)
    outputs: list = field(default_factory=list)  # (Symbol, target expr)
    inouts: list = field(default_factory=list)  # (Symbol, expr)
    args: list = field(default_factory=list)  # ordered argument expressions (std/func)
    source: object = None  # conversion source type
    result: object = None


@dataclass
class Annotations:
    """What the checker learned about the tree, for the code generator."""

    types: dict = field(default_factory=dict)  # id(expr) -> type
    refs: dict = field(default_factory=dict)  # id(Name|Address) -> Symbol | EnumValue
    calls: dict = field(default_factory=dict)  # id(Call) -> CallInfo
    consts: dict = field(default_factory=dict)  # id(expr) -> folded value


@dataclass(eq=False)
class TaskInfo:
    """A checked TASK."""

    name: str
    interval: int
    priority: int
    order: int


@dataclass(eq=False)
class InstanceInfo:
    """A program instance of a CONFIGURATION (or the implicit single one)."""

    name: str
    display: str
    pou: PouInfo
    task: TaskInfo | None


# CPython compiles at most 20 nested blocks per function; the generated code uses a few.
MAX_LOOP_NESTING = 16


class _Stop(Exception):
    """Raised when the error budget is exhausted."""


STD_FUNCTIONS = {
    "abs": ("IN",),
    "sqrt": ("IN",),
    "ln": ("IN",),
    "log": ("IN",),
    "exp": ("IN",),
    "sin": ("IN",),
    "cos": ("IN",),
    "tan": ("IN",),
    "asin": ("IN",),
    "acos": ("IN",),
    "atan": ("IN",),
    "expt": ("IN1", "IN2"),
    "min": None,
    "max": None,
    "limit": ("MN", "IN", "MX"),
    "sel": ("G", "IN0", "IN1"),
    "mux": None,
    "shl": ("IN", "N"),
    "shr": ("IN", "N"),
    "rol": ("IN", "N"),
    "ror": ("IN", "N"),
    "len": ("IN",),
    "concat": None,
    "left": ("IN", "L"),
    "right": ("IN", "L"),
    "mid": ("IN", "L", "P"),
    "find": ("IN1", "IN2"),
    "insert": ("IN1", "IN2", "P"),
    "delete": ("IN", "L", "P"),
    "replace": ("IN1", "IN2", "L", "P"),
    "move": ("IN",),
    "trunc": ("IN",),
}

_CONV_RE = re.compile(r"^(?:([a-z]+)_)?to_([a-z]+)$")
_CONV_NAMES = set(T.ELEMENTARY) | {"string"}


def _hint(expected, actual) -> str:
    a = str(T.base_of(actual)).split("[")[0]
    e = str(T.base_of(expected)).split("[")[0]
    if isinstance(actual, T.LiteralType):
        return f"{e}#..."
    return f"{a}_TO_{e}(...)"


class Checker:
    """Check a parsed source; ``check()`` fills ``diagnostics`` and ``ann``."""

    def __init__(self, tree: n.SourceFile, source: str, io, limits):
        self.tree = tree
        self.lines = source.split("\n")
        self.io = list(io)
        self.limits = limits
        self.diagnostics: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.ann = Annotations()
        self.types: dict[str, object] = dict(T.ELEMENTARY)
        self.type_decls: dict[str, n.TypeDecl] = {}
        self.type_inits: dict[str, object] = {}
        self.resolving: set[str] = set()
        self.pous: dict[str, PouInfo] = {}
        self.globals: dict[str, Symbol] = {}
        self.addresses: dict[str, Symbol] = {}
        self.aliases: dict[str, str] = {}
        self.enum_values: dict[str, list[EnumValue]] = {}
        self.structs: dict[str, T.StructType] = {}
        self.instances: list[InstanceInfo] = []
        self.tasks: list[TaskInfo] = []
        self.total_cells = 0
        self.scope: dict[str, Symbol] = {}
        self.pou: PouInfo | None = None
        self.loop_depth = 0
        self.top_call = None  # id of a call that is a statement or a whole assigned value

    # ---------------------------------------------------------- reporting
    def error(self, code: str, span: n.Span, **args) -> None:
        """Record an error at ``span``."""
        line = max(span.line, 1)
        src = self.lines[line - 1] if line <= len(self.lines) else ""
        self.diagnostics.append(
            Diagnostic(line, max(span.column, 1), span.end_line, span.end_column, code, args, src)
        )
        if len(self.diagnostics) >= 25:
            raise _Stop

    # --------------------------------------------------------------- driver
    def check(self) -> None:
        """Run every check; never raises (errors become diagnostics)."""
        with contextlib.suppress(_Stop):
            self._check()

    def _check(self) -> None:
        for name in STANDARD_FBS:
            self._register_std_fb(name)
        for decl in self.tree.types:
            if decl.name in self.types or decl.name in self.type_decls or decl.name in self.pous:
                self.error("E_DUPLICATE", decl.span, name=decl.display)
                continue
            self.type_decls[decl.name] = decl
        for pou in self.tree.pous:
            if pou.name in self.pous or pou.name in self.type_decls or pou.name in self.types:
                self.error("E_DUPLICATE", pou.span, name=pou.display)
                continue
            conv = _CONV_RE.match(pou.name)
            if pou.name in STD_FUNCTIONS or (
                conv
                and conv.group(2) in _CONV_NAMES
                and (conv.group(1) is None or conv.group(1) in _CONV_NAMES)
            ):
                self.error("E_DUPLICATE", pou.span, name=pou.display)
                continue
            self.pous[pou.name] = PouInfo(pou.name, pou.display, pou.kind, pou)
        for decl in self.type_decls.values():
            self.resolve_named(decl.name, decl.span)
        self._declare_globals()
        for info in list(self.pous.values()):
            if not info.std:
                self._declare_pou(info)
        self._check_fb_containment()
        for info in list(self.pous.values()):
            if not info.std:
                self._check_body(info)
        self._check_recursion()
        self._check_configuration()

    def _register_std_fb(self, name: str) -> None:
        inputs, outputs, hidden = STANDARD_FBS[name]
        info = PouInfo(name, STANDARD_FB_DISPLAY[name], "STD_FB", hidden=dict(hidden))
        for pname, ptype in inputs:
            sym = Symbol(pname, pname.upper(), ptype, "input", "self")
            info.symbols[pname] = sym
            info.inputs.append(sym)
        for pname, ptype in outputs:
            sym = Symbol(pname, pname.upper(), ptype, "output", "self")
            info.symbols[pname] = sym
            info.outputs.append(sym)
        self.pous[name] = info

    # ---------------------------------------------------------------- types
    def resolve_named(self, name: str, span: n.Span, display: str | None = None):
        """The type called ``name`` (declared, elementary or FB), or None after an error."""
        if name in self.types:
            return self.types[name]
        if name in self.pous:
            info = self.pous[name]
            if info.kind in ("FUNCTION_BLOCK", "STD_FB"):
                return T.FBType(info.name, info.display, info)
            self.error("E_UNKNOWN_TYPE", span, name=info.display)
            return None
        decl = self.type_decls.get(name)
        if decl is None:
            self.error("E_UNKNOWN_TYPE", span, name=display or name)
            return None
        if name in self.resolving:
            self.error("E_RECURSION", decl.span, cycle=f"type {decl.display}")
            return None
        self.resolving.add(name)
        try:
            spec = decl.spec
            if isinstance(spec, n.EnumSpec):
                t = self._make_enum(decl.name, decl.display, spec)
            elif isinstance(spec, n.StructSpec):
                t = self._make_struct(decl, spec)
            else:
                t = self.resolve_spec(spec)
            if t is not None:
                self.types[name] = t
                if decl.init is not None:
                    self.type_inits[name] = decl.init
            return t
        finally:
            self.resolving.discard(name)

    def _make_enum(self, name, display, spec: n.EnumSpec) -> T.EnumType:
        values, displays = [], []
        for vname, vdisplay, vspan in spec.values:
            if vname in values:
                self.error("E_DUPLICATE", vspan, name=vdisplay)
                continue
            values.append(vname)
            displays.append(vdisplay)
        t = T.EnumType(name, display, tuple(values), tuple(displays))
        for i, v in enumerate(values):
            self.enum_values.setdefault(v, []).append(EnumValue(t, i))
        return t

    def _make_struct(self, decl: n.TypeDecl, spec: n.StructSpec) -> T.StructType:
        fields: dict = {}
        t = T.StructType(decl.name, decl.display, fields)
        for fdecl in spec.fields:
            ftype = self.resolve_spec(fdecl.type)
            if isinstance(ftype, T.FBType):
                self.error("E_UNSUPPORTED", fdecl.span, what="function block inside a STRUCT")
                ftype = None
            for fname, fdisplay, fspan in fdecl.names:
                if fname in fields:
                    self.error("E_DUPLICATE", fspan, name=fdisplay)
                    continue
                if ftype is not None:
                    fields[fname] = (fdisplay, ftype, fdecl.init)
        self.structs[decl.name] = t
        return t

    def resolve_spec(self, spec):
        """Resolve a type specification of a declaration."""
        if isinstance(spec, n.NamedType):
            if spec.name in ("string", "wstring"):
                return T.STRING
            return self.resolve_named(spec.name, spec.span, spec.display)
        if isinstance(spec, n.StringTypeSpec):
            if spec.length is None:
                return T.STRING
            length = self.const_int(spec.length)
            if length is None:
                return None
            if not 1 <= length <= self.limits.max_string_length:
                self.error(
                    "E_LIMIT",
                    spec.span,
                    what=f"string length {length}",
                    limit=self.limits.max_string_length,
                )
                return None
            return T.StringType(length)
        if isinstance(spec, n.ArrayTypeSpec):
            dims = []
            size = 1
            for low, high in spec.ranges:
                lo, hi = self.const_int(low), self.const_int(high)
                if lo is None or hi is None:
                    return None
                if hi < lo:
                    self.error("E_RANGE", spec.span, value=f"{lo}..{hi}", type="ARRAY")
                    return None
                dims.append((lo, hi))
                size *= hi - lo + 1
                if size > self.limits.max_array_elements:
                    self.error(
                        "E_LIMIT",
                        spec.span,
                        what=f"array size {size}",
                        limit=self.limits.max_array_elements,
                    )
                    return None
            element = self.resolve_spec(spec.element)
            if element is None:
                return None
            if isinstance(element, T.ArrayType):
                size *= element.size
                if size > self.limits.max_array_elements:
                    self.error(
                        "E_LIMIT",
                        spec.span,
                        what=f"array size {size}",
                        limit=self.limits.max_array_elements,
                    )
                    return None
            return T.ArrayType(tuple(dims), element)
        if isinstance(spec, n.SubrangeSpec):
            base = self.resolve_spec(spec.base)
            if base is None:
                return None
            if T.kind_of(base) != "int":
                self.error("E_TYPE_MISMATCH", spec.span, expected="integer", actual=base, hint="")
                return None
            lo, hi = self.const_int(spec.low), self.const_int(spec.high)
            if lo is None or hi is None:
                return None
            base = T.base_of(base)
            if hi < lo or not (T.fits(lo, base) and T.fits(hi, base)):
                self.error("E_RANGE", spec.span, value=f"{lo}..{hi}", type=base)
                return None
            return T.SubrangeType(base, lo, hi)
        if isinstance(spec, n.EnumSpec):
            return self._make_enum("enum", "ENUM", spec)
        if isinstance(spec, n.StructSpec):
            self.error("E_UNSUPPORTED", spec.span, what="anonymous STRUCT (declare it in TYPE)")
            return None
        return None

    def cells(self, t, visiting: frozenset = frozenset()) -> int:
        """Memory cells a variable of type ``t`` takes (for the total memory limit)."""
        if isinstance(t, T.ArrayType):
            return t.size * self.cells(t.element, visiting)
        if isinstance(t, T.StructType):
            return sum(self.cells(ft, visiting) for _, ft, _ in t.fields.values()) or 1
        if isinstance(t, T.FBType):
            if t.name in visiting:  # an FB containing itself: reported as E_RECURSION
                return 1
            inner = visiting | {t.name}
            return sum(self.cells(s.type, inner) for s in t.info.symbols.values()) or 1
        return 1

    # ------------------------------------------------------------ constants
    def const_value(self, expr):
        """Fold a constant expression, or None when it is not constant."""
        key = id(expr)
        if key in self.ann.consts:
            return self.ann.consts[key]
        value = self._fold(expr)
        if value is not None:
            self.ann.consts[key] = value
        return value

    def _fold(self, expr):
        if isinstance(expr, n.Literal):
            if expr.kind in ("int", "real", "bool", "time", "string"):
                return expr.value
            return None
        if isinstance(expr, n.Name):
            sym = self.lookup(expr.name)
            if isinstance(sym, Symbol) and sym.constant and sym.init is not None:
                if isinstance(sym.init, (n.ArrayInit, n.StructInit)):
                    return None
                return self.const_value(sym.init)
            return None
        if isinstance(expr, n.Unary):
            v = self.const_value(expr.operand)
            if v is None:
                return None
            if expr.op == "-" and not isinstance(v, (bool, str)):
                return -v
            if expr.op == "+" and not isinstance(v, (bool, str)):
                return v
            if expr.op == "NOT" and isinstance(v, bool):
                return not v
            return None
        if isinstance(expr, n.Binary):
            a = self.const_value(expr.left)
            b = self.const_value(expr.right)
            if a is None or b is None or isinstance(a, str) or isinstance(b, str):
                return None
            if isinstance(a, bool) != isinstance(b, bool):
                return None
            op = expr.op
            try:
                if isinstance(a, bool):
                    return {"AND": a and b, "OR": a or b, "XOR": a != b}.get(op)
                if op == "+":
                    r = a + b
                elif op == "-":
                    r = a - b
                elif op == "*":
                    r = a * b
                elif op == "/":
                    if b == 0:
                        return None
                    if isinstance(a, int) and isinstance(b, int):
                        q = abs(a) // abs(b)
                        r = q if (a >= 0) == (b >= 0) else -q
                    else:
                        r = a / b
                elif op == "MOD" and isinstance(a, int) and isinstance(b, int) and b:
                    r = abs(a) % abs(b)
                    r = r if a >= 0 else -r
                elif op == "**" and isinstance(a, float) and abs(b) <= 1024:
                    r = a**b
                    if not isinstance(r, float):
                        return None
                else:
                    return None
            except (OverflowError, ZeroDivisionError):
                return None
            if isinstance(r, int) and abs(r) > (1 << 64):
                return None
            return r
        return None

    def const_int(self, expr) -> int | None:
        """An integer constant expression (array bounds, string lengths), or None + error."""
        self.expr(expr)
        value = self.const_value(expr)
        if not isinstance(value, int) or isinstance(value, bool):
            self.error("E_CONST_EXPR", expr.span)
            return None
        return value

    # ------------------------------------------------------------- globals
    def lookup(self, name: str):
        """Resolve a variable name in the current scope, then globals."""
        sym = self.scope.get(name)
        if sym is not None:
            return sym
        sym = self.globals.get(name)
        if sym is not None:
            return sym
        alias = self.aliases.get(name)
        if alias is not None:
            return self.scope.get(alias) or self.globals.get(alias)
        return None

    def _declare_globals(self) -> None:
        for block in self.tree.globals:
            self._declare_block(block, self.globals, "global", "global")
        for config in self.tree.configurations:
            for block in config.globals:
                self._declare_block(block, self.globals, "global", "global")
        for point in self.io:
            address = normalize_address(point.address)
            t = self.types.get(str(point.type).lower()) if point.type else None
            span = n.NO_SPAN
            if address is None or t is None:
                self.error(
                    "E_BAD_ADDRESS", n.Span(1, 1, 1, 1), text=f"{point.name} {point.address}"
                )
                continue
            name = point.name.lower()
            if name in self.globals or address in self.addresses:
                existing = self.globals.get(name) or self.addresses[address]
                self._merge_io(existing, point, address, t)
                continue
            sym = Symbol(name, point.name, t, "io", "global", address=address, span=span)
            self.globals[name] = sym
            self.addresses[address] = sym

    def _merge_io(self, sym: Symbol, point, address: str, t) -> None:
        """A program-declared variable that is also a predeclared I/O point."""
        if sym.type != t or (sym.address is not None and sym.address != address):
            self.error(
                "E_IO_CONFLICT",
                sym.span if sym.span.line else n.Span(1, 1, 1, 1),
                name=sym.display,
                expected=t,
                address=address,
                actual=f"{sym.type} {sym.address or ''}".strip(),
            )
            return
        if sym.address is None:
            sym.address = address
            self.addresses[address] = sym
        if point.name.lower() != sym.name:
            self.aliases[point.name.lower()] = sym.name

    def _declare_block(self, block: n.VarBlock, table: dict, kind: str, storage: str) -> None:
        for decl in block.decls:
            t = self.resolve_spec(decl.type)
            if t is None:
                continue
            if decl.init is None and isinstance(decl.type, n.NamedType):
                init = self.type_inits.get(decl.type.name)
            else:
                init = decl.init
            for name, display, span in decl.names:
                if name in table or (storage == "global" and name in self.pous):
                    self.error("E_DUPLICATE", span, name=display)
                    continue
                sym = Symbol(
                    name,
                    display,
                    t,
                    kind,
                    storage,
                    constant=block.constant,
                    retain=block.retain,
                    span=span,
                    init=init,
                )
                if decl.address is not None:
                    self._locate(sym, decl.address, decl.span)
                self.total_cells += self.cells(t)
                if self.total_cells > self.limits.max_total_cells:
                    self.error(
                        "E_LIMIT",
                        span,
                        what="total memory (cells)",
                        limit=self.limits.max_total_cells,
                    )
                    return
                if isinstance(t, T.FBType) and block.constant:
                    self.error("E_UNSUPPORTED", span, what="CONSTANT function block instance")
                if block.constant and init is None and not isinstance(t, T.FBType):
                    self.error("E_CONST_EXPR", span)
                table[name] = sym
                if init is not None:
                    self.check_init(t, init)
                if block.constant and init is not None:
                    sym.value = self.const_value(init)

    def _locate(self, sym: Symbol, text: str, span: n.Span) -> None:
        address = normalize_address(text)
        if address is None:
            self.error("E_BAD_ADDRESS", span, text=text)
            return
        if not address_fits(address, sym.type):
            self.error("E_ADDRESS_TYPE", span, type=sym.type, address=address)
            return
        other = self.addresses.get(address)
        if other is not None and other.kind == "io":
            if other.type != sym.type:
                self.error(
                    "E_IO_CONFLICT",
                    span,
                    name=sym.display,
                    expected=other.type,
                    address=address,
                    actual=sym.type,
                )
                return
            self.globals.pop(other.name, None)
            if other.name != sym.name:
                self.aliases[other.name] = sym.name
        elif other is not None:
            self.error("E_ADDRESS_CONFLICT", span, address=address, other=other.display)
            return
        sym.address = address
        self.addresses[address] = sym

    def check_init(self, t, init) -> None:
        """Check that the initializer ``init`` suits type ``t`` and is constant."""
        if isinstance(init, n.ArrayInit):
            if not isinstance(t, T.ArrayType):
                self.error("E_TYPE_MISMATCH", init.span, expected=t, actual="array", hint="")
                return
            count = 0
            for repeat, value in init.items:
                count += repeat if repeat is not None else 1
                if value is not None:
                    self.check_init(t.element, value)
            if count > t.size:
                self.error("E_LIMIT", init.span, what=f"{count} initial values", limit=t.size)
            return
        if isinstance(init, n.StructInit):
            if isinstance(t, T.FBType):
                # t1 : TON := (PT := T#5s); initial values for an instance's variables.
                for fname, value in init.fields:
                    member = t.info.symbols.get(fname)
                    if member is None or member.storage != "self":
                        self.error("E_NO_MEMBER", value.span, type=t, name=fname)
                        continue
                    self.check_init(member.type, value)
                return
            if not isinstance(t, T.StructType):
                self.error("E_TYPE_MISMATCH", init.span, expected=t, actual="structure", hint="")
                return
            for fname, value in init.fields:
                if fname not in t.fields:
                    self.error("E_NO_MEMBER", value.span, type=t, name=fname)
                    continue
                self.check_init(t.fields[fname][1], value)
            return
        if isinstance(t, (T.ArrayType, T.StructType, T.FBType)):
            self.error("E_TYPE_MISMATCH", init.span, expected=t, actual="a single value", hint="")
            return
        actual = self.expr(init)
        if actual is None:
            return
        if (
            self.const_value(init) is None
            and not (
                isinstance(init, n.Name) and isinstance(self.ann.refs.get(id(init)), EnumValue)
            )
            and not (isinstance(init, n.Literal) and init.kind == "enum")
        ):
            self.error("E_CONST_EXPR", init.span)
            return
        self.require(t, init, actual)

    # ---------------------------------------------------------------- POUs
    def _declare_pou(self, info: PouInfo) -> None:
        pou = info.node
        table = info.symbols
        self.scope = table
        if pou.kind == "FUNCTION":
            rt = self.resolve_spec(pou.return_type)
            info.return_type = rt
            if rt is not None:
                if isinstance(rt, T.FBType):
                    self.error(
                        "E_TYPE_MISMATCH", pou.span, expected="a data type", actual=rt, hint=""
                    )
                table[pou.name] = Symbol(
                    pou.name, pou.display, rt, "return", "local", span=pou.span
                )
        kinds = {
            "VAR": "var",
            "VAR_INPUT": "input",
            "VAR_OUTPUT": "output",
            "VAR_IN_OUT": "inout",
            "VAR_TEMP": "temp",
            "VAR_EXTERNAL": "external",
            "VAR_GLOBAL": "global",
        }
        for block in pou.blocks:
            kind = kinds[block.kind]
            if kind == "global":
                self.error("E_UNSUPPORTED", block.span, what="VAR_GLOBAL inside a POU")
                continue
            if kind == "external":
                for decl in block.decls:
                    t = self.resolve_spec(decl.type)
                    for name, display, span in decl.names:
                        glob = self.globals.get(name)
                        if glob is None:
                            self.error("E_EXTERNAL", span, name=display)
                        elif t is not None and glob.type != t:
                            self.error(
                                "E_TYPE_MISMATCH",
                                span,
                                expected=glob.type,
                                actual=t,
                                hint=str(glob.type),
                            )
                        elif block.constant != glob.constant and not block.constant:
                            self.error("E_CONST_ASSIGN", span, name=display)
                        else:
                            glob.used = True
                continue
            storage = "local" if pou.kind == "FUNCTION" or kind == "temp" else "self"
            if pou.kind == "PROGRAM" and kind == "inout":
                self.error("E_UNSUPPORTED", block.span, what="VAR_IN_OUT in a PROGRAM")
                continue
            self._declare_block(block, table, kind, storage)
            for decl in block.decls:
                for name, _display, span in decl.names:
                    sym = table.get(name)
                    if sym is None or sym.kind != kind:
                        continue
                    if isinstance(sym.type, T.FBType) and storage == "local":
                        self.error("E_FB_IN_FUNCTION", span)
                    if kind == "input":
                        info.inputs.append(sym)
                    elif kind == "output":
                        info.outputs.append(sym)
                    elif kind == "inout":
                        info.inouts.append(sym)
                    if sym.address is not None and pou.kind != "PROGRAM":
                        self.error("E_UNSUPPORTED", span, what="AT addresses outside PROGRAM")
        self.scope = {}
        # Predeclared I/O that the program itself declares (same name or address).
        if pou.kind == "PROGRAM":
            for name, sym in list(table.items()):
                glob = self.globals.get(name)
                if glob is not None and glob.kind == "io":
                    self._adopt_io(sym, glob)

    def _adopt_io(self, sym: Symbol, glob: Symbol) -> None:
        if sym.address is not None and sym.address != glob.address and sym.type == glob.type:
            return  # the program's own I/O of the same name hides the predeclared one
        if sym.type != glob.type:
            self.error(
                "E_IO_CONFLICT",
                sym.span,
                name=sym.display,
                expected=glob.type,
                address=glob.address,
                actual=f"{sym.type} {sym.address or ''}".strip(),
            )
            return
        del self.globals[glob.name]
        sym.address = glob.address
        self.addresses[glob.address] = sym

    def _check_fb_containment(self) -> None:
        """An FB that contains an instance of itself (directly or not) is infinite."""
        graph = {}
        for info in self.pous.values():
            if info.kind in ("FUNCTION_BLOCK", "PROGRAM"):
                graph[info.name] = {
                    s.type.name
                    for s in info.symbols.values()
                    if isinstance(s.type, T.FBType) and not s.type.info.std
                }
        self._find_cycles(graph, "instance")

    def _check_recursion(self) -> None:
        graph = {info.name: set(info.calls) for info in self.pous.values() if not info.std}
        self._find_cycles(graph, "call")

    def _find_cycles(self, graph: dict, what: str) -> None:
        state: dict[str, int] = {}
        reported = set()

        def visit(node, path):
            state[node] = 1
            for nxt in sorted(graph.get(node, ())):
                if state.get(nxt) == 1:
                    cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        pou = self.pous[nxt]
                        names = " -> ".join(self.pous[c].display for c in cycle)
                        self.error("E_RECURSION", pou.node.span, cycle=names)
                elif state.get(nxt) is None and nxt in graph:
                    visit(nxt, [*path, nxt])
            state[node] = 2

        for node in sorted(graph):
            if state.get(node) is None:
                visit(node, [node])

    # ---------------------------------------------------------- statements
    def _check_body(self, info: PouInfo) -> None:
        self.pou = info
        self.scope = info.symbols
        self.loop_depth = 0
        self.statements(info.node.body)
        for sym in info.symbols.values():
            if sym.kind in ("var", "temp") and not sym.used and sym.address is None:
                self.warn("W_UNUSED", sym.span, name=sym.display)
        self.pou = None
        self.scope = {}

    def warn(self, code: str, span: n.Span, **args) -> None:
        """Record a warning (the program still compiles)."""
        line = max(span.line, 1)
        src = self.lines[line - 1] if line <= len(self.lines) else ""
        self.warnings.append(
            Diagnostic(
                line,
                max(span.column, 1),
                span.end_line,
                span.end_column,
                code,
                args,
                src,
                severity="warning",
            )
        )

    def statements(self, stmts) -> None:
        """Check a statement list."""
        for stmt in stmts:
            self.statement(stmt)

    def statement(self, stmt) -> None:
        """Check one statement."""
        if isinstance(stmt, n.Assign):
            target_type = self.expr(stmt.target)
            self.check_assignable(stmt.target)
            self.top_call = id(stmt.value)
            value_type = self.expr(stmt.value)
            if target_type is not None and value_type is not None:
                self.require(target_type, stmt.value, value_type)
        elif isinstance(stmt, n.CallStmt):
            self.top_call = id(stmt.call)
            self.call(stmt.call, statement=True)
        elif isinstance(stmt, n.If):
            for cond, body in stmt.branches:
                self.require_bool(cond)
                self.statements(body)
            if stmt.else_body is not None:
                self.statements(stmt.else_body)
        elif isinstance(stmt, n.Case):
            self.case(stmt)
        elif isinstance(stmt, n.For):
            self.pou.has_loops = True
            sym = self.lookup(stmt.var.name)
            if sym is None:
                self.error("E_UNDECLARED", stmt.var.span, name=stmt.var.display)
            elif not isinstance(T.base_of(sym.type), T.Elementary) or T.kind_of(sym.type) != "int":
                self.error("E_FOR_VAR", stmt.var.span)
            elif sym.constant:
                self.error("E_CONST_ASSIGN", stmt.var.span, name=sym.display)
            else:
                sym.used = True
                self.ann.refs[id(stmt.var)] = sym
                self.ann.types[id(stmt.var)] = sym.type
                for part in (stmt.start, stmt.end) + ((stmt.step,) if stmt.step else ()):
                    t = self.expr(part)
                    if t is not None:
                        self.require(sym.type, part, t)
            self._enter_loop(stmt)
            self.statements(stmt.body)
            self.loop_depth -= 1
        elif isinstance(stmt, n.While):
            self.pou.has_loops = True
            self.require_bool(stmt.cond)
            self._enter_loop(stmt)
            self.statements(stmt.body)
            self.loop_depth -= 1
        elif isinstance(stmt, n.Repeat):
            self.pou.has_loops = True
            self._enter_loop(stmt)
            self.statements(stmt.body)
            self.loop_depth -= 1
            self.require_bool(stmt.cond)
        elif isinstance(stmt, n.Exit) and self.loop_depth == 0:
            self.error("E_EXIT_OUTSIDE_LOOP", stmt.span)
        elif isinstance(stmt, n.Continue) and self.loop_depth == 0:
            self.error("E_CONTINUE_OUTSIDE_LOOP", stmt.span)

    def _enter_loop(self, stmt) -> None:
        self.loop_depth += 1
        if self.loop_depth == MAX_LOOP_NESTING + 1:
            self.error("E_LIMIT", stmt.span, what="loop nesting", limit=MAX_LOOP_NESTING)

    def case(self, stmt: n.Case) -> None:
        """Check a CASE: selector type, constant labels, overlapping labels."""
        sel_type = self.expr(stmt.selector)
        if sel_type is not None and T.kind_of(sel_type) not in ("int", "bit", "enum"):
            self.error("E_OPERAND", stmt.selector.span, op="CASE", types=sel_type)
            sel_type = None
        seen: list[tuple[int, int]] = []
        for labels, body in stmt.clauses:
            for label in labels:
                if isinstance(label, n.CaseRange):
                    lo = self._case_label(label.low, sel_type)
                    hi = self._case_label(label.high, sel_type)
                    span = label.span
                else:
                    lo = hi = self._case_label(label, sel_type)
                    span = label.span
                if lo is None or hi is None:
                    continue
                if hi < lo:
                    self.error("E_RANGE", span, value=f"{lo}..{hi}", type="CASE")
                    continue
                if any(lo <= b and a <= hi for a, b in seen):
                    text = self.lines[span.line - 1][span.column - 1 : span.end_column - 1]
                    self.error("E_CASE_OVERLAP", span, label=text.strip() or lo)
                seen.append((lo, hi))
            self.statements(body)
        if stmt.else_body is not None:
            self.statements(stmt.else_body)

    def _case_label(self, expr, sel_type):
        t = self.expr(expr)
        if t is None:
            return None
        if sel_type is not None:
            self.require(sel_type, expr, t)
        ref = self.ann.refs.get(id(expr))
        if isinstance(ref, EnumValue):
            return ref.index
        value = self.const_value(expr)
        if not isinstance(value, int) or isinstance(value, bool):
            self.error("E_CONST_EXPR", expr.span)
            return None
        return value

    def check_assignable(self, target) -> None:
        """Report an error if ``target`` cannot be written to."""
        if isinstance(target, (n.Name, n.Address)):
            sym = self.ann.refs.get(id(target))
            if isinstance(sym, Symbol):
                if sym.constant:
                    self.error("E_CONST_ASSIGN", target.span, name=sym.display)
                elif isinstance(sym.type, T.FBType):
                    self.error("E_NOT_ASSIGNABLE", target.span)
            elif sym is not None:
                self.error("E_NOT_ASSIGNABLE", target.span)
        elif isinstance(target, n.Member):
            base_type = self.ann.types.get(id(target.base))
            if isinstance(base_type, T.FBType):
                member = base_type.info.symbols.get(target.name)
                if member is not None and member.kind == "input":
                    self.error("E_INPUT_ASSIGN", target.span, name=target.display)
                else:
                    self.error("E_NOT_ASSIGNABLE", target.span)
            else:
                self.check_assignable(target.base)
        elif isinstance(target, (n.Index, n.BitAccess)):
            self.check_assignable(target.base)
        else:
            self.error("E_NOT_ASSIGNABLE", target.span)

    # --------------------------------------------------------- type rules
    def require_bool(self, expr) -> None:
        """Report an error unless ``expr`` is BOOL."""
        t = self.expr(expr)
        if t is not None:
            self.require(T.BOOL, expr, t)

    def compatible(self, expected, actual) -> bool:
        """May a value of type ``actual`` be stored where ``expected`` is declared?"""
        if isinstance(actual, T.LiteralType):
            if T.kind_of(expected) in ("int", "bit", "real") and isinstance(
                T.base_of(expected), (T.Elementary,)
            ):
                return T.literal_fits(actual, expected)
            return False
        if isinstance(expected, T.StringType) and isinstance(actual, T.StringType):
            return True
        if isinstance(expected, T.ArrayType) and isinstance(actual, T.ArrayType):
            return expected.dims == actual.dims and self.compatible_exact(
                expected.element, actual.element
            )
        if isinstance(expected, T.EnumType) or isinstance(actual, T.EnumType):
            return expected == actual
        if isinstance(expected, (T.StructType, T.FBType)) or isinstance(
            actual, (T.StructType, T.FBType)
        ):
            return expected == actual and not isinstance(expected, T.FBType)
        return T.widens(actual, expected)

    def compatible_exact(self, a, b) -> bool:
        """Are two types the same (any STRING lengths match) - for VAR_IN_OUT and arrays?"""
        if isinstance(a, T.StringType) and isinstance(b, T.StringType):
            return True
        return T.base_of(a) == T.base_of(b)

    def require(self, expected, expr, actual) -> None:
        """Report a type mismatch when ``actual`` cannot be used as ``expected``."""
        if actual is None or expected is None:
            return
        if isinstance(expected, T.LiteralType):  # e.g. CASE 1 + 2 OF: any number goes
            expected = T.LINT if expected.kind == "int" else T.LREAL
        if isinstance(actual, T.LiteralType):
            value = self.const_value(expr)
            k = T.kind_of(expected)
            if k in ("int", "bit") and actual.kind == "int" and isinstance(value, int):
                if not T.fits(value, expected):
                    self.error("E_RANGE", expr.span, value=value, type=expected)
                return
            if k == "real" and isinstance(T.base_of(expected), T.Elementary):
                return
        elif isinstance(expected, T.SubrangeType):
            value = self.const_value(expr)
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and not (expected.low <= value <= expected.high)
            ):
                self.error("E_RANGE", expr.span, value=value, type=expected)
                return
        if not self.compatible(expected, actual):
            self.error(
                "E_TYPE_MISMATCH",
                expr.span,
                expected=expected,
                actual=actual,
                hint=_hint(expected, actual),
            )

    # --------------------------------------------------------- expressions
    def expr(self, e):
        """Type of expression ``e`` (recorded in the annotations), None after an error."""
        key = id(e)
        if key in self.ann.types:
            return self.ann.types[key]
        t = self._expr(e)
        if t is not None:
            self.ann.types[key] = t
        return t

    def _expr(self, e):
        if isinstance(e, n.Literal):
            return self.literal(e)
        if isinstance(e, n.Name):
            sym = self.lookup(e.name)
            if sym is not None:
                sym.used = True
                self.ann.refs[id(e)] = sym
                if sym.constant and sym.value is not None:
                    self.ann.consts[id(e)] = sym.value
                return sym.type
            candidates = self.enum_values.get(e.name)
            if candidates:
                if len(candidates) > 1:
                    self.error(
                        "E_SYNTAX",
                        e.span,
                        detail=f"'{e.display}' is in several enumerations: write TYPE#{e.display}",
                    )
                    return None
                self.ann.refs[id(e)] = candidates[0]
                return candidates[0].type
            if e.name in self.pous or e.name in STD_FUNCTIONS:
                self.error("E_SYNTAX", e.span, detail=f"'{e.display}' needs ( ) to be called")
                return None
            self.error("E_UNDECLARED", e.span, name=e.display)
            return None
        if isinstance(e, n.Address):
            address = normalize_address(e.address)
            sym = self.addresses.get(address) if address else None
            if sym is None:
                self.error("E_UNDECLARED", e.span, name=e.address)
                return None
            sym.used = True
            self.ann.refs[id(e)] = sym
            return sym.type
        if isinstance(e, n.BitAccess):
            base = self.expr(e.base)
            if base is None:
                return None
            elem = T.base_of(base)
            if not isinstance(elem, T.Elementary) or elem.kind not in ("int", "bit"):
                self.error("E_OPERAND", e.span, op=".bit", types=base)
                return None
            if e.bit >= elem.bits:
                self.error("E_INDEX_RANGE", e.span, index=e.bit, lo=0, hi=elem.bits - 1)
                return None
            return T.BOOL
        if isinstance(e, n.Member):
            base = self.expr(e.base)
            if base is None:
                return None
            if isinstance(base, T.StructType):
                entry = base.fields.get(e.name)
                if entry is None:
                    self.error("E_NO_MEMBER", e.span, type=base, name=e.display)
                    return None
                return entry[1]
            if isinstance(base, T.FBType):
                sym = base.info.symbols.get(e.name)
                if sym is None or sym.kind not in ("input", "output", "inout"):
                    self.error("E_NO_MEMBER", e.span, type=base, name=e.display)
                    return None
                if sym.kind == "inout":
                    self.error("E_NO_MEMBER", e.span, type=base, name=e.display)
                    return None
                return sym.type
            self.error("E_NO_MEMBER", e.span, type=base, name=e.display)
            return None
        if isinstance(e, n.Index):
            base = self.expr(e.base)
            if base is None:
                return None
            if not isinstance(base, T.ArrayType):
                self.error("E_NOT_ARRAY", e.span, name=self._text(e.base))
                return None
            if len(e.indices) != len(base.dims):
                self.error("E_INDEX_COUNT", e.span, expected=len(base.dims), actual=len(e.indices))
                return None
            for index, (lo, hi) in zip(e.indices, base.dims, strict=True):
                t = self.expr(index)
                if t is None:
                    continue
                if T.kind_of(t) != "int":
                    self.error(
                        "E_TYPE_MISMATCH", index.span, expected="an integer", actual=t, hint=""
                    )
                    continue
                value = self.const_value(index)
                if isinstance(value, int) and not lo <= value <= hi:
                    self.error("E_INDEX_RANGE", index.span, index=value, lo=lo, hi=hi)
            return base.element
        if isinstance(e, n.Call):
            return self.call(e, statement=False)
        if isinstance(e, n.Unary):
            return self.unary(e)
        if isinstance(e, n.Binary):
            return self.binary(e)
        if isinstance(e, (n.ArrayInit, n.StructInit)):
            self.error("E_SYNTAX", e.span, detail="initializer outside a declaration")
            return None
        self.error("E_SYNTAX", getattr(e, "span", n.NO_SPAN), detail="unexpected expression")
        return None

    def _text(self, e) -> str:
        span = e.span
        if span.line and span.line == span.end_line and span.line <= len(self.lines):
            return self.lines[span.line - 1][span.column - 1 : span.end_column - 1]
        return "?"

    def literal(self, e: n.Literal):
        """Type of a literal; typed literals (INT#5, Color#Red) are range-checked."""
        if e.type_name is None:
            if e.kind == "int":
                if abs(e.value) > (1 << 64):
                    self.error("E_RANGE", e.span, value=str(e.value)[:30], type="ULINT")
                    return None
                return T.LiteralType("int", e.value)
            if e.kind == "real":
                if not math.isfinite(e.value):
                    self.error("E_RANGE", e.span, value=self._text(e)[:30], type="LREAL")
                    return None
                return T.LiteralType("real", e.value)
            if e.kind == "bool":
                return T.BOOL
            if e.kind == "time":
                if not T.fits(e.value, T.LINT):
                    self.error("E_RANGE", e.span, value=self._text(e)[:30], type="TIME")
                    return None
                return T.TIME
            if e.kind == "string":
                if len(e.value) > self.limits.max_string_length:
                    self.error(
                        "E_LIMIT",
                        e.span,
                        what="string literal",
                        limit=self.limits.max_string_length,
                    )
                    return None
                return T.StringType(max(len(e.value), 1))
            return None
        # Typed literal TYPE#value.
        t = self.types.get(e.type_name)
        if t is None and e.type_name in self.type_decls:
            t = self.resolve_named(e.type_name, e.span)
        if t is None:
            self.error("E_UNKNOWN_TYPE", e.span, name=e.type_name)
            return None
        if isinstance(t, T.EnumType):
            if e.kind != "enum" or e.value not in t.values:
                self.error("E_UNDECLARED", e.span, name=f"{t.display}#{e.value}")
                return None
            self.ann.refs[id(e)] = EnumValue(t, t.values.index(e.value))
            return t
        k = T.kind_of(t)
        if e.kind == "int" and k in ("int", "bit"):
            if not T.fits(e.value, t):
                self.error("E_RANGE", e.span, value=e.value, type=t)
                return None
            self.ann.consts[id(e)] = e.value
            return t
        if e.kind in ("int", "real") and k == "real":
            self.ann.consts[id(e)] = float(e.value)
            return t
        if e.kind == "bool" and k == "bool":
            self.ann.consts[id(e)] = e.value
            return t
        if e.kind == "int" and k == "bool" and e.value in (0, 1):
            self.ann.consts[id(e)] = bool(e.value)
            return t
        if e.kind == "string" and k == "string":
            return T.StringType(max(len(e.value), 1))
        self.error("E_BAD_LITERAL", e.span, text=f"{e.type_name.upper()}#{e.value}"[:40], detail="")
        return None

    def unary(self, e: n.Unary):
        """Type of ``-x``, ``+x`` or ``NOT x``."""
        t = self.expr(e.operand)
        if t is None:
            return None
        k = T.kind_of(t)
        if e.op == "NOT":
            if k in ("bool", "bit"):
                return T.base_of(t)
        elif e.op in ("-", "+"):
            if isinstance(t, T.LiteralType):
                value = self.const_value(e)
                return T.LiteralType(t.kind, value)
            base = T.base_of(t)
            if k == "real" or k == "time" or (k == "int" and base.signed):
                return base
            if e.op == "+" and k == "int":
                return base
        self.error("E_OPERAND", e.span, op=e.op, types=t)
        return None

    def binary(self, e: n.Binary):
        """Type of a binary operation (table 71 operators on the allowed operand types)."""
        lt = self.expr(e.left)
        rt = self.expr(e.right)
        if lt is None or rt is None:
            return None
        op = e.op
        lk, rk = T.kind_of(lt), T.kind_of(rt)
        bad = False
        result = None
        if op in ("AND", "OR", "XOR"):
            if lk == "bool" and rk == "bool":
                result = T.BOOL
            elif lk in ("bit",) or rk in ("bit",):
                result = self._common_bits(lt, rt)
            bad = result is None
        elif op in ("=", "<>", "<", ">", "<=", ">="):
            ok = False
            if lk in ("int", "real") and rk in ("int", "real"):
                ok = T.common_numeric(lt, rt) is not None
            elif lk == "bit" or rk == "bit":
                ok = self._common_bits(lt, rt) is not None
            elif lk == rk == "string" or (lk == rk and lk in ("bool", "time")):
                ok = True
            elif lk == rk == "enum":
                ok = lt == rt and op in ("=", "<>")
            bad = not ok
            result = T.BOOL
        elif op in ("+", "-"):
            if lk == "time" and rk == "time":
                result = T.TIME
            elif lk in ("int", "real") and rk in ("int", "real"):
                result = T.common_numeric(lt, rt)
            bad = result is None
        elif op in ("*", "/"):
            if (lk == "time" and rk in ("int", "real")) or (
                op == "*" and rk == "time" and lk in ("int", "real")
            ):
                result = T.TIME
            elif lk in ("int", "real") and rk in ("int", "real"):
                result = T.common_numeric(lt, rt)
            bad = result is None
        elif op == "MOD":
            if lk == "int" and rk == "int":
                result = T.common_numeric(lt, rt)
            bad = result is None
        elif op == "**":
            if lk == "real" and rk in ("int", "real"):
                result = T.base_of(lt)
                if isinstance(result, T.LiteralType):
                    result = T.LiteralType("real", None)
            bad = result is None
        else:
            bad = True
        if bad:
            if not self._literal_out_of_range([(e.left, lt), (e.right, rt)]):
                self.error("E_OPERAND", e.span, op=op, types=f"{lt} and {rt}")
            return None
        if isinstance(result, T.LiteralType):
            value = self.const_value(e)
            if op == "/" and value is None and self.const_value(e.right) == 0:
                self.error("E_DIV_ZERO", e.right.span)
                return None
            return T.LiteralType(result.kind, value)
        if op in ("/", "MOD") and self.const_value(e.right) == 0 and T.kind_of(result) != "real":
            self.error("E_DIV_ZERO", e.right.span)
            return None
        return result

    def _literal_out_of_range(self, operands) -> bool:
        """Report E_RANGE when an integer literal does not fit the other operands' type."""
        typed = [t for _e, t in operands if T.kind_of(t) in ("int", "bit")]
        typed = [t for t in typed if not isinstance(t, T.LiteralType)]
        if not typed:
            return False
        for expr, t in operands:
            if isinstance(t, T.LiteralType) and t.kind == "int" and t.value is not None:
                target = typed[0]
                if not T.fits(t.value, target):
                    self.error("E_RANGE", expr.span, value=t.value, type=target)
                    return True
        return False

    def _common_bits(self, a, b):
        if isinstance(a, T.LiteralType) and a.kind == "int":
            return T.base_of(b) if T.kind_of(b) == "bit" and T.literal_fits(a, b) else None
        if isinstance(b, T.LiteralType) and b.kind == "int":
            return T.base_of(a) if T.kind_of(a) == "bit" and T.literal_fits(b, a) else None
        if T.kind_of(a) != "bit" or T.kind_of(b) != "bit":
            return None
        return T.common_numeric(a, b)

    # ---------------------------------------------------------------- calls
    def call(self, e: n.Call, statement: bool):
        """Check a call; returns the result type (VOID for FB calls)."""
        callee = e.callee
        if isinstance(callee, n.Name):
            sym = self.lookup(callee.name)
            if sym is not None and not isinstance(sym.type, T.FBType):
                sym = None  # a variable named like a function does not hide the function
            if sym is None:
                pou = self.pous.get(callee.name)
                if pou is not None and pou.kind == "FUNCTION":
                    return self.call_function(e, pou)
                if callee.name in STD_FUNCTIONS:
                    return self.call_std(e, callee.name)
                conv = _CONV_RE.match(callee.name)
                if (
                    conv
                    and conv.group(2) in _CONV_NAMES
                    and (conv.group(1) is None or conv.group(1) in _CONV_NAMES)
                ):
                    return self.call_conversion(e, conv.group(1), conv.group(2))
                if pou is not None:
                    self.error("E_NOT_CALLABLE", callee.span, name=callee.display)
                    return None
                self.error("E_UNDECLARED", callee.span, name=callee.display)
                return None
        inst_type = self.expr(callee)
        if inst_type is None:
            return None
        if not isinstance(inst_type, T.FBType):
            self.error("E_NOT_CALLABLE", callee.span, name=self._text(callee))
            return None
        if not statement:
            self.error(
                "E_SYNTAX", e.span, detail="a function block call is a statement, not a value"
            )
            return None
        return self.call_fb(e, inst_type)

    def call_fb(self, e: n.Call, inst_type: T.FBType):
        """Check an FB invocation: inputs, ``=>`` outputs, VAR_IN_OUT bindings."""
        info: PouInfo = inst_type.info
        call = CallInfo("fb", info, instance=e.callee)
        if self.pou is not None and not info.std:
            self.pou.calls.add(info.name)
        positional = [p for p in info.inputs + info.inouts]
        seen = set()
        for i, arg in enumerate(e.args):
            if arg.name is None:
                if i >= len(positional):
                    self.error("E_CALL_ARGS", arg.span, name=info.display, detail="too many")
                    continue
                sym = positional[i]
            else:
                sym = info.symbols.get(arg.name)
                if sym is None or sym.kind not in ("input", "output", "inout"):
                    self.error("E_NO_MEMBER", arg.span, type=info.display, name=arg.name)
                    continue
            if sym.name in seen:
                self.error("E_DUPLICATE", arg.span, name=sym.display)
                continue
            seen.add(sym.name)
            if arg.output:
                if sym.kind != "output":
                    self.error(
                        "E_CALL_ARGS",
                        arg.span,
                        name=info.display,
                        detail=f"{sym.display} is not an output",
                    )
                    continue
                t = self.expr(arg.value)
                self.check_assignable(arg.value)
                if t is not None and not self.compatible(t, sym.type):
                    self.error(
                        "E_TYPE_MISMATCH",
                        arg.span,
                        expected=t,
                        actual=sym.type,
                        hint=_hint(t, sym.type),
                    )
                call.outputs.append((sym, arg.value))
                continue
            if sym.kind == "output":
                self.error(
                    "E_CALL_ARGS", arg.span, name=info.display, detail=f"use {sym.display} => ..."
                )
                continue
            t = self.expr(arg.value)
            if sym.kind == "inout":
                self.check_assignable(arg.value)
                if t is not None and not self.compatible_exact(sym.type, t):
                    self.error("E_TYPE_MISMATCH", arg.span, expected=sym.type, actual=t, hint="")
                call.inouts.append((sym, arg.value))
            else:
                if t is not None:
                    self.require(sym.type, arg.value, t)
                call.inputs.append((sym, arg.value))
        for sym in info.inouts:
            if sym.name not in seen:
                self.error(
                    "E_CALL_ARGS", e.span, name=info.display, detail=f"{sym.display} must be given"
                )
        self.ann.calls[id(e)] = call
        return T.VOID

    def call_function(self, e: n.Call, info: PouInfo):
        """Check a call of a user FUNCTION (positional or formal arguments).

        Positional arguments fill the inputs, then the VAR_IN_OUTs, in declaration order;
        outputs are bound with ``=>``. A function with outputs or VAR_IN_OUT can only be
        called as a statement or as the whole right side of an assignment.
        """
        call = CallInfo("func", info)
        if self.pou is not None:
            self.pou.calls.add(info.name)
        positional = info.inputs + info.inouts
        args: list = [None] * len(info.inputs)
        seen = set()
        for i, arg in enumerate(e.args):
            if arg.name is None:
                if arg.output or i >= len(positional):
                    self.error("E_CALL_ARGS", arg.span, name=info.display, detail="too many")
                    continue
                sym = positional[i]
            else:
                sym = info.symbols.get(arg.name)
                if sym is None or sym.kind not in ("input", "output", "inout"):
                    self.error("E_NO_MEMBER", arg.span, type=info.display, name=arg.name)
                    continue
            if sym.name in seen:
                self.error("E_DUPLICATE", arg.span, name=sym.display)
                continue
            seen.add(sym.name)
            t = self.expr(arg.value)
            if (sym.kind == "output") != arg.output:
                detail = f"use {sym.display} => ..." if sym.kind == "output" else "no outputs"
                self.error("E_CALL_ARGS", arg.span, name=info.display, detail=detail)
                continue
            if sym.kind == "output":
                self.check_assignable(arg.value)
                if t is not None and not self.compatible(t, sym.type):
                    self.error("E_TYPE_MISMATCH", arg.span, expected=t, actual=sym.type, hint="")
                call.outputs.append((sym, arg.value))
            elif sym.kind == "inout":
                self.check_assignable(arg.value)
                if t is not None and not self.compatible_exact(sym.type, t):
                    self.error("E_TYPE_MISMATCH", arg.span, expected=sym.type, actual=t, hint="")
                call.inouts.append((sym, arg.value))
            else:
                if t is not None:
                    self.require(sym.type, arg.value, t)
                args[info.inputs.index(sym)] = arg.value
        for sym in info.inouts:
            if sym.name not in seen:
                self.error(
                    "E_CALL_ARGS", e.span, name=info.display, detail=f"{sym.display} must be given"
                )
        if (info.outputs or info.inouts) and self.top_call != id(e):
            self.error("E_UNSUPPORTED", e.span, what="this call inside an expression")
        call.args = args
        call.result = info.return_type
        self.ann.calls[id(e)] = call
        return info.return_type

    def _std_args(self, e: n.Call, name: str):
        params = STD_FUNCTIONS[name]
        if any(a.output for a in e.args):
            self.error("E_CALL_ARGS", e.span, name=name.upper(), detail="no outputs")
            return None
        if params is None:  # extensible: IN1, IN2, ... (MUX: K, IN0, IN1, ...)
            if all(a.name is None for a in e.args):
                return [a.value for a in e.args]
            order = {}
            for a in e.args:
                order[(a.name or "").upper()] = a.value
            if name == "mux":
                keys = ["K"] + [f"IN{i}" for i in range(len(e.args) - 1)]
            else:
                keys = [f"IN{i + 1}" for i in range(len(e.args))]
            if set(order) != set(keys):
                self.error("E_CALL_ARGS", e.span, name=name.upper(), detail="bad parameter names")
                return None
            return [order[k] for k in keys]
        values: list = [None] * len(params)
        for i, a in enumerate(e.args):
            if a.name is None:
                index = i
            elif a.name.upper() in params:
                index = params.index(a.name.upper())
            else:
                self.error("E_NO_MEMBER", a.span, type=name.upper(), name=a.name)
                return None
            if index >= len(params):
                self.error("E_CALL_ARGS", a.span, name=name.upper(), detail="too many")
                return None
            values[index] = a.value
        if any(v is None for v in values):
            self.error(
                "E_CALL_ARGS",
                e.span,
                name=name.upper(),
                detail=f"needs {len(params)} argument(s): {', '.join(params)}",
            )
            return None
        return values

    def call_std(self, e: n.Call, name: str):
        """Check a call of a standard function and give its result type."""
        args = self._std_args(e, name)
        if args is None:
            for a in e.args:
                self.expr(a.value)
            return None
        types = [self.expr(a) for a in args]
        if any(t is None for t in types):
            return None
        kinds = [T.kind_of(t) for t in types]
        label = name.upper()
        result = None

        def bad(detail="") -> None:
            if self._literal_out_of_range(list(zip(args, types, strict=True))):
                return
            self.error(
                "E_OPERAND",
                e.span,
                op=label,
                types=", ".join(str(t) for t in types) + (f" ({detail})" if detail else ""),
            )

        if name in ("abs",):
            if kinds[0] in ("int", "real"):
                result = self._concrete(types[0], T.DINT, T.LREAL)
        elif name in ("sqrt", "ln", "log", "exp", "sin", "cos", "tan", "asin", "acos", "atan"):
            if kinds[0] == "real" or isinstance(types[0], T.LiteralType):
                result = self._concrete(types[0], T.DINT, T.LREAL)
                if isinstance(result, T.LiteralType):
                    result = T.LiteralType("real", None)
        elif name == "expt":
            if (kinds[0] == "real" or isinstance(types[0], T.LiteralType)) and kinds[1] in (
                "int",
                "real",
            ):
                result = self._concrete(types[0], T.DINT, T.LREAL)
                if isinstance(result, T.LiteralType):
                    result = T.LiteralType("real", None)
        elif name in ("min", "max", "limit", "sel", "mux"):
            values = types
            if name == "sel":
                self.require(T.BOOL, args[0], types[0])
                values = types[1:]
            elif name == "mux":
                if kinds[0] != "int":
                    bad("K must be an integer")
                    return None
                values = types[1:]
            if len(values) < 2 and name != "mux":
                self.error("E_CALL_ARGS", e.span, name=label, detail="needs 2 or more values")
                return None
            if not values:
                self.error("E_CALL_ARGS", e.span, name=label, detail="needs a value")
                return None
            result = values[0]
            for t in values[1:]:
                result = self._common_any(result, t)
                if result is None:
                    break
            if result is not None:
                result = self._concrete(result, T.DINT, T.LREAL)
        elif name in ("shl", "shr", "rol", "ror"):
            if kinds[0] == "bit" and kinds[1] == "int":
                result = T.base_of(types[0])
            elif kinds[0] == "int" and isinstance(types[0], T.LiteralType) and kinds[1] == "int":
                result = T.ELEMENTARY["dword"]
        elif name == "len":
            if kinds[0] == "string":
                result = T.INT
        elif name == "concat":
            if all(k == "string" for k in kinds):
                result = T.StringType(self.limits.max_string_length)
        elif name in ("left", "right"):
            if kinds[0] == "string" and kinds[1] == "int":
                result = T.StringType(self.limits.max_string_length)
        elif name in ("mid", "delete"):
            if kinds[0] == "string" and kinds[1] == "int" and kinds[2] == "int":
                result = T.StringType(self.limits.max_string_length)
        elif name == "find":
            if kinds == ["string", "string"]:
                result = T.INT
        elif name == "insert":
            if kinds == ["string", "string", "int"]:
                result = T.StringType(self.limits.max_string_length)
        elif name == "replace":
            if kinds == ["string", "string", "int", "int"]:
                result = T.StringType(self.limits.max_string_length)
        elif name == "move":
            result = self._concrete(types[0], T.DINT, T.LREAL)
        elif name == "trunc" and kinds[0] == "real":
            result = T.DINT
        if result is None:
            bad()
            return None
        self.ann.calls[id(e)] = CallInfo("std", name, args=args, result=result)
        return result

    @staticmethod
    def _concrete(t, int_type, real_type):
        """The type of a generic function result: an untyped literal stays adaptable."""
        if isinstance(t, T.LiteralType):
            return T.LiteralType(t.kind, None)
        return T.base_of(t)

    def _common_any(self, a, b):
        ka, kb = T.kind_of(a), T.kind_of(b)
        if ka in ("int", "real") and kb in ("int", "real"):
            return T.common_numeric(a, b)
        if ka == "bit" or kb == "bit":
            return self._common_bits(a, b)
        if ka == kb == "string":
            return T.StringType(self.limits.max_string_length)
        if ka == kb and ka in ("bool", "time", "enum") and (ka != "enum" or a == b):
            return a
        return None

    def call_conversion(self, e: n.Call, src: str | None, dst: str):
        """Check a type conversion ``A_TO_B(x)`` or ``TO_B(x)``."""
        label = f"{src.upper() + '_' if src else ''}TO_{dst.upper()}"
        if len(e.args) != 1 or e.args[0].output or (e.args[0].name not in (None, "in")):
            self.error("E_CALL_ARGS", e.span, name=label, detail="needs one argument IN")
            for a in e.args:
                self.expr(a.value)
            return None
        arg = e.args[0].value
        t = self.expr(arg)
        if t is None:
            return None
        dst_type = T.STRING if dst == "string" else T.ELEMENTARY[dst]
        if src is not None:
            src_type = T.STRING if src == "string" else T.ELEMENTARY[src]
            self.require(src_type, arg, t)
        else:
            src_type = self._concrete(t, T.DINT, T.LREAL)
        if T.kind_of(src_type) in ("enum", "array", "struct", "fb", "void"):
            self.error("E_OPERAND", e.span, op=label, types=t)
            return None
        self.ann.calls[id(e)] = CallInfo("conv", dst, args=[arg], source=src_type, result=dst_type)
        return dst_type

    # -------------------------------------------------------- configuration
    def _check_configuration(self) -> None:
        programs = [p for p in self.pous.values() if p.kind == "PROGRAM"]
        configs = self.tree.configurations
        if len(configs) > 1:
            self.error("E_UNSUPPORTED", configs[1].span, what="more than one CONFIGURATION")
        if not configs:
            if not programs:
                self.error("E_NO_PROGRAM", n.Span(1, 1, 1, 1))
                return
            if len(programs) > 1:
                self.error("E_MANY_PROGRAMS", programs[1].node.span)
                return
            prog = programs[0]
            self.instances.append(InstanceInfo(prog.name, prog.display, prog, None))
            return
        config = configs[0]
        tasks: dict[str, TaskInfo] = {}
        for order, task in enumerate(config.tasks):
            if task.name in tasks:
                self.error("E_DUPLICATE", task.span, name=task.display)
                continue
            interval = 0
            priority = 0
            if task.interval is not None:
                t = self.expr(task.interval)
                value = self.const_value(task.interval)
                if t != T.TIME or not isinstance(value, int) or value <= 0:
                    self.error("E_TASK", task.span, detail="INTERVAL must be a positive TIME")
                    continue
                interval = value
            if task.priority is not None:
                self.expr(task.priority)
                value = self.const_value(task.priority)
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    self.error("E_TASK", task.span, detail="PRIORITY must be an integer >= 0")
                    continue
                priority = value
            info = TaskInfo(task.name, interval, priority, order)
            tasks[task.name] = info
            self.tasks.append(info)
        names = set()
        for inst in config.instances:
            if inst.name in names or inst.name in self.globals:
                self.error("E_DUPLICATE", inst.span, name=inst.display)
                continue
            names.add(inst.name)
            pou = self.pous.get(inst.type_name)
            if pou is None or pou.kind != "PROGRAM":
                self.error("E_UNKNOWN_TYPE", inst.span, name=inst.type_display)
                continue
            task = None
            if inst.task is not None:
                task = tasks.get(inst.task)
                if task is None:
                    self.error("E_UNDECLARED", inst.span, name=inst.task)
                    continue
            self.instances.append(InstanceInfo(inst.name, inst.display, pou, task))
        if not self.instances and not self.diagnostics:
            self.error("E_NO_PROGRAM", config.span)
