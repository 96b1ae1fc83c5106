"""gunicorn's configuration for production: `gunicorn lms.wsgi -c gunicorn.conf.py` (README,
"Running in production"); bench/web.py serves its pages with this same file (ADR 0036).

Threaded workers, one process per core plus one, four threads each: a request spends part
of its time waiting for PostgreSQL and Redis, and another thread of the same process uses the
core meanwhile, without another copy of the application in memory. Threaded workers also keep
the load balancer's connections alive between requests. `WEB_CONCURRENCY` (gunicorn's own
variable) and `GUNICORN_THREADS` override the counts; command-line options override this file.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
