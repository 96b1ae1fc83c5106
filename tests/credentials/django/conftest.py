"""Fixtures of the credentials Django tests: a fake courses selector, no network, users."""

import socket
from datetime import UTC, datetime

import pytest
from django.core.cache import cache

INSTITUTION = {
    "id": 7,
    "slug": "dgpoly",
    "name": {"en": "Dongguan Polytechnic", "zh-hans": "东莞职业技术学院"},
    "url": "/zh-hans/institutions/dgpoly/",
    "logo_url": None,
}


def course(course_page_id: int, **overrides) -> dict:
    """A course summary shaped like courses.selectors.course_summary (contracts.md)."""
    data = {
        "id": course_page_id,
        "url": f"/zh-hans/courses/c{course_page_id}/",
        "title": {
            "en": f"PLC Programming {course_page_id}",
            "zh-hans": f"PLC 编程 {course_page_id}",
        },
        "description": {
            "en": "Structured Text on simulated PLCs.",
            "zh-hans": "在模拟 PLC 上学习结构化文本。",
        },
        "hours": 24,
        "level": "3",
        "skills": [
            {
                "code": "OT-PLC-01",
                "name": {"en": "PLC programming", "zh-hans": "PLC 编程"},
                "level": 3,
                "framework_url": "https://skills.example.org/ot/plc-01",
            }
        ],
        "institution": INSTITUTION,
        "credential_template_id": None,
        "outcomes": {"en": ["Write a motor start/stop program"], "zh-hans": ["编写电机启停程序"]},
    }
    data.update(overrides)
    return data


class FakeCourses:
    """Stands in for courses.selectors; `change(page_id, **fields)` alters one summary."""

    def __init__(self) -> None:
        self.overrides: dict[int, dict] = {}

    def change(self, page_id: int, **fields) -> None:
        self.overrides[page_id] = course(page_id, **fields)

    def course_summary(self, page_id: int) -> dict:
        return self.overrides.get(page_id) or course(page_id)


@pytest.fixture(autouse=True)
def fake_courses(monkeypatch):
    """courses.selectors as agreed in contracts.md (credentials reads only these)."""
    fake = FakeCourses()
    monkeypatch.setattr("credentials.institutions.course_summary", fake.course_summary)
    monkeypatch.setattr("credentials.institutions.program_summary", fake.course_summary)
    monkeypatch.setattr("credentials.institutions.institution_summary", lambda _id: INSTITUTION)
    # Fake programmes have no real courses: their credentials carry no learner results.
    monkeypatch.setattr("credentials.learning.program_course_ids", lambda _id: [])
    return fake


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test (loopback included)."""

    def refuse(*args, **kwargs):
        raise AssertionError("tests must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user(
        email="Li.Xiaoming@Example.com", password="pw-123456789", display_name="李小明"
    )


@pytest.fixture
def staff(django_user_model):
    """A platform admin with the second factor their role requires."""
    from tests.accounts.factories import totp_for

    user = django_user_model.objects.create_superuser(email="staff@example.com", password="pw")
    totp_for(user)
    return user


@pytest.fixture
def issue(learner):
    """Issue the credential of course `page_id` to `user` (the learner by default)."""
    from credentials import services

    def _issue(page_id: int = 101, user=None, **template_changes):
        template = services.template_for("course", page_id)
        if template_changes:
            for key, value in template_changes.items():
                setattr(template, key, value)
            template.save()
        return services.credential_issue(
            user_id=(user or learner).pk,
            template_id=template.pk,
            completed_at=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        )

    return _issue
