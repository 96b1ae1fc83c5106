"""Views of the project shell."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app
from .selectors import workers_recently_seen

logger = logging.getLogger(__name__)


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("healthz: database unreachable", extra={"error": str(exc)})
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_cache() -> dict:
    try:
        cache.set("healthz:probe", "1", timeout=5)
        ok = cache.get("healthz:probe") == "1"
    except Exception as exc:  # any cache client error means "unreachable"
        logger.warning("healthz: cache unreachable", extra={"error": str(exc)})
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises transport-specific errors
        logger.warning("healthz: broker unreachable", extra={"error": str(exc)})
        return {"ok": False, "error": exc.__class__.__name__}
    try:
        seen = workers_recently_seen()
    except DatabaseError as exc:  # the database check reports it; the broker is reachable
        logger.warning("healthz: worker heartbeats unreadable", extra={"error": str(exc)})
        seen = None
    return {"ok": True, "mode": "broker", "workers_seen": seen}


@never_cache
@require_GET
def healthz(request):
    """Database, cache and broker reachability as JSON: 200 when all are up, else 503."""
    checks = {"database": _check_database(), "cache": _check_cache(), "broker": _check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
