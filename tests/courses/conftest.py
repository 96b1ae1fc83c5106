"""Fixtures of the courses tests."""

import pytest
from django.core.cache import cache

from .factories import UserFactory, locale


@pytest.fixture(autouse=True)
def _locales(db):
    locale("zh-hans")
    locale("en")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached catalogue and lesson fragments never leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def learner(db):
    """A learner account."""
    return UserFactory()
