"""Support for our live-server (browser) tests.

A live-server test is a TransactionTestCase: when it ends, pytest-django flushes every table,
including rows that migrations created (Wagtail's root page, locales). Tests of other apps that
run afterwards expect those rows. `restore_migrated_data` puts them back once the module's
tests are done, with the snapshot Django took at database creation (the same mechanism as
`serialized_rollback`, which our tests also request so that the snapshot exists).
"""

import os

import pytest
from django.db import connections


@pytest.fixture(scope="module")
def restore_migrated_data(django_db_blocker):
    """After this module: reload the migrated rows and drop the async-unsafe override."""
    had_override = "DJANGO_ALLOW_ASYNC_UNSAFE" in os.environ
    yield
    if not had_override:
        # Set by the chromium_browser fixture; `check --deploy` in later tests rejects it.
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    connection = connections["default"]
    snapshot = getattr(connection, "_test_serialized_contents", None)
    if snapshot:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(snapshot)
