"""Fixtures of the courses tests."""

import pytest

from .factories import UserFactory, locale


@pytest.fixture(autouse=True)
def _locales(db):
    locale("zh-hans")
    locale("en")


@pytest.fixture
def learner(db):
    """A learner account."""
    return UserFactory()
