"""The production server: gunicorn with gunicorn.conf.py and its worker class
(lms.gunicorn_worker), run for real on loopback."""

import gc
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.processes import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]


def start_gunicorn(tmp_path, *args, env=None, boots=1):
    """gunicorn with ``args`` on a free loopback port, once ``boots`` workers have booted and
    the port answers: (process, port). Run from ``tmp_path``, so that only the configuration
    file given in ``args`` applies (gunicorn reads ./gunicorn.conf.py by default)."""
    port = free_port()
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", *args, "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--log-level", "info", "--log-file", str(log)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text() if log.exists() else "gunicorn exited"
        text = log.read_text() if log.exists() else ""
        if text.count("Booting worker") >= boots:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return process, port
            except OSError:
                pass
        time.sleep(0.1)
    stop_process(process)
    raise AssertionError(f"gunicorn did not start: {log.read_text() if log.exists() else ''}")


def send(sock: socket.socket, path: str) -> None:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())


def answer(sock: socket.socket) -> tuple[int, str]:
    """Status and body of one HTTP/1.1 response with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "connection closed"
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        int(v)
        for k, _s, v in (h.partition(": ") for h in lines[1:])
        if k.lower() == "content-length"
    )
    while len(body) < length:
        body += sock.recv(65536)
    return int(lines[0].split()[1]), body.decode()


def test_a_busy_worker_leaves_a_new_connection_to_an_idle_one(tmp_path):
    """Two workers of one thread each: while one serves a slow request, a connection that
    arrives meanwhile is taken by the other, not queued behind the slow one (gunicorn's own
    gthread worker takes whatever it can, and this fails with it about half the time). The
    deferral is set long here so that the idle worker has all the time it needs to take the
    connection on a loaded machine."""
    process, port = start_gunicorn(
        tmp_path,
        "tests.lms.gunicorn_app:application",
        "--worker-class", "lms.gunicorn_worker.BalancedThreadWorker",
        "--workers", "2", "--threads", "1",
        env={"GUNICORN_ACCEPT_DEFER": "5", "GUNICORN_ACCEPT_DEFER_MAX": "5"},
        boots=2,
    )  # fmt: skip
    try:
        time.sleep(1)  # both workers listening
        with socket.create_connection(("127.0.0.1", port), timeout=30) as slow:
            send(slow, "/?2")
            time.sleep(0.5)  # one worker is serving the slow request, its only thread busy
            with socket.create_connection(("127.0.0.1", port), timeout=30) as quick:
                send(quick, "/?0")
                quick_status, quick_pid = answer(quick)
            slow_status, slow_pid = answer(slow)
        assert quick_status == slow_status == 200
        assert quick_pid != slow_pid
    finally:
        stop_process(process)


def test_the_production_configuration_serves_the_site(tmp_path):
    """`gunicorn lms.wsgi -c gunicorn.conf.py` (the README's production command) boots with
    the balanced worker and the post-fork hook and answers /healthz."""
    process, port = start_gunicorn(
        tmp_path,
        "lms.wsgi",
        "--config", str(ROOT / "gunicorn.conf.py"),
        "--workers", "1",
        env={  # the embedded default: SQLite, local-memory cache, tasks in-process
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "CACHE_URL": "locmemcache://",
            "REDIS_URL": "",
        },
    )  # fmt: skip
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            send(sock, "/healthz")
            status, body = answer(sock)
        assert status == 200 and '"database"' in body
        log = (tmp_path / "gunicorn.log").read_text()
        assert "Traceback" not in log
    finally:
        stop_process(process)


def test_the_post_fork_hook_loads_the_urls_and_freezes_the_heap():
    """gunicorn.conf.py names the balanced worker, and its post_worker_init hook leaves the
    objects loaded so far in the collector's permanent generation (so that full collections
    no longer walk the whole application and stop every thread of the worker for 0.2 s)."""
    from gunicorn.util import load_class

    from lms.gunicorn_worker import BalancedThreadWorker

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert load_class(config["worker_class"]) is BalancedThreadWorker
    gc.unfreeze()
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_the_worker_counts_requests_in_flight():
    """Connections held, less those kept alive between requests or waiting for their first
    bytes, are the requests in flight that decide whether the worker defers an accept."""
    from collections import deque

    from lms.gunicorn_worker import BalancedThreadWorker

    worker = BalancedThreadWorker.__new__(BalancedThreadWorker)
    worker.nr_conns, worker.keepalived_conns, worker.pending_conns = 7, deque([1, 2]), deque([3])
    assert worker.in_flight() == 4
