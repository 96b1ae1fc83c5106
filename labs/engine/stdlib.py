"""Standard function blocks (IEC 61131-3 3rd ed. clause 6.6.3.5) and runtime helpers.

The function-block bodies operate on instance objects whose variables are slots named
``v_<name>`` (the same mangling the code generator uses) plus hidden ``h_*`` state.
The helpers are the only callables the generated code can reach.
"""

from __future__ import annotations

import math

from .types import BOOL, INT, TIME

# name -> (inputs, outputs, hidden state with initial values)
STANDARD_FBS: dict[str, tuple[tuple, tuple, dict]] = {
    "ton": ((("in", BOOL), ("pt", TIME)), (("q", BOOL), ("et", TIME)), {"h_run": False, "h_t0": 0}),
    "tof": (
        (("in", BOOL), ("pt", TIME)),
        (("q", BOOL), ("et", TIME)),
        {"h_run": False, "h_t0": 0, "h_m": False},
    ),
    "tp": (
        (("in", BOOL), ("pt", TIME)),
        (("q", BOOL), ("et", TIME)),
        {"h_run": False, "h_t0": 0, "h_m": False},
    ),
    "ctu": ((("cu", BOOL), ("r", BOOL), ("pv", INT)), (("q", BOOL), ("cv", INT)), {"h_m": False}),
    "ctd": ((("cd", BOOL), ("ld", BOOL), ("pv", INT)), (("q", BOOL), ("cv", INT)), {"h_m": False}),
    "ctud": (
        (("cu", BOOL), ("cd", BOOL), ("r", BOOL), ("ld", BOOL), ("pv", INT)),
        (("qu", BOOL), ("qd", BOOL), ("cv", INT)),
        {"h_mu": False, "h_md": False},
    ),
    "r_trig": ((("clk", BOOL),), (("q", BOOL),), {"h_m": False}),
    # h_m holds the previous CLK; the standard's M (= NOT CLK) starts FALSE, so h_m
    # starts TRUE and a CLK that is FALSE at the first call gives one pulse (as matiec).
    "f_trig": ((("clk", BOOL),), (("q", BOOL),), {"h_m": True}),
    "sr": ((("s1", BOOL), ("r", BOOL)), (("q1", BOOL),), {}),
    "rs": ((("s", BOOL), ("r1", BOOL)), (("q1", BOOL),), {}),
}
STANDARD_FB_DISPLAY = {
    "ton": "TON",
    "tof": "TOF",
    "tp": "TP",
    "ctu": "CTU",
    "ctd": "CTD",
    "ctud": "CTUD",
    "r_trig": "R_TRIG",
    "f_trig": "F_TRIG",
    "sr": "SR",
    "rs": "RS",
}
# Functions that read the PLC clock get it as a second argument.
TIMED_FBS = frozenset({"ton", "tof", "tp"})


def fb_ton(s, now):
    """On-delay timer (figure 15): Q rises PT after IN rises, falls with IN."""
    if s.v_in:
        if not s.h_run:
            s.h_run = True
            s.h_t0 = now
        et = now - s.h_t0
        pt = s.v_pt
        if et >= pt:
            s.v_q = True
            s.v_et = pt if pt > 0 else 0
        else:
            s.v_q = False
            s.v_et = et
    else:
        s.h_run = False
        s.v_q = False
        s.v_et = 0


def fb_tof(s, now):
    """Off-delay timer: Q follows IN up at once, falls PT after IN falls."""
    if s.v_in:
        s.h_run = False
        s.v_q = True
        s.v_et = 0
    else:
        if s.h_m:  # falling edge of IN starts the delay
            s.h_run = True
            s.h_t0 = now
        if s.h_run:
            et = now - s.h_t0
            pt = s.v_pt
            if et >= pt:
                s.h_run = False
                s.v_q = False
                s.v_et = pt if pt > 0 else 0
            else:
                s.v_q = True
                s.v_et = et
    s.h_m = s.v_in


def fb_tp(s, now):
    """Pulse timer: a rising edge of IN gives a pulse of length PT, not retriggerable."""
    if not s.h_run and s.v_in and not s.h_m:
        s.h_run = True
        s.h_t0 = now
    if s.h_run:
        et = now - s.h_t0
        pt = s.v_pt
        if et >= pt:
            s.h_run = False
            s.v_q = False
            s.v_et = pt if pt > 0 else 0
        else:
            s.v_q = True
            s.v_et = et
    else:
        s.v_q = False
        if not s.v_in:
            s.v_et = 0
    s.h_m = s.v_in


def fb_ctu(s):
    """Up counter (figure 16, CTU_INT)."""
    cu = s.v_cu
    if s.v_r:
        s.v_cv = 0
    elif cu and not s.h_m and s.v_cv < 32767:
        s.v_cv += 1
    s.h_m = cu
    s.v_q = s.v_cv >= s.v_pv


def fb_ctd(s):
    """Down counter (CTD_INT)."""
    cd = s.v_cd
    if s.v_ld:
        s.v_cv = s.v_pv
    elif cd and not s.h_m and s.v_cv > -32768:
        s.v_cv -= 1
    s.h_m = cd
    s.v_q = s.v_cv <= 0


def fb_ctud(s):
    """Up-down counter (CTUD_INT)."""
    cu = s.v_cu and not s.h_mu
    cd = s.v_cd and not s.h_md
    if s.v_r:
        s.v_cv = 0
    elif s.v_ld:
        s.v_cv = s.v_pv
    elif not (cu and cd):
        if cu and s.v_cv < 32767:
            s.v_cv += 1
        elif cd and s.v_cv > -32768:
            s.v_cv -= 1
    s.h_mu = s.v_cu
    s.h_md = s.v_cd
    s.v_qu = s.v_cv >= s.v_pv
    s.v_qd = s.v_cv <= 0


def fb_r_trig(s):
    """Rising edge detector."""
    clk = s.v_clk
    s.v_q = clk and not s.h_m
    s.h_m = clk


def fb_f_trig(s):
    """Falling edge detector: Q := NOT CLK AND NOT M; M := NOT CLK (M starts FALSE)."""
    clk = s.v_clk
    s.v_q = (not clk) and s.h_m
    s.h_m = clk


def fb_sr(s):
    """Set-dominant bistable: Q1 := S1 OR (NOT R AND Q1)."""
    s.v_q1 = s.v_s1 or (not s.v_r and s.v_q1)


def fb_rs(s):
    """Reset-dominant bistable: Q1 := NOT R1 AND (S OR Q1)."""
    s.v_q1 = (not s.v_r1) and (s.v_s or s.v_q1)


FB_IMPLS = {
    "ton": fb_ton,
    "tof": fb_tof,
    "tp": fb_tp,
    "ctu": fb_ctu,
    "ctd": fb_ctd,
    "ctud": fb_ctud,
    "r_trig": fb_r_trig,
    "f_trig": fb_f_trig,
    "sr": fb_sr,
    "rs": fb_rs,
}


# ------------------------------------------------------------------ helpers
class PlcFault(Exception):
    """Raised inside a scan to stop the PLC in FAULT state."""

    def __init__(self, code: str, line: int, **args):
        super().__init__(code)
        self.code = code
        self.line = line
        self.args_dict = args


def h_idiv(a, b, line):
    """Integer division truncating toward zero (clause 6.6.2.5.3); faults on zero."""
    if b == 0:
        raise PlcFault("F_DIV_ZERO", line)
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def h_imod(a, b, line):
    """MOD with the sign of the dividend; faults on zero."""
    if b == 0:
        raise PlcFault("F_DIV_ZERO", line)
    r = abs(a) % abs(b)
    return r if a >= 0 else -r


def h_rdiv(a, b):
    """REAL division with IEEE 754 results for a zero divisor."""
    if b == 0:
        if a == 0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def h_tdiv(a, b, line):
    """TIME divided by a number: truncates toward zero."""
    if b == 0:
        raise PlcFault("F_DIV_ZERO", line)
    if isinstance(b, float):
        return h_to_int(a / b, line)
    return h_idiv(a, b, line)


def h_tmul(a, b, line):
    """TIME multiplied by a number."""
    return h_to_int(a * b, line) if isinstance(b, float) else a * b


def h_expt(a, b):
    """EXPT / ``**`` on REAL values, NaN instead of a Python exception."""
    try:
        result = float(a) ** b
    except (OverflowError, ZeroDivisionError):
        return math.inf
    if isinstance(result, complex):
        return math.nan
    return result


def h_round(x, line):
    """REAL to integer: round half to even (IEC 61131-3 clause 6.6.2.5.6)."""
    try:
        return round(x)
    except (OverflowError, ValueError) as exc:
        raise PlcFault("F_MATH", line, detail=str(exc)) from None


def h_trunc(x, line):
    """REAL to integer toward zero (TRUNC)."""
    try:
        return int(x)
    except (OverflowError, ValueError) as exc:
        raise PlcFault("F_MATH", line, detail=str(exc)) from None


def h_to_int(x, line):
    """Round a float result that must become an integer (TIME maths)."""
    return h_round(x, line)


def _math1(fn):
    def wrapped(x):
        try:
            return fn(x)
        except (ValueError, OverflowError):
            return math.nan

    wrapped.__name__ = f"h_{fn.__name__}"
    return wrapped


h_sqrt = _math1(math.sqrt)
h_ln = _math1(math.log)
h_log = _math1(math.log10)
h_exp = _math1(math.exp)
h_sin = _math1(math.sin)
h_cos = _math1(math.cos)
h_tan = _math1(math.tan)
h_asin = _math1(math.asin)
h_acos = _math1(math.acos)
h_atan = _math1(math.atan)


def h_abs(x):
    """ABS (the caller wraps integer results to the type)."""
    return -x if x < 0 else x


def h_min(*xs):
    """MIN of any number of values."""
    result = xs[0]
    for x in xs[1:]:
        if x < result:
            result = x
    return result


def h_max(*xs):
    """MAX of any number of values."""
    result = xs[0]
    for x in xs[1:]:
        if x > result:
            result = x
    return result


def h_limit(mn, x, mx):
    """LIMIT(MN, IN, MX)."""
    return mn if x < mn else mx if x > mx else x


def h_mux(k, line, *xs):
    """MUX(K, IN0, IN1, ...): faults when K selects no input."""
    if 0 <= k < len(xs):
        return xs[k]
    raise PlcFault("F_INDEX", line, index=k, lo=0, hi=len(xs) - 1)


def h_shl(x, n, bits):
    """SHL on a bit string of ``bits`` bits."""
    return (x << n) & ((1 << bits) - 1) if 0 <= n < bits else 0


def h_shr(x, n, bits):
    """SHR on a bit string."""
    return x >> n if 0 <= n < bits else 0


def h_rol(x, n, bits):
    """ROL on a bit string."""
    n %= bits
    mask = (1 << bits) - 1
    return ((x << n) | (x >> (bits - n))) & mask


def h_ror(x, n, bits):
    """ROR on a bit string."""
    n %= bits
    mask = (1 << bits) - 1
    return ((x >> n) | (x << (bits - n))) & mask


def h_len(s):
    """LEN of a string."""
    return len(s)


def h_concat(limit, *parts):
    """CONCAT, truncated to the engine's maximum string length."""
    return "".join(parts)[:limit]


def h_left(s, n):
    """LEFT(IN, L)."""
    return s[: max(n, 0)]


def h_right(s, n):
    """RIGHT(IN, L)."""
    return s[len(s) - min(max(n, 0), len(s)) :]


def h_mid(s, n, p):
    """MID(IN, L, P): L characters from position P (1-based)."""
    if p < 1:
        return ""
    return s[p - 1 : p - 1 + max(n, 0)]


def h_find(s, sub):
    """FIND(IN1, IN2): 1-based position of IN2 in IN1, 0 when absent."""
    return s.find(sub) + 1


def h_insert(s, ins, p):
    """INSERT(IN1, IN2, P): IN2 inserted after position P of IN1."""
    p = min(max(p, 0), len(s))
    return s[:p] + ins + s[p:]


def h_delete(s, n, p):
    """DELETE(IN, L, P): L characters removed from position P."""
    if p < 1:
        return s
    return s[: p - 1] + s[p - 1 + max(n, 0) :]


def h_replace(s, rep, n, p):
    """REPLACE(IN1, IN2, L, P)."""
    if p < 1:
        p = 1
    return s[: p - 1] + rep + s[p - 1 + max(n, 0) :]


def h_int_to_str(x):
    """Integer to STRING."""
    return str(x)


def h_real_to_str(x):
    """REAL to STRING (shortest round-trip form)."""
    return repr(float(x))


def h_bool_to_str(x):
    """BOOL to STRING."""
    return "TRUE" if x else "FALSE"


def h_time_to_str(ms):
    """TIME to STRING, e.g. ``T#1m30s``."""
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    parts = []
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms >= size:
            parts.append(f"{ms // size}{unit}")
            ms %= size
    if ms or not parts:
        parts.append(f"{ms}ms")
    return f"T#{sign}{''.join(parts)}"


def h_str_to_int(s, line):
    """STRING to integer; faults on text that is not a number."""
    try:
        return int(s.strip().replace("_", ""))
    except ValueError:
        raise PlcFault("F_STRING", line, detail=f"'{s[:20]}' is not an integer") from None


def h_str_to_real(s, line):
    """STRING to REAL; faults on text that is not a number."""
    try:
        return float(s.strip().replace("_", ""))
    except ValueError:
        raise PlcFault("F_STRING", line, detail=f"'{s[:20]}' is not a number") from None


def h_oobn(indices, dims, line):
    """Raise the fault of the first index of ``indices`` outside its ``dims`` bounds."""
    for index, (lo, hi) in zip(indices, dims, strict=True):
        if not lo <= index <= hi:
            raise PlcFault("F_INDEX", line, index=index, lo=lo, hi=hi)
    raise PlcFault("F_INTERNAL", line, detail="index check")


def h_range(value, lo, hi, line):
    """Check a value stored into a subrange variable."""
    if lo <= value <= hi:
        return value
    raise PlcFault("F_RANGE", line, value=value, lo=lo, hi=hi)


def h_copy(value):
    """Deep copy of an array (list) or structure (slots object) for value semantics."""
    if isinstance(value, list):
        if value and isinstance(value[0], (list, _Struct)):
            return [h_copy(v) for v in value]
        return list(value)
    if isinstance(value, _Struct):
        new = value.__class__.__new__(value.__class__)
        for name in value.__slots__:
            setattr(new, name, h_copy(getattr(value, name)))
        return new
    return value


def h_fill(factory, count):
    """A list of ``count`` fresh objects made by ``factory`` (arrays of structs/FBs)."""
    return [factory() for _ in range(count)]


class _Struct:
    """Base class of every generated structure and POU instance class."""

    __slots__ = ()


Struct = _Struct

h_iter = range
h_nan = math.nan
h_inf = math.inf

HELPERS = {name: obj for name, obj in globals().items() if name.startswith(("h_", "fb_"))}
