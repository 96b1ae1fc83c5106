"""labs.engine: an IEC 61131-3 Structured Text compiler and deterministic scan runtime.

Pure Python, no dependency on Django or the rest of the project. See
docs/engine/language.md for the supported language and engine-api.md for the API.
"""

from .diagnostics import AccessError, CompileError, Diagnostic, Fault
from .program import IOPoint, Limits, Program, VarInfo, compile_program
from .runtime import Runtime
from .timeline import TimelineError, TimelineReport, run_timeline

__all__ = [
    "AccessError",
    "CompileError",
    "Diagnostic",
    "Fault",
    "IOPoint",
    "Limits",
    "Program",
    "Runtime",
    "TimelineError",
    "TimelineReport",
    "VarInfo",
    "compile_program",
    "run_timeline",
]
