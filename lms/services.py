"""Writes owned by the project shell."""

from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


def worker_heartbeat_record(hostname: str) -> WorkerHeartbeat:
    """Record that the worker `hostname` is alive now; returns the updated row."""
    now = timezone.now()
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        hostname=hostname, defaults={"last_seen": now, "tasks_seen": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(
            last_seen=now, tasks_seen=F("tasks_seen") + 1
        )
        heartbeat.refresh_from_db()
    return heartbeat


# Accounts and organisations: the entry points other apps may call (contracts.md).
from lms.accounts.services import audit_record_for_app as audit_record  # noqa: E402
from lms.organizations.services import sponsorship_code_redeem  # noqa: E402

__all__ = [
    "audit_record",
    "sponsorship_code_redeem",
    "worker_heartbeat_record",
]
