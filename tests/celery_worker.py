"""A real `celery worker` process for the service tier tests (PostgreSQL test database)."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def test_database_url() -> str:
    """The DATABASE_URL of the test database pytest-django created (test_<name>)."""
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


def celery_worker(queue: str, log: Path, *, hostname: str, env: dict | None = None):
    """Start one solo worker of the project consuming `queue` against the test database, its
    output appended to `log`; `env` adds or overrides environment variables."""
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": test_database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "lms",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
        f"--hostname={hostname}@%h",
    ]
    with log.open("a") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=worker_env, stdout=out, stderr=subprocess.STDOUT
        )
