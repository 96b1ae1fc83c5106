"""Fixtures of the accounts and organisations tests."""

import pytest
from django.core.cache import cache

from tests.accounts.fakes import FakeApps


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    """allauth's rate limits live in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def apps_fake(monkeypatch):
    """The courses and credentials apps, faked at the lms.integrations boundary."""
    return FakeApps().install(monkeypatch)
