"""The type system of the engine: elementary types (IEC 61131-3 table 10) and derived ones."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Elementary:
    """An elementary type; ``kind`` is bool/int/bit/real/time."""

    name: str
    kind: str
    bits: int = 0
    signed: bool = False

    def __str__(self) -> str:
        return self.name

    @property
    def low(self) -> int:
        """Smallest value of an integer or bit-string type."""
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def high(self) -> int:
        """Largest value of an integer or bit-string type."""
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


@dataclass(frozen=True, slots=True)
class StringType:
    """STRING[length]."""

    length: int

    def __str__(self) -> str:
        return "STRING" if self.length == DEFAULT_STRING_LENGTH else f"STRING[{self.length}]"

    @property
    def kind(self) -> str:
        """The kind used by the type rules (see ``kind_of``)."""
        return "string"


@dataclass(frozen=True, slots=True)
class EnumType:
    """An enumerated type; values are lower-case names, ``displays`` the source spelling."""

    name: str
    display: str
    values: tuple
    displays: tuple

    def __str__(self) -> str:
        return self.display

    @property
    def kind(self) -> str:
        """The kind used by the type rules (see ``kind_of``)."""
        return "enum"


@dataclass(frozen=True, slots=True)
class SubrangeType:
    """An integer subrange ``base (low..high)``."""

    base: Elementary
    low: int
    high: int

    def __str__(self) -> str:
        return f"{self.base}({self.low}..{self.high})"

    @property
    def kind(self) -> str:
        """The kind used by the type rules (see ``kind_of``)."""
        return "int"


@dataclass(frozen=True, slots=True)
class ArrayType:
    """``ARRAY [lo..hi, ...] OF element``; stored flat, row-major."""

    dims: tuple
    element: object

    def __str__(self) -> str:
        ranges = ", ".join(f"{lo}..{hi}" for lo, hi in self.dims)
        return f"ARRAY[{ranges}] OF {self.element}"

    @property
    def kind(self) -> str:
        """The kind used by the type rules (see ``kind_of``)."""
        return "array"

    @property
    def size(self) -> int:
        """Number of elements."""
        total = 1
        for lo, hi in self.dims:
            total *= hi - lo + 1
        return total


@dataclass(frozen=True, slots=True, eq=False)
class StructType:
    """A STRUCT type; ``fields`` maps lower-case names to (display, type, init node)."""

    name: str
    display: str
    fields: dict

    def __str__(self) -> str:
        return self.display

    def __eq__(self, other) -> bool:
        return isinstance(other, StructType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("struct", self.name))

    @property
    def kind(self) -> str:
        """The kind used by the type rules (see ``kind_of``)."""
        return "struct"


@dataclass(frozen=True, slots=True, eq=False)
class FBType:
    """A function block type (user-defined or standard); ``info`` is its FbInfo."""

    name: str
    display: str
    info: object

    def __str__(self) -> str:
        return self.display

    def __eq__(self, other) -> bool:
        return isinstance(other, FBType) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("fb", self.name))

    @property
    def kind(self) -> str:
        """The kind used by the type rules (see ``kind_of``)."""
        return "fb"


@dataclass(frozen=True, slots=True)
class LiteralType:
    """The type of an untyped numeric literal, which adapts to its context."""

    kind: str  # "int" or "real"
    value: object

    def __str__(self) -> str:
        return "integer literal" if self.kind == "int" else "real literal"


@dataclass(frozen=True, slots=True)
class VoidType:
    """No value (a call to an FB, or an erroneous expression)."""

    def __str__(self) -> str:
        return "no value"

    @property
    def kind(self) -> str:
        """The kind used by the type rules (see ``kind_of``)."""
        return "void"


VOID = VoidType()
DEFAULT_STRING_LENGTH = 80

_ELEMENTARY = [
    Elementary("BOOL", "bool", 1),
    Elementary("SINT", "int", 8, True),
    Elementary("INT", "int", 16, True),
    Elementary("DINT", "int", 32, True),
    Elementary("LINT", "int", 64, True),
    Elementary("USINT", "int", 8),
    Elementary("UINT", "int", 16),
    Elementary("UDINT", "int", 32),
    Elementary("ULINT", "int", 64),
    Elementary("BYTE", "bit", 8),
    Elementary("WORD", "bit", 16),
    Elementary("DWORD", "bit", 32),
    Elementary("LWORD", "bit", 64),
    Elementary("REAL", "real", 32, True),
    Elementary("LREAL", "real", 64, True),
    Elementary("TIME", "time", 64, True),
]
ELEMENTARY: dict[str, Elementary] = {t.name.lower(): t for t in _ELEMENTARY}
ELEMENTARY["ltime"] = ELEMENTARY["time"]
BOOL = ELEMENTARY["bool"]
INT = ELEMENTARY["int"]
DINT = ELEMENTARY["dint"]
LINT = ELEMENTARY["lint"]
REAL = ELEMENTARY["real"]
LREAL = ELEMENTARY["lreal"]
TIME = ELEMENTARY["time"]
STRING = StringType(DEFAULT_STRING_LENGTH)

# Implicit (widening) conversions, IEC 61131-3 3rd ed. figure 11.
_WIDENING = {
    "SINT": {"INT", "DINT", "LINT", "REAL", "LREAL"},
    "INT": {"DINT", "LINT", "REAL", "LREAL"},
    "DINT": {"LINT", "LREAL"},
    "USINT": {"UINT", "UDINT", "ULINT", "INT", "DINT", "LINT", "REAL", "LREAL"},
    "UINT": {"UDINT", "ULINT", "DINT", "LINT", "REAL", "LREAL"},
    "UDINT": {"ULINT", "LINT", "LREAL"},
    "REAL": {"LREAL"},
    "BYTE": {"WORD", "DWORD", "LWORD"},
    "WORD": {"DWORD", "LWORD"},
    "DWORD": {"LWORD"},
}


def base_of(t):
    """The elementary type under a subrange (or ``t`` itself)."""
    return t.base if isinstance(t, SubrangeType) else t


def kind_of(t) -> str:
    """The kind of a type: bool/int/bit/real/time/string/enum/array/struct/fb/void."""
    t = base_of(t)
    if isinstance(t, LiteralType):
        return t.kind
    return t.kind


def widens(source, target) -> bool:
    """Can a value of elementary ``source`` be used where ``target`` is expected?"""
    source, target = base_of(source), base_of(target)
    if source == target:
        return True
    if isinstance(source, Elementary) and isinstance(target, Elementary):
        return target.name in _WIDENING.get(source.name, ())
    return False


def fits(value: int, t) -> bool:
    """Does the integer ``value`` fit in the integer or bit type ``t``?"""
    if isinstance(t, SubrangeType):
        return t.low <= value <= t.high
    if isinstance(t, Elementary) and t.kind in ("int", "bit"):
        return t.low <= value <= t.high
    return False


def common_numeric(a, b):
    """The common type of two operands of arithmetic, or None if there is none."""
    a, b = base_of(a), base_of(b)
    if isinstance(a, LiteralType) and isinstance(b, LiteralType):
        return LiteralType("real" if "real" in (a.kind, b.kind) else "int", None)
    if isinstance(a, LiteralType):
        a, b = b, a
    if isinstance(b, LiteralType):
        if literal_fits(b, a):
            return a
        if b.kind == "real" and kind_of(a) == "int" and a.bits <= 32:
            # INT * 0.5: the integer widens, the real literal adapts to the context.
            return LiteralType("real", None)
        return None
    if a == b:
        return a
    if widens(a, b):
        return b
    if widens(b, a):
        return a
    return None


def literal_fits(lit: LiteralType, t) -> bool:
    """Can the untyped literal ``lit`` take the type ``t``?"""
    k = kind_of(t)
    if lit.kind == "int":
        if k in ("int", "bit"):
            return lit.value is None or fits(lit.value, t)
        return k == "real"
    return k == "real"


def default_value(t):
    """The initial value of type ``t`` when the declaration gives none (clause 6.4.2)."""
    k = kind_of(t)
    if k == "bool":
        return False
    if k == "real":
        return 0.0
    if k == "string":
        return ""
    if isinstance(t, SubrangeType):
        return t.low if t.low > 0 or t.high < 0 else 0
    if k == "enum":
        return 0
    return 0
