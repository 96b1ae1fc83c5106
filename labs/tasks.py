"""Celery tasks of the labs: thin wrappers around services, taking ids only.

Notebook grading runs learner code, so it has its own task, routed to its own queue
(``LABS_NOTEBOOK_QUEUE``, default ``notebooks``, see ``CELERY_TASK_ROUTES``): operators run a
separate worker for it (``celery -A lms worker -Q notebooks``) on a host or container without
the platform's secrets. Even there the notebook runs in a scrubbed, limited child process
(``labs.jupyterhub.grading``).
"""

from celery import shared_task

from . import selectors, services

GRADING = {
    "bind": True,
    "acks_late": True,  # safe: submission_grade is idempotent
    "reject_on_worker_lost": True,  # a killed worker's message goes back to the queue
    "autoretry_for": (ConnectionError, TimeoutError),
    "retry_backoff": True,
    "max_retries": 3,
}


@shared_task(soft_time_limit=120, time_limit=150, **GRADING)
def grade_submission(self, submission_id: int) -> str | None:
    """Grade one stored PLC submission; returns its status.

    A notebook submission is handed to :func:`grade_notebook_submission` (its own queue)
    instead: learner notebooks never run on this task's workers.
    """
    if selectors.submission_kind(submission_id) == "notebook":
        grade_notebook_submission.delay(submission_id)
        return "forwarded"
    return _grade(self, submission_id)


@shared_task(soft_time_limit=150, time_limit=180, **GRADING)
def grade_notebook_submission(self, submission_id: int) -> str | None:
    """Grade one stored notebook submission in an isolated child process; returns its status.

    The time limits exceed ``LABS_NOTEBOOK_TIMEOUT`` (default 90 s), after which the
    notebook is stopped and graded with a message, so the task itself ends normally.
    """
    return _grade(self, submission_id)


def _grade(task, submission_id: int) -> str | None:
    try:
        sub = services.submission_grade(submission_id)
    except (ConnectionError, TimeoutError):
        if task.request.retries >= task.max_retries:
            services.submission_fail(submission_id, "grading kept failing; ask for a regrade")
        raise
    return None if sub is None else sub.status


@shared_task(time_limit=60)
def reap_realtime_endpoints() -> int:
    """Stop real-time endpoints nobody has looked at for the idle timeout (run every minute)."""
    return services.realtime_reap()
