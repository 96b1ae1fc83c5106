"""Grading a learner's notebook: run it, then each check of the lab, with nbclient."""

from __future__ import annotations

import json
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

CHECK_TAG = "lab-check:"


def grade_notebook(source: str, config: dict[str, Any]) -> tuple[dict[str, Any], float, bool]:
    """Run the notebook (JSON text) then the checks; returns (result by lang, score, passed).

    A check passes when its cell runs without an exception. Errors in the learner's own cells
    are kept running past (``allow_errors``) so every check gets a verdict.
    """
    checks = config.get("checks") or []
    try:
        nb = nbformat.reads(source, as_version=4)
    except (ValueError, json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        message = {"en": f"The notebook could not be read: {exc}", "zh": f"无法读取笔记本：{exc}"}
        return {lang: {"error": message[lang], "checks": []} for lang in message}, 0.0, False
    for check in checks:
        cell = nbformat.v4.new_code_cell(check["code"])
        cell.metadata["tags"] = [CHECK_TAG + check["name"]]
        nb.cells.append(cell)
    client = NotebookClient(
        nb,
        timeout=int(config.get("cell_timeout", 30)),
        kernel_name=config.get("kernel", "python3"),
        allow_errors=True,
    )
    error = None
    try:
        client.execute()
    except (CellTimeoutError, DeadKernelError, RuntimeError) as exc:
        error = str(exc)[:500]
    verdicts = {}
    for cell in nb.cells:
        tags = [t for t in cell.metadata.get("tags", []) if t.startswith(CHECK_TAG)]
        if not tags:
            continue
        outputs = cell.get("outputs", [])
        failed = [o for o in outputs if o.get("output_type") == "error"]
        ran = "execution_count" in cell and cell.get("execution_count") is not None
        verdicts[tags[0][len(CHECK_TAG) :]] = (
            ran and not failed,
            failed[0].get("evalue", "") if failed else "",
        )
    result = {}
    passed_count = 0
    for lang in ("en", "zh"):
        rows = []
        for check in checks:
            ok, detail = verdicts.get(check["name"], (False, "not run"))
            message = "" if ok else check.get(f"message_{lang}") or check.get("message_en", "")
            rows.append({"id": check["name"], "passed": ok, "message": message, "detail": detail})
        result[lang] = {"checks": rows, "error": error}
        passed_count = sum(1 for r in rows if r["passed"])
    score = round(100.0 * passed_count / len(checks), 1) if checks else 0.0
    passed = bool(checks) and error is None and score >= float(config.get("pass_score", 100))
    return result, score, passed
