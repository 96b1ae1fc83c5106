"""Writes of the labs app: autosave, submissions and their grading, real-time endpoints."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labs.engine.grading import grade, reference_solution

from . import selectors
from .models import LabDraft, LabDraftVersion, RealtimeEndpoint, Submission
from .sandbox import ProgramRejected, compile_cached

logger = logging.getLogger(__name__)


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


class LabError(Exception):
    """A refused lab action with a translated message and an HTTP status."""

    def __init__(self, message: str, status: int = 400, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


def source_checked(source: Any) -> str:
    """``source`` when it is text within LABS_MAX_SOURCE_CHARS; LabError otherwise."""
    if not isinstance(source, str):
        raise LabError(_("The program must be text."))
    limit = _setting("LABS_MAX_SOURCE_CHARS", 100_000)
    if len(source) > limit:
        raise LabError(
            _("The program is too long (%(n)d characters; at most %(limit)d).")
            % {"n": len(source), "limit": limit},
            413,
            "too_big",
        )
    return source


# -- autosave -----------------------------------------------------------------------------------


def draft_save(
    user_id: int, lesson_page_id: int, block_id: str, source: Any, *, base_version: int | None
) -> LabDraft:
    """Save the learner's program; edits within LABS_DRAFT_WINDOW seconds share one version.

    ``base_version`` is the version the page started from: an older one means another tab
    saved meanwhile; the newer text wins and both stay in the history (nothing is lost).
    """
    source = source_checked(source)
    now = timezone.now()
    window = timedelta(seconds=_setting("LABS_DRAFT_WINDOW", 60))
    with transaction.atomic():
        draft, _created = LabDraft.objects.select_for_update().get_or_create(
            user_id=user_id, lesson_page_id=lesson_page_id, block_id=block_id
        )
        if draft.source == source and draft.version:
            return draft
        latest = draft.versions.first()
        fold = (
            latest is not None
            and base_version == draft.version
            and now - latest.saved_at < window
            and draft.versions.count() > 1
        )
        if fold:
            latest.source = source
            latest.saved_at = now
            latest.save(update_fields=["source", "saved_at"])
        else:
            draft.version += 1
            LabDraftVersion.objects.create(
                draft=draft, version=draft.version, source=source, saved_at=now
            )
        draft.source = source
        draft.save(update_fields=["source", "version", "updated_at"])
        keep = _setting("LABS_DRAFT_VERSIONS_KEPT", 200)
        old = draft.versions.values_list("pk", flat=True)[keep:]
        if old:
            LabDraftVersion.objects.filter(pk__in=list(old)).delete()
    return draft


# -- submissions --------------------------------------------------------------------------------


def submission_create(user_id: int, lesson_page_id: int, block_id: str, source: Any) -> Submission:
    """Store an attempt, then queue its grading when the transaction commits.

    Refused (LabError) when the lab does not exist or the attempts are used up.
    """
    source = source_checked(source)
    found = selectors.plc_lab(lesson_page_id, block_id)
    if found is None:
        raise LabError(_("This lab does not exist or is not published."), 410, "no_lab")
    _ref, config = found
    from .tasks import grade_submission

    for _try in range(3):
        try:
            with transaction.atomic():
                used = selectors.attempts_used(user_id, lesson_page_id, block_id)
                if config.max_attempts and used >= config.max_attempts:
                    raise LabError(
                        _("You have used all %(n)d attempts of this lab.")
                        % {"n": config.max_attempts},
                        403,
                        "attempts",
                    )
                submission = Submission.objects.create(
                    user_id=user_id,
                    lesson_page_id=lesson_page_id,
                    block_id=block_id,
                    kind=Submission.Kind.PLC,
                    attempt=used + 1,
                    source=source,
                    config=config.to_dict(),
                )
                grade_submission.delay_on_commit(submission.pk)
                return submission
        except IntegrityError:  # two submissions raced for the same attempt number
            continue
    raise LabError(_("Too many submissions at once; try again."), 429, "busy")


def notebook_submission_create(
    user_id: int, lesson_page_id: int, block_id: str, notebook: dict[str, Any], config: dict
) -> Submission:
    """Store a notebook (as fetched from the learner's server) and queue its grading."""
    import json

    from .tasks import grade_notebook_submission

    with transaction.atomic():
        used = selectors.attempts_used(user_id, lesson_page_id, block_id)
        submission = Submission.objects.create(
            user_id=user_id,
            lesson_page_id=lesson_page_id,
            block_id=block_id,
            kind=Submission.Kind.NOTEBOOK,
            attempt=used + 1,
            source=json.dumps(notebook),
            config=config,
        )
        grade_notebook_submission.delay_on_commit(submission.pk)
    return submission


def submission_grade(submission_id: int) -> Submission | None:
    """Grade a stored submission once; safe to run again (a redelivered task changes nothing).

    The grading itself runs outside any transaction; the result is written only if no other
    run wrote one meanwhile.
    """
    with transaction.atomic():
        sub = Submission.objects.select_for_update().filter(pk=submission_id).first()
        if sub is None or sub.status in (Submission.Status.GRADED, Submission.Status.ERROR):
            return sub
        sub.status = Submission.Status.RUNNING
        sub.grading_runs += 1
        sub.save(update_fields=["status", "grading_runs"])
    if sub.kind == Submission.Kind.NOTEBOOK:
        from .jupyterhub.grading import grade_notebook

        result, score, passed = grade_notebook(sub.source, sub.config)
    else:
        result, score, passed = _grade_plc(sub)
    with transaction.atomic():
        sub = Submission.objects.select_for_update().get(pk=submission_id)
        if sub.status == Submission.Status.GRADED:
            return sub
        sub.result = result
        sub.score = score
        sub.passed = passed
        sub.status = Submission.Status.GRADED
        sub.graded_at = timezone.now()
        sub.save(update_fields=["result", "score", "passed", "status", "graded_at"])
        _report_progress(sub)
    return sub


def _grade_plc(sub: Submission) -> tuple[dict[str, Any], float, bool]:
    config = sub.config
    outcome = grade(sub.source, config["plant"], config["scenarios"])
    score = outcome.score if outcome.compiled else 0.0
    passed = outcome.compiled and outcome.error is None and score >= float(config["pass_score"])
    result = {lang: outcome.to_dict(lang) for lang in ("en", "zh")}
    visible = set(config.get("visible") or [])
    for lang_result in result.values():
        for scenario in lang_result.get("scenarios", []):
            scenario["visible"] = scenario["name"] in visible
    return result, score, passed


def _report_progress(sub: Submission) -> None:
    from courses import services as courses_services

    try:
        courses_services.lesson_requirement_complete(
            sub.user_id, sub.lesson_page_id, "lab", float(sub.score or 0), sub.passed
        )
    except ValidationError as exc:
        # not enrolled, lesson unpublished...: the grade stands, progress is not recorded
        logger.info("lab result not recorded as progress for %s: %s", sub.pk, exc)


def submission_fail(submission_id: int, error: str) -> None:
    """Mark a submission that could not be graded after every retry (kept for a regrade)."""
    Submission.objects.filter(pk=submission_id).exclude(status=Submission.Status.GRADED).update(
        status=Submission.Status.ERROR, error=error[:2000]
    )


# -- real-time endpoints ------------------------------------------------------------------------


def _ports() -> range:
    low, high = _setting("LABS_REALTIME_PORTS", (15020, 15119))
    return range(int(low), int(high) + 1)


def realtime_reap() -> int:
    """Stop endpoints idle longer than LABS_REALTIME_IDLE_SECONDS; returns how many."""
    idle = timedelta(seconds=_setting("LABS_REALTIME_IDLE_SECONDS", 600))
    stale = RealtimeEndpoint.objects.filter(
        stopped_at__isnull=True, last_seen_at__lt=timezone.now() - idle
    )
    count = 0
    for endpoint in stale:
        _stop(endpoint)
        count += 1
    return count


def _stop(endpoint: RealtimeEndpoint) -> None:
    if endpoint.pid and endpoint.host == socket.gethostname():
        with contextlib.suppress(ProcessLookupError):
            os.kill(endpoint.pid, signal.SIGTERM)
    endpoint.stopped_at = timezone.now()
    endpoint.save(update_fields=["stopped_at"])


def realtime_stop(user_id: int) -> int:
    """Stop every live endpoint of the learner."""
    live = RealtimeEndpoint.objects.filter(user_id=user_id, stopped_at__isnull=True)
    count = 0
    for endpoint in live:
        _stop(endpoint)
        count += 1
    return count


def realtime_touch(user_id: int) -> RealtimeEndpoint | None:
    """The learner's live endpoint, marked as in use now (the page calls this while open)."""
    endpoint = RealtimeEndpoint.objects.filter(user_id=user_id, stopped_at__isnull=True).first()
    if endpoint is not None:
        endpoint.last_seen_at = timezone.now()
        endpoint.save(update_fields=["last_seen_at"])
    return endpoint


def realtime_start(
    user_id: int, lesson_page_id: int, block_id: str, source: Any
) -> RealtimeEndpoint:
    """Run the learner's program and plant in real time behind Modbus TCP (and OPC UA).

    A learner has one endpoint at a time (starting again replaces it); the total is bounded
    by LABS_REALTIME_MAX_TOTAL and the port range. Refused with LabError when full.
    """
    source = source_checked(source)
    found = selectors.plc_lab(lesson_page_id, block_id)
    if found is None:
        raise LabError(_("This lab does not exist or is not published."), 410, "no_lab")
    _ref, config = found
    if config.realtime == "off":
        raise LabError(_("This lab has no real-time endpoint."), 403, "no_realtime")
    try:
        compile_cached(config.plant, source)
    except ProgramRejected as exc:
        raise LabError(_("Fix the compile errors first."), 400, "compile") from exc
    realtime_reap()
    realtime_stop(user_id)
    host = _setting("LABS_REALTIME_BIND", "127.0.0.1")
    with transaction.atomic():
        live = RealtimeEndpoint.objects.select_for_update().filter(stopped_at__isnull=True)
        used = set(live.values_list("modbus_port", flat=True))
        used |= {p for p in live.values_list("opcua_port", flat=True) if p}
        if len(live) >= _setting("LABS_REALTIME_MAX_TOTAL", 20):
            raise LabError(
                _("All real-time endpoints are in use. Try again in a few minutes."), 503, "full"
            )
        free = [p for p in _ports() if p not in used]
        need = 2 if config.realtime == "modbus_opcua" else 1
        if len(free) < need:
            raise LabError(
                _("All real-time endpoints are in use. Try again in a few minutes."), 503, "full"
            )
        now = timezone.now()
        endpoint = RealtimeEndpoint.objects.create(
            user_id=user_id,
            lesson_page_id=lesson_page_id,
            block_id=block_id,
            host=socket.gethostname(),
            modbus_port=free[0],
            opcua_port=free[1] if need == 2 else None,
            started_at=now,
            last_seen_at=now,
        )
    endpoint.pid = _spawn(config.plant, source, host, endpoint)
    endpoint.save(update_fields=["pid"])
    return endpoint


def _spawn(plant: str, source: str, host: str, endpoint: RealtimeEndpoint) -> int:
    folder = tempfile.mkdtemp(prefix="lab-rt-")
    path = os.path.join(folder, "program.st")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(source)
    lifetime = _setting("LABS_REALTIME_MAX_SECONDS", 3600)
    cmd = [
        sys.executable,
        "-m",
        "labs.gateway",
        "serve",
        path,
        "--plant",
        plant,
        "--modbus",
        f"{host}:{endpoint.modbus_port}",
        "--for",
        f"{lifetime}s",
    ]
    if endpoint.opcua_port:
        cmd += ["--opcua", f"opc.tcp://{host}:{endpoint.opcua_port}"]
    proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return proc.pid


def submission_reference_pass(user_id: int, lesson_page_id: int, block_id: str) -> Submission:
    """Submit the lab's reference solution (the block's own, else the one shipped with its
    plant) as the learner's attempt and grade it now; for demo content. Returns the
    learner's passing attempt when there already is one (safe to repeat)."""
    passed = Submission.objects.filter(
        user_id=user_id,
        lesson_page_id=lesson_page_id,
        block_id=block_id,
        status=Submission.Status.GRADED,
        passed=True,
    ).first()
    if passed is not None:
        return passed
    found = selectors.plc_lab(lesson_page_id, block_id)
    if found is None:
        raise LabError(_("This lab does not exist or is not published."), 410, "no_lab")
    _ref, config = found
    source = config.reference_solution or reference_solution(config.plant)
    submission = submission_create(user_id, lesson_page_id, block_id, source)
    return submission_grade(submission.pk)
