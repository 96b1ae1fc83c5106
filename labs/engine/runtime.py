"""The scan runtime: process image, tasks, simulated clock, watchdog, restarts, snapshots."""

from __future__ import annotations

import math
import re
import time

from . import types as T
from .checker import PouInfo, Symbol, normalize_address
from .diagnostics import AccessError, Fault
from .lexer import parse_time
from .program import Program
from .stdlib import PlcFault, Struct, h_copy

SNAPSHOT_FORMAT = "labs.engine/1"
_PATH_RE = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_]*|\d+)\s*((?:\[\s*-?\d+(?:\s*,\s*-?\d+)*\s*\])*)\s*"
)
_WD_CHUNK = 4096


class _Context:
    """Per-runtime state the generated code reads: the clock and the watchdog counter."""

    __slots__ = ("fast", "left", "now", "stamp", "t0", "wd")

    def __init__(self):
        self.now = 0
        self.wd = _WD_CHUNK
        self.left = 0
        self.t0 = 0.0
        self.stamp = -1
        self.fast = False


class _Ref:
    """A resolved variable: ``container[key]`` or ``container.key``, with its type."""

    __slots__ = ("address", "constant", "container", "key", "name", "type")

    def __init__(self, container, key, type_, name, address=None, constant=False):
        self.container = container
        self.constant = constant
        self.key = key
        self.type = type_
        self.name = name
        self.address = address

    def get(self):
        if isinstance(self.key, int):
            return self.container[self.key]
        return getattr(self.container, self.key)

    def set(self, value):
        if isinstance(self.key, int):
            self.container[self.key] = value
        else:
            setattr(self.container, self.key, value)


class _BitRef:
    """One bit of an integer or bit-string variable, ``status.3``."""

    __slots__ = ("address", "bit", "constant", "name", "parent", "type")

    def __init__(self, parent: _Ref, bit: int):
        self.parent = parent
        self.bit = bit
        self.type = T.BOOL
        self.name = f"{parent.name}.{bit}"
        self.address = None
        self.constant = parent.constant

    def get(self):
        return (self.parent.get() >> self.bit) & 1 == 1

    def set(self, value):
        base = T.base_of(self.parent.type)
        old = self.parent.get()
        new = old | (1 << self.bit) if value else old & ~(1 << self.bit)
        if base.signed:
            half = 1 << (base.bits - 1)
            new = ((new + half) & ((1 << base.bits) - 1)) - half
        self.parent.set(new)


def to_plc(value, t, name: str):
    """Convert an outside value (JSON-like) to the engine's representation of type ``t``."""
    k = T.kind_of(t)

    def bad():
        return AccessError("A_VALUE", value=str(value)[:40], type=str(t), name=name)

    if k == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise bad()
    if k in ("int", "bit"):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise bad()
        if not t.low <= value <= t.high:
            raise bad()
        return value
    if k == "real":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad()
        return float(value)
    if k == "time":
        if isinstance(value, str):
            text = value.strip()
            body = text.split("#", 1)[1] if "#" in text else text
            parsed = parse_time(body)
            if parsed is None:
                raise bad()
            return parsed
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad()
        return round(value)
    if k == "string":
        if not isinstance(value, str) or len(value) > t.length:
            raise bad()
        return value
    if k == "enum":
        if isinstance(value, str):
            text = value.strip().lower()
            if "#" in text:
                type_name, _, text = text.partition("#")
                if type_name != t.name:
                    raise bad()
            if text in t.values:
                return t.values.index(text)
        raise bad()
    raise AccessError("A_NOT_SCALAR", name=name)


def from_plc(value, t):
    """The outside (JSON-compatible) form of an engine value of type ``t``."""
    if isinstance(t, T.EnumType):
        if isinstance(value, int) and 0 <= value < len(t.values):
            return f"{t.display}#{t.displays[value]}"
        return None
    if isinstance(t, T.ArrayType):
        return [from_plc(v, t.element) for v in value]
    if isinstance(t, T.StructType):
        return {
            display: from_plc(getattr(value, f"v_{fname}"), ftype)
            for fname, (display, ftype, _init) in t.fields.items()
        }
    if isinstance(t, T.FBType):
        return {
            sym.display: from_plc(getattr(value, sym.attr), sym.type)
            for sym in t.info.symbols.values()
            if sym.storage == "self"
        }
    return value


def _encode(value):
    if isinstance(value, Struct):
        return {slot: _encode(getattr(value, slot)) for slot in value.__slots__}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": repr(value)}
    return value


def _decode_scalar(data, current):
    if isinstance(data, dict) and "$float" in data:
        return float(data["$float"])
    if isinstance(current, bool):
        if not isinstance(data, bool):
            raise ValueError("bool expected")
        return data
    if isinstance(current, float):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise ValueError("number expected")
        return float(data)
    if isinstance(current, int):
        if isinstance(data, bool) or not isinstance(data, int):
            raise ValueError("integer expected")
        return data
    if isinstance(current, str):
        if not isinstance(data, str):
            raise ValueError("string expected")
        return data
    raise ValueError("unexpected value")


def _decode_into(obj, data):
    """Load snapshot ``data`` into an existing instance object, type-checking every leaf."""
    if not isinstance(data, dict):
        raise ValueError("object expected")
    for slot in obj.__slots__:
        if slot not in data:
            raise ValueError(f"missing {slot}")
        current = getattr(obj, slot)
        if isinstance(current, Struct):
            _decode_into(current, data[slot])
        elif isinstance(current, list):
            _decode_list(current, data[slot])
        else:
            setattr(obj, slot, _decode_scalar(data[slot], current))


def _decode_list(current: list, data):
    if not isinstance(data, list) or len(data) != len(current):
        raise ValueError("array of the wrong size")
    for i, item in enumerate(data):
        cur = current[i]
        if isinstance(cur, Struct):
            _decode_into(cur, item)
        elif isinstance(cur, list):
            _decode_list(cur, item)
        else:
            current[i] = _decode_scalar(item, cur)


class Runtime:
    """A PLC running one ``Program`` with a simulated clock (see docs/engine/language.md)."""

    def __init__(self, program: Program, scan_ms: int = 10):
        if isinstance(scan_ms, bool) or not isinstance(scan_ms, int) or scan_ms <= 0:
            raise AccessError("A_VALUE", value=str(scan_ms), type="scan_ms > 0", name="scan_ms")
        self.program = program
        self.scan_ms = scan_ms
        self._ctx = _Context()
        self._status = "RUN"
        self._fast_ok = False
        self.fault: Fault | None = None
        self._forced: dict[str, tuple[_Ref, object, str]] = {}
        self._globals = program.classes["_G"]()
        namespace = dict(program.namespace)
        namespace["G"] = self._globals
        namespace["C"] = self._ctx
        namespace["h_wd"] = self._watchdog
        namespace["h_fault"] = self._fault_in_cycle
        namespace["h_scan"] = self._scan_slow
        namespace["h_crash"] = self._crash_in_cycle
        namespace["h_PlcFault"] = PlcFault
        namespace["h_Exception"] = Exception
        self._instances = {}
        for inst in program.instances:
            obj = program.classes[inst.pou.name]()
            self._instances[inst.name] = obj
            namespace[f"P_{inst.name}"] = obj
        self._in = [T.default_value(s.type) for _a, s, _w in program.inputs]
        self._out = [T.default_value(s.type) for _a, s, _w in program.outputs]
        namespace["SCAN_MS"] = scan_ms
        namespace["IN"] = self._in
        namespace["OUT"] = self._out
        namespace["__builtins__"] = {}
        exec(program.code, namespace)  # noqa: S102 - generated from the checked AST only
        self._ns = namespace
        self._cycle = namespace["cycle"]
        self._copy_in = namespace["copy_in"]
        self._copy_out = namespace["copy_out"]
        self._init_all = namespace["init_all"]
        self._bodies = {
            inst.name: (namespace[f"p_{inst.pou.name}"], self._instances[inst.name])
            for inst in program.instances
        }
        self._task_due = {t.name: 0 for t in program.tasks}
        self._every_tick = tuple(self._bodies[i.name] for i in program.instances if i.task is None)
        self._fast = not program.tasks
        self._init_all()
        self.status = "RUN"

    @property
    def clock_ms(self) -> int:
        """The PLC clock in ms: the scan that runs at clock t sees TIME now = t."""
        return self._ctx.now

    @clock_ms.setter
    def clock_ms(self, value: int) -> None:
        self._ctx.now = value

    @property
    def status(self) -> str:
        """RUN, STOP or FAULT."""
        return self._status

    @status.setter
    def status(self, value: str) -> None:
        self._status = value
        self._fast_ok = value == "RUN" and self._fast and not self._forced
        self._ctx.fast = self._fast_ok
        # While the generated cycle alone is enough, it *is* rt.scan (one call less).
        if self._fast_ok:
            self.__dict__["scan"] = self._cycle
        else:
            self.__dict__.pop("scan", None)

    def _fault_in_cycle(self, exc: PlcFault) -> None:
        self._enter_fault(exc.code, exc.line, exc.args_dict)
        self._ctx.now += self.scan_ms

    def _crash_in_cycle(self, exc: Exception) -> None:
        self._enter_fault("F_INTERNAL", 0, {"detail": type(exc).__name__})
        self._ctx.now += self.scan_ms

    # --------------------------------------------------------------- scans
    def scan(self) -> None:
        """One base tick: inputs in, due tasks, outputs out, then the clock advances."""
        if self._fast_ok:
            self._cycle()  # catches its own faults and advances the clock
        else:
            self._scan_slow()

    def _scan_slow(self) -> None:
        if self._status == "RUN":
            try:
                self._scan_general()
            except PlcFault as exc:
                self._enter_fault(exc.code, exc.line, exc.args_dict)
            except Exception as exc:  # sandbox boundary: any slip in a scan is a FAULT
                self._enter_fault("F_INTERNAL", 0, {"detail": type(exc).__name__})
        self._ctx.now += self.scan_ms

    def _scan_general(self) -> None:
        self._ctx.wd = min(self.program.watchdog_chunk, self.program.limits.max_loop_iterations)
        self._copy_in()
        self._apply_forces()
        now = self.clock_ms
        for task in self.program.tasks:
            if now >= self._task_due[task.name]:
                due = self._task_due[task.name]
                while due <= now:
                    due += task.interval_ms
                self._task_due[task.name] = due
                for name in task.instances:
                    body, obj = self._bodies[name]
                    body(obj)
        for body, obj in self._every_tick:
            body(obj)
        self._apply_forces()
        self._copy_out()

    def _apply_forces(self) -> None:
        for ref, value, _display in self._forced.values():
            ref.set(value)
            self._sync_input(ref)

    def _sync_input(self, ref) -> None:
        """After writing a located input (or one of its bits), update the input image."""
        target = ref.parent if isinstance(ref, _BitRef) else ref
        index = self.program.input_index.get(target.address) if target.address else None
        if index is not None:
            self._in[index] = target.get()

    def _watchdog(self, line: int) -> None:
        ctx = self._ctx
        limits = self.program.limits
        if ctx.stamp != ctx.now:
            # First call in this scan: the scan itself armed only the first chunk.
            ctx.stamp = ctx.now
            first = min(self.program.watchdog_chunk, limits.max_loop_iterations)
            ctx.left = limits.max_loop_iterations - first
            ctx.t0 = time.perf_counter()
        while ctx.wd < 0:
            if ctx.left <= 0:
                raise PlcFault("F_WATCHDOG", line, limit=limits.max_loop_iterations)
            chunk = min(self.program.watchdog_chunk, ctx.left)
            ctx.left -= chunk
            ctx.wd += chunk
        if (time.perf_counter() - ctx.t0) * 1000.0 > limits.watchdog_ms:
            raise PlcFault("F_WATCHDOG_TIME", line, limit=limits.watchdog_ms)

    def _enter_fault(self, code: str, line: int, args: dict) -> None:
        self.status = "FAULT"
        self.fault = Fault(code, line, 1, dict(args), self.clock_ms)
        self._clear_outputs()

    def _clear_outputs(self) -> None:
        for i, (_a, sym, _w) in enumerate(self.program.outputs):
            self._out[i] = T.default_value(sym.type)

    def run_for(self, ms: int) -> None:
        """Scan repeatedly for ``ms`` milliseconds of PLC time."""
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise AccessError("A_VALUE", value=str(ms), type="ms >= 0", name="run_for")
        end = self.clock_ms + ms
        while self.clock_ms < end:
            self.scan()

    # ------------------------------------------------------------ control
    def stop(self) -> None:
        """Stop the program: scans only advance the clock; outputs go to FALSE/0."""
        if self.status == "RUN":
            self.status = "STOP"
            self._clear_outputs()

    def start(self) -> None:
        """Run again after ``stop()``; after a FAULT this does a warm restart first."""
        if self.status == "FAULT":
            self.warm_restart()
        self.status = "RUN"

    def cold_restart(self) -> None:
        """Re-initialise every variable (RETAIN too) and run."""
        self._init_all()
        self._restart()

    def warm_restart(self) -> None:
        """Re-initialise every variable except RETAIN ones, and run."""
        kept = []
        for path in self.program.retain_paths:
            obj = self._ns[path[0]]
            for attr in path[1:-1]:
                obj = getattr(obj, attr)
            kept.append((path, h_copy(getattr(obj, path[-1]))))
        self._init_all()
        for path, value in kept:
            obj = self._ns[path[0]]
            for attr in path[1:-1]:
                obj = getattr(obj, attr)
            setattr(obj, path[-1], value)
        self._restart()

    def _restart(self) -> None:
        self.status = "RUN"
        self.fault = None
        self._clear_outputs()
        for name in self._task_due:
            self._task_due[name] = self.clock_ms

    # ------------------------------------------------------------ access
    def _resolve(self, name: str) -> _Ref:
        if not isinstance(name, str) or not name.strip():
            raise AccessError("A_UNKNOWN", name=str(name)[:60])
        text = name.strip()
        if text.startswith("%"):
            address = normalize_address(text)
            entry = self.program.located.get(address) if address else None
            if entry is None:
                raise AccessError("A_UNKNOWN", name=text[:60])
            sym, where = entry
            holder = self._ns[where]
            return _Ref(holder, sym.attr, sym.type, sym.display, address, sym.constant)
        parts = text.split(".")
        steps = []
        for part in parts:
            match = _PATH_RE.fullmatch(part)
            if not match:
                raise AccessError("A_UNKNOWN", name=text[:60])
            # "grid[1,2][3]" -> [[1, 2], [3]]
            brackets = match.group(2) or ""
            groups = [
                [int(x) for x in re.findall(r"-?\d+", chunk)] for chunk in brackets.split("]")[:-1]
            ]
            steps.append((match.group(1).lower(), groups))
        first, first_idx = steps[0]
        prog = self.program
        container = sym = None
        rest = steps[1:]
        first = prog.aliases.get(first, first)
        if prog.configured:
            if first in self._instances and rest and not first_idx:
                inst = next(i for i in prog.instances if i.name == first)
                name2, idx2 = rest[0]
                sym = inst.pou.symbols.get(name2)
                if sym is None or sym.storage == "local":
                    raise AccessError("A_UNKNOWN", name=text[:60])
                container, first_idx, rest = self._instances[first], idx2, rest[1:]
        else:
            inst = prog.instances[0]
            local = inst.pou.symbols.get(first)
            if local is not None and local.storage != "local":
                container, sym = self._instances[inst.name], local
        if sym is None:
            sym = prog.globals.get(first)
            if sym is None:
                raise AccessError("A_UNKNOWN", name=text[:60])
            container = self._globals
        ref = _Ref(container, sym.attr, sym.type, sym.display, sym.address, sym.constant)
        ref = self._index(ref, first_idx, text)
        for member, idx in rest:
            t = ref.type
            if member.isdigit():
                base = T.base_of(t)
                bit = int(member)
                if (
                    idx
                    or not isinstance(base, T.Elementary)
                    or base.kind not in ("int", "bit")
                    or bit >= base.bits
                ):
                    raise AccessError("A_UNKNOWN", name=text[:60])
                ref = _BitRef(ref, bit)
                continue
            obj = ref.get()
            if isinstance(t, T.FBType):
                info: PouInfo = t.info
                msym: Symbol | None = info.symbols.get(member)
                if msym is None or msym.storage == "local":
                    raise AccessError("A_UNKNOWN", name=text[:60])
                ref = _Ref(
                    obj, msym.attr, msym.type, f"{ref.name}.{msym.display}", None, msym.constant
                )
            elif isinstance(t, T.StructType) and member in t.fields:
                display, ftype, _init = t.fields[member]
                ref = _Ref(obj, f"v_{member}", ftype, f"{ref.name}.{display}")
            else:
                raise AccessError("A_UNKNOWN", name=text[:60])
            ref = self._index(ref, idx, text)
        return ref

    def _index(self, ref: _Ref, groups, text) -> _Ref:
        for group in groups:
            t = ref.type
            if not isinstance(t, T.ArrayType) or len(group) != len(t.dims):
                raise AccessError("A_UNKNOWN", name=text[:60])
            offset = 0
            for value, (lo, hi) in zip(group, t.dims, strict=True):
                if not lo <= value <= hi:
                    raise AccessError("A_UNKNOWN", name=text[:60])
                offset = offset * (hi - lo + 1) + (value - lo)
            ref = _Ref(ref.get(), offset, t.element, ref.name, None, ref.constant)
        return ref

    def _writable(self, name: str):
        ref = self._resolve(name)
        if ref.constant:
            raise AccessError("A_CONSTANT", name=ref.name)
        return ref

    def read(self, name: str):
        """Value of a variable (``MOTOR``, ``T1.Q``, ``inst.var``) or address (``%QX0.1``)."""
        ref = self._resolve(name)
        if isinstance(name, str) and name.strip().startswith("%"):
            # An address names the process image: what the plant sees or sends.
            if ref.address in self.program.input_index:
                return self._in[self.program.input_index[ref.address]]
            if ref.address in self.program.output_index:
                return self._out[self.program.output_index[ref.address]]
        return from_plc(ref.get(), ref.type)

    def write(self, name: str, value) -> None:
        """One-time write; the program may overwrite the value later."""
        ref = self._writable(name)
        plc_value = to_plc(value, ref.type, ref.name)
        ref.set(plc_value)
        self._sync_input(ref)

    def force(self, name: str, value) -> None:
        """Hold a variable at ``value`` regardless of the program, until ``unforce``."""
        ref = self._writable(name)
        plc_value = to_plc(value, ref.type, ref.name)
        key = ref.address or ref.name.lower()
        self._forced[key] = (ref, plc_value, ref.name)
        self.status = self._status
        ref.set(plc_value)
        self._sync_input(ref)

    def unforce(self, name: str) -> None:
        """Release a forced variable (its value stays until something writes it)."""
        ref = self._resolve(name)
        self._forced.pop(ref.address or ref.name.lower(), None)
        self.status = self._status

    @property
    def forced(self) -> dict:
        """Forced variables: name -> value."""
        return {display: from_plc(v, ref.type) for ref, v, display in self._forced.values()}

    def set_input(self, address: str, value) -> None:
        """Write the input image at ``address`` (as a plant or a fieldbus does)."""
        canon = normalize_address(address) if isinstance(address, str) else None
        index = self.program.input_index.get(canon) if canon else None
        if index is None:
            raise AccessError("A_UNKNOWN", name=str(address)[:60])
        sym = self.program.inputs[index][1]
        self._in[index] = to_plc(value, sym.type, sym.display)

    def input_setter(self, address: str):
        """A function ``set(value)`` equal to ``set_input(address, value)``, resolved once.

        A plant writes its sensors every scan; parsing the address and converting the value
        on each call was a large share of grading time. Values already in the engine's
        representation (a ``bool`` for BOOL, an ``int`` in range for integers, a ``float``
        for REAL) are stored directly; anything else goes through ``set_input``, so bad values
        raise the same ``AccessError``.
        """
        canon = normalize_address(address) if isinstance(address, str) else None
        index = self.program.input_index.get(canon) if canon else None
        if index is None:
            raise AccessError("A_UNKNOWN", name=str(address)[:60])
        t = self.program.inputs[index][1].type
        kind = T.kind_of(t)
        image = self._in
        slow = self.set_input

        if kind == "bool":

            def set_bool(value) -> None:
                if value is True or value is False:
                    image[index] = value
                else:
                    slow(address, value)

            return set_bool
        if kind in ("int", "bit"):
            low, high = t.low, t.high

            def set_int(value) -> None:
                if value.__class__ is int and low <= value <= high:
                    image[index] = value
                else:
                    slow(address, value)

            return set_int
        if kind == "real":

            def set_real(value) -> None:
                if value.__class__ is float:
                    image[index] = value
                else:
                    slow(address, value)

            return set_real
        return lambda value: slow(address, value)

    def get_output(self, address: str):
        """The output image at ``address`` after the last scan."""
        canon = normalize_address(address) if isinstance(address, str) else None
        index = self.program.output_index.get(canon) if canon else None
        if index is None:
            raise AccessError("A_UNKNOWN", name=str(address)[:60])
        return self._out[index]

    def image(self) -> dict:
        """Every located address with its current value (inputs and outputs from the image)."""
        result = {}
        for address, (sym, where) in sorted(self.program.located.items()):
            if address in self.program.input_index:
                result[address] = self._in[self.program.input_index[address]]
            elif address in self.program.output_index:
                result[address] = self._out[self.program.output_index[address]]
            else:
                result[address] = getattr(self._ns[where], sym.attr)
        return result

    # ---------------------------------------------------------- snapshots
    def snapshot(self) -> dict:
        """The whole state as JSON-compatible data (see ``Runtime.restore``)."""
        return {
            "format": SNAPSHOT_FORMAT,
            "source_hash": self.program.source_hash,
            "scan_ms": self.scan_ms,
            "clock_ms": self.clock_ms,
            "status": self.status,
            "fault": self.fault.to_dict() if self.fault else None,
            "inputs": _encode(list(self._in)),
            "outputs": _encode(list(self._out)),
            "forced": {
                key: [display, _encode(v)] for key, (_r, v, display) in self._forced.items()
            },
            "tasks": dict(self._task_due),
            "globals": _encode(self._globals),
            "programs": {name: _encode(obj) for name, obj in self._instances.items()},
        }

    @classmethod
    def restore(cls, program: Program, snap: dict) -> Runtime:
        """A runtime in exactly the state of ``snap`` (taken from the same program)."""
        try:
            if snap.get("format") != SNAPSHOT_FORMAT:
                raise ValueError("unknown snapshot format")
            if snap.get("source_hash") != program.source_hash:
                raise ValueError("snapshot of another program")
            rt = cls(program, scan_ms=snap["scan_ms"])
            clock = snap["clock_ms"]
            if isinstance(clock, bool) or not isinstance(clock, int) or clock < 0:
                raise ValueError("bad clock")
            rt.clock_ms = clock
            if snap["status"] not in ("RUN", "STOP", "FAULT"):
                raise ValueError("bad status")
            rt.status = snap["status"]
            rt.fault = Fault.from_dict(snap["fault"]) if snap["fault"] else None
            _decode_list(rt._in, snap["inputs"])
            _decode_list(rt._out, snap["outputs"])
            _decode_into(rt._globals, snap["globals"])
            for name, obj in rt._instances.items():
                _decode_into(obj, snap["programs"][name])
            for name in rt._task_due:
                due = snap["tasks"][name]
                if isinstance(due, bool) or not isinstance(due, int):
                    raise ValueError("bad task state")
                rt._task_due[name] = due
            for key, (display, value) in snap["forced"].items():
                ref = rt._resolve(key if key.startswith("%") else display)
                rt._forced[key] = (ref, _decode_scalar(value, ref.get()), display)
            rt.status = rt.status
        except AccessError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AccessError("A_SNAPSHOT", detail=str(exc)[:80]) from None
        return rt
