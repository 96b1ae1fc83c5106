"""Suite-wide setup: compiled catalogues, tier detection, and the no-skip rule for CI.

Tiers: the default tier runs on SQLite with tasks in-process. `services` tests need
DATABASE_URL and REDIS_URL (PostgreSQL and Redis over real connections), `browser` tests
need Debian's chromium, `jupyterhub` tests need configurable-http-proxy from npm. A missing
tier is skipped with a visible reason; with REQUIRE_ALL_TIERS=1 (set by .ci/run) any skip
fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest

from lms.i18n_build import compile_catalogues

# the `jupyterhub_server` fixture: one real JupyterHub per test session
pytest_plugins = ["tests.jupyterhub_hub"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_configure(config):
    compile_catalogues()


def _tier_missing(marker: str) -> str | None:
    services_configured = os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")
    if marker == "services" and not services_configured:
        return "service tier needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)"
    if marker == "browser" and not CHROMIUM.exists():
        return "browser tier needs Debian's chromium at /usr/bin/chromium"
    if marker == "jupyterhub" and not shutil.which("configurable-http-proxy"):
        return "JupyterHub tier needs configurable-http-proxy (npm)"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        # A transactional test (live server, real worker) ends by emptying every table, which
        # also removes what migrations created (Wagtail's root page, locales, roles). With
        # serialized_rollback those rows are put back from the snapshot Django took at
        # database creation, for every such test alike (mixing both kinds re-inserts rows
        # that post_migrate had already recreated).
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            item.add_marker(pytest.mark.django_db(**marker.kwargs, serialized_rollback=True))
        for marker in ("services", "browser", "jupyterhub"):
            if item.get_closest_marker(marker) and (reason := _tier_missing(marker)):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    """After a browser test's body: close the database connections its queries opened. Under
    Playwright's sync API they are kept apart from the connection the database teardown closes,
    which then could not drop the test database ("being accessed by other users")."""
    yield
    if pyfuncitem.get_closest_marker("browser"):
        from django.db import connections

        connections.close_all()


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("REQUIRE_ALL_TIERS") == "1" and skipped and exitstatus == 0:
        if reporter:
            reporter.write_line(
                f"REQUIRE_ALL_TIERS=1: {skipped} test(s) were skipped; failing the run.", red=True
            )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _cache_starts_empty():
    """Users, permissions and page fragments cached by one test never reach the next one (a
    rolled-back SQLite test can hand the same primary key to another user), nor do the
    copies of cached pages a process keeps in memory."""
    from django.core.cache import cache

    from courses.pagecache import local_copies

    cache.clear()
    local_copies.clear()
    yield
    cache.clear()
    local_copies.clear()


@pytest.fixture
def chromium_browser():
    """A headless Debian chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the test's own ORM
    # calls stay synchronous and safe, so Django's async guard is lifted for browser tests.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
