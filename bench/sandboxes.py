"""How many live sandboxes one web process can advance in real time.

Each sandbox steps 100 ms of PLC time (motor start/stop plant, its reference program) per
request through the real step view (``labs.api.sandbox_step_view``: JSON parsing, ownership
check, state loaded from and stored to the cache, the view's JSON answer). The state lives in
Redis when one answers (``REDIS_URL``, default ``redis://127.0.0.1:6379/15``), else in the
local-memory cache.

Baseline, measured in the same process: the same 100 ms advanced directly on an in-memory
``PlantSimulation`` (no cache, no view). Printed: time per step, the ratio to the baseline, and
sandboxes per core = 100 ms / time per step (the real-time budget of one core), both by wall
time (one request at a time, Redis round trips included) and by CPU time (what a core can do
when several requests overlap their waits on Redis). On a shared, loaded machine wall figures
are pessimistic: run it on an idle one.

Run: ``python bench/sandboxes.py [--sandboxes 50] [--rounds 5]``.
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


class _User:
    is_authenticated = True

    def __init__(self, pk: int) -> None:
        self.pk = pk


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandboxes", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
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
    from labs.sandbox import Owner, compile_cached, sandbox_create

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
        for n, (user_id, sandbox_id) in enumerate(ids):
            request = factory.post(
                f"/api/labs/sandbox/{sandbox_id}/step",
                press if n % 10 == 0 else body,
                content_type="application/json",
            )
            request.user = _User(user_id)
            response = sandbox_step_view(request, sandbox_id=sandbox_id)
            if response.status_code != 200:
                print(f"step failed: {response.status_code} {response.content[:200]!r}")
                return 1
        best_view = min(best_view, (time.process_time() - t0) / len(ids))
        best_wall = min(best_wall, (time.perf_counter() - w0) / len(ids))

    per_step = max(best_view, best_wall)
    full_cpu, full_wall = _full_request_path(args, ids, step_body=body)
    full_step = max(full_cpu, full_wall)
    print(f"cache: {where}; sandboxes: {args.sandboxes}; best of {args.rounds} rounds")
    print(f"baseline (in-memory, 100 ms of PLC time): {best_base * 1000:.3f} ms per sandbox")
    print(
        f"view + cache (100 ms of PLC time):        {per_step * 1000:.3f} ms per step "
        f"(CPU {best_view * 1000:.3f} ms, wall {best_wall * 1000:.3f} ms)"
    )
    print(f"ratio view/baseline: {per_step / best_base:.2f}x")
    print(
        f"sandboxes one core keeps in real time (100 ms per 100 ms): {0.1 / per_step:.0f} "
        f"(target 200)"
    )
    print(
        f"whole request path (WSGI handler, every middleware, signed-in session, CSRF): "
        f"{full_step * 1000:.3f} ms per step (CPU {full_cpu * 1000:.3f} ms, "
        f"wall {full_wall * 1000:.3f} ms), ratio to baseline {full_step / best_base:.2f}x, "
        f"{0.1 / full_step:.0f} sandboxes per core"
    )
    return 0


def _full_request_path(args, ids, *, step_body: str) -> tuple[float, float]:
    """The same steps through Django's whole request path: the test client's WSGI handler and
    every middleware of the project (sessions in the cache with the database behind them as in
    production with Redis, the signed-in user read through the cached backends, CSRF checked
    against a real token, locale, the MFA rule), each learner with their own session."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils.crypto import get_random_string

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.ACCOUNTS_USER_CACHE = True
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        clients = []
        for user_id, sandbox_id in ids:
            user = get_user_model().objects.create_user(
                email=f"bench{user_id}@example.com", password=None
            )
            client = Client(enforce_csrf_checks=True)
            client.force_login(user)
            # a CSRF secret in its cookie, the same secret in the header (as Django's JS recipe)
            token = get_random_string(32, CSRF_ALLOWED_CHARS)
            client.cookies[settings.CSRF_COOKIE_NAME] = token
            # sandbox ids belong to owners 1..N: recreate them for these users
            clients.append((client, token, user.pk, sandbox_id))
        from labs.sandbox import Owner, sandbox_create

        settings.LABS_MAX_SANDBOXES_PER_USER = 2  # the view-only sandboxes above stay alive
        source = _reference_source()
        steps = [
            (
                client,
                token,
                sandbox_create(Owner(pk, 1, "bench"), "motor", source, allow_faults=True),
            )
            for client, token, pk, _old in clients
        ]
        best_cpu = best_wall = float("inf")
        for _round in range(args.rounds):
            t0, w0 = time.process_time(), time.perf_counter()
            for client, token, sandbox_id in steps:
                response = client.post(
                    f"/api/labs/sandbox/{sandbox_id}/step",
                    step_body,
                    content_type="application/json",
                    HTTP_X_CSRFTOKEN=token,
                )
                if response.status_code != 200:
                    raise SystemExit(
                        f"step failed: {response.status_code} {response.content[:200]!r}"
                    )
            best_cpu = min(best_cpu, (time.process_time() - t0) / len(steps))
            best_wall = min(best_wall, (time.perf_counter() - w0) / len(steps))
        return best_cpu, best_wall
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _reference_source() -> str:
    from labs.engine.grading import reference_solution

    return reference_solution("motor")


if __name__ == "__main__":
    raise SystemExit(main())
