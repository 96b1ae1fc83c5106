"""Service tier: PostgreSQL and Redis over real connections, and a real Celery worker."""

import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from lms.celery import app as celery_app
from lms.models import WorkerHeartbeat
from lms.tasks import worker_heartbeat
from tests.celery_worker import celery_worker
from tests.processes import stop_process

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def not_eager():
    """Send tasks to the broker for real during the test (the suite default is in-process)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker_process(not_eager):
    """A real `celery worker` process on a private queue, stopped after the test."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = ROOT / "var" / f"celery-{queue}.log"
    log.parent.mkdir(exist_ok=True)
    process = celery_worker(queue, log, hostname=queue)
    try:
        yield queue, process, log
    finally:
        stop_process(process)
        log.unlink(missing_ok=True)


def test_database_is_postgresql():
    """With DATABASE_URL set, the suite really talks to PostgreSQL."""
    assert connection.vendor == "postgresql"


def test_real_worker_runs_a_task_sent_through_redis(celery_worker_process):
    """A task sent through Redis is executed by a separate worker; its row lands in PostgreSQL."""
    queue, process, log = celery_worker_process
    assert celery_app.conf.broker_url.startswith("redis://")
    hostname = f"worker-{uuid.uuid4().hex[:6]}"
    result = worker_heartbeat.apply_async(args=[hostname], queue=queue)
    try:
        payload = result.get(timeout=60)
    except Exception:
        raise AssertionError(f"worker did not answer; its log:\n{log.read_text()}") from None
    assert payload["hostname"] == hostname
    assert process.poll() is None, "the worker process died"
    row = WorkerHeartbeat.objects.get(hostname=hostname)
    assert row.tasks_seen == 1


def test_healthz_sees_broker_and_worker(client, settings, celery_worker_process):
    """/healthz checks the real broker and lists workers seen recently."""
    queue, _process, _log = celery_worker_process
    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker_heartbeat.apply_async(args=["hz-worker"], queue=queue).get(timeout=60)
    deadline = time.monotonic() + 10
    body = client.get("/healthz").json()
    while "hz-worker" not in body["checks"]["broker"].get("workers_seen", []):
        assert time.monotonic() < deadline, body
        time.sleep(0.2)
        body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["vendor"] == "postgresql"
