"""Grading a learner's notebook: run it, then each check of the lab, in an isolated process.

Learner code never runs in the worker process. ``grade_notebook`` writes the notebook (with
the lab's checks appended as tagged cells) to a fresh temporary directory and runs
``notebook_runner.py`` there as a child process with:

- an environment built from a short allow-list (no ``SECRET_KEY``, ``DATABASE_URL``,
  ``REDIS_URL``, ``CREDENTIALS_KEY_SECRET``, hub tokens...), ``HOME`` and ``TMPDIR`` in the
  temporary directory;
- CPU-time, address-space, file-size and core-dump limits (``LABS_NOTEBOOK_CPU_SECONDS``,
  ``LABS_NOTEBOOK_MEMORY_MB``) that the kernel inherits;
- a wall-clock limit for the whole run (``LABS_NOTEBOOK_TIMEOUT``) after which the runner and
  its kernel are killed.

Whatever happens (timeout, killed kernel, out of memory, unreadable notebook) the result is
a grade with a message on every check, never an exception that would lose the submission.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

CHECK_TAG = "lab-check:"
RUNNER = Path(__file__).with_name("notebook_runner.py")
# what a kernel needs from the worker's environment; everything else stays behind
ENV_ALLOW = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ")
MAX_REPORT = 1024 * 1024


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _both(message: str, **params: Any) -> dict[str, str]:
    """A message (marked with gettext_noop) in English and Chinese: results keep both."""
    texts = {}
    for lang, code in (("en", "en"), ("zh", "zh-hans")):
        with translation.override(code):
            texts[lang] = gettext(message) % params if params else gettext(message)
    return texts


def runner_env(tmp: str) -> dict[str, str]:
    """The child's environment: the allow-listed variables, home and temp in ``tmp``."""
    env = {k: os.environ[k] for k in ENV_ALLOW if k in os.environ}
    env.setdefault("PATH", "/usr/bin:/bin")
    env.update(
        HOME=tmp,
        TMPDIR=tmp,
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONNOUSERSITE="1",
    )
    return env


def grade_notebook(source: str, config: dict[str, Any]) -> tuple[dict[str, Any], float, bool]:
    """Run the notebook (JSON text) then the checks; returns (result by lang, score, passed).

    A check passes when its cell runs without an exception. Errors in the learner's own cells
    are kept running past (``allow_errors``) so every check gets a verdict.
    """
    checks = config.get("checks") or []
    try:
        nb = nbformat.reads(source, as_version=4)
    except (ValueError, json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        error = _both(gettext_noop("The notebook could not be read: %(reason)s"), reason=exc)
        return {lang: {"error": error[lang], "checks": []} for lang in error}, 0.0, False
    for check in checks:
        cell = nbformat.v4.new_code_cell(check["code"])
        cell.metadata["tags"] = [CHECK_TAG + check["name"]]
        nb.cells.append(cell)
    report, error = run_isolated(
        nbformat.writes(nb),
        kernel=config.get("kernel", "python3"),
        cell_timeout=int(config.get("cell_timeout", 30)),
    )
    verdicts: dict[str, tuple[bool, str]] = {}
    for cell in (report or {}).get("cells", []):
        tags = [t for t in cell.get("tags", []) if t.startswith(CHECK_TAG)]
        if tags and cell.get("ran"):  # a check that did not run keeps the "not run" verdict
            errors = cell.get("errors") or []
            verdicts[tags[0][len(CHECK_TAG) :]] = (not errors, errors[0] if errors else "")
    not_run = _both(gettext_noop("not run: the notebook stopped before this check"))
    result = {}
    passed_count = 0
    for lang in ("en", "zh"):
        rows = []
        for check in checks:
            ok, detail = verdicts.get(check["name"], (False, not_run[lang]))
            message = "" if ok else check.get(f"message_{lang}") or check.get("message_en", "")
            rows.append({"id": check["name"], "passed": ok, "message": message, "detail": detail})
        result[lang] = {"checks": rows, "error": None if error is None else error[lang]}
        passed_count = sum(1 for r in rows if r["passed"])
    score = round(100.0 * passed_count / len(checks), 1) if checks else 0.0
    passed = bool(checks) and error is None and score >= float(config.get("pass_score", 100))
    return result, score, passed


def run_isolated(
    notebook_json: str, *, kernel: str, cell_timeout: int
) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
    """Execute the notebook in a scrubbed child process; returns (report, error by lang).

    ``report`` is the runner's ``{"cells": [...], "error": ...}`` (None when it gave none).
    """
    timeout = float(_setting("LABS_NOTEBOOK_TIMEOUT", 90))
    cpu = int(_setting("LABS_NOTEBOOK_CPU_SECONDS", 60))
    memory = int(_setting("LABS_NOTEBOOK_MEMORY_MB", 1024))
    tmp = tempfile.mkdtemp(prefix="lab-notebook-")
    os.chmod(tmp, 0o700)
    read_end, write_end = os.pipe()
    kernel_pid = None
    try:
        Path(tmp, "submission.ipynb").write_text(notebook_json, encoding="utf-8")
        with open(os.path.join(tmp, "runner.log"), "wb") as log:
            proc = subprocess.Popen(  # noqa: S603 - fixed script, arguments of ours
                [
                    sys.executable,
                    "-I",  # isolated: no PYTHON* variables, no user site, no script dir on path
                    str(RUNNER),
                    "submission.ipynb",
                    str(write_end),
                    kernel,
                    str(cell_timeout),
                    str(cpu),
                    str(memory),
                ],
                cwd=tmp,
                env=runner_env(tmp),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                pass_fds=(write_end,),
                start_new_session=True,
            )
        os.close(write_end)
        write_end = -1
        lines, timed_out = _read_report(read_end, proc, time.monotonic() + timeout)
        for line in lines:
            if "kernel_pid" in line:
                kernel_pid = line["kernel_pid"]
        if timed_out:
            _kill(proc, kernel_pid)
            return None, _both(
                gettext_noop(
                    "The notebook ran longer than %(seconds)d seconds and was stopped; "
                    "look for a cell that never ends."
                ),
                seconds=int(timeout),
            )
        returncode = proc.wait(timeout=30)
        _kill(proc, kernel_pid)  # a kernel left behind by a crashed runner
        report = next((line for line in reversed(lines) if "cells" in line), None)
        if report is None:
            return None, _both(
                gettext_noop(
                    "The notebook could not be run to the end (exit status %(code)s): it may "
                    "have used more than %(memory)d MB of memory or %(cpu)d s of CPU time."
                ),
                code=returncode,
                memory=memory,
                cpu=cpu,
            )
        if report.get("error"):
            return report, _run_error(report["error"], cell_timeout)
        return report, None
    finally:
        os.close(read_end)
        if write_end != -1:
            os.close(write_end)
        shutil.rmtree(tmp, ignore_errors=True)


def _run_error(error: dict[str, str], cell_timeout: int) -> dict[str, str]:
    kind = error.get("type", "")
    if kind == "CellTimeoutError":
        return _both(
            gettext_noop("A cell ran longer than %(seconds)d seconds and was stopped."),
            seconds=cell_timeout,
        )
    if kind == "DeadKernelError":
        return _both(
            gettext_noop(
                "The notebook's kernel stopped (it crashed, or went over its memory or CPU "
                "time limit)."
            )
        )
    return _both(
        gettext_noop("The notebook could not be run: %(reason)s"),
        reason=error.get("message", kind)[:300],
    )


def _read_report(fd: int, proc: subprocess.Popen, deadline: float) -> tuple[list[dict], bool]:
    """JSON lines from the runner until it closes the pipe; (lines, True) past the deadline."""
    data = b""
    timed_out = False
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            if not selector.select(timeout=min(remaining, 1.0)):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
            if len(data) > MAX_REPORT:
                break
    lines = []
    for raw in data.splitlines():
        with contextlib.suppress(ValueError):
            line = json.loads(raw)
            if isinstance(line, dict):
                lines.append(line)
    return lines, timed_out


def _kill(proc: subprocess.Popen, kernel_pid: Any) -> None:
    """Kill the runner's and the kernel's process groups (each started its own session)."""
    groups = [proc.pid]
    if isinstance(kernel_pid, int) and kernel_pid > 1:
        groups.append(kernel_pid)
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)
