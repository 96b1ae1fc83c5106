"""gunicorn's threaded worker, letting a less busy worker take a new connection first.

gunicorn's own `gthread` worker accepts every connection it can (up to `worker_connections`,
1000 by default) and keeps each kept-alive connection for good. When clients (browsers, or a
load balancer's pool of upstream connections) connect at about the same moment, whichever
worker process wakes first takes most of them. Measured with 32 clients on 3 workers, the
connections spread as 32/0/0, 30/2, 1/14/17...: then one process serves most requests on one
core while another idles, its queue sets the latency and the throughput falls by up to two
thirds (ADR 0036).

This worker, when a new connection is waiting while all its threads are already busy, stops
listening for a moment, the longer the busier it is (`ACCEPT_DEFER` seconds per request in
flight beyond its threads, at most `ACCEPT_DEFER_MAX`), and serves its own connections
meanwhile: a worker with a free thread, woken by the same connection, takes it first. When
every worker is busy the least busy one takes it, a few milliseconds later. Nothing is refused
and no connection waits longer than `ACCEPT_DEFER_MAX` for a worker.

It relies on two things gunicorn's loop does (gunicorn 27): before every wait for events it
registers or unregisters its listening sockets as `nr_conns < worker_connections`, and it
waits through `wait_for_and_dispatch_events(timeout)`.
"""

from __future__ import annotations

import os
import time

from gunicorn.workers.gthread import ThreadWorker

# Seconds per request in flight beyond the worker's threads, and the most it defers.
ACCEPT_DEFER = float(os.environ.get("GUNICORN_ACCEPT_DEFER") or 0.002)
ACCEPT_DEFER_MAX = float(os.environ.get("GUNICORN_ACCEPT_DEFER_MAX") or 0.02)


class BalancedThreadWorker(ThreadWorker):
    """`worker_class = "lms.gunicorn_worker.BalancedThreadWorker"` (gunicorn.conf.py)."""

    def __init__(self, *args, **kwargs):
        # While set and in the future: not listening. Once past: the deferred connection,
        # if nobody took it meanwhile, is this worker's to accept.
        self.defer_until: float | None = None
        super().__init__(*args, **kwargs)

    @property
    def worker_connections(self) -> int:
        # gunicorn's loop listens while `nr_conns < worker_connections`.
        if self.defer_until is not None and time.monotonic() < self.defer_until:
            return self.nr_conns
        return self.cfg.worker_connections

    @worker_connections.setter
    def worker_connections(self, _value: int) -> None:
        # gunicorn's __init__ assigns the configured number; the property reads cfg itself.
        pass

    def in_flight(self) -> int:
        """Requests being served or queued for a thread: connections held, less those
        waiting between requests (kept alive) or for their first bytes (pending)."""
        return self.nr_conns - len(self.keepalived_conns) - len(self.pending_conns)

    def accept(self, listener) -> None:
        now = time.monotonic()
        if self.defer_until is not None and now < self.defer_until:
            return  # still leaving this connection to a worker with a free thread
        waited = self.defer_until is not None and now - self.defer_until < ACCEPT_DEFER_MAX
        excess = self.in_flight() - self.cfg.threads + 1
        if excess > 0 and not waited:
            # Busy, and this connection has not waited for us yet: stop listening for a
            # while (the loop unregisters the listener and wakes at the deadline).
            self.defer_until = now + min(ACCEPT_DEFER * excess, ACCEPT_DEFER_MAX)
            return
        self.defer_until = None
        super().accept(listener)  # EAGAIN (another worker took it) is handled there

    def wait_for_and_dispatch_events(self, timeout):
        if self.defer_until is not None:
            remaining = self.defer_until - time.monotonic()
            if remaining > 0:
                timeout = min(timeout, remaining)  # wake to listen again
            elif remaining < -ACCEPT_DEFER_MAX:
                self.defer_until = None  # another worker took that connection
        super().wait_for_and_dispatch_events(timeout)
