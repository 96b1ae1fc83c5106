"""Web benchmark of the courses pages: catalogue, course page and lesson page under gunicorn.

Prints requests per second and p95 latency of each page and their ratio to a trivial Django
view served by the same gunicorn in the same run (so machine speed and load cancel out).

    .venv/bin/python bench/web.py                   # SQLite in a temporary folder
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/web.py
                # PostgreSQL (migrated, demo content loaded: idempotent) and Redis as cache
                # and sessions, as production runs with REDIS_URL set

Target (issue 5): each page at least half the trivial view's throughput, p95 under 100 ms, at
32 concurrent clients. Not a test: it asserts nothing. This module is also the server's URLconf
(the trivial view next to the project's URLs); see `make_application`.

How it measures (ADR 0036):

- The server is the production one: `lms.settings.production` and gunicorn with the
  production configuration file `gunicorn.conf.py` (threaded workers, cores + 1 processes),
  the one the README tells operators to run.
- Each of the 32 clients is a browser signed in as the demo learner: it sends the session
  cookie, keeps the cookies answers set (the CSRF cookie after its first page, so the server
  does not make a new CSRF secret for every response) and keeps its connection alive. The
  clients open every page once before measuring.
- The baseline is the trivial view requested by these same browsers, with the same headers
  and cookies: a signed-in page cannot avoid loading the session and the user, so the
  signed-in trivial view is the framework's floor. The anonymous trivial view (no cookie) is
  measured and printed too.
- The machine may be shared, so targets are measured in interleaved rounds (signed-in trivial
  view, anonymous trivial view, then each page; `--rounds` times, `--seconds` each after a
  warm-up) and each page's ratio is taken to the signed-in trivial view of the same round. The
  summary gives per target the median and range of these ratios and of p95.
- The load generator runs on the same machine and uses some of its CPU for every request,
  the trivial view's as much as the pages'.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's code, also for the in-process part (the learner's session), not an installed
# copy of the project.
sys.path.insert(0, str(ROOT))

PAGES = {
    "catalogue": "/zh-hans/learn/catalogue/",
    "catalogue search": "/zh-hans/learn/catalogue/?q=%E7%BC%96%E7%A8%8B",
    "course": "/zh-hans/demo-polytechnic/plc-structured-text/",
    "lesson": "/zh-hans/demo-polytechnic/plc-structured-text/practice/motor-start-stop/",
}
TRIVIAL = "/bench/trivial"
SIGNED_IN_TRIVIAL = "trivial, signed in"
ANONYMOUS_TRIVIAL = "trivial, anonymous"


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


class Browser:
    """One client's cookies, kept as a browser keeps them: sent with every request, replaced
    or removed by the `Set-Cookie` headers of the answers."""

    def __init__(self, cookies: dict[str, str] | None = None):
        self.cookies = dict(cookies or {})

    def header(self) -> str:
        if not self.cookies:
            return ""
        return "Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()) + "\r\n"

    def receive(self, set_cookie: str) -> None:
        pair, *attributes = set_cookie.split(";")
        name, _sep, value = pair.strip().partition("=")
        expired = any(a.strip().lower() == "max-age=0" for a in attributes)
        if expired:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


@dataclass(frozen=True)
class Result:
    """Measurements of one target in one round."""

    name: str
    requests: int
    errors: int
    seconds: float
    latencies: tuple[float, ...]
    # percentiles in ms reported by an external load generator (wrk), when it measured
    percentiles: tuple[tuple[float, float], ...] = ()

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if self.percentiles:
            return dict(self.percentiles)[fraction]
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


async def _read_response(reader, browser: Browser | None) -> tuple[int, bool]:
    # The head in one read: the load generator shares the machine's CPU with the server.
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split()[1])
    length, chunked, close = None, False, False
    for line in lines:
        name, _sep, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and value.lower() == "close":
            close = True
        elif name == "set-cookie" and browser is not None:
            browser.receive(value)
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


async def _client(port, path, browser, state, latencies, deadline):
    reader = writer = None
    head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh-hans\r\n"
    while time.monotonic() < deadline and state["left"] != 0:
        state["left"] -= 1
        cookies = browser.header() if browser is not None else ""
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.perf_counter()
            writer.write(f"{head}{cookies}Connection: keep-alive\r\n\r\n".encode())
            await writer.drain()
            status, close = await asyncio.wait_for(_read_response(reader, browser), timeout=10)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                state["errors"] += 1
            if close:
                writer.close()
                writer = None
        except (
            TimeoutError,
            OSError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ValueError,
        ):
            state["errors"] += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _run(port, path, browsers, seconds, requests=-1) -> Result:
    state = {"left": requests, "errors": 0}
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_client(port, path, b, state, latencies, deadline) for b in browsers))
    elapsed = time.perf_counter() - started
    return Result(path, len(latencies), state["errors"], elapsed, tuple(latencies))


def measure(port, path, browsers, seconds, warmup) -> Result:
    """Warm up for `warmup` seconds, then let one keep-alive client per browser send GETs
    back to back for `seconds`."""
    asyncio.run(_run(port, path, browsers, warmup))
    return asyncio.run(_run(port, path, browsers, seconds))


# wrk (Debian/Ubuntu: `apt install wrk`), a load generator written in C: on a small machine
# shared by server and clients, it leaves the CPU to the server that the Python clients above
# would take. Its Lua hook prints the counts and percentiles (in microseconds).
WRK = shutil.which("wrk")
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def measure_wrk(port, path, browser: Browser | None, concurrency, seconds, warmup) -> Result:
    """The same measurement with wrk: `concurrency` keep-alive connections sending GETs back
    to back, with the browser's headers and cookies (wrk does not keep cookies itself: the
    browsers have opened every page already, so their cookies no longer change)."""
    script = Path(tempfile.gettempdir()) / "bench-web-wrk.lua"
    script.write_text(WRK_SCRIPT)
    headers = ["-H", "Accept-Language: zh-hans"]
    if browser is not None and browser.cookies:
        headers += ["-H", browser.header().strip()]

    def run(duration: float) -> str:
        return subprocess.run(
            [
                WRK,
                "-t",
                "1",
                "-c",
                str(concurrency),
                "-d",
                f"{max(1, math.ceil(duration))}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                *headers,
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 60,
        ).stdout

    run(warmup)
    line = next(x for x in run(seconds).splitlines() if x.startswith("BENCH "))
    requests, errors, duration_us, p50, p95, p99 = (int(x) for x in line.split()[1:])
    return Result(
        path,
        requests,
        errors,
        duration_us / 1e6,
        (),
        percentiles=((0.5, p50 / 1000), (0.95, p95 / 1000), (0.99, p99 / 1000)),
    )


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


def _learner_cookies() -> dict[str, str]:
    """The session cookie of the demo learner (enrolled in the benchmarked course)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email="learner@demo.local"))
    name = settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _gunicorn_command(port: int, args) -> list[str]:
    """The production command of the README (`-c gunicorn.conf.py`), serving this module's
    application factory; --workers/--threads override the configuration file on request."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bench.web:make_application()",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    return command


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _report(rounds: list[dict[str, Result]]) -> None:
    """Every round's figures, then per target the median and range over the rounds of its
    ratio to the signed-in trivial view of the same round."""
    header = f"{'round':<6}{'target':<20}{'req':>7}{'err':>5}{'rps':>9}{'p50 ms':>9}{'p95 ms':>9}"
    print(header + f"{'rps ratio':>11}")
    for number, results in enumerate(rounds, 1):
        base = results[SIGNED_IN_TRIVIAL].rps
        for name, result in results.items():
            print(
                f"{number:<6}{name:<20}{result.requests:>7}{result.errors:>5}{result.rps:>9.1f}"
                f"{result.percentile(0.5):>9.1f}{result.percentile(0.95):>9.1f}"
                f"{result.rps / base if base else float('nan'):>11.2f}"
            )
    print()
    print(f"Over {len(rounds)} rounds; ratio = rps / rps of the signed-in trivial view, same round")
    print(
        f"{'target':<20}{'rps (median)':>13}{'ratio median':>14}{'ratio range':>14}"
        f"{'p95 ms median':>15}{'p95 ms range':>15}{'errors':>8}"
    )
    for name in rounds[0]:
        ratios = [
            r[name].rps / r[SIGNED_IN_TRIVIAL].rps for r in rounds if r[SIGNED_IN_TRIVIAL].rps
        ]
        p95s = [r[name].percentile(0.95) for r in rounds]
        print(
            f"{name:<20}{_median([r[name].rps for r in rounds]):>13.1f}"
            f"{_median(ratios):>14.2f}{f'{min(ratios):.2f}-{max(ratios):.2f}':>14}"
            f"{_median(p95s):>15.1f}{f'{min(p95s):.0f}-{max(p95s):.0f}':>15}"
            f"{sum(r[name].errors for r in rounds):>8}"
        )


def main() -> None:
    """Set up a production-like server, drive it in rounds, print ratios to the trivial view."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=2.5, help="per target and round")
    parser.add_argument("--warmup", type=float, default=0.5, help="seconds, before each target")
    parser.add_argument("--workers", type=int, help="override gunicorn.conf.py")
    parser.add_argument("--threads", type=int, help="override gunicorn.conf.py")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if WRK else "python",
        help="load generator: wrk when installed (apt install wrk), else the Python clients",
    )
    args = parser.parse_args()
    if args.client == "wrk" and not WRK:
        raise SystemExit("wrk is not installed (apt install wrk), or use --client python")

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
    print(
        f"Database: {database_url.split('@')[-1]}; cache: {os.environ.get('REDIS_URL') or 'local memory'}"
    )
    server = None
    rounds: list[dict[str, Result]] = []
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        _manage(env, "load_demo")
        session = _learner_cookies()
        port = _free_port()
        server = subprocess.Popen(_gunicorn_command(port, args), cwd=ROOT, env=env)
        _wait_ready(port)
        # One browser per client, signed in as the learner, that has opened every page once
        # (so it holds the cookies the pages set, such as the CSRF cookie).
        browsers = [Browser(session) for _ in range(args.concurrency)]
        for path in PAGES.values():
            asyncio.run(_run(port, path, browsers, 30, requests=args.concurrency))
        anonymous = [None] * args.concurrency
        print(
            f"gunicorn: gunicorn.conf.py{' with overrides' if args.workers or args.threads else ''}; "
            f"{args.concurrency} clients; {args.rounds} rounds of {args.seconds:g} s per target; "
            f"cookies sent: {', '.join(sorted(browsers[0].cookies))}"
        )
        print(f"load average at start: {_load()}")
        print(f"load generator: {args.client}")

        def target(path, signed_in=True):
            if args.client == "wrk":
                browser = browsers[0] if signed_in else None
                return measure_wrk(port, path, browser, args.concurrency, args.seconds, args.warmup)
            clients = browsers if signed_in else anonymous
            return measure(port, path, clients, args.seconds, args.warmup)

        for number in range(1, args.rounds + 1):
            results = {
                SIGNED_IN_TRIVIAL: target(TRIVIAL),
                ANONYMOUS_TRIVIAL: target(TRIVIAL, signed_in=False),
            }
            for name, path in PAGES.items():
                results[name] = target(path)
            rounds.append(results)
            print(f"  round {number} done, load average {_load()}")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    _report(rounds)


if __name__ == "__main__":
    main()
