"""/healthz reports database, cache and broker reachability."""

import pytest
from django.db import DatabaseError

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_everything_is_reachable(client):
    """All checks pass on the embedded default: 200 and status ok."""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert body["checks"]["broker"]["mode"] == "in-process"


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    """A database error turns the response into 503 and names the failing check."""

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("lms.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "DatabaseError"}


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    """With a broker configured but nothing listening, the broker check fails."""
    from lms.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


@pytest.mark.services
def test_healthz_does_not_fail_when_worker_heartbeats_are_unreadable(client, settings, monkeypatch):
    """With the broker reachable but the heartbeat table unreadable (a database not migrated
    yet), /healthz still answers JSON, not a 500: the broker is up, workers unknown."""
    import os

    from lms.celery import app

    def unreadable():
        raise DatabaseError("no such table: lms_workerheartbeat")

    monkeypatch.setattr("lms.views.workers_recently_seen", unreadable)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    original = app.conf.broker_url
    app.conf.broker_url = os.environ["REDIS_URL"]
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {
        "ok": True,
        "mode": "broker",
        "workers_seen": None,
    }
