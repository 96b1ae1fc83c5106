"""gunicorn's configuration for production: `gunicorn lms.wsgi -c gunicorn.conf.py` (README,
"Running in production"); bench/web.py serves its pages with this same file (ADR 0036).

Threaded workers, one process per core plus one, four threads each: a request spends part
of its time waiting for PostgreSQL and Redis, and another thread of the same process uses the
core meanwhile, without another copy of the application in memory. Threaded workers also keep
the load balancer's connections alive between requests. `WEB_CONCURRENCY` (gunicorn's own
variable) and `GUNICORN_THREADS` override the counts; command-line options override this file.

The worker class is gunicorn's threaded worker with one change (lms.gunicorn_worker): a busy
worker lets an idle one take a new connection first, so that connections opened together do
not all land on one process. Each worker also freezes its heap once the application is loaded
(`post_worker_init`). ADR 0037 has the measurements behind both.
"""

import os

worker_class = "lms.gunicorn_worker.BalancedThreadWorker"
workers = int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)


def post_worker_init(worker):
    """Load what a worker's first request would, then move everything alive into the
    collector's permanent generation (`gc.freeze`).

    A full collection walks every tracked object; with the application loaded (Django,
    Wagtail, the project: some 360,000 objects) it took 160-240 ms, during which no thread of
    the worker serves a request. Frozen objects are not walked, so later full collections see
    only what requests created since: 5-50 ms.
    """
    import gc

    from django.urls import get_resolver

    # The URLconf and, through it, every view module: loaded now, not by a first request.
    get_resolver().check()
    gc.collect()
    gc.freeze()
