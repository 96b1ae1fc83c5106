"""Project shell: settings, URLs, Celery app, home page, dashboards, accounts glue."""

from .celery import app as celery_app

__all__ = ["celery_app"]
