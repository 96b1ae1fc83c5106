"""``serve``: run a PLC program and its plant in real time behind Modbus TCP and OPC UA.

Registered as ``python -m labs.engine serve`` (and ``python -m labs.gateway serve``)::

    serve PROGRAM.st --plant tank --modbus 127.0.0.1:5020 [--opcua opc.tcp://127.0.0.1:4840]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import signal
import sys
from pathlib import Path

from labs.engine import CompileError, compile_program
from labs.engine.plants import PLANTS, create_plant

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
_TEXT = {
    "bad_endpoint": (
        "Bad --modbus address {value!r}: use HOST:PORT.",
        "--modbus 地址 {value!r} 无效：请使用 HOST:PORT。",
    ),
    "bad_duration": (
        "Bad duration {value!r}: use e.g. 500ms, 60s, 2m.",
        "时长 {value!r} 无效：例如 500ms、60s、2m。",
    ),
    "no_file": ("Cannot read {value}: {detail}", "无法读取 {value}：{detail}"),
    "no_plant": (
        "Unknown plant {value!r}; plants: {detail}.",
        "未知的设备 {value!r}；可用设备：{detail}。",
    ),
    "listen": ("Cannot listen on {value}: {detail}", "无法在 {value} 上监听：{detail}"),
    "modbus": (
        "Modbus TCP on {value} (OpenPLC address map)",
        "Modbus TCP：{value}（OpenPLC 地址映射）",
    ),
    "opcua": (
        "OPC UA on {value}, folder Objects/{detail}",
        "OPC UA：{value}，文件夹 Objects/{detail}",
    ),
    "running": (
        "PLC running, scan {value} ms; Ctrl-C stops.",
        "PLC 运行中，扫描周期 {value} ms；按 Ctrl-C 停止。",
    ),
    "stopped": (
        "Stopped after {value} scans ({detail}).",
        "已停止，共扫描 {value} 次（{detail}）。",
    ),
    "nothing": ("Give --modbus and/or --opcua.", "请至少指定 --modbus 或 --opcua。"),
}


def _say(key: str, lang: str, value: object = "", detail: object = "") -> str:
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(value=value, detail=detail)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``serve`` options on ``parser``."""
    parser.add_argument("program", help="Structured Text source file")
    parser.add_argument("--plant", choices=sorted(PLANTS), help="simulated plant to attach")
    parser.add_argument("--modbus", metavar="HOST:PORT", help="Modbus TCP listen address")
    parser.add_argument("--opcua", metavar="URL", help="OPC UA endpoint, opc.tcp://HOST:PORT")
    parser.add_argument("--scan-ms", type=int, default=10, help="PLC base tick (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="plant random seed")
    parser.add_argument("--name", default="sandbox", help="OPC UA folder name")
    parser.add_argument("--for", dest="duration", metavar="DURATION", help="stop after (60s)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en", help="message language")


def parse_duration(text: str) -> float:
    """``"500ms"`` -> 0.5, ``"2m"`` -> 120.0 seconds; ValueError otherwise."""
    m = _DURATION.match(text.strip())
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_host_port(text: str) -> tuple[str, int]:
    """``"127.0.0.1:5020"`` -> ``("127.0.0.1", 5020)``; ValueError otherwise."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(text)
    return host.strip("[]"), int(port)


def serve(args: argparse.Namespace) -> int:
    """Run the ``serve`` command; returns the process exit status."""
    lang = args.lang
    out, err = sys.stdout, sys.stderr
    if not args.modbus and not args.opcua:
        print(_say("nothing", lang), file=err)
        return 2
    try:
        modbus = parse_host_port(args.modbus) if args.modbus else None
    except ValueError:
        print(_say("bad_endpoint", lang, args.modbus), file=err)
        return 2
    try:
        duration = parse_duration(args.duration) if args.duration else None
    except ValueError:
        print(_say("bad_duration", lang, args.duration), file=err)
        return 2
    try:
        source = Path(args.program).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(_say("no_file", lang, args.program, exc), file=err)
        return 2
    plant = create_plant(args.plant, seed=args.seed) if args.plant else None
    try:
        program = compile_program(source, io=plant.io_points() if plant else ())
    except CompileError as exc:
        for diag in exc.diagnostics:
            print(f"{args.program}:{diag.line}:{diag.column}: {diag.message(lang)}", file=err)
            print(diag.excerpt(), file=err)
        return 1
    return asyncio.run(_serve(program, plant, modbus, duration, args, out, err))


async def _serve(program, plant, modbus, duration, args, out, err) -> int:
    from .modbus import ModbusGateway
    from .opcua import OpcUaGateway
    from .sandbox import GatewayError, Sandbox

    lang = args.lang
    sandbox = Sandbox(program, plant=plant, scan_ms=args.scan_ms, name=args.name)
    stop = asyncio.Event()
    started = []
    try:
        if modbus is not None:
            gateway = ModbusGateway(sandbox, *modbus)
            try:
                await gateway.start()
            except (OSError, RuntimeError) as exc:
                print(_say("listen", lang, args.modbus, exc), file=err)
                return 1
            started.append(gateway)
            print(_say("modbus", lang, args.modbus), file=out, flush=True)
        if args.opcua:
            ua_gateway = OpcUaGateway(args.opcua)
            try:
                await ua_gateway.start()
            except (OSError, RuntimeError) as exc:
                print(_say("listen", lang, args.opcua, exc), file=err)
                return 1
            started.append(ua_gateway)
            try:
                await ua_gateway.add_sandbox(args.name, sandbox)
            except GatewayError as exc:
                print(exc.message(lang), file=err)
                return 2
            print(_say("opcua", lang, args.opcua, args.name), file=out, flush=True)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        if duration is not None:
            loop.call_later(duration, stop.set)
        print(_say("running", lang, args.scan_ms), file=out, flush=True)
        await sandbox.run(stop)
        print(_say("stopped", lang, sandbox.scans, sandbox.runtime.status), file=out, flush=True)
        return 0
    finally:
        for gateway in reversed(started):
            await gateway.stop()


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``serve`` to the ``python -m labs.engine`` command line."""
    parser = subparsers.add_parser(
        "serve", help="run a program and its plant in real time behind Modbus TCP / OPC UA"
    )
    add_serve_arguments(parser)
    parser.set_defaults(func=serve)


def main(argv: list[str] | None = None) -> int:
    """``python -m labs.gateway serve ...``."""
    parser = argparse.ArgumentParser(prog="python -m labs.gateway")
    sub = parser.add_subparsers(dest="command", required=True)
    add_serve_arguments(sub.add_parser("serve", help="run a sandbox behind Modbus/OPC UA"))
    args = parser.parse_args(argv)
    return serve(args)
