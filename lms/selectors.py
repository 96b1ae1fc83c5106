"""Reads owned by the project shell."""

from datetime import timedelta

from django.utils import timezone

from .models import WorkerHeartbeat


def workers_recently_seen(within: timedelta = timedelta(minutes=3)) -> list[str]:
    """Host names of workers that ran the heartbeat task within `within`."""
    since = timezone.now() - within
    return list(
        WorkerHeartbeat.objects.filter(last_seen__gte=since)
        .order_by("hostname")
        .values_list("hostname", flat=True)
    )


def is_platform_admin(user) -> bool:
    """Whether `user` (active) holds the platform admin role (ADR 0051): the credentials app
    lets platform admins change the status of every institution's credentials."""
    from lms.accounts.roles import Role

    return bool(
        getattr(user, "is_active", False)
        and user.groups.filter(name=Role.PLATFORM_ADMIN.value).exists()
    )
