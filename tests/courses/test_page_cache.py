"""Cached routing, course structure and lesson bodies (ADR 0036): editors' changes show after
publishing, learners never see each other's data, previews are never cached, and re-opening
a lesson writes nothing."""

import re
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses import pagecache, services
from courses.grading import option_token
from courses.models import ContentVersion, CoursePage, Enrolment, LessonPage, ModulePage

from .factories import (
    UserFactory,
    lessons_of,
    make_course,
    make_institution,
    make_quiz,
    plc_lab_block,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(make_institution(), "PLC basics", modules=1, lessons=2)


def _publish(page, **fields):
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_published_course_edits_show_on_the_next_request(client, learner, course):
    """A new title, a new lesson and a removed lesson show right after publishing."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    assert "PLC basics" in client.get(course.url).text  # now cached
    _publish(course, title="PLC fundamentals")
    module = ModulePage.objects.child_of(course).get()
    new = module.add_child(instance=LessonPage(title="Timers", locale=course.locale, body=[]))
    new.save_revision().publish()
    html = client.get(course.url).text
    assert "PLC fundamentals" in html
    assert "Timers" in html
    lessons_of(course)[0].unpublish()
    html = client.get(course.url).text
    assert "PLC basics lesson 1.1" not in html
    assert "PLC basics lesson 1.2" in html


def test_published_lesson_body_shows_on_the_next_request(client, learner, course):
    """The cached lesson body is replaced when the lesson is published again."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    assert "Lesson 1 text." in client.get(lesson.url).text
    _publish(lesson, body=[("text", "<p>Ladder logic, revised.</p>")])
    html = client.get(lesson.url).text
    assert "Ladder logic, revised." in html
    assert "Lesson 1 text." not in html


def test_unpublished_page_is_gone_although_its_route_was_cached(client, learner, course):
    """A cached route never serves a page that is no longer live."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[1]
    url = lesson.url
    assert client.get(url).status_code == 200
    lesson.unpublish()
    assert client.get(url).status_code == 404


def test_view_restriction_added_after_caching_is_enforced(client, learner, course):
    """A restriction to a group, added after the route was cached, keeps the learner out."""
    client.force_login(learner)
    assert client.get(course.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Staff only"))
    response = client.get(course.url)
    assert response.status_code == 302
    assert "/_util/login/" in response["Location"]
    assert client.get(response["Location"]).status_code == 200  # Wagtail's own login view


def test_learners_never_see_each_others_progress(client, learner, course):
    """The course page is cached for everyone, but done marks and progress are per learner."""
    other = UserFactory()
    for user in (learner, other):
        services.enrolment_create(user.pk, course.pk, None)
    for lesson in lessons_of(course):
        services.lesson_mark_read(learner.pk, lesson.pk)
    client.force_login(learner)
    mine = client.get(course.url).text
    assert "100%" in mine
    assert "Course completed" in mine or "课程已完成" in mine
    client.force_login(other)
    theirs = client.get(course.url).text
    assert "100%" not in theirs
    assert "0%" in theirs
    assert 'class="done-mark"' not in theirs


def _quiz_lesson():
    """A quiz allowing three attempts, and the course whose one lesson holds it."""
    quiz = make_quiz(max_attempts=3)
    course = make_course(
        make_institution(),
        "Quiz course",
        lessons=1,
        lesson_bodies=[[("text", "<p>Read this.</p>"), ("quiz", {"quiz": quiz})]],
    )
    return quiz, course, lessons_of(course)[0]


def test_learners_never_see_each_others_quiz_attempts(client, learner):
    """The lesson body is cached, its quiz panel (attempts left) is not."""
    quiz, course, lesson = _quiz_lesson()
    other = UserFactory()
    for user in (learner, other):
        services.enrolment_create(user.pk, course.pk, None)
    client.force_login(other)
    assert "还剩 3 次机会" in client.get(lesson.url).text  # the body is cached now
    question = next(iter(quiz.questions)).id
    answer = {f"q_{question}": [option_token(quiz.pk, question, 1)]}
    services.quiz_submit(learner.pk, lesson.pk, quiz.pk, answer)
    client.force_login(learner)
    html = client.get(lesson.url).text
    assert "Read this." in html
    assert "还剩 2 次机会" in html
    client.force_login(other)
    assert "还剩 3 次机会" in client.get(lesson.url).text


def test_previews_show_the_draft_and_are_never_cached(client, learner, course):
    """Two drafts previewed one after the other each show; the live pages stay as published."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    client.get(course.url), client.get(lesson.url)  # cache the live pages
    for n in (1, 2):
        course.title = f"Draft title {n}"
        course.save_revision()
        draft = course.get_latest_revision_as_object()
        assert f"Draft title {n}" in draft.make_preview_request().render().text
        lesson.body = [("text", f"<p>Draft body {n}.</p>")]
        lesson.save_revision()
        draft = lesson.get_latest_revision_as_object()
        response = draft.make_preview_request()
        assert response.status_code == 200
        assert f"Draft body {n}." in response.render().text
    assert "Draft title" not in client.get(course.url).text
    assert "Draft body" not in client.get(lesson.url).text


def test_reopening_a_lesson_writes_nothing(client, learner, course):
    """The first visit records where the learner is; opening it again is read-only."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    client.get(lesson.url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(lesson.url).status_code == 200
    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


# ---------------------------------------------------------------- learners' pages cached whole


def _queries(client, url) -> list[str]:
    """The queries of a GET besides the session's (tests keep sessions in the database)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "django_session" not in q["sql"]]


def test_learners_pages_are_served_from_the_cache(client, learner, course):
    """Opening a course or lesson page again costs no query (so the tests below, which
    change a learner's state between two requests, test the invalidation)."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    for url in (course.url, lesson.url):
        client.get(url), client.get(url)
        assert _queries(client, url) == []


def test_enrolment_and_unenrolment_show_on_the_next_request(client, learner, course):
    """Enrolling and leaving through the views change the (cached) course page at once."""
    client.force_login(learner)
    assert "免费选修" in client.get(course.url).text
    assert "免费选修" in client.get(course.url).text  # from the cache
    client.post(reverse("courses:enrol", args=[course.pk]))
    html = client.get(course.url).text
    assert "选课成功" in html  # the message is shown once, with the page
    assert "退出本课程" in html and "免费选修" not in html
    html = client.get(course.url).text
    assert "退出本课程" in html and "选课成功" not in html
    client.post(reverse("courses:unenrol", args=[course.pk]))
    client.get(course.url)  # shows the "you have left" message
    assert "免费选修" in client.get(course.url).text


def test_completed_lesson_shows_on_the_next_request(client, learner, course):
    """Marking a lesson complete shows on its cached page and in the course outline."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    for url in (course.url, lesson.url, course.url, lesson.url):
        assert 'class="done-mark"' not in client.get(url).text
    client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    assert 'class="done-mark"' in client.get(lesson.url).text
    assert 'class="done-mark"' in client.get(course.url).text


def test_lab_passed_elsewhere_shows_on_the_next_request(client, learner):
    """A lab result reported through the courses service completes the cached lesson page."""
    course = make_course(
        make_institution(),
        "Lab course",
        lessons=1,
        lesson_bodies=[[plc_lab_block()]],
    )
    lesson = lessons_of(course)[0]
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    client.get(lesson.url), client.get(lesson.url)
    assert 'class="badge ok"' not in client.get(lesson.url).text
    services.lesson_requirement_complete(learner.pk, lesson.pk, "lab", 1.0, True)
    assert 'class="badge ok"' in client.get(lesson.url).text


def test_quiz_attempt_through_the_view_shows_on_the_next_request(client, learner):
    """A quiz submitted through the view updates the attempts left on the cached lesson."""
    quiz, course, lesson = _quiz_lesson()
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    client.get(lesson.url)
    assert "还剩 3 次机会" in client.get(lesson.url).text
    question = next(iter(quiz.questions)).id
    client.post(
        reverse("courses:quiz_submit", args=[lesson.pk, quiz.pk]),
        {f"q_{question}": option_token(quiz.pk, question, 2)},
    )
    client.get(lesson.url)  # the result message
    assert "还剩 2 次机会" in client.get(lesson.url).text


def test_forms_of_a_cached_page_carry_a_valid_csrf_token(learner, course):
    """The CSRF token of a page served from the cache is this visitor's: its form posts."""
    services.enrolment_create(learner.pk, course.pk, None)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    client.get(lesson.url), client.get(lesson.url)
    html = client.get(lesson.url).text  # from the cache
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 1 and "placeholder" not in next(iter(tokens))
    response = client.post(
        reverse("courses:lesson_complete", args=[lesson.pk]),
        {"csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code == 302
    assert 'class="done-mark"' in client.get(lesson.url).text


def test_cached_lesson_records_the_resume_position_again_after_a_minute(
    client, learner, course, monkeypatch
):
    """A cached lesson page is re-rendered, and the visit written, once the position is due."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    client.get(lesson.url), client.get(lesson.url)
    seen = Enrolment.objects.get(user=learner).last_seen_at
    later = timezone.now() + timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.get(lesson.url)
    assert Enrolment.objects.get(user=learner).last_seen_at == later != seen


def test_staff_pages_are_never_cached(client, course):
    """Institution staff see the instructor link; their pages are rendered every time."""
    editor = UserFactory(is_staff=True)
    client.force_login(editor)
    client.get(course.url)
    assert _queries(client, course.url) != []


# ---------------------------------------------------------------- copies in each process's memory


class CountingCache(LocMemCache):
    """Django's local-memory cache, counting the calls that would be round trips to Redis
    (the base class's `get_many` calls `get` for each key: one call is counted)."""

    calls: list[str] = []
    _depth = 0

    def _counted(name):
        def method(self, *args, **kwargs):
            if CountingCache._depth == 0:
                CountingCache.calls.append(name)
            CountingCache._depth += 1
            try:
                return getattr(LocMemCache, name)(self, *args, **kwargs)
            finally:
                CountingCache._depth -= 1

        return method

    get = _counted("get")
    get_many = _counted("get_many")
    set = _counted("set")
    add = _counted("add")
    delete = _counted("delete")


@contextmanager
def _another_process(monkeypatch):
    """Requests made inside run as in another web process: same database and shared cache,
    its own in-memory copies of cached entries."""
    ours = pagecache.local_copies
    monkeypatch.setattr(pagecache, "local_copies", pagecache.LocalCopies())
    try:
        yield
    finally:
        monkeypatch.setattr(pagecache, "local_copies", ours)


def test_a_publication_made_in_another_process_shows_on_the_next_request(
    client, learner, course, monkeypatch
):
    """This process's copies of the course page and its route are not used once another
    process has published a change (it replaced the content version in the shared cache)."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    client.get(course.url), client.get(course.url)
    assert _queries(client, course.url) == []  # served from this process's copies
    with _another_process(monkeypatch):
        _publish(course, title="PLC fundamentals")
    assert "PLC fundamentals" in client.get(course.url).text


def test_a_learners_progress_recorded_in_another_process_shows_on_the_next_request(
    client, learner, course, monkeypatch
):
    """A lesson completed through another process changes this process's copy at once."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    for url in (course.url, lesson.url, course.url, lesson.url):
        assert 'class="done-mark"' not in client.get(url).text
    with _another_process(monkeypatch):
        client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    assert 'class="done-mark"' in client.get(lesson.url).text
    assert 'class="done-mark"' in client.get(course.url).text


def test_a_page_rendered_by_another_process_is_used_instead_of_a_stale_copy(
    client, learner, course, monkeypatch
):
    """When this process's copy is outdated and another process has already cached the
    current page, that page is served without rendering it again."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    client.get(course.url), client.get(course.url)
    with _another_process(monkeypatch):
        _publish(course, title="PLC fundamentals")
        client.get(course.url)  # rendered and cached there
        assert _queries(client, course.url) == []
    assert _queries(client, course.url) == []
    assert "PLC fundamentals" in client.get(course.url).text


def test_a_content_version_replaced_directly_in_the_shared_cache_is_seen(
    client, learner, course, monkeypatch
):
    """Another process's bump is the database token and the shared cache's key: a course
    renamed without signals (QuerySet.update) shows once the version is replaced that way."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    client.get(course.url), client.get(course.url)
    other_client = caches.create_connection("default")
    CoursePage.objects.filter(pk=course.pk).update(title="PLC fundamentals")
    ContentVersion.objects.filter(pk=1).update(token=uuid.uuid4())
    other_client.delete(pagecache.VERSION_KEY)
    assert "PLC fundamentals" in client.get(course.url).text


@override_settings(
    CACHES={"default": {"BACKEND": f"{__name__}.CountingCache", "LOCATION": "counting"}}
)
def test_a_warm_learners_page_reads_the_shared_cache_once(client, learner, course):
    """Course, lesson and catalogue pages a signed-in learner opens again need one cache
    round trip (their user, with the versions the page copies are checked against); the
    session is in the database in the tests."""
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    for url in (course.url, lesson.url, reverse("courses:catalogue")):
        client.get(url), client.get(url)
        CountingCache.calls = []
        assert client.get(url).status_code == 200
        assert CountingCache.calls == ["get_many"], url


@override_settings(COURSES_LOCAL_COPIES=2)
def test_local_copies_keep_the_most_recently_used_entries():
    """The in-memory copies are bounded: the least recently used entry goes first."""
    copies = pagecache.LocalCopies()
    copies.put("a", 1), copies.put("b", 2)
    assert copies.get("a") == 1
    copies.put("c", 3)
    assert (copies.get("a"), copies.get("b"), copies.get("c")) == (1, None, 3)
