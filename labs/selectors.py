"""Reads of the labs app: lab definitions in lessons, drafts, attempts, instructor statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Max, Q
from django.db.models.fields.json import KT
from wagtail.models import Page

from .blocks import JupyterLabBlock, PlcLabBlock, PlcLabConfig, plc_lab_config
from .models import LabDraft, Submission


@dataclass(frozen=True)
class LabRef:
    """A lab block inside a live lesson page."""

    lesson: Page
    block_id: str
    block_type: str
    value: Any


def lab_block(lesson_page_id: int, block_id: str, block_type: str) -> LabRef | None:
    """The lab block ``block_id`` of type ``block_type`` in a live page, or None.

    Works on the raw StreamField data through this app's own block, so it reads lessons saved
    with the courses placeholder blocks as well.
    """
    page = Page.objects.live().filter(pk=lesson_page_id).first()
    if page is None:
        return None
    page = page.specific
    body = getattr(page, "body", None)
    raw = getattr(body, "raw_data", None)
    if raw is None:
        return None
    block = PlcLabBlock() if block_type == "plc_lab" else JupyterLabBlock()
    for item in raw:
        if item.get("id") == block_id and item.get("type") == block_type:
            return LabRef(page, block_id, block_type, block.to_python(item.get("value") or {}))
    return None


def plc_lab(lesson_page_id: int, block_id: str) -> tuple[LabRef, PlcLabConfig] | None:
    """The PLC lab and its configuration; None when missing or misconfigured."""
    ref = lab_block(lesson_page_id, block_id, "plc_lab")
    if ref is None:
        return None
    try:
        return ref, plc_lab_config(ref.value)
    except ValidationError:
        return None


def draft_source(user_id: int, lesson_page_id: int, block_id: str) -> LabDraft | None:
    """The learner's autosaved draft of a lab."""
    return LabDraft.objects.filter(
        user_id=user_id, lesson_page_id=lesson_page_id, block_id=block_id
    ).first()


def draft_history(draft: LabDraft, limit: int = 50) -> list[dict[str, Any]]:
    """The latest versions of a draft, newest first."""
    return [
        {"version": v.version, "saved_at": v.saved_at.isoformat(), "chars": len(v.source)}
        for v in draft.versions.all()[:limit]
    ]


def attempts(user_id: int, lesson_page_id: int, block_id: str) -> list[Submission]:
    """The learner's attempts at a lab, newest first."""
    return list(
        Submission.objects.filter(
            user_id=user_id, lesson_page_id=lesson_page_id, block_id=block_id
        ).order_by("-attempt")
    )


def submission_kind(submission_id: int) -> str | None:
    """The kind of a stored submission (``plc`` or ``notebook``); None when there is none."""
    return Submission.objects.filter(pk=submission_id).values_list("kind", flat=True).first()


def attempts_used(user_id: int, lesson_page_id: int, block_id: str) -> int:
    """How many attempts the learner has submitted."""
    return Submission.objects.filter(
        user_id=user_id, lesson_page_id=lesson_page_id, block_id=block_id
    ).count()


def lab_statistics(lesson_page_id: int, block_id: str, lang: str = "en") -> dict[str, Any]:
    """For instructors: attempts per learner and the most common failing checks."""
    subs = Submission.objects.filter(lesson_page_id=lesson_page_id, block_id=block_id)
    per_learner = list(
        subs.values("user_id", "user__email")
        .annotate(
            attempts=Count("id"),
            best=Max("score"),
            passed=Count("id", filter=Q(passed=True)),
        )
        .order_by("user__email")
    )
    failing: Counter[tuple[str, str]] = Counter()
    messages: dict[tuple[str, str], str] = {}
    for result in subs.filter(status=Submission.Status.GRADED).values_list("result", flat=True):
        localized = (result or {}).get(lang) or (result or {}).get("en") or {}
        for scenario in localized.get("scenarios", []):
            for check in scenario.get("checks", []):
                if not check.get("passed"):
                    key = (scenario.get("name", ""), check.get("id", ""))
                    failing[key] += 1
                    messages.setdefault(key, check.get("message", ""))
        if localized.get("diagnostics"):
            failing[("compile", "compile")] += 1
            messages.setdefault(("compile", "compile"), localized["diagnostics"][0]["message"])
    return {
        "total": subs.count(),
        "average": subs.aggregate(avg=Avg("score"))["avg"],
        "learners": per_learner,
        "failing": [
            {"scenario": s, "check": c, "count": n, "message": messages[(s, c)]}
            for (s, c), n in failing.most_common(10)
        ],
    }


def best_passing_attempts(user_id: int, lesson_page_ids: list[int]) -> list[dict[str, Any]]:
    """The learner's best passing graded attempt at each lab (PLC or Jupyter) in the given
    lesson pages, for other apps (the credentials app's evidence): [{lesson_page_id,
    block_id, kind ("plc"/"notebook"), title, score (percent), graded_at, attempt,
    attempts (graded attempts at that lab)}], highest score first per lab, the earliest
    such attempt on a tie. One query."""
    graded = Submission.objects.filter(
        user_id=user_id, lesson_page_id__in=lesson_page_ids, status=Submission.Status.GRADED
    ).order_by("lesson_page_id", "block_id", "-score", "graded_at")
    best: dict[tuple[int, str], dict[str, Any]] = {}
    counts: Counter[tuple[int, str]] = Counter()
    # Only the lab's title from the stored configuration (which also holds every scenario).
    rows = graded.values(
        "lesson_page_id",
        "block_id",
        "kind",
        "score",
        "passed",
        "graded_at",
        "attempt",
        title=KT("config__title"),
    )
    for row in rows:
        key = (row["lesson_page_id"], row["block_id"])
        counts[key] += 1
        if row.pop("passed") and key not in best:
            best[key] = {**row, "title": row["title"] or "", "score": float(row["score"] or 0)}
    return [{**row, "attempts": counts[key]} for key, row in best.items()]


def plc_labs(lesson_page_id: int) -> list[tuple[str, PlcLabConfig]]:
    """The well-configured PLC labs of a live lesson, in page order: [(block_id, config)]."""
    page = Page.objects.live().filter(pk=lesson_page_id).first()
    raw = getattr(getattr(page.specific, "body", None), "raw_data", None) if page else None
    found = []
    for item in raw or ():
        if item.get("type") == "plc_lab" and item.get("id"):
            try:
                found.append((item["id"], plc_lab_config(item.get("value") or {})))
            except ValidationError:
                continue
    return found
