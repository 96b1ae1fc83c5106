"""Celery tasks of the credentials app: thin, idempotent, ids and primitives only."""

import csv
import io
import logging
from datetime import datetime

from celery import shared_task
from django.db import OperationalError
from django.utils import translation

from . import services
from .models import BulkVerification
from .verification import verify_reference

logger = logging.getLogger(__name__)


# acks_late is safe: issuing is idempotent (unique holder+template), so a task redelivered
# after a worker died half-way returns the credential already issued or issues it once.
@shared_task(
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def credential_issue_task(user_id: int, kind: str, page_id: int, completed_at: str) -> str | None:
    """Issue the credential for a completed course or programme; returns its public id."""
    credential = services.credential_issue_for_completion(
        user_id=user_id,
        kind=kind,
        page_id=page_id,
        completed_at=datetime.fromisoformat(completed_at),
    )
    return str(credential.public_id) if credential else None


RESULT_COLUMNS = (
    "url",
    "verdict",
    "issuer",
    "achievement",
    "valid_from",
    "valid_until",
    "problems",
)


def _row(reference: str) -> list[str]:
    report = verify_reference(reference)
    summary = report.summary
    problems = [
        line.message for line in report.checks if line.outcome in ("failed", "unknown")
    ] or ([report.problem] if report.problem else [])
    return [
        reference,
        report.verdict or "invalid",
        (report.issuer_institution or (summary.issuer_name if summary else "")) or "",
        (summary.achievement_name if summary else "") or "",
        (summary.valid_from if summary else "") or "",
        (summary.valid_until if summary else "") or "",
        " | ".join(problems),
    ]


@shared_task(time_limit=1800, soft_time_limit=1700)
def bulk_verify_task(job_id: int) -> None:
    """Verify every URL of a bulk job, updating its progress as it goes; idempotent (a re-run
    starts the job over)."""
    job = BulkVerification.objects.get(pk=job_id)
    BulkVerification.objects.filter(pk=job_id).update(state=BulkVerification.State.RUNNING, done=0)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RESULT_COLUMNS)
    try:
        with translation.override(job.language):
            for done, reference in enumerate(job.input_rows, start=1):
                writer.writerow(_row(reference))
                BulkVerification.objects.filter(pk=job_id).update(done=done)
    except BaseException:
        # Whatever stopped the job (a time limit, a lost database), the page must stop waiting.
        BulkVerification.objects.filter(pk=job_id).update(state=BulkVerification.State.FAILED)
        raise
    BulkVerification.objects.filter(pk=job_id).update(
        state=BulkVerification.State.DONE, result_csv=out.getvalue()
    )
