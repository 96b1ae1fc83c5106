"""No N+1: catalogue, course and lesson pages run as many queries for 2 courses or lessons as
for 8."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import services

from .factories import SkillFactory, lessons_of, make_course, make_institution

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # warm caches that are per process, not per request (site root, locales)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _tagged_course(institution, title, lessons=2):
    course = make_course(institution, title, lessons=lessons)
    course.skills.add(SkillFactory(), SkillFactory())
    course.save()
    return course


def test_catalogue_queries_do_not_grow_with_courses(client):
    """The catalogue (with a search) costs the same number of queries for 2 or 8 courses."""
    institution = make_institution()
    for i in range(2):
        _tagged_course(institution, f"PLC course {i}")
    url = "/zh-hans/learn/catalogue/"
    few, few_search = _queries(client, url), _queries(client, url + "?q=plc")
    for i in range(2, 8):
        _tagged_course(institution, f"PLC course {i}")
    assert _queries(client, url) == few
    assert _queries(client, url + "?q=plc") == few_search


def test_course_and_lesson_pages_do_not_grow_with_lessons(client, learner):
    """An enrolled learner's course and lesson pages cost the same for 2 or 8 lessons."""
    institution = make_institution()
    small = make_course(institution, "Small", modules=1, lessons=2)
    large = make_course(institution, "Large", modules=2, lessons=4)
    for course in (small, large):
        services.enrolment_create(learner.pk, course.pk, None)
        for lesson in lessons_of(course)[:2]:
            services.lesson_mark_read(learner.pk, lesson.pk)
    client.force_login(learner)
    assert _queries(client, small.url) == _queries(client, large.url)
    assert _queries(client, lessons_of(small)[1].url) == _queries(client, lessons_of(large)[5].url)


def test_dashboard_queries_do_not_grow_with_enrolments(client, learner):
    """The learner dashboard costs the same for 1 or 4 enrolled courses."""
    institution = make_institution()
    courses = [make_course(institution, f"C{i}", lessons=2) for i in range(4)]
    services.enrolment_create(learner.pk, courses[0].pk, None)
    client.force_login(learner)
    one = _queries(client, "/zh-hans/learn/dashboard/")
    for course in courses[1:]:
        services.enrolment_create(learner.pk, course.pk, None)
    assert _queries(client, "/zh-hans/learn/dashboard/") == one
