"""Web benchmark of the courses pages: catalogue, course page and lesson page under gunicorn.

Prints requests per second and p95 latency of each page, as ratios to a trivial Django view
served by the same gunicorn in the same run (so machine speed and load cancel out).

    .venv/bin/python bench/web.py                   # SQLite in a temporary folder
    DATABASE_URL=postgres://... .venv/bin/python bench/web.py   # PostgreSQL (migrated, demo
                                                                # content loaded: idempotent)

Target (issue 5): each page at least half the trivial view's throughput, p95 under 100 ms, at
32 concurrent clients. Not a test: it asserts nothing. This module is also the server's URLconf
(the trivial view next to the project's URLs); see `make_application`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = {
    "catalogue": "/zh-hans/learn/catalogue/",
    "catalogue search": "/zh-hans/learn/catalogue/?q=%E7%BC%96%E7%A8%8B",
    "course": "/zh-hans/demo-polytechnic/plc-structured-text/",
    "lesson": "/zh-hans/demo-polytechnic/plc-structured-text/practice/motor-start-stop/",
}
TRIVIAL = "/bench/trivial"


# ---------------------------------------------------------------- server side


def trivial(request):
    """The baseline: a Django view that does nothing, behind the same middleware."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def __getattr__(name):
    # Lazily, because importing the project's URLs needs configured settings.
    if name == "urlpatterns":
        from django.urls import path

        from lms.urls import urlpatterns

        return [path(TRIVIAL.lstrip("/"), trivial), *urlpatterns]
    raise AttributeError(name)


def make_application():
    """gunicorn factory (`bench.web:make_application()`): the project with the baseline view."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    settings.ROOT_URLCONF = "bench.web"
    return application


# ---------------------------------------------------------------- load generator


@dataclass(frozen=True)
class Result:
    """Measurements of one target."""

    name: str
    requests: int
    errors: int
    seconds: float
    latencies: tuple[float, ...]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


async def _read_response(reader) -> tuple[int, bool]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("server closed the connection")
    status = int(status_line.split()[1])
    length, chunked, close = None, False, False
    while True:
        line = await reader.readline()
        if line in {b"\r\n", b""}:
            break
        name, _sep, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()
        close = True
    return status, close


async def _client(port: int, request: bytes, state: dict, latencies: list, deadline: float):
    reader = writer = None
    while state["left"] > 0 and time.monotonic() < deadline:
        state["left"] -= 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status, close = await asyncio.wait_for(_read_response(reader), timeout=10)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                state["errors"] += 1
            if close:
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            state["errors"] += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _run(port, path, cookie, requests, concurrency, max_seconds) -> Result:
    extra = f"Cookie: {cookie}\r\n" if cookie else ""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh-hans\r\n{extra}"
        "Connection: keep-alive\r\n\r\n"
    ).encode()
    state = {"left": requests, "errors": 0}
    latencies: list[float] = []
    deadline = time.monotonic() + max_seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(port, request, state, latencies, deadline) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - started
    return Result(path, len(latencies), state["errors"], elapsed, tuple(latencies))


def measure(port, path, cookie, requests, concurrency, max_seconds) -> Result:
    """Warm up, then send `requests` GETs from `concurrency` keep-alive clients."""
    asyncio.run(_run(port, path, cookie, min(200, requests), concurrency, max_seconds))
    return asyncio.run(_run(port, path, cookie, requests, concurrency, max_seconds))


# ---------------------------------------------------------------- orchestration


def _manage(env, *args):
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=900,
    )
    print(f"  manage.py {' '.join(args)}: {time.perf_counter() - started:.0f} s")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(f"GET {TRIVIAL} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
                if b" 200 " in sock.recv(64):
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


def _learner_cookie() -> str:
    """A session cookie of the demo learner (enrolled in the benchmarked course)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email="learner@demo.local"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main() -> None:
    """Set up a production-like server, drive it, print ratios to the trivial view."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--requests", type=int, default=1500, help="per target")
    parser.add_argument("--max-seconds", type=float, default=40, help="per target")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="courses-bench-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "bench-only-secret-key-not-for-production",
        # The demo content issues credentials, which needs a key secret.
        "CREDENTIALS_KEY_SECRET": os.environ.get(
            "CREDENTIALS_KEY_SECRET", "bench-only-credentials-key-secret-not-for-production"
        ),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "False",
        "DEMO_ALLOWED": "True",
        "STATIC_ROOT": str(workdir / "static"),
        # Uploaded demo images live as long as their database: a temporary folder with the
        # temporary SQLite file, a lasting one next to a PostgreSQL database that is reused.
        "MEDIA_ROOT": str(
            ROOT / "var" / "bench-media" if os.environ.get("DATABASE_URL") else workdir / "media"
        ),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    print(f"Database: {database_url.split('@')[-1]}")
    server = None
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        _manage(env, "load_demo")
        cookie = _learner_cookie()
        port = _free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench.web:make_application()",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(args.threads),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        _wait_ready(port)
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads; "
            f"{args.concurrency} concurrent clients, {args.requests} requests per target"
        )
        baseline = measure(port, TRIVIAL, "", args.requests, args.concurrency, args.max_seconds)
        results = [
            (name, measure(port, path, cookie, args.requests, args.concurrency, args.max_seconds))
            for name, path in PAGES.items()
        ]
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(workdir, ignore_errors=True)

    header = f"{'target':<18}{'req':>6}{'err':>5}{'rps':>9}{'p50 ms':>9}{'p95 ms':>9}"
    print(header + f"{'rps/trivial':>13}{'p95/trivial':>13}")
    for name, result in [("trivial view", baseline), *results]:
        print(
            f"{name:<18}{result.requests:>6}{result.errors:>5}{result.rps:>9.1f}"
            f"{result.percentile(0.5):>9.1f}{result.percentile(0.95):>9.1f}"
            f"{result.rps / baseline.rps:>13.2f}"
            f"{result.percentile(0.95) / baseline.percentile(0.95):>13.2f}"
        )


if __name__ == "__main__":
    main()
