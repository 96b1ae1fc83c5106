"""Command line: ``python -m labs.engine check|run`` (subcommands register on a parser).

``build_parser()`` returns the parser and its subparsers so that ``__main__`` (or any
other module) can add subcommands; each subcommand sets ``func`` to a callable taking
the parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .diagnostics import AccessError, CompileError
from .lexer import parse_time
from .program import IOPoint, compile_program
from .runtime import Runtime
from .timeline import TimelineError, run_timeline

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

LABELS = {
    "en": {
        "pass": "PASS",
        "fail": "FAIL",
        "expected": "expected",
        "got": "got",
        "summary": "{passed} of {total} checks passed",
        "fault": "PLC FAULT at t={t} ms: {message}",
        "no_errors": "{file}: no errors",
        "read_error": "cannot read {file}: {error}",
        "json_error": "{file} is not valid JSON: {error}",
        "bad_duration": "--for needs a duration such as 60s, 500ms or T#1m",
        "need_timeline": "run needs --timeline FILE or --for DURATION",
        "ran": "ran {ms} ms ({scans} scans), status {status}",
        "bad_io": "io must be a list of objects with name, address and type",
    },
    "zh": {
        "pass": "通过",
        "fail": "失败",
        "expected": "期望",
        "got": "实际",
        "summary": "{total} 项检查中 {passed} 项通过",
        "fault": "PLC 故障（t={t} 毫秒）：{message}",
        "no_errors": "{file}：没有错误",
        "read_error": "无法读取 {file}：{error}",
        "json_error": "{file} 不是有效的 JSON：{error}",
        "bad_duration": "--for 需要一个时长，例如 60s、500ms 或 T#1m",
        "need_timeline": "run 需要 --timeline 文件 或 --for 时长",
        "ran": "运行了 {ms} 毫秒（{scans} 次扫描），状态 {status}",
        "bad_io": "io 必须是包含 name、address 和 type 的对象列表",
    },
}


def _label(lang: str, key: str, **args) -> str:
    table = LABELS["zh" if lang.startswith("zh") else "en"]
    return table[key].format(**args)


def _show(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return json.dumps(value, ensure_ascii=False)


class _UsageError(Exception):
    """A problem with the command line or its input files (exit code 2)."""


def _read_text(path: str, lang: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _UsageError(_label(lang, "read_error", file=path, error=exc)) from None


def _read_json(path: str, lang: str):
    text = _read_text(path, lang)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _UsageError(_label(lang, "json_error", file=path, error=exc)) from None


def _io_points(data, lang: str) -> list[IOPoint]:
    if not isinstance(data, list):
        raise _UsageError(_label(lang, "bad_io"))
    points = []
    for item in data:
        try:
            points.append(IOPoint(str(item["name"]), str(item["address"]), str(item["type"])))
        except (KeyError, TypeError):
            raise _UsageError(_label(lang, "bad_io")) from None
    return points


def _compile(args, io, out):
    source = _read_text(args.program, args.lang)
    try:
        return compile_program(source, io=io), None
    except CompileError as exc:
        if args.json:
            out.write(
                json.dumps(
                    {"ok": False, "diagnostics": [d.to_dict(args.lang) for d in exc.diagnostics]},
                    ensure_ascii=False,
                    indent=2,
                )
                + "\n"
            )
        else:
            out.write(exc.format(args.lang, args.program) + "\n")
        return None, exc


def cmd_check(args, out=None) -> int:
    """``check PROGRAM.st``: print the diagnostics; exit 1 when there are errors."""
    out = out or sys.stdout
    io = _io_points(_read_json(args.io, args.lang), args.lang) if args.io else []
    program, _error = _compile(args, io, out)
    if program is None:
        return EXIT_FAILED
    if args.json:
        warnings = [w.to_dict(args.lang) for w in program.warnings]
        out.write(json.dumps({"ok": True, "diagnostics": warnings}, ensure_ascii=False) + "\n")
    else:
        for warning in program.warnings:
            out.write(warning.format(args.lang, args.program) + "\n")
        out.write(_label(args.lang, "no_errors", file=args.program) + "\n")
    return EXIT_OK


def _tracer(names, out):
    def on_scan(rt: Runtime) -> None:
        values = []
        for name in names:
            try:
                values.append(f"{name}={_show(rt.read(name))}")
            except AccessError as exc:
                values.append(f"{name}=<{exc.message('en')}>")
        out.write(f"t={rt.clock_ms - rt.scan_ms:>8} ms  " + "  ".join(values) + "\n")

    return on_scan


def cmd_run(args, out=None) -> int:
    """``run PROGRAM.st --timeline T.json | --for 60s``: run and report."""
    out = out or sys.stdout
    lang = args.lang
    timeline = _read_json(args.timeline, lang) if args.timeline else None
    io_data = _read_json(args.io, lang) if args.io else None
    if io_data is None and isinstance(timeline, dict) and "io" in timeline:
        io_data = timeline["io"]
    io = _io_points(io_data, lang) if io_data is not None else []
    program, _error = _compile(args, io, out)
    if program is None:
        return EXIT_FAILED
    trace = [n.strip() for n in args.trace.split(",") if n.strip()] if args.trace else []
    on_scan = _tracer(trace, out) if trace and not args.json else None
    if timeline is None:
        if args.duration is None:
            raise _UsageError(_label(lang, "need_timeline"))
        text = args.duration.strip()
        ms = parse_time(text.split("#", 1)[1] if "#" in text else text)
        if ms is None and text.isdigit():
            ms = int(text)
        if ms is None or ms < 0:
            raise _UsageError(_label(lang, "bad_duration"))
        rt = Runtime(program, scan_ms=args.scan_ms)
        while rt.clock_ms < ms:
            rt.scan()
            if on_scan:
                on_scan(rt)
        summary = {
            "clock_ms": rt.clock_ms,
            "status": rt.status,
            "fault": rt.fault.to_dict(lang) if rt.fault else None,
            "values": {name: rt.read(name) for name in trace},
        }
        if args.json:
            out.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(
                _label(
                    lang, "ran", ms=rt.clock_ms, scans=rt.clock_ms // rt.scan_ms, status=rt.status
                )
                + "\n"
            )
            if rt.fault:
                out.write(
                    _label(lang, "fault", t=rt.fault.clock_ms, message=rt.fault.message(lang))
                    + "\n"
                )
        return EXIT_OK if rt.fault is None else EXIT_FAILED
    try:
        report = run_timeline(program, timeline, on_scan=on_scan)
    except TimelineError as exc:
        raise _UsageError(exc.message(lang)) from None
    if args.json:
        out.write(json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK if report.passed else EXIT_FAILED
    for check in report.checks:
        if check["passed"]:
            out.write(
                f"{_label(lang, 'pass')}  t={check['t_ms']} ms  {check['name']} = "
                f"{_show(check['actual'])}\n"
            )
        else:
            out.write(
                f"{_label(lang, 'fail')}  t={check['t_ms']} ms  {check['name']}: "
                f"{_label(lang, 'expected')} {_show(check['expected'])}, "
                f"{_label(lang, 'got')} {_show(check['actual'])}\n"
            )
    if report.fault:
        out.write(
            _label(lang, "fault", t=report.fault.clock_ms, message=report.fault.message(lang))
            + "\n"
        )
    passed = sum(1 for c in report.checks if c["passed"])
    out.write(_label(lang, "summary", passed=passed, total=len(report.checks)) + "\n")
    return EXIT_OK if report.passed else EXIT_FAILED


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    """The ``python -m labs.engine`` parser and its subparsers (to add more commands)."""
    parser = argparse.ArgumentParser(
        prog="python -m labs.engine",
        description="Check and run IEC 61131-3 Structured Text programs.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True)

    def common(sub):
        sub.add_argument("program", help="the .st source file")
        sub.add_argument("--lang", choices=["en", "zh"], default="en", help="message language")
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        sub.add_argument("--io", help="JSON file listing predeclared I/O points")

    check = subparsers.add_parser("check", help="compile a program and print its diagnostics")
    common(check)
    check.set_defaults(func=cmd_check)

    run = subparsers.add_parser("run", help="run a program through a timeline or for a time")
    common(run)
    run.add_argument("--timeline", help="scenario timeline (JSON)")
    run.add_argument("--for", dest="duration", help="run without a timeline, e.g. 60s")
    run.add_argument("--scan-ms", type=int, default=10, help="base tick for --for (ms)")
    run.add_argument("--trace", help="comma-separated variables to print after every scan")
    run.set_defaults(func=cmd_run)
    return parser, subparsers


def run_cli(parser: argparse.ArgumentParser, argv=None) -> int:
    """Parse ``argv`` and run the chosen subcommand; returns the exit code."""
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except _UsageError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_USAGE
    except AccessError as exc:
        sys.stderr.write(f"error: {exc.message(getattr(args, 'lang', 'en'))}\n")
        return EXIT_USAGE


def main(argv=None) -> int:
    """Entry point with only the built-in subcommands."""
    parser, _subparsers = build_parser()
    return run_cli(parser, argv)
