"""Service tier: a real Celery worker killed in the middle of grading loses nothing."""

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from labs.models import Submission
from labs.tasks import grade_submission
from lms.celery import app as celery_app
from tests.celery_worker import celery_worker
from tests.processes import stop_process

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# the reference logic plus a busy loop: grading takes several seconds, time to kill the worker
SLOW_BUT_RIGHT = """PROGRAM MotorControl
VAR
    run : BOOL;
    i : DINT;
    busy : DINT;
END_VAR
FOR i := 1 TO 15000 DO
    busy := busy + 1;
END_FOR;
run := (START OR run) AND STOP AND OL;
K1 := run;
LAMP_RUN := run;
LAMP_FAULT := NOT OL;
END_PROGRAM
"""


def _worker(queue: str, log: Path) -> subprocess.Popen:
    # a short visibility timeout: a killed worker's task comes back within seconds
    return celery_worker(
        queue, log, hostname=uuid.uuid4().hex[:8], env={"CELERY_VISIBILITY_TIMEOUT": "3"}
    )


def _wait(predicate, timeout: float, log: Path, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen; worker log:\n{log.read_text()[-4000:]}")
        time.sleep(0.2)


def test_submission_survives_a_killed_worker_and_is_graded_once(lab, learner, tmp_path):
    """SIGKILL while grading: the message comes back, another worker grades it once."""
    lesson, block_id, _course = lab
    sub = Submission.objects.create(
        user=learner,
        lesson_page_id=lesson.pk,
        block_id=block_id,
        attempt=1,
        source=SLOW_BUT_RIGHT,
        config={"plant": "motor", "scenarios": None, "pass_score": 100, "visible": []},
    )
    queue, log = f"labs-{uuid.uuid4().hex[:8]}", tmp_path / "worker.log"
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    first = _worker(queue, log)
    second = None
    try:
        grade_submission.apply_async(args=[sub.pk], queue=queue)

        def running():
            sub.refresh_from_db()
            return sub.status == Submission.Status.RUNNING

        _wait(running, 60, log, "grading start")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        sub.refresh_from_db()
        assert sub.status == Submission.Status.RUNNING and sub.result == {}

        second = _worker(queue, log)

        def graded():
            sub.refresh_from_db()
            return sub.status == Submission.Status.GRADED

        _wait(graded, 120, log, "regrading after the kill")
        assert sub.passed and sub.score == 100
        assert sub.grading_runs == 2
        assert Submission.objects.count() == 1
    finally:
        celery_app.conf.task_always_eager = previous
        for proc in (first, second):
            if proc is not None:
                stop_process(proc)


def test_a_worker_of_the_notebook_queue_alone_grades_notebooks(lab, learner, tmp_path):
    """A submitted notebook goes where CELERY_TASK_ROUTES sends the notebook task: a worker
    consuming only the configured notebook queue grades it (no default-queue worker runs)."""
    import nbformat
    import redis
    from django.conf import settings

    from labs import services

    lesson, block_id, _course = lab
    queue, log = settings.LABS_NOTEBOOK_QUEUE, tmp_path / "worker.log"
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)  # nothing left from a past run
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = _worker(queue, log)
    try:
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("level = 50")])
        config = {
            "checks": [
                {"name": "level", "code": "assert level == 50", "message_en": "level"},
                {"name": "wrong", "code": "assert level == 60", "message_en": "not 60"},
            ],
            "pass_score": 50,
        }
        sub = services.notebook_submission_create(learner.pk, lesson.pk, block_id, notebook, config)

        def graded():
            sub.refresh_from_db()
            return sub.status == Submission.Status.GRADED

        _wait(graded, 120, log, "notebook grading on its own queue")
        assert sub.score == 50 and sub.passed
        checks = {c["id"]: c for c in sub.result["en"]["checks"]}
        assert checks["level"]["passed"] and not checks["wrong"]["passed"]
        assert checks["wrong"]["message"] == "not 60"
    finally:
        celery_app.conf.task_always_eager = previous
        stop_process(worker)
