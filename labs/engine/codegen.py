"""Python code generation from the checked AST.

Each POU becomes one straight-line Python function; variables live in ``__slots__``
attributes of engine-made instance objects (``s.v_motor``), function locals are Python
locals. Every name that comes from the learner's program is mangled (``v_``, ``f_``,
``fb_``, ``K_``... prefixes on lower-case identifiers), so the generated source can
only reach the engine's helpers and the learner's own variables. It is executed with
an empty ``__builtins__``.
"""

from __future__ import annotations

import math
import re

from . import nodes as n
from . import types as T
from .checker import Checker, EnumValue, PouInfo, Symbol
from .stdlib import TIMED_FBS

_CMP = {"=": "==", "<>": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}


def pylit(value) -> str:
    """Python source for a constant value (bool/int/float/str/list)."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "h_nan"
        if math.isinf(value):
            return "h_inf" if value > 0 else "(-h_inf)"
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        if value and all(v == value[0] and type(v) is type(value[0]) for v in value):
            return f"[{pylit(value[0])}] * {len(value)}"
        return "[" + ", ".join(pylit(v) for v in value) + "]"
    raise TypeError(f"no literal for {type(value).__name__}")


def wrap(code: str, t) -> str:
    """Wrap an integer result to the width of type ``t`` (two's complement)."""
    t = T.base_of(t)
    if not isinstance(t, T.Elementary) or t.kind not in ("int", "bit", "time"):
        return code
    if t.signed:
        return _wrap_signed(code, t.bits)
    return f"(({code}) & {(1 << t.bits) - 1})"


def _wrap_signed(code: str, bits: int) -> str:
    half = 1 << (bits - 1)
    mask = (1 << bits) - 1
    return f"(((({code}) + {half}) & {mask}) - {half})"


_SIMPLE = re.compile(r"^(?:-?[0-9.]+|True|False|[a-z]_[a-z0-9_]*|s\.v_[a-z0-9_]+)$")

# Standard FB bodies inlined at the call (same semantics as stdlib.fb_*; the generated
# code avoids a Python call per timer per scan). {o} is the instance, inputs by name.
_INLINE_FBS = {
    "ton": """if {in}:
    if not {o}.h_run:
        {o}.h_run = True
        {o}.h_t0 = {now}
    _et = {now} - {o}.h_t0
    if _et >= {pt}:
        {o}.v_q = True
        {o}.v_et = {pt_et}
    else:
        {o}.v_q = False
        {o}.v_et = _et
else:
    {o}.h_run = False
    {o}.v_q = False
    {o}.v_et = 0""",
    "r_trig": """{o}.v_q = {clk} and not {o}.h_m
{o}.h_m = {clk}""",
    "f_trig": """{o}.v_q = {o}.h_m and not {clk}
{o}.h_m = {clk}""",
    "ctu": """if {r}:
    {o}.v_cv = 0
elif {cu} and not {o}.h_m and {o}.v_cv < 32767:
    {o}.v_cv += 1
{o}.h_m = {cu}
{o}.v_q = {o}.v_cv >= {pv}""",
    "ctd": """if {ld}:
    {o}.v_cv = {pv}
elif {cd} and not {o}.h_m and {o}.v_cv > -32768:
    {o}.v_cv -= 1
{o}.h_m = {cd}
{o}.v_q = {o}.v_cv <= 0""",
}


def _walk(node):
    """Every AST node under ``node`` (statements, expressions, nested tuples)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(item)
            continue
        if not hasattr(item, "__slots__") or isinstance(item, (n.Span, str)):
            continue
        yield item
        for name in item.__slots__:
            value = getattr(item, name)
            if isinstance(value, (tuple, list)) or hasattr(value, "__slots__"):
                stack.append(value)


class CodeGen:
    """Generate the Python module source for a checked program."""

    def __init__(self, checker: Checker):
        self.ck = checker
        self.ann = checker.ann
        self.out: list[str] = []
        self.extra: list[list[str]] = []
        self.classes: dict[str, list[str]] = {}
        self.tmp = 0
        self.pou: PouInfo | None = None
        self.func_return: str | None = None
        self.cached: dict = {}  # Symbol -> local name holding it during the body
        self.known: dict = {}  # Symbol -> (low, high) of a FOR variable inside its loop
        self.facts: dict = {}  # Symbol -> (low, high) it holds here (see _range_of)
        self.uses_now = False

    # ------------------------------------------------------------ plumbing
    def new_tmp(self, prefix: str = "_t") -> str:
        """A fresh temporary name (never a mangled learner name)."""
        self.tmp += 1
        return f"{prefix}{self.tmp}"

    def emit(self, indent: int, text: str) -> None:
        """Append one line of Python at ``indent`` levels."""
        self.out.append("    " * indent + text)

    # -------------------------------------------------------------- values
    def const_scalar(self, t, init):
        """Compile-time value of a scalar initializer (or the type's default)."""
        if init is None:
            if isinstance(t, T.StringType):
                return ""
            return T.default_value(t)
        ref = self.ann.refs.get(id(init))
        if isinstance(ref, EnumValue):
            return ref.index
        value = self.ann.consts.get(id(init))
        if value is None:
            value = self.ck.const_value(init)
        k = T.kind_of(t)
        if k == "real":
            return float(value)
        if k == "bool":
            return bool(value)
        if isinstance(t, T.StringType):
            return str(value)[: t.length]
        return value

    def value_code(self, t, init) -> str:
        """An expression that creates a fresh initial value of type ``t``."""
        if isinstance(t, T.FBType):
            if init is None:
                return f"n_{t.name}()"
            return self._helper_for(t, init)
        if isinstance(t, T.StructType):
            if init is None:
                return f"n_{t.name}()"
            return self._helper_for(t, init)
        if isinstance(t, T.ArrayType):
            size = t.size
            elem = t.element
            scalar = not isinstance(elem, (T.ArrayType, T.StructType, T.FBType))
            if scalar:
                values = [self.const_scalar(elem, None)] * size
                if isinstance(init, n.ArrayInit):
                    pos = 0
                    for repeat, item in init.items:
                        for _ in range(repeat if repeat is not None else 1):
                            if pos < size:
                                values[pos] = self.const_scalar(elem, item)
                            pos += 1
                return pylit(values)
            base = f"h_fill(lambda: {self.value_code(elem, None)}, {size})"
            if init is None:
                return base
            return self._helper_for(t, init)
        return pylit(self.const_scalar(t, init))

    def _helper_for(self, t, init) -> str:
        """A generated function building a value with a structured initializer."""
        name = self.new_tmp("z_")
        saved, self.out = self.out, []
        self.emit(0, f"def {name}():")
        if isinstance(t, T.ArrayType):
            self.emit(1, f"o = h_fill(lambda: {self.value_code(t.element, None)}, {t.size})")
            pos = 0
            for repeat, item in init.items:
                for _ in range(repeat if repeat is not None else 1):
                    if pos < t.size and item is not None:
                        self.emit(1, f"o[{pos}] = {self.value_code(t.element, item)}")
                    pos += 1
        else:
            self.emit(1, f"o = n_{t.name}()")
            for fname, item in init.fields:
                if isinstance(t, T.StructType):
                    ftype = t.fields[fname][1]
                else:
                    sym = t.info.symbols.get(fname)
                    if sym is None:
                        continue
                    ftype = sym.type
                self.emit(1, f"o.v_{fname} = {self.value_code(ftype, item)}")
        self.emit(1, "return o")
        self.extra.append(self.out)
        self.out = saved
        return f"{name}()"

    # ----------------------------------------------------------- top level
    def generate(self) -> str:
        """The whole module source."""
        ck = self.ck
        for st in ck.structs.values():
            self.gen_struct(st)
        for info in ck.pous.values():
            if info.std:
                self.gen_std_fb(info)
        for info in ck.pous.values():
            if info.kind in ("FUNCTION_BLOCK", "PROGRAM"):
                self.gen_instance_pou(info)
            elif info.kind == "FUNCTION":
                self.gen_function(info)
        self.gen_globals()
        self.gen_io()
        for block in self.extra:
            self.out.extend(block)
        return "\n".join(self.out) + "\n"

    def gen_struct(self, st: T.StructType) -> None:
        """The constructor ``n_<struct>()`` of a structure type."""
        self.classes[st.name] = [f"v_{f}" for f in st.fields]
        self.emit(0, f"def n_{st.name}():")
        self.emit(1, f"o = K_{st.name}()")
        for fname, (_display, ftype, finit) in st.fields.items():
            self.emit(1, f"o.v_{fname} = {self.value_code(ftype, finit)}")
        self.emit(1, "return o")

    def gen_std_fb(self, info: PouInfo) -> None:
        """The constructor ``n_<fb>()`` of a standard function block instance."""
        slots = [s.attr for s in info.symbols.values()] + list(info.hidden)
        self.classes[info.name] = slots
        self.emit(0, f"def n_{info.name}():")
        self.emit(1, f"o = K_{info.name}()")
        for sym in info.symbols.values():
            self.emit(1, f"o.{sym.attr} = {self.value_code(sym.type, None)}")
        for hname, hvalue in info.hidden.items():
            self.emit(1, f"o.{hname} = {pylit(hvalue)}")
        self.emit(1, "return o")

    def _instance_syms(self, info: PouInfo) -> list[Symbol]:
        return [s for s in info.symbols.values() if s.storage == "self"]

    def gen_instance_pou(self, info: PouInfo) -> None:
        """Constructor, initialiser and body of a PROGRAM or FUNCTION_BLOCK."""
        syms = self._instance_syms(info)
        self.classes[info.name] = [s.attr for s in syms]
        self.emit(0, f"def n_{info.name}():")
        self.emit(1, f"o = K_{info.name}()")
        self.emit(1, f"i_{info.name}(o)")
        self.emit(1, "return o")
        self.emit(0, f"def i_{info.name}(o):")
        if not syms:
            self.emit(1, "pass")
        for sym in syms:
            self.emit(1, f"o.{sym.attr} = {self.value_code(sym.type, sym.init)}")
        prefix = "p_" if info.kind == "PROGRAM" else "fb_"
        self.emit(0, f"def {prefix}{info.name}(s):")
        self.pou = info
        self.func_return = None
        self.body_with_cache(info, 1)
        self.pou = None

    def analyze(self, body):
        """Use counts of symbols in ``body`` and the symbols it (re)assigns as a whole."""
        counts: dict = {}
        assigned: set = set()
        timed = False
        for node in _walk(body):
            if isinstance(node, (n.Name, n.Address)):
                ref = self.ann.refs.get(id(node))
                if isinstance(ref, Symbol) and id(node) not in self.ann.consts:
                    counts[ref] = counts.get(ref, 0) + 1
            if isinstance(node, n.Assign):
                target = node.target
                while isinstance(target, n.BitAccess):  # x.3 := ... rewrites x
                    target = target.base
                if isinstance(target, (n.Name, n.Address)):
                    assigned.add(self.ann.refs.get(id(target)))
            elif isinstance(node, n.For):
                assigned.add(self.ann.refs.get(id(node.var)))
            elif isinstance(node, n.Call):
                call = self.ann.calls.get(id(node))
                if call is not None and call.kind in ("fb", "func"):
                    if call.target.std and call.target.name in TIMED_FBS:
                        timed = True
                    for _sym, target in call.outputs + call.inouts:
                        if isinstance(target, (n.Name, n.Address)):
                            assigned.add(self.ann.refs.get(id(target)))
        return counts, assigned, timed

    def body_with_cache(self, info: PouInfo, indent: int, prologue=(), epilogue=()) -> None:
        """Emit a PROGRAM/FB body that keeps often-used variables in Python locals.

        Instance variables are only touched by their own POU during a call, so they can
        live in locals for the call and be stored back at the end (in ``finally``, so a
        FAULT leaves memory as the scan left it). Globals are cached only when the body
        calls no user POU that could see them.
        """
        counts, assigned, timed = self.analyze(info.node.body)
        may_share_globals = bool(info.calls)
        self.cached = {}
        self.facts = {}
        for sym, count in counts.items():
            # Inputs copied in by this very function are worth a local even if read once.
            once = bool(prologue) and sym.address is not None and sym.address[1] == "I"
            if (count < 2 and not once) or sym.storage == "local":
                continue
            if sym.storage == "global" and may_share_globals:
                continue
            prefix = "g_" if sym.storage == "global" else "l_"
            self.cached[sym] = prefix + sym.name
        store = [s for s in self.cached if s in assigned]
        start = len(self.out)
        loaded = set()
        by_ref = {
            ("G" if sym.storage == "global" else "s") + "." + sym.attr: sym for sym in self.cached
        }
        for line in prologue:
            target = line.partition(" = ")[0]
            sym = by_ref.get(target)
            if sym is not None:
                line = f"{self.cached[sym]} = {line}"
                loaded.add(sym)
            self.emit(indent, line)
        if timed:
            self.emit(indent, "now = C.now")
        self.uses_now = timed
        for sym in info.symbols.values():
            if sym.storage == "local":
                self.emit(indent, f"{sym.attr} = {self.value_code(sym.type, sym.init)}")
        for sym, local in self.cached.items():
            if sym not in loaded:
                holder = "G" if sym.storage == "global" else "s"
                self.emit(indent, f"{local} = {holder}.{sym.attr}")
        body_indent = indent
        if store:
            self.emit(indent, "try:")
            body_indent = indent + 1
        self.block(info.node.body, body_indent)
        if store:
            self.emit(indent, "finally:")
            for sym in store:
                holder = "G" if sym.storage == "global" else "s"
                self.emit(indent + 1, f"{holder}.{sym.attr} = {self.cached[sym]}")
        for line in epilogue:
            for sym, local in self.cached.items():
                holder = "G" if sym.storage == "global" else "s"
                line = re.sub(rf"\b{holder}\.{sym.attr}\b", local, line)
            self.emit(indent, line)
        if len(self.out) == start:
            self.emit(indent, "pass")
        self.cached = {}
        self.uses_now = False

    def gen_function(self, info: PouInfo) -> None:
        """A FUNCTION as a Python function of its inputs returning its value."""
        params = ", ".join(s.attr for s in info.inputs + info.inouts)
        self.emit(0, f"def f_{info.name}({params}):")
        self.pou = info
        self.facts = {}
        ret = info.symbols[info.name]
        self.func_return = ret.attr
        if info.outputs or info.inouts:
            # Outputs and VAR_IN_OUTs come back with the value; the call site stores them.
            extra = [s.attr for s in info.outputs + info.inouts]
            self.func_return = f"({ret.attr}, {', '.join(extra)})"
        for sym in info.symbols.values():
            if sym.kind in ("input", "inout"):
                continue
            self.emit(1, f"{sym.attr} = {self.value_code(sym.type, sym.init)}")
        self.block(info.node.body, 1)
        self.emit(1, f"return {self.func_return}")
        self.pou = None
        self.func_return = None

    def gen_globals(self) -> None:
        """Initialiser of the globals and ``init_all`` (cold start of every instance)."""
        syms = list(self.ck.globals.values())
        self.classes["_G"] = [s.attr for s in syms]
        self.emit(0, "def i__G(o):")
        self.emit(1, "pass")
        for sym in syms:
            self.emit(1, f"o.{sym.attr} = {self.value_code(sym.type, sym.init)}")
        self.emit(0, "def init_all():")
        self.emit(1, "i__G(G)")
        for inst in self.ck.instances:
            self.emit(1, f"i_{inst.pou.name}(P_{inst.name})")

    def holder(self, sym: Symbol) -> str | None:
        """Where a located variable lives, as seen from module level."""
        if sym.storage == "global":
            return "G"
        for inst in self.ck.instances:
            if inst.pou.symbols.get(sym.name) is sym:
                return f"P_{inst.name}"
        return None

    def gen_io(self) -> None:
        """copy_in/copy_out of the process image and the one-task fast ``cycle``."""
        self.inputs: list[tuple[str, Symbol, str]] = []
        self.outputs: list[tuple[str, Symbol, str]] = []
        for address, sym in sorted(self.ck.addresses.items()):
            where = self.holder(sym)
            if where is None:
                continue
            if address[1] == "I":
                self.inputs.append((address, sym, where))
            elif address[1] == "Q":
                self.outputs.append((address, sym, where))
        copy_in = [f"{w}.{s.attr} = IN[{i}]" for i, (_a, s, w) in enumerate(self.inputs)]
        copy_out = [f"OUT[{i}] = {w}.{s.attr}" for i, (_a, s, w) in enumerate(self.outputs)]
        self.emit(0, "def copy_in():")
        for line in copy_in or ["pass"]:
            self.emit(1, line)
        self.emit(0, "def copy_out():")
        for line in copy_out or ["pass"]:
            self.emit(1, line)
        # Runtime.scan *is* this function while the PLC runs one cyclic task unforced, so
        # it catches faults itself (the helpers record them and advance the clock).
        self.emit(0, "def cycle():")
        # A caller may hold on to rt.scan; once the PLC stops, faults or is forced, the
        # general scan takes over.
        self.emit(1, "if not C.fast: return h_scan()")
        self.emit(1, "try:")
        start = len(self.out)
        self._cycle_body(copy_in, copy_out)
        self.out[start:] = ["    " + line for line in self.out[start:]]
        self.emit(1, "except h_PlcFault as e:")
        self.emit(2, "h_fault(e)")
        self.emit(1, "except h_Exception as e:")
        self.emit(2, "h_crash(e)")

    def _cycle_body(self, copy_in: list[str], copy_out: list[str]) -> None:
        limits = self.ck.limits
        if any(p.has_loops for p in self.ck.pous.values()):
            # The rest of the budget and the wall-clock start are set by h_wd the first
            # time this scan's first chunk runs out (it sees a new clock value).
            self.emit(1, f"C.wd = {min(4096, limits.max_loop_iterations)}")
        instances = self.ck.instances
        single = (
            len(instances) == 1
            and instances[0].task is None
            and not any(isinstance(x, n.Return) for x in _walk(instances[0].pou.node.body))
        )
        if single:
            # One cyclic program: its body is inlined between the image copies.
            inst = instances[0]
            self.pou = inst.pou
            self.emit(1, f"s = P_{inst.name}")
            local_in = [line.replace(f"P_{inst.name}.", "s.") for line in copy_in]
            local_out = [line.replace(f"P_{inst.name}.", "s.") for line in copy_out]
            # The fast cycle also advances the clock (Runtime.scan does it after a FAULT).
            self.body_with_cache(inst.pou, 1, local_in, [*local_out, "C.now += SCAN_MS"])
            self.pou = None
            return
        for line in copy_in:
            self.emit(1, line)
        for inst in instances:
            self.emit(1, f"p_{inst.pou.name}(P_{inst.name})")
        for line in copy_out:
            self.emit(1, line)
        self.emit(1, "C.now += SCAN_MS")

    # ---------------------------------------------------------- statements
    def block(self, stmts, indent: int) -> None:
        """Emit a statement list (``pass`` when empty)."""
        start = len(self.out)
        for stmt in stmts:
            self.statement(stmt, indent)
        if len(self.out) == start:
            self.emit(indent, "pass")

    def watchdog(self, indent: int, line: int) -> None:
        """Charge one loop iteration to the watchdog."""
        self.emit(indent, "C.wd -= 1")
        self.emit(indent, f"if C.wd < 0: h_wd({line})")

    # Value ranges: ``self.facts`` maps an integer variable to the (low, high) it is known
    # to hold at the current point of the body (from ``x := 0``, ``x := i`` in a counted
    # loop...), so that ``a[x]`` needs no bounds check. Facts start empty in every body:
    # nothing is assumed about values from earlier scans or outside writes.
    def _range_of(self, expr, known: dict):
        const = self.ck.const_value(expr)
        if isinstance(const, int) and not isinstance(const, bool):
            return const, const
        if isinstance(expr, n.Name):
            return known.get(self.ann.refs.get(id(expr)))
        if isinstance(expr, n.Binary) and expr.op in ("+", "-"):
            shift = self.ck.const_value(expr.right)
            base = self._range_of(expr.left, known)
            if base is None or not isinstance(shift, int) or isinstance(shift, bool):
                return None
            shift = shift if expr.op == "+" else -shift
            return base[0] + shift, base[1] + shift
        return None

    def _trackable(self, sym) -> bool:
        return (
            isinstance(sym, Symbol)
            and sym.storage != "global"
            and isinstance(sym.type, T.Elementary)
            and sym.type.kind == "int"
        )

    def _assignments(self, stmt, loop_known: dict) -> dict:
        """Ranges assigned inside ``stmt`` per variable (None: not provably bounded)."""
        changes: dict = {}

        def spoil(target):
            while isinstance(target, n.BitAccess):
                target = target.base
            if isinstance(target, (n.Name, n.Address)):
                changes[self.ann.refs.get(id(target))] = None

        for node in _walk(stmt):
            if isinstance(node, n.Assign):
                target = node.target
                if isinstance(target, (n.Name, n.Address)):
                    sym = self.ann.refs.get(id(target))
                    rng = self._range_of(node.value, loop_known)
                    if rng is None or changes.get(sym, ()) is None:
                        changes[sym] = None
                    else:
                        changes.setdefault(sym, []).append(rng)
                else:
                    spoil(target)
            elif isinstance(node, n.For):
                spoil(node.var)
            elif isinstance(node, n.Call):
                call = self.ann.calls.get(id(node))
                if call is not None and call.kind in ("fb", "func"):
                    for _sym, target in call.outputs + call.inouts:
                        spoil(target)
        return changes

    def statement(self, stmt, indent: int) -> None:
        """Emit one statement, keeping the value-range facts up to date."""
        if isinstance(stmt, (n.If, n.Case, n.For, n.While, n.Repeat)):
            loop_known = dict(self.known)
            if isinstance(stmt, n.For):
                rng = self._for_range(stmt)
                if rng is not None:
                    loop_known[self.ann.refs.get(id(stmt.var))] = rng
            merged = dict(self.facts)
            for sym, ranges in self._assignments(stmt, loop_known).items():
                if ranges is None or sym not in merged:
                    merged.pop(sym, None)
                else:
                    lows, highs = zip(*ranges, strict=True)
                    low, high = merged[sym]
                    merged[sym] = (min(low, *lows), max(high, *highs))
            self.facts = dict(merged)
            self._statement_code(stmt, indent)
            self.facts = merged
            return
        self._statement_code(stmt, indent)
        if isinstance(stmt, n.Assign):
            target = stmt.target
            while isinstance(target, n.BitAccess):
                target = target.base
            sym = self.ann.refs.get(id(target)) if isinstance(target, (n.Name, n.Address)) else None
            if sym is not None:
                rng = None
                if target is stmt.target and self._trackable(sym):
                    rng = self._range_of(stmt.value, {**self.facts, **self.known})
                if rng is None:
                    self.facts.pop(sym, None)
                else:
                    self.facts[sym] = rng
        elif isinstance(stmt, n.CallStmt):
            for sym in self._assignments(stmt, {}):
                self.facts.pop(sym, None)

    def _statement_code(self, stmt, indent: int) -> None:
        line = stmt.span.line
        if isinstance(stmt, n.Assign) and isinstance(stmt.target, n.BitAccess):
            base = stmt.target.base
            base_code = self.expr(base)
            mask = 1 << stmt.target.bit
            value = self.new_tmp("_b")
            self.emit(indent, f"{value} = {self.expr(stmt.value)}")
            new = f"({base_code} | {mask}) if {value} else ({base_code} & {~mask})"
            self.emit(indent, f"{base_code} = {wrap(new, self.ann.types[id(base)])}")
        elif isinstance(stmt, n.Assign) and self._multi_result(stmt.value):
            result = self._multi_call(stmt.value, indent)
            target_type = self.ann.types[id(stmt.target)]
            source = self.ann.calls[id(stmt.value)].result
            if T.kind_of(target_type) == "real" and T.kind_of(source) == "int":
                result = f"({result} + 0.0)"
            elif isinstance(target_type, T.StringType):
                result = f"({result})[:{target_type.length}]"
            elif isinstance(target_type, T.SubrangeType):
                result = f"h_range({result}, {target_type.low}, {target_type.high}, {line})"
            self.emit(indent, f"{self.expr(stmt.target)} = {result}")
        elif isinstance(stmt, n.Assign):
            target_type = self.ann.types[id(stmt.target)]
            value = self.coerce(stmt.value, target_type, line)
            self.emit(indent, f"{self.expr(stmt.target)} = {value}")
        elif isinstance(stmt, n.CallStmt):
            call = self.ann.calls[id(stmt.call)]
            if call.kind == "fb":
                self.fb_call(stmt.call, call, indent)
            elif self._multi_result(stmt.call):
                self._multi_call(stmt.call, indent)
            else:
                self.emit(indent, self.expr(stmt.call))
        elif isinstance(stmt, n.If):
            for i, (cond, body) in enumerate(stmt.branches):
                word = "if" if i == 0 else "elif"
                self.emit(indent, f"{word} {self.expr(cond)}:")
                self.block(body, indent + 1)
            if stmt.else_body is not None:
                self.emit(indent, "else:")
                self.block(stmt.else_body, indent + 1)
        elif isinstance(stmt, n.Case):
            sel = self.expr(stmt.selector)
            if not _SIMPLE.match(sel):
                # Only one clause body runs, so a plain variable can be re-read safely.
                tmp = self.new_tmp("_c")
                self.emit(indent, f"{tmp} = {sel}")
                sel = tmp
            first = True
            for labels, body in stmt.clauses:
                conds = []
                for label in labels:
                    if isinstance(label, n.CaseRange):
                        lo = self.label_value(label.low)
                        hi = self.label_value(label.high)
                        conds.append(f"{lo} <= {sel} <= {hi}")
                    else:
                        conds.append(f"{sel} == {self.label_value(label)}")
                if not conds:
                    continue
                self.emit(indent, f"{'if' if first else 'elif'} {' or '.join(conds)}:")
                self.block(body, indent + 1)
                first = False
            if stmt.else_body is not None:
                if first:
                    self.block(stmt.else_body, indent)
                else:
                    self.emit(indent, "else:")
                    self.block(stmt.else_body, indent + 1)
        elif isinstance(stmt, n.For):
            self.for_loop(stmt, indent)
        elif isinstance(stmt, n.While):
            self.emit(indent, f"while {self.expr(stmt.cond)}:")
            self.watchdog(indent + 1, line)
            self.block(stmt.body, indent + 1)
        elif isinstance(stmt, n.Repeat):
            # The UNTIL test sits in the loop header so that CONTINUE reaches it.
            flag = self.new_tmp("_r")
            self.emit(indent, f"{flag} = False")
            self.emit(indent, f"while not ({flag} and {self.expr(stmt.cond)}):")
            self.emit(indent + 1, f"{flag} = True")
            self.watchdog(indent + 1, line)
            self.block(stmt.body, indent + 1)
        elif isinstance(stmt, n.Exit):
            self.emit(indent, "break")
        elif isinstance(stmt, n.Continue):
            self.emit(indent, "continue")
        elif isinstance(stmt, n.Return):
            self.emit(indent, f"return {self.func_return}" if self.func_return else "return")

    def _multi_result(self, expr) -> bool:
        """Is ``expr`` a call of a FUNCTION that also returns outputs or VAR_IN_OUTs?"""
        call = self.ann.calls.get(id(expr)) if isinstance(expr, n.Call) else None
        return (
            call is not None
            and call.kind == "func"
            and bool(call.target.outputs or call.target.inouts)
        )

    def _multi_call(self, call_node: n.Call, indent: int) -> str:
        """Call such a FUNCTION, store its outputs and VAR_IN_OUTs; code of its value."""
        call = self.ann.calls[id(call_node)]
        info: PouInfo = call.target
        result = self.new_tmp("_m")
        self.emit(indent, f"{result} = {self.expr(call_node)}")
        outputs = dict(call.outputs)
        inouts = dict(call.inouts)
        for k, sym in enumerate(info.outputs + info.inouts, start=1):
            target = outputs.get(sym) if sym.kind == "output" else inouts.get(sym)
            if target is None:
                continue
            source = f"{result}[{k}]"
            target_type = self.ann.types[id(target)]
            if T.kind_of(target_type) == "real" and T.kind_of(sym.type) == "int":
                source = f"({source} + 0.0)"
            elif isinstance(target_type, T.StringType):
                source = f"({source})[:{target_type.length}]"
            self.emit(indent, f"{self.expr(target)} = {source}")
        return f"{result}[0]"

    def label_value(self, expr) -> str:
        """Python constant of a CASE label (enum labels are their index)."""
        ref = self.ann.refs.get(id(expr))
        if isinstance(ref, EnumValue):
            return str(ref.index)
        return pylit(self.ck.const_value(expr))

    def for_loop(self, stmt: n.For, indent: int) -> None:
        """A FOR loop: Python ``for`` when possible, else a ``while`` with the standard's test."""
        line = stmt.span.line
        sym = self.ann.refs[id(stmt.var)]
        var = self.expr(stmt.var)
        vtype = sym.type
        if self.range_loop(stmt, sym, var, indent):
            return
        end = self.new_tmp("_e")
        self.emit(indent, f"{var} = {self.coerce(stmt.start, vtype, line)}")
        end_value = self.ck.const_value(stmt.end)
        if isinstance(end_value, int):
            end = str(end_value)
        else:
            self.emit(indent, f"{end} = {self.expr(stmt.end)}")
        step_value = 1 if stmt.step is None else self.ck.const_value(stmt.step)
        if isinstance(step_value, int) and not isinstance(step_value, bool):
            step = str(step_value)
            if step_value > 0:
                cond = f"{var} <= {end}"
            elif step_value < 0:
                cond = f"{var} >= {end}"
            else:
                cond = "True"
        else:
            step = self.new_tmp("_s")
            self.emit(indent, f"{step} = {self.expr(stmt.step)}")
            cond = f"({step} > 0 and {var} <= {end}) or ({step} < 0 and {var} >= {end})"
            cond += f" or ({step} == 0)"
        if any(isinstance(x, n.Continue) for x in _walk(stmt.body)):
            # The increment goes first in the loop so that CONTINUE does not skip it.
            flag = self.new_tmp("_f")
            self.emit(indent, f"{flag} = False")
            self.emit(indent, "while True:")
            self.emit(indent + 1, f"if {flag}: {var} = {wrap(f'{var} + {step}', vtype)}")
            self.emit(indent + 1, f"{flag} = True")
            self.emit(indent + 1, f"if not ({cond}): break")
            self.watchdog(indent + 1, line)
            self.block(stmt.body, indent + 1)
            return
        self.emit(indent, f"while {cond}:")
        self.watchdog(indent + 1, line)
        self.block(stmt.body, indent + 1)
        self.emit(indent + 1, f"{var} = {wrap(f'{var} + {step}', vtype)}")

    def _for_plan(self, stmt: n.For):
        """(first, last, step, count, low, high) of a FOR that can be a Python ``for``.

        That is a FOR with constant bounds, a non-zero step, a local or instance variable
        the body never assigns, and no wrap-around past the variable's type.
        """
        sym = self.ann.refs.get(id(stmt.var))
        first = self.ck.const_value(stmt.start)
        last = self.ck.const_value(stmt.end)
        step = 1 if stmt.step is None else self.ck.const_value(stmt.step)
        for value in (first, last, step):
            if not isinstance(value, int) or isinstance(value, bool):
                return None
        if step == 0 or not isinstance(sym, Symbol) or sym.storage == "global":
            return None
        _counts, assigned, _timed = self.analyze(stmt.body)
        if sym in assigned:
            return None
        count = max(0, (last - first) // step + 1)
        after = first + count * step
        base = T.base_of(sym.type)
        if not (base.low <= after <= base.high and base.low <= first <= base.high):
            return None
        ends = (first, first + (count - 1) * step)
        return first, last, step, count, min(ends), max(ends)

    def _for_range(self, stmt: n.For):
        """Values the variable of a planned, non-empty FOR takes inside its body."""
        plan = self._for_plan(stmt)
        if plan is None or plan[3] == 0:
            return None
        return plan[4], plan[5]

    def range_loop(self, stmt: n.For, sym: Symbol, var: str, indent: int) -> bool:
        """A FOR with constant bounds whose variable the body never assigns: Python ``for``.

        The watchdog is charged for all iterations at once, and array indexes by the loop
        variable need no bounds check when its whole range is inside the array.
        """
        plan = self._for_plan(stmt)
        if plan is None:
            return False
        first, last, step, count, low, high = plan
        after = first + count * step
        stop = last + (1 if step > 0 else -1)
        self.emit(indent, "C.wd -= " + str(count))
        self.emit(indent, f"if C.wd < 0: h_wd({stmt.span.line})")
        self.emit(indent, f"for {var} in h_iter({first}, {stop}, {step}):")
        if count:
            self.known[sym] = (low, high)
        self.block(stmt.body, indent + 1)
        self.known.pop(sym, None)
        self.emit(indent, "else:")
        self.emit(indent + 1, f"{var} = {after}")
        return True

    def fb_call(self, call_node: n.Call, call, indent: int) -> None:
        """An FB invocation: inputs in, body (inlined for simple standard FBs), outputs out."""
        line = call_node.span.line
        info: PouInfo = call.target
        inst = self.expr(call.instance)
        if not (call.inputs or call.outputs or call.inouts):
            ref = inst
        else:
            ref = self.new_tmp("_i")
            self.emit(indent, f"{ref} = {inst}")
        if info.std and info.name in _INLINE_FBS:
            codes = {}
            for sym, value in call.inputs:
                code = self.coerce(value, sym.type, line)
                if not _SIMPLE.match(code):
                    tmp = self.new_tmp("_x")
                    self.emit(indent, f"{tmp} = {code}")
                    code = tmp
                self.emit(indent, f"{ref}.{sym.attr} = {code}")
                codes[sym.name] = code
            for sym in info.inputs:
                codes.setdefault(sym.name, f"{ref}.{sym.attr}")
            now = "now" if self.uses_now else "C.now"
            template = _INLINE_FBS[info.name]
            pt = codes.get("pt", "0")
            pt_et = str(max(int(pt), 0)) if pt.lstrip("-").isdigit() else f"max({pt}, 0)"
            pt_et = pt_et if pt.lstrip("-").isdigit() else f"({pt} if {pt} > 0 else 0)"
            for text in template.format(o=ref, now=now, pt_et=pt_et, **codes).split("\n"):
                if text.strip():
                    depth = (len(text) - len(text.lstrip(" "))) // 4
                    self.emit(indent + depth, text.strip())
            self._fb_outputs(call, ref, indent)
            return
        for sym, value in call.inputs:
            self.emit(indent, f"{ref}.{sym.attr} = {self.coerce(value, sym.type, line)}")
        for sym, value in call.inouts:
            self.emit(indent, f"{ref}.{sym.attr} = {self.expr(value)}")
        if info.std:
            extra = ""
            if info.name in TIMED_FBS:
                extra = ", now" if self.uses_now else ", C.now"
            self.emit(indent, f"fb_{info.name}({ref}{extra})")
        else:
            self.emit(indent, f"fb_{info.name}({ref})")
        for sym, value in call.inouts:
            self.emit(indent, f"{self.expr(value)} = {ref}.{sym.attr}")
        self._fb_outputs(call, ref, indent)

    def _fb_outputs(self, call, ref: str, indent: int) -> None:
        for sym, target in call.outputs:
            target_type = self.ann.types[id(target)]
            src = f"{ref}.{sym.attr}"
            if T.kind_of(target_type) == "real" and T.kind_of(sym.type) == "int":
                src = f"({src} + 0.0)"
            elif isinstance(target_type, (T.ArrayType, T.StructType)):
                src = f"h_copy({src})"
            self.emit(indent, f"{self.expr(target)} = {src}")

    # --------------------------------------------------------- expressions
    def coerce(self, expr, target, line: int) -> str:
        """Code for ``expr`` converted to be stored in a variable of type ``target``."""
        source = self.ann.types.get(id(expr))
        code = self.expr(expr)
        tk = T.kind_of(target)
        if tk == "real" and T.kind_of(source) == "int":
            const = self.ann.consts.get(id(expr))
            if isinstance(const, (int, float)) and not isinstance(const, bool):
                return pylit(float(const))
            return f"({code} + 0.0)"
        if isinstance(target, T.SubrangeType):
            const = self.ann.consts.get(id(expr))
            if isinstance(const, int) and target.low <= const <= target.high:
                return code
            return f"h_range({code}, {target.low}, {target.high}, {line})"
        if isinstance(target, T.StringType):
            if not isinstance(source, T.StringType) or source.length > target.length:
                return f"({code})[:{target.length}]"
            return code
        if isinstance(target, (T.ArrayType, T.StructType)) and isinstance(
            expr, (n.Name, n.Member, n.Index)
        ):
            return f"h_copy({code})"
        return code

    def ref_code(self, sym: Symbol) -> str:
        """Where the generated code finds variable ``sym`` (local, instance or global)."""
        local = self.cached.get(sym)
        if local is not None:
            return local
        if sym.storage == "global":
            return f"G.{sym.attr}"
        if sym.storage == "local":
            return sym.attr
        return f"s.{sym.attr}"

    def expr(self, e) -> str:
        """Python code for expression ``e`` (fully parenthesized)."""
        t = self.ann.types.get(id(e))
        const = self.ann.consts.get(id(e))
        if const is not None and not isinstance(t, (T.StructType, T.ArrayType)):
            if T.kind_of(t) == "real" and not isinstance(const, bool):
                return pylit(float(const))
            return pylit(const)
        if isinstance(e, n.Literal):
            ref = self.ann.refs.get(id(e))
            if isinstance(ref, EnumValue):
                return str(ref.index)
            return pylit(e.value)
        if isinstance(e, (n.Name, n.Address)):
            ref = self.ann.refs[id(e)]
            if isinstance(ref, EnumValue):
                return str(ref.index)
            return self.ref_code(ref)
        if isinstance(e, n.Member):
            return f"{self.expr(e.base)}.v_{e.name}"
        if isinstance(e, n.BitAccess):
            return f"((({self.expr(e.base)} >> {e.bit}) & 1) == 1)"
        if isinstance(e, n.Index):
            return self.index(e)
        if isinstance(e, n.Call):
            return self.call(e)
        if isinstance(e, n.Unary):
            return self.unary(e, t)
        if isinstance(e, n.Binary):
            return self.binary(e, t)
        raise TypeError(f"no code for {type(e).__name__}")

    def index(self, e: n.Index) -> str:
        """Array element access with a bounds check (elided when provably in range)."""
        base_type: T.ArrayType = self.ann.types[id(e.base)]
        base = self.expr(e.base)
        line = e.span.line
        dims = base_type.dims
        strides = []
        stride = 1
        for lo, hi in reversed(dims):
            strides.append(stride)
            stride *= hi - lo + 1
        strides.reverse()
        consts = [self.ck.const_value(i) for i in e.indices]
        if all(isinstance(c, int) and not isinstance(c, bool) for c in consts):
            offset = sum(
                (c - lo) * st for c, (lo, _hi), st in zip(consts, dims, strides, strict=True)
            )
            return f"{base}[{offset}]"
        if len(dims) == 1:
            known = self._known_range(e.indices[0])
            lo, hi = dims[0]
            if known is not None and lo <= known[0] and known[1] <= hi:
                code = self.expr(e.indices[0])
                return f"{base}[{code} - {lo}]" if lo else f"{base}[{code}]"
        temps, checks, parts = [], [], []
        for index, (lo, hi), st in zip(e.indices, dims, strides, strict=True):
            k = self.new_tmp("_k")
            temps.append(k)
            checks.append(f"({lo} <= ({k} := {self.expr(index)}) <= {hi})")
            term = f"({k} - {lo})" if lo else k
            parts.append(term if st == 1 else f"{term} * {st}")
        cond = checks[0] if len(checks) == 1 else " & ".join(checks)
        dims_code = "(" + ", ".join(f"({lo}, {hi})" for lo, hi in dims) + ",)"
        temps_code = "(" + ", ".join(temps) + ",)"
        fail = f"h_oobn({temps_code}, {dims_code}, {line})"
        return f"{base}[{' + '.join(parts)} if {cond} else {fail}]"

    def _known_range(self, index):
        """Range of values of an index that is a FOR variable (or one plus a constant)."""
        offset = 0
        if isinstance(index, n.Binary) and index.op in ("+", "-"):
            const = self.ck.const_value(index.right)
            if not isinstance(const, int) or isinstance(const, bool):
                return None
            offset = const if index.op == "+" else -const
            index = index.left
        if not isinstance(index, n.Name):
            return None
        sym = self.ann.refs.get(id(index))
        known = self.known.get(sym) or self.facts.get(sym)
        if known is None:
            return None
        return known[0] + offset, known[1] + offset

    def unary(self, e: n.Unary, t) -> str:
        """Code of a unary operation of result type ``t``."""
        operand = self.expr(e.operand)
        k = T.kind_of(t)
        if e.op == "NOT":
            if k == "bool":
                return f"(not {operand})"
            return f"({operand} ^ {T.base_of(t).high})"
        if e.op == "+":
            return operand
        if k == "int" or k == "time":
            return wrap(f"-{operand}", t)
        return f"(-{operand})"

    def binary(self, e: n.Binary, t) -> str:
        """Code of a binary operation of result type ``t`` (wrapping, IEC division)."""
        op = e.op
        left = self.expr(e.left)
        right = self.expr(e.right)
        line = e.span.line
        if op in _CMP:
            return f"({left} {_CMP[op]} {right})"
        if op in ("AND", "OR", "XOR"):
            sym = {"AND": "&", "OR": "|", "XOR": "^"}[op]
            return f"({left} {sym} {right})"
        k = T.kind_of(t)
        lk = T.kind_of(self.ann.types[id(e.left)])
        rk = T.kind_of(self.ann.types[id(e.right)])
        if k == "time":
            if op in ("+", "-"):
                return _wrap_signed(f"{left} {op} {right}", 64)
            if op == "*":
                a, b = (left, right) if lk == "time" else (right, left)
                other = rk if lk == "time" else lk
                if other == "real":
                    return _wrap_signed(f"h_tmul({a}, {b}, {line})", 64)
                return _wrap_signed(f"{a} * {b}", 64)
            return _wrap_signed(f"h_tdiv({left}, {right}, {line})", 64)
        divisor = self.ck.const_value(e.right)
        if k == "real":
            if op == "/":
                if isinstance(divisor, (int, float)) and divisor and not isinstance(divisor, bool):
                    return f"({left} / {pylit(float(divisor))})"
                return f"h_rdiv({left}, {right})"
            if op == "**":
                return f"h_expt({left}, {right})"
            return f"({left} {op} {right})"
        if isinstance(divisor, int) and not isinstance(divisor, bool) and divisor > 0:
            # Truncation toward zero and MOD with the dividend's sign, inline.
            q = self.new_tmp("_q")
            if op == "/":
                return f"({q} // {divisor} if ({q} := {left}) >= 0 else -(-{q} // {divisor}))"
            if op == "MOD":
                return f"({q} % {divisor} if ({q} := {left}) >= 0 else -(-{q} % {divisor}))"
        if op == "/":
            return wrap(f"h_idiv({left}, {right}, {line})", t)
        if op == "MOD":
            return f"h_imod({left}, {right}, {line})"
        return wrap(f"{left} {op} {right}", t)

    def call(self, e: n.Call) -> str:
        """Code of a function call used as a value."""
        call = self.ann.calls[id(e)]
        line = e.span.line
        if call.kind == "func":
            info: PouInfo = call.target
            args = []
            for sym, arg in zip(info.inputs, call.args, strict=True):
                if arg is None:
                    args.append(self.value_code(sym.type, sym.init))
                else:
                    args.append(self.coerce(arg, sym.type, line))
            bound = dict(call.inouts)
            args.extend(self.expr(bound[sym]) for sym in info.inouts)
            return f"f_{info.name}({', '.join(args)})"
        if call.kind == "conv":
            return self.conversion(call, line)
        return self.std_call(call, line)

    def _num_args(self, call, target, line) -> list[str]:
        return [self.coerce(a, target, line) for a in call.args]

    def std_call(self, call, line: int) -> str:
        """Code of a standard function call (inline for the common cases)."""
        name = call.target
        result = call.result
        args = call.args
        codes = [self.expr(a) for a in args]
        rk = T.kind_of(result)
        if name == "abs":
            if rk == "int":
                return wrap(f"h_abs({codes[0]})", result)
            return f"h_abs({codes[0]})"
        if name in ("sqrt", "ln", "log", "exp", "sin", "cos", "tan", "asin", "acos", "atan"):
            return f"h_{name}({self._num_args(call, result, line)[0]})"
        if name == "expt":
            return f"h_expt({codes[0]}, {codes[1]})"
        if name in ("min", "max"):
            values = self._num_args(call, result, line) if rk == "real" else codes
            if len(values) == 2 and rk in ("int", "real", "bit", "time"):
                a, b = self.new_tmp("_a"), self.new_tmp("_b")
                cmp = ">" if name == "min" else "<"
                return f"({b} if ({a} := {values[0]}) {cmp} ({b} := {values[1]}) else {a})"
            return f"h_{name}({', '.join(values)})"
        if name == "limit":
            values = self._num_args(call, result, line) if rk == "real" else codes
            mn, x, mx = values
            if _SIMPLE.match(mn) and _SIMPLE.match(mx) and rk in ("int", "real", "bit", "time"):
                v = self.new_tmp("_v")
                return f"({mn} if ({v} := {x}) < {mn} else {mx} if {v} > {mx} else {v})"
            return f"h_limit({', '.join(values)})"
        if name == "sel":
            a, b = codes[1], codes[2]
            if rk == "real":
                a = self.coerce(args[1], result, line)
                b = self.coerce(args[2], result, line)
            return f"({b} if {codes[0]} else {a})"
        if name == "mux":
            values = codes[1:]
            if rk == "real":
                values = [self.coerce(a, result, line) for a in args[1:]]
            return f"h_mux({codes[0]}, {line}, {', '.join(values)})"
        if name in ("shl", "shr", "rol", "ror"):
            bits = T.base_of(result).bits
            return f"h_{name}({codes[0]}, {codes[1]}, {bits})"
        if name == "len":
            return f"h_len({codes[0]})"
        if name == "concat":
            return f"h_concat({self.ck.limits.max_string_length}, {', '.join(codes)})"
        if name in ("left", "right", "mid", "find", "insert", "delete", "replace"):
            return f"h_{name}({', '.join(codes)})"
        if name == "move":
            if isinstance(result, (T.ArrayType, T.StructType)):
                return f"h_copy({codes[0]})"
            return codes[0]
        if name == "trunc":
            return wrap(f"h_trunc({codes[0]}, {line})", T.DINT)
        raise ValueError(name)

    def conversion(self, call, line: int) -> str:
        """Code of a type conversion."""
        src = call.source
        dst = call.result
        code = self.expr(call.args[0])
        sk, dk = T.kind_of(src), T.kind_of(dst)
        if dk == "string":
            if sk == "string":
                return code
            helper = {"bool": "h_bool_to_str", "real": "h_real_to_str", "time": "h_time_to_str"}
            return f"{helper.get(sk, 'h_int_to_str')}({code})"
        if sk == "string":
            if dk == "real":
                return f"h_str_to_real({code}, {line})"
            if dk == "bool":
                return f"(h_str_to_int({code}, {line}) != 0)"
            return wrap(f"h_str_to_int({code}, {line})", dst)
        if dk == "bool":
            return f"({code} != 0)"
        if sk == "bool":
            value = f"(1 if {code} else 0)"
            return f"({value} + 0.0)" if dk == "real" else value
        if dk == "real":
            return f"({code} + 0.0)"
        if sk == "real":
            return wrap(f"h_round({code}, {line})", dst)
        if dk == "time" and sk == "time":
            return code
        return wrap(code, dst)
