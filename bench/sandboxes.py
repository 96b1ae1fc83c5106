"""How many live sandboxes one web process can advance in real time.

Each sandbox steps 100 ms of PLC time (motor start/stop plant, its reference program) per
request through the real step view (``labs.api.sandbox_step_view`` with the step token the lab
page sends: token check, JSON parsing, ownership check, state loaded from and stored to the
cache, the view's JSON answer), then through the project's whole WSGI application
(``lms.wsgi.application``) both with the step token (the lean handler, what the page does) and
with a session cookie and CSRF token instead (every middleware). The state lives in Redis when
one answers (``REDIS_URL``, default ``redis://127.0.0.1:6379/15``), else in the local-memory
cache. The whole-path figures need a database for the sessions (``DATABASE_URL``, or SQLite).

Baseline, measured in the same process: the same 100 ms advanced directly on an in-memory
``PlantSimulation`` (no cache, no view). Printed: time per step, the ratio to the baseline, and
sandboxes per core = 100 ms / time per step (the real-time budget of one core), both by wall
time (one request at a time, Redis round trips included) and by CPU time (what a core can do
when several requests overlap their waits on Redis). On a shared, loaded machine wall figures
are pessimistic: run it on an idle one.

Run: ``python bench/sandboxes.py [--sandboxes 50] [--rounds 15]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")


def _cache_config() -> tuple[dict, str]:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # any failure means "no Redis here": fall back
        locmem = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        return {**locmem, "OPTIONS": {"MAX_ENTRIES": 1_000_000}}, "local memory"
    return {"BACKEND": "labs.cache.RedisCache", "LOCATION": url}, url


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandboxes", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=4, help="threads of one web process")
    args = parser.parse_args()

    import django
    from django.conf import settings

    cache_conf, where = _cache_config()
    settings.CACHES = {"default": cache_conf}
    django.setup()

    from django.test import RequestFactory

    from labs.api import sandbox_step_view
    from labs.engine import Runtime
    from labs.engine.grading import reference_solution
    from labs.engine.plants import create_plant
    from labs.engine.plants.simulation import PlantSimulation
    from labs.sandbox import Owner, compile_cached, sandbox_create, step_token

    settings.LABS_MAX_SANDBOXES_PER_USER = 1
    source = reference_solution("motor")
    program = compile_cached("motor", source)

    # baseline: in-memory simulations advanced directly
    sims = [
        PlantSimulation(Runtime(program, scan_ms=10), create_plant("motor"))
        for _ in range(args.sandboxes)
    ]
    best_base = float("inf")
    for _ in range(args.rounds):
        t0 = time.process_time()
        for sim in sims:
            sim.run_for(100)
        best_base = min(best_base, (time.process_time() - t0) / len(sims))

    # through the view, state in the cache (one learner per sandbox)
    ids = [
        (user_id, sandbox_create(Owner(user_id, 1, "bench"), "motor", source, allow_faults=True))
        for user_id in range(1, args.sandboxes + 1)
    ]
    tokens = {sandbox_id: step_token(user_id, sandbox_id) for user_id, sandbox_id in ids}
    factory = RequestFactory()
    body = json.dumps({"actions": [], "advance_ms": 100, "watch": ["K1"]})
    best_view = best_wall = float("inf")
    for round_no in range(args.rounds):
        press = json.dumps(
            {
                "actions": [{"op": "press" if round_no % 2 else "release", "name": "START"}],
                "advance_ms": 100,
            }
        )
        t0, w0 = time.process_time(), time.perf_counter()
        for n, (_user_id, sandbox_id) in enumerate(ids):
            request = factory.post(
                f"/api/labs/sandbox/{sandbox_id}/step",
                press if n % 10 == 0 else body,
                content_type="application/json",
                HTTP_X_SANDBOX_TOKEN=tokens[sandbox_id],
            )
            response = sandbox_step_view(request, sandbox_id=sandbox_id)
            if response.status_code != 200:
                print(f"step failed: {response.status_code} {response.content[:200]!r}")
                return 1
        best_view = min(best_view, (time.process_time() - t0) / len(ids))
        best_wall = min(best_wall, (time.perf_counter() - w0) / len(ids))

    per_step = max(best_view, best_wall)
    paths = _whole_request_paths(args, step_body=body)
    print(f"cache: {where}; sandboxes: {args.sandboxes}; best of {args.rounds} rounds")
    print(f"baseline (in-memory, 100 ms of PLC time): {best_base * 1000:.3f} ms per sandbox")
    print(
        f"view + cache (100 ms of PLC time):        {per_step * 1000:.3f} ms per step "
        f"(CPU {best_view * 1000:.3f} ms, wall {best_wall * 1000:.3f} ms)"
    )
    print(f"ratio view/baseline: {per_step / best_base:.2f}x")
    print(
        f"sandboxes one core keeps in real time (100 ms per 100 ms), view only: "
        f"{0.1 / per_step:.0f} (target 200)"
    )
    print("whole request path through lms.wsgi.application, as a WSGI server calls it:")
    for label, (cpu, wall) in paths.items():
        full = max(cpu, wall)
        print(
            f"  {label}: {full * 1000:.3f} ms per step (CPU {cpu * 1000:.3f} ms, wall "
            f"{wall * 1000:.3f} ms), ratio to baseline {full / best_base:.2f}x, "
            f"{0.1 / full:.0f} sandboxes per core"
        )
    return 0


def _whole_request_paths(args, *, step_body: str) -> dict[str, tuple[float, float]]:
    """The same steps through the project's WSGI application (``lms.wsgi.application``, what
    gunicorn calls), each learner with their own sandbox, by both ways a page can step:

    - with the step token the page got with its sandbox: the lean handler (labs.stepserver),
      no session, user or CSRF lookup; what the lab page does;
    - with the session cookie and CSRF token only: every middleware of the project (sessions
      in the cache with the database behind them as in production with Redis, the signed-in
      user read through the cached backends, CSRF checked, locale, messages, CSP, the MFA rule).

    Each request gets a fresh WSGI environ with its body, as a server would build it; the HTTP
    parsing of the server itself is not included."""

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.test import Client
    from django.utils.crypto import get_random_string

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.ACCOUNTS_USER_CACHE = True
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from labs.sandbox import Owner, sandbox_create, step_token
        from lms.wsgi import application

        settings.LABS_MAX_SANDBOXES_PER_USER = 3  # the view-only sandboxes above stay alive
        source = _reference_source()
        body = step_body.encode()
        base = {
            "REQUEST_METHOD": "POST",
            "QUERY_STRING": "lang=zh-hans",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
            "SCRIPT_NAME": "",
        }
        token_envs, session_envs = [], []
        for n in range(1, args.sandboxes + 1):
            user = get_user_model().objects.create_user(
                email=f"bench{n}@example.com", password=None
            )
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            csrf = get_random_string(32, CSRF_ALLOWED_CHARS)  # cookie and header, as Django's JS
            cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
            for envs in (token_envs, session_envs):
                sandbox_id = sandbox_create(
                    Owner(user.pk, 1, "bench"), "motor", source, allow_faults=True
                )
                if envs is token_envs:
                    auth = {"HTTP_X_SANDBOX_TOKEN": step_token(user.pk, sandbox_id)}
                else:
                    auth = {"HTTP_COOKIE": cookie, "HTTP_X_CSRFTOKEN": csrf}
                path = f"/api/labs/sandbox/{sandbox_id}/step"
                envs.append({**base, "PATH_INFO": path, **auth})

        def start_response(status, headers, exc_info=None):
            if not status.startswith("200"):
                raise SystemExit(f"step failed: {status}")

        from labs.sandbox import _hot

        results = {}
        for label, envs, cold in (
            ("with the step token (lean path, the lab page)", token_envs, False),
            (
                "the same, each step served by a process that did not serve the last one",
                token_envs,
                True,
            ),
            ("with session + CSRF only (every middleware)", session_envs, False),
        ):
            best_cpu = best_wall = float("inf")
            for _round in range(args.rounds):
                t0, w0 = time.process_time(), time.perf_counter()
                for env in envs:
                    if cold:  # as with several web processes: no warm copy, restored from Redis
                        _hot.pop(env["PATH_INFO"].split("/")[4], None)
                    _serve(application, env, body, start_response)
                best_cpu = min(best_cpu, (time.process_time() - t0) / len(envs))
                best_wall = min(best_wall, (time.perf_counter() - w0) / len(envs))
            results[label] = (best_cpu, best_wall)
        results[
            f"with the step token, {args.threads} threads as gunicorn.conf.py runs a process "
            "(their waits on Redis overlap)"
        ] = _threaded(application, token_envs, body, start_response, args)
        return results
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _serve(application, env: dict, body: bytes, start_response) -> None:
    """One request as a WSGI server makes it: a fresh body stream, the answer read and closed."""
    import io

    result = application({**env, "wsgi.input": io.BytesIO(body)}, start_response)
    b"".join(result)
    if hasattr(result, "close"):  # PEP 3333: the server calls it when there is one
        result.close()


def _threaded(application, envs, body, start_response, args) -> tuple[float, float]:
    """The lean path served by ``args.threads`` threads of one process, each stepping its share
    of the sandboxes one after another: (CPU, wall) per step over the whole round."""
    from concurrent.futures import ThreadPoolExecutor

    shares = [envs[n :: args.threads] for n in range(args.threads)]

    def serve(share):
        for env in share:
            _serve(application, env, body, start_response)

    best_cpu = best_wall = float("inf")
    with ThreadPoolExecutor(args.threads) as pool:
        for _round in range(args.rounds):
            t0, w0 = time.process_time(), time.perf_counter()
            list(pool.map(serve, shares))
            best_cpu = min(best_cpu, (time.process_time() - t0) / len(envs))
            best_wall = min(best_wall, (time.perf_counter() - w0) / len(envs))
    return best_cpu, best_wall


def _reference_source() -> str:
    from labs.engine.grading import reference_solution

    return reference_solution("motor")


if __name__ == "__main__":
    raise SystemExit(main())
