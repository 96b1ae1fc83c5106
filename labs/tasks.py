"""Celery tasks of the labs: thin wrappers around services, taking ids only."""

from celery import shared_task

from . import services


@shared_task(
    bind=True,
    acks_late=True,  # safe: submission_grade is idempotent
    reject_on_worker_lost=True,  # a killed worker's message goes back to the queue
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=150,
)
def grade_submission(self, submission_id: int) -> str | None:
    """Grade one stored submission (PLC program or notebook); returns its status."""
    try:
        sub = services.submission_grade(submission_id)
    except (ConnectionError, TimeoutError):
        if self.request.retries >= self.max_retries:
            services.submission_fail(submission_id, "grading kept failing; ask for a regrade")
        raise
    return None if sub is None else sub.status


@shared_task(time_limit=60)
def reap_realtime_endpoints() -> int:
    """Stop real-time endpoints nobody has looked at for the idle timeout (run every minute)."""
    return services.realtime_reap()
