"""Background tasks of the project shell."""

import socket

from celery import shared_task

from .services import worker_heartbeat_record


@shared_task(name="lms.tasks.worker_heartbeat", time_limit=30, soft_time_limit=20)
def worker_heartbeat(hostname: str | None = None) -> dict:
    """Record worker liveness in the database; scheduled every minute by celery beat."""
    beat = worker_heartbeat_record(hostname or socket.gethostname())
    return {"hostname": beat.hostname, "last_seen": beat.last_seen.isoformat()}
