"""Runs one learner notebook with nbclient; started by ``labs.jupyterhub.grading`` only.

This file is executed as a script in a child process whose environment was scrubbed, whose
working directory is a fresh temporary one and whose limits are set below before any learner
code runs (the kernel nbclient starts inherits them). It imports nothing of the project and
never Django: learner code must find no settings, secrets or database connections here.

Usage: ``python notebook_runner.py NOTEBOOK RESULT_FD KERNEL CELL_TIMEOUT CPU_S MEMORY_MB``.
Writes JSON lines to the file descriptor RESULT_FD (the kernel does not inherit it):
``{"kernel_pid": n}`` once the kernel runs, then ``{"cells": [...], "error": ...}``.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def _limit(which: int, value: int) -> None:
    """Soft and hard limit both, so learner code cannot raise them again (unless root)."""
    _soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def main(argv: list[str]) -> int:
    path, fd, kernel, cell_timeout, cpu_s, memory_mb = argv
    out = os.fdopen(int(fd), "w", encoding="utf-8")
    _limit(resource.RLIMIT_CPU, int(cpu_s))
    _limit(resource.RLIMIT_AS, int(memory_mb) * 1024 * 1024)
    _limit(resource.RLIMIT_FSIZE, 64 * 1024 * 1024)
    _limit(resource.RLIMIT_CORE, 0)

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)

    def report_kernel(**_kwargs) -> None:
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None)
        if pid:
            out.write(json.dumps({"kernel_pid": pid}) + "\n")
            out.flush()

    client = NotebookClient(
        nb,
        timeout=int(cell_timeout),
        kernel_name=kernel,
        allow_errors=True,
        on_notebook_start=report_kernel,
        resources={"metadata": {"path": os.getcwd()}},
    )
    error = None
    try:
        client.execute()
    except Exception as exc:  # any failure of the run is reported, the checks say the rest
        error = {"type": type(exc).__name__, "message": str(exc)[:500]}
    cells = [
        {
            "tags": list(cell.metadata.get("tags", [])),
            "ran": cell.get("execution_count") is not None,
            "errors": [
                str(o.get("evalue", ""))[:500]
                for o in cell.get("outputs", [])
                if o.get("output_type") == "error"
            ],
        }
        for cell in nb.cells
        if cell.cell_type == "code"
    ]
    out.write(json.dumps({"cells": cells, "error": error}) + "\n")
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
