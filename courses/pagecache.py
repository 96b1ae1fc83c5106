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

- Per learner: `learner_version(user_id)` is a token every courses write of the learner's
  state replaces (`learner_changed`, called from receivers of enrolments, progress, quiz
  attempts and completions, and by the services that write with `QuerySet.update`). The whole
  HTML of a learner's course and lesson pages is cached under (content version, learner
  version, user, host, language, path) by `LearnerPageCache`, with the CSRF tokens of its
  forms left out and put back for each request. Only with a cache every process shares
  (`COURSES_LEARNER_CACHE`); never for previews, staff, query strings or pending messages.
- Pages the same for every visitor of one kind (the catalogue) are cached whole the same way
  by `shared_page_cache`, under the content version.

Within a request the two versions are read once and kept until the request ends, so all keys
of one response agree; a bump made during the request drops them. For a signed-in user they
are read in the same round trip as the user (`lms.accounts.usercache.read_with_user`).

Entries that carry the versions they were made under (routes, whole pages) are also kept in
this process's memory (`local_copies`): a copy is used only once the versions it carries have
been compared with the current ones read from the shared cache, so only the small version
tokens cross the network for a warm page, and a change made by any process (a new version) is
seen on the next request, exactly as with the shared entry alone.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
import uuid
from collections import OrderedDict
from datetime import datetime

from asgiref.local import Local
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
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


LEARNER_PREFIX = "courses:learner-version:"
LEARNER_KEY = LEARNER_PREFIX + "{}"

# ---------------------------------------------------------------- versions

# Versions read during the current request (None outside requests: tasks, commands, tests
# calling selectors read the cache every time).
_request = Local()


def _request_started(**kwargs) -> None:
    _request.versions = {}


def _request_finished(**kwargs) -> None:
    _request.versions = None


request_started.connect(_request_started, dispatch_uid="courses-pagecache-request-started")
request_finished.connect(_request_finished, dispatch_uid="courses-pagecache-request-finished")


def _memo() -> dict | None:
    return getattr(_request, "versions", None)


def _forget(key: str) -> None:
    memo = _memo()
    if memo is not None:
        memo.pop(key, None)


def _remembered(key: str):
    """A version: this request's copy, else the cache's (None when neither has it)."""
    memo = _memo()
    version = memo.get(key) if memo is not None else None
    return version if version is not None else cache.get(key)


def _remember(found: dict, keys) -> None:
    """Keep this request's copy of the versions among `keys` that `found` holds."""
    memo = _memo()
    if memo is not None:
        memo.update({key: found[key] for key in keys if key in found})


def _get_many(keys: list[str], version_keys: list[str]) -> dict:
    """One cache round trip for `keys`, remembering the versions among them for the request."""
    found = cache.get_many(keys)
    _remember(found, version_keys)
    return found


class LocalCopies:
    """This process's copies of cache entries that carry their own versions, the most recently
    used `settings.COURSES_LOCAL_COPIES` of them (0: none). Thread-safe. Callers compare the
    versions an entry carries with the current ones before using it (`_current`)."""

    def __init__(self):
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry) -> None:
        size = getattr(settings, "COURSES_LOCAL_COPIES", 0)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > max(size, 0):
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


local_copies = LocalCopies()


def _fetch(keys: list[str], version_keys: list[str]) -> tuple[dict, set]:
    """The entries of `keys`, this process's copies where it has them, with the versions among
    `version_keys` this request has not read yet: one cache round trip for what is missing,
    none when everything is at hand. Returns (entries found, keys whose entry is a local copy).
    Entries read from the shared cache are kept as local copies."""
    memo = _memo()
    wanted = [key for key in version_keys if memo is None or key not in memo]
    entries = {}
    for key in keys:
        entry = local_copies.get(key)
        if entry is None:
            wanted.append(key)
        else:
            entries[key] = entry
    local = set(entries)
    if wanted:
        found = _get_many(wanted, version_keys)
        for key in keys:
            if key in found:
                entries[key] = found[key]
                local_copies.put(key, found[key])
    return entries, local


def _current(key: str, entry, local: bool, usable):
    """`entry` if `usable(entry)`. A local copy that is not may be older than the shared cache's
    entry (another process made a current one): that one is read, kept and returned if usable."""
    if entry is not None and usable(entry):
        return entry
    if local:
        entry = cache.get(key)
        if entry is not None:
            local_copies.put(key, entry)
            if usable(entry):
                return entry
    return None


def version_keys_for(user_id) -> list[str]:
    """The versions a signed-in user's pages are checked against, read with the user."""
    if not getattr(settings, "COURSES_LEARNER_CACHE", False):
        return [VERSION_KEY]
    return [VERSION_KEY, LEARNER_KEY.format(user_id)]


def remember_versions(found: dict) -> None:
    """Keep this request's copy of the versions read with the user."""
    _remember(found, [key for key in found if key == VERSION_KEY or key.startswith(LEARNER_PREFIX)])


def content_version() -> str:
    """The current content version (one cache read; a database read every few seconds)."""
    version = _remembered(VERSION_KEY)
    if version is None:
        token = ContentVersion.objects.filter(pk=1).values_list("token", flat=True).first()
        version = str(token or "initial")
        cache.set(VERSION_KEY, version, VERSION_SECONDS)
    _remember({VERSION_KEY: version}, [VERSION_KEY])
    return version


def bump_content_version() -> None:
    """Make every cached page structure, route and fragment stale (after the commit)."""
    token = uuid.uuid4()
    if not ContentVersion.objects.filter(pk=1).update(token=token):
        ContentVersion.objects.update_or_create(pk=1, defaults={"token": token})
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))
    cache.delete(VERSION_KEY)
    _forget(VERSION_KEY)


def learner_version(user_id: int) -> str:
    """The learner's state version: a token replaced whenever their enrolments, progress,
    quiz attempts or completions change."""
    key = LEARNER_KEY.format(user_id)
    version = _remembered(key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(key, version, ENTRY_SECONDS):
            version = cache.get(key) or version
    _remember({key: version}, [key])
    return version


def learner_changed(user_id: int) -> None:
    """Make the learner's cached pages stale, now and again after the commit (a request
    running meanwhile may have read the state as it was before)."""
    key = LEARNER_KEY.format(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    _forget(key)


def learner_state_saved(sender, instance, **kwargs) -> None:
    """Signal receiver: a row of a learner's state was saved or deleted."""
    learner_changed(instance.user_id)


def content_changed(sender=None, **kwargs) -> None:
    """Signal receiver: something learners see changed."""
    bump_content_version()


def versioned_key(*parts) -> str:
    """A cache key under the current content version."""
    raw = repr((content_version(), *parts))
    return "courses:v:" + hashlib.sha256(raw.encode()).hexdigest()


# ---------------------------------------------------------------- routing


# Part of the keys whose entries carry their own versions: a release that changes the shape
# of these entries changes it, so it never reads entries of the previous shape.
ENTRY_FORMAT = 1


def _hashed_key(prefix: str, *parts) -> str:
    return prefix + hashlib.sha256(repr((ENTRY_FORMAT, *parts)).encode()).hexdigest()


def _route_key(request, path: str) -> str:
    # Not under the version: the entry carries the version it was resolved under, so the
    # route and everything a learner's page needs come in one round trip (see `serve`).
    host = request._get_raw_host()
    return _hashed_key("courses:route:", host, request.get_port(), get_language(), path)


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
    """Wagtail's `serve` with the route of `path` taken from the cache when it is there.

    The content version, the route and, for a learner, their version and their cached page
    come from this process's copies and at most one `get_many` (none for a learner whose
    versions came with their user and whose entries are copied here); the learner's page is
    kept on the request for `LearnerPageCache`."""
    route_key = _route_key(request, path)
    page_key = _learner_page_key(request)
    versions, keys = [VERSION_KEY], [route_key]
    if page_key is not None:
        versions.append(LEARNER_KEY.format(request.user.pk))
        keys.append(page_key)
    entries, local = _fetch(keys, versions)
    version = content_version()
    if page_key is not None:
        request._courses_learner_page = (page_key, entries.get(page_key), page_key in local)
    entry = _current(
        route_key, entries.get(route_key), route_key in local, lambda e: e[0] == version
    )
    if entry is None:
        # Kept in the shared cache only: local copies hold objects read back from it, which
        # no request has used (a request works on its own copy of them, below).
        entry = _resolve(request, path)
        if entry is not None:
            cache.set(route_key, (version, *entry), ENTRY_SECONDS)
    else:
        _version, site, page, restrictions = entry
        page = copy.copy(page)
        page._cached_view_restrictions = restrictions
        request._wagtail_site = copy.copy(site)
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


# ---------------------------------------------------------------- learners' pages

CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = "courses-csrf-token-placeholder"


def _learner_page_key(request) -> str | None:
    """The cache key of this request's page for a learner, None when it must not be cached."""
    user = getattr(request, "user", None)
    if (
        not getattr(settings, "COURSES_LEARNER_CACHE", False)
        or request.method != "GET"
        or request.GET
        or getattr(request, "is_preview", False)
        or user is None
        or not user.is_authenticated
        # Staff pages carry editing links and permission-dependent parts: never cached.
        or user.is_staff
        or user.is_superuser
        or user.has_perm("wagtailadmin.access_admin")
        # A pending message is shown once, in this response only.
        or len(messages.get_messages(request))
    ):
        return None
    host = request._get_raw_host()
    parts = (user.pk, host, request.get_port(), get_language(), request.path)
    return _hashed_key("courses:learner-page:", *parts)


class _PageCache:
    """A whole rendered page in the cache, with the CSRF tokens of its forms left out and this
    request's token put back. Entries are (versions, html, fresh_until): used only while the
    versions they were rendered under are current and `fresh_until` (if any) is ahead. `local`
    says the entry is this process's copy (see `_current`)."""

    def __init__(self, request, key: str | None, entry=None, *, fetched=False, local=False):
        self.request = request
        self.key = key
        self.entry = entry if fetched or key is None else cache.get(key)
        self.local = local
        # Read before the page's data is: a change made while the page is rendered makes the
        # stored entry unusable rather than stale.
        self.versions = self._versions() if key is not None else None

    def _versions(self) -> tuple:
        return (content_version(),)

    def _usable(self, entry) -> bool:
        versions, _html, fresh_until = entry
        return versions == self.versions and (fresh_until is None or timezone.now() < fresh_until)

    def response(self) -> HttpResponse | None:
        """The cached response, with this request's CSRF token, or None."""
        if self.key is None:
            return None
        entry = _current(self.key, self.entry, self.local, self._usable)
        if entry is None:
            return None
        return HttpResponse(entry[1].replace(CSRF_PLACEHOLDER, get_token(self.request)))

    def store_after_render(self, response, fresh_until: datetime | None = None) -> None:
        """Keep `response` (a TemplateResponse) once rendered, if it is a plain 200 page."""
        if self.key is None or response.status_code != 200:
            return
        key, versions = self.key, self.versions

        def store(rendered):
            html = CSRF_INPUT.sub(
                lambda m: m.group(1) + CSRF_PLACEHOLDER + m.group(2),
                rendered.content.decode(rendered.charset),
            )
            entry = (versions, html, fresh_until)
            cache.set(key, entry, ENTRY_SECONDS)
            local_copies.put(key, entry)

        response.add_post_render_callback(store)


class LearnerPageCache(_PageCache):
    """One learner's course or lesson page, under the content and the learner's versions; a
    lesson page stops being served from the cache when the "resume" position it recorded is
    due to be written again (`fresh_until`). `serve` has usually fetched the entry already."""

    def __init__(self, request):
        key, entry, local = getattr(request, "_courses_learner_page", (None, None, False))
        if key is not None:
            super().__init__(request, key, entry, fetched=True, local=local)
        else:
            super().__init__(request, _learner_page_key(request))

    def _versions(self) -> tuple:
        return content_version(), learner_version(self.request.user.pk)


def shared_page_cache(request, name: str) -> _PageCache:
    """A page that is the same for every visitor of one kind (anonymous, signed in), such as
    the catalogue: keyed by kind, host, language and full path (with its query); the version
    and the entry come from this request's copy and this process's copy when they are there,
    else in one round trip. Not for staff, previews or pending messages."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if (
        request.method != "GET"
        or getattr(request, "is_preview", False)
        or (signed_in and (user.is_staff or user.is_superuser))
        or len(messages.get_messages(request))
    ):
        return _PageCache(request, None)
    parts = (name, signed_in, request._get_raw_host(), request.get_port(), get_language())
    key = _hashed_key("courses:shared-page:", *parts, request.get_full_path())
    entries, local = _fetch([key], [VERSION_KEY])
    return _PageCache(request, key, entries.get(key), fetched=True, local=key in local)
