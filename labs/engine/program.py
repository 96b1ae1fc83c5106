"""``compile_program``: source text to a ready-to-run ``Program``."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from . import types as T
from .checker import Checker, PouInfo, Symbol, normalize_address
from .codegen import CodeGen
from .diagnostics import CompileError, Diagnostic
from .parser import parse
from .stdlib import FB_IMPLS, HELPERS, Struct


@dataclass(frozen=True)
class IOPoint:
    """A predeclared I/O point: the program sees it as ``name AT address : type``."""

    name: str
    address: str
    type: str


@dataclass(frozen=True)
class Limits:
    """Bounds on what a program may use; exceeding one is a compile error or a FAULT."""

    max_loop_iterations: int = 100_000
    watchdog_ms: float = 250.0
    max_array_elements: int = 65_536
    max_total_cells: int = 1_000_000
    max_string_length: int = 1024
    max_source_chars: int = 200_000


@dataclass(frozen=True)
class VarInfo:
    """A variable the outside world can read and write by name."""

    name: str
    type: str
    address: str | None
    kind: str
    retain: bool


@dataclass(frozen=True)
class Task:
    """A task of the configuration (interval 0: runs every base tick)."""

    name: str
    interval_ms: int
    priority: int
    order: int
    instances: tuple


@dataclass(frozen=True)
class Instance:
    """A program instance: its name, its POU and its task name (None: every tick)."""

    name: str
    display: str
    pou: PouInfo
    task: str | None


def compile_program(
    source: str, *, io: Sequence[IOPoint] = (), limits: Limits | None = None
) -> Program:
    """Parse, check and compile Structured Text; raises ``CompileError`` on any error."""
    limits = limits or Limits()
    if not isinstance(source, str):
        raise CompileError([Diagnostic(1, 1, 1, 2, "E_NOT_TEXT", {}, "")])
    if len(source) > limits.max_source_chars:
        raise CompileError(
            [
                Diagnostic(
                    1,
                    1,
                    1,
                    2,
                    "E_LIMIT",
                    {"what": "program size", "limit": f"{limits.max_source_chars} characters"},
                    "",
                )
            ]
        )
    io = tuple(io)
    try:
        tree, diagnostics = parse(source)
        if diagnostics:
            raise CompileError(diagnostics)
        checker = Checker(tree, source, io, limits)
        checker.check()
        errors = [d for d in checker.diagnostics if d.severity == "error"]
        if errors:
            raise CompileError(errors)
        generator = CodeGen(checker)
        python_source = generator.generate()
        digest = hashlib.sha256()
        digest.update(source.encode("utf-8", "surrogatepass"))
        for point in io:
            digest.update(f"\0{point.name}\0{point.address}\0{point.type}".encode())
        source_hash = digest.hexdigest()
        code = compile(python_source, f"<st-{source_hash[:12]}>", "exec")
    except CompileError:
        raise
    except (RecursionError, MemoryError, SyntaxError, OverflowError):
        # CPython's own nesting limits (blocks, parentheses) are reached only by absurd
        # programs; report them as a size limit rather than crash.
        raise CompileError(
            [
                Diagnostic(
                    1,
                    1,
                    1,
                    2,
                    "E_LIMIT",
                    {"what": "program nesting", "limit": "this engine's capacity"},
                    "",
                )
            ]
        ) from None
    return Program(source, io, limits, source_hash, checker, generator, python_source, code)


def _slots_class(name: str, slots: list[str]):
    return type(f"K_{name}", (Struct,), {"__slots__": tuple(slots)})


class Program:
    """A compiled program: immutable, shareable between any number of ``Runtime``s."""

    def __init__(self, source, io, limits, source_hash, checker, generator, python_source, code):
        self.source = source
        self.io = io
        self.limits = limits
        self.source_hash = source_hash
        self.python_source = python_source
        self.code = code
        self.warnings: list = list(checker.warnings)
        self.has_loops = any(p.has_loops for p in checker.pous.values())
        self.classes = {
            name: _slots_class(name, slots) for name, slots in generator.classes.items()
        }
        self.globals: dict[str, Symbol] = dict(checker.globals)
        self.aliases: dict[str, str] = dict(checker.aliases)
        self.pous = checker.pous
        self.configured = bool(checker.tree.configurations)
        self.instances = tuple(
            Instance(i.name, i.display, i.pou, i.task.name if i.task else None)
            for i in checker.instances
        )
        tasks = []
        for t in checker.tasks:
            members = tuple(i.name for i in self.instances if i.task == t.name)
            tasks.append(Task(t.name, t.interval, t.priority, t.order, members))
        self.tasks = tuple(sorted(tasks, key=lambda t: (t.priority, t.order)))
        self.inputs = tuple((a, s, w) for a, s, w in generator.inputs)
        self.outputs = tuple((a, s, w) for a, s, w in generator.outputs)
        self.located: dict[str, tuple[Symbol, str]] = {}
        for address, sym in checker.addresses.items():
            where = generator.holder(sym)
            if where is not None:
                self.located[address] = (sym, where)
        self.input_index = {a: i for i, (a, _s, _w) in enumerate(self.inputs)}
        self.output_index = {a: i for i, (a, _s, _w) in enumerate(self.outputs)}
        namespace = dict(HELPERS)
        namespace.update(FB_IMPLS)
        for name, cls in self.classes.items():
            namespace[f"K_{name}"] = cls
        self.namespace = namespace
        self.retain_paths = tuple(self._retain_paths())

    def __repr__(self) -> str:
        return f"<Program {self.source_hash[:12]} instances={[i.name for i in self.instances]}>"

    def _retain_paths(self):
        def walk(prefix, symbols, inherited):
            for sym in symbols:
                if sym.storage == "local":
                    continue
                path = (*prefix, sym.attr)
                if sym.retain or inherited:
                    yield path
                elif isinstance(sym.type, T.FBType) and not sym.type.info.std:
                    yield from walk(path, sym.type.info.symbols.values(), False)

        yield from walk(("G",), self.globals.values(), False)
        for inst in self.instances:
            yield from walk((f"P_{inst.name}",), inst.pou.symbols.values(), False)

    def variables(self) -> list[VarInfo]:
        """Every variable readable by name: globals, then program variables."""
        result = []

        def kind_of(sym: Symbol) -> str:
            if sym.address:
                return {"I": "input", "Q": "output", "M": "memory"}[sym.address[1]]
            return sym.kind

        for sym in self.globals.values():
            result.append(
                VarInfo(sym.display, str(sym.type), sym.address, kind_of(sym), sym.retain)
            )
        for inst in self.instances:
            for sym in inst.pou.symbols.values():
                if sym.storage == "local":
                    continue
                name = f"{inst.display}.{sym.display}" if self.configured else sym.display
                result.append(VarInfo(name, str(sym.type), sym.address, kind_of(sym), sym.retain))
        return result

    def normalize_address(self, text: str) -> str | None:
        """Canonical form of an address, or None."""
        return normalize_address(text)
