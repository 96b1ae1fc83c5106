"""Real-time Modbus endpoints: start with connection details, limits, idle stop."""

import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from labs import services
from labs.engine.grading import reference_solution
from labs.models import RealtimeEndpoint
from tests.courses.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ports(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        base = sock.getsockname()[1]
    settings.LABS_REALTIME_PORTS = (base, base + 1)
    return base


@pytest.fixture(autouse=True)
def _stop_all():
    yield
    for endpoint in RealtimeEndpoint.objects.filter(stopped_at__isnull=True):
        services._stop(endpoint)


def _connects(port: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def test_start_gives_a_reachable_modbus_endpoint_and_stop_ends_it(learner_client, api_url, ports):
    """Start answers host:port of a Modbus TCP server that accepts connections; stop ends it."""
    response = learner_client.post(
        api_url("realtime"),
        {"action": "start", "source": reference_solution("motor")},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    endpoint = response.json()["endpoint"]
    assert endpoint["modbus"].endswith(f":{ports}")
    assert _connects(ports)
    stop = learner_client.post(
        api_url("realtime"), {"action": "stop"}, content_type="application/json"
    )
    assert stop.json()["endpoint"] is None
    assert RealtimeEndpoint.objects.get().stopped_at is not None


def test_total_limit_gives_a_clear_message(lab, learner, ports, settings):
    """When every endpoint is taken the next learner is told to try later (nothing crashes)."""
    from courses.services import enrolment_create

    settings.LABS_REALTIME_MAX_TOTAL = 1
    lesson, block_id, course = lab
    services.realtime_start(learner.pk, lesson.pk, block_id, reference_solution("motor"))
    other = UserFactory()
    enrolment_create(other.pk, course.pk, None)
    with pytest.raises(services.LabError) as info:
        services.realtime_start(other.pk, lesson.pk, block_id, reference_solution("motor"))
    assert info.value.status == 503 and "in use" in info.value.message


def test_one_endpoint_per_learner(lab, learner, ports):
    """Starting again replaces the learner's endpoint instead of taking another port."""
    lesson, block_id, _course = lab
    services.realtime_start(learner.pk, lesson.pk, block_id, reference_solution("motor"))
    services.realtime_start(learner.pk, lesson.pk, block_id, reference_solution("motor"))
    assert RealtimeEndpoint.objects.filter(stopped_at__isnull=True).count() == 1


def test_idle_endpoints_are_reaped(lab, learner, ports, settings):
    """An endpoint nobody looked at for the idle timeout is stopped by the reaper."""
    lesson, block_id, _course = lab
    endpoint = services.realtime_start(learner.pk, lesson.pk, block_id, reference_solution("motor"))
    RealtimeEndpoint.objects.filter(pk=endpoint.pk).update(
        last_seen_at=timezone.now() - timedelta(seconds=settings.LABS_REALTIME_IDLE_SECONDS + 1)
    )
    assert services.realtime_reap() == 1
    assert RealtimeEndpoint.objects.get(pk=endpoint.pk).stopped_at is not None


def test_program_with_errors_is_not_started(lab, learner, ports):
    """A program that does not compile is refused before any process starts."""
    lesson, block_id, _course = lab
    with pytest.raises(services.LabError, match="compile"):
        services.realtime_start(learner.pk, lesson.pk, block_id, "PROGRAM X K1 := END_PROGRAM")
    assert not RealtimeEndpoint.objects.exists()
