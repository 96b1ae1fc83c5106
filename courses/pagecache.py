"""Caches of the public pages, all keyed by the content version (ADR 0036).

- `content_version()`: a token in the database (`ContentVersion`), read from the cache; any
  save or deletion of a page, a move, a view restriction, a site, a locale or a snippet that
  pages show bumps it (`bump_content_version`, connected in `CoursesConfig.ready`).
- `serve`: Wagtail's page view, with the routing result (site, specific page and its view
  restrictions) of a URL cached. Wagtail's `Page.route_for_request` and
  `Site.find_for_request` keep their results on the request (`_wagtail_route_for_request`,
  `_wagtail_site`, as their docstrings say); this view fills them from the cache and then
  hands the request to Wagtail's own `serve`, so hooks, view restrictions and `serve()`
  behave exactly as without the cache.

Pages with sub-routes (RoutablePageMixin: a route result with arguments) are never cached.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from .models import ContentVersion

VERSION_KEY = "courses:content-version"
# Each process re-reads the token from the database at most this often, so a bump shows
# within this delay even with a per-process cache (local memory); a shared cache (Redis)
# sees the bump at once because the bump deletes the cached value.
VERSION_SECONDS = 5
# Cached entries expire by themselves after this time (a new version makes them unreachable).
ENTRY_SECONDS = 3600


def content_version() -> str:
    """The current content version (one cache read; a database read every few seconds)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        token = ContentVersion.objects.filter(pk=1).values_list("token", flat=True).first()
        version = str(token or "initial")
        cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return version


def bump_content_version() -> None:
    """Make every cached page structure, route and fragment stale (after the commit)."""
    token = uuid.uuid4()
    if not ContentVersion.objects.filter(pk=1).update(token=token):
        ContentVersion.objects.update_or_create(pk=1, defaults={"token": token})
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))
    cache.delete(VERSION_KEY)


def content_changed(sender=None, **kwargs) -> None:
    """Signal receiver: something learners see changed."""
    bump_content_version()


def versioned_key(*parts) -> str:
    """A cache key under the current content version."""
    raw = repr((content_version(), *parts))
    return "courses:v:" + hashlib.sha256(raw.encode()).hexdigest()


# ---------------------------------------------------------------- routing


def _route_key(request, path: str) -> str:
    host = request._get_raw_host()
    return versioned_key("route", host, request.get_port(), get_language(), path)


def _resolve(request, path: str):
    """Wagtail's routing; returns the cacheable entry or None."""
    result = Page.route_for_request(request, path)
    if result is None:
        return None
    page, args, kwargs = result
    if args or kwargs:
        return None
    restrictions = list(page.get_view_restrictions())
    return Site.find_for_request(request), page, restrictions


def serve(request, path):
    """Wagtail's `serve` with the route of `path` taken from the cache when it is there."""
    key = _route_key(request, path)
    entry = cache.get(key)
    if entry is None:
        entry = _resolve(request, path)
        if entry is not None:
            cache.set(key, entry, ENTRY_SECONDS)
    else:
        site, page, restrictions = entry
        page._cached_view_restrictions = restrictions
        request._wagtail_site = site
        request._wagtail_route_for_request = RouteResult(page)
    return wagtail_views.serve(request, path)


# ---------------------------------------------------------------- lesson bodies


def lesson_body(lesson, request, cached: bool = True) -> list[dict]:
    """The lesson's body as parts: {"html": ...} for runs of blocks rendered once per content
    version and language, {"quiz_block": id, "quiz": Quiz} where a quiz goes (quizzes carry
    the learner's attempts, so they are rendered on every request). `cached=False` (previews)
    renders everything afresh."""
    key = versioned_key("lesson-body", lesson.pk, get_language()) if cached else None
    parts = cache.get(key) if cached else None
    if parts is None:
        parts = _render_body(lesson, request)
        if cached:
            cache.set(key, parts, ENTRY_SECONDS)
    return parts


def _render_body(lesson, request) -> list[dict]:
    from django.utils.safestring import mark_safe

    from .selectors import lesson_quizzes

    quizzes = dict(lesson_quizzes(lesson))
    parts: list[dict] = []
    html: list[str] = []
    for block in lesson.body:
        if block.block_type == "quiz":
            if html:
                parts.append({"html": mark_safe("".join(html))})  # noqa: S308 (block output)
                html = []
            if block.id in quizzes:
                parts.append({"quiz_block": block.id, "quiz": quizzes[block.id]})
            continue
        context = {"page": lesson, "self": lesson, "block": block, "request": request}
        html.append(block.render(context=context))
    if html:
        parts.append({"html": mark_safe("".join(html))})  # noqa: S308 (block output)
    return parts


def lesson_body_quizzes(parts: list[dict]) -> list[tuple]:
    """The (block id, quiz) pairs of a lesson body's parts."""
    return [(part["quiz_block"], part["quiz"]) for part in parts if "quiz_block" in part]
