"""Pages and learner views: course page, enrol/unenrol, lesson player, dashboard, instructor."""

import csv
import io

import pytest
from django.urls import reverse
from wagtail.test.utils import WagtailTestUtils

from courses import services
from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage, ProgramPage

from .factories import (
    UserFactory,
    lessons_of,
    make_course,
    make_institution,
    make_program,
    make_quiz,
    translate_course,
)

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailTestUtils):
    """The page types nest only as the content model says (WagtailPageTestCase helpers)."""

    def test_allowed_children(self):
        """Catalogue > programme/course > module > lesson; nothing else."""
        from wagtail.test.utils import WagtailPageTestCase

        case = WagtailPageTestCase()
        case.assertCanCreateAt(CataloguePage, CoursePage)
        case.assertCanCreateAt(CataloguePage, ProgramPage)
        case.assertCanCreateAt(CoursePage, ModulePage)
        case.assertCanCreateAt(ModulePage, LessonPage)
        case.assertCanNotCreateAt(CoursePage, LessonPage)
        case.assertCanNotCreateAt(LessonPage, LessonPage)
        case.assertCanNotCreateAt(ModulePage, CoursePage)


def test_course_page_for_visitor_learner_and_enrolment_flow(client, learner):
    """A visitor sees the outline and a login button; a learner enrols, opens lessons, leaves."""
    course = make_course(make_institution(), "PLC basics", lessons=2)
    first = lessons_of(course)[0]
    response = client.get(course.url)
    assert response.status_code == 200
    assert "PLC basics lesson 1.1" in response.content.decode()
    assert client.get(first.url).status_code == 302  # lessons need an enrolment
    client.force_login(learner)
    assert client.get(first.url).status_code == 302
    response = client.post(reverse("courses:enrol", args=[course.pk]), follow=True)
    assert "选课成功" in response.content.decode()
    response = client.get(first.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert "标记完成并继续" in html
    response = client.post(reverse("courses:lesson_complete", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == lessons_of(course)[1].url
    response = client.get(reverse("courses:resume", args=[course.pk]))
    assert response["Location"] == lessons_of(course)[1].url
    response = client.post(reverse("courses:unenrol", args=[course.pk]), follow=True)
    assert "学习进度会保留" in response.content.decode()
    assert client.get(first.url).status_code == 302


def test_prerequisite_refusal_is_shown_in_chinese(client, learner):
    """Enrolling without the prerequisite shows the refusal in the learner's language."""
    institution = make_institution()
    basics = make_course(institution, "PLC 入门")
    advanced = make_course(institution, "PLC 进阶")
    advanced.prerequisites.add(basics)
    advanced.save()
    client.force_login(learner)
    response = client.post(
        reverse("courses:enrol", args=[advanced.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "请先完成以下课程：PLC 入门。" in response.content.decode()


def test_enrol_in_unknown_course_is_404_not_a_crash(client, learner):
    """Posting to a course id that does not exist answers 404."""
    client.force_login(learner)
    assert client.post(reverse("courses:enrol", args=[987654])).status_code == 404


def test_english_translation_shares_progress_and_shows_english(client, learner):
    """The English course page shows English titles and the progress made in Chinese."""
    course = make_course(make_institution(), "课程", lessons=2)
    en_course = translate_course(course, title="The course")
    services.enrolment_create(learner.pk, course.pk, None)
    services.lesson_mark_read(learner.pk, lessons_of(course)[0].pk)
    client.force_login(learner)
    html = client.get(en_course.url).content.decode()
    assert "The course" in html
    assert "50% · 1 of 2 lessons" in html


def test_programme_page_and_dashboard(client, learner):
    """The programme lists its courses in order; the dashboard shows progress and next lesson."""
    institution = make_institution()
    one, two = make_course(institution, "First", lessons=2), make_course(institution, "Second")
    program = make_program(institution, "Programme", [two, one])
    services.enrolment_create(learner.pk, one.pk, None)
    services.lesson_mark_read(learner.pk, lessons_of(one)[0].pk)
    client.force_login(learner)
    html = client.get(program.url).content.decode()
    assert html.index("Second") < html.index("First")
    html = client.get(reverse("courses:dashboard")).content.decode()
    assert "First lesson 1.2" in html
    assert 'value="50"' in html


def test_lab_block_links_to_the_interactive_lab(client, learner):
    """A PLC lab block in a lesson shows its title and opens the lab page for that block."""
    course = make_course(
        make_institution(),
        lessons=1,
        lesson_bodies=[
            [
                (
                    "plc_lab",
                    {
                        "title": "Traffic light",
                        "scenario": "traffic_light",
                        "instructions": "<p>Cycle the lights.</p>",
                        "pass_score": 100,
                    },
                )
            ]
        ],
    )
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    lesson = lessons_of(course)[0]
    html = client.get(lesson.url).content.decode()
    assert "Traffic light" in html
    block_id = lesson.specific.body.raw_data[0]["id"]
    lab_url = reverse("labs:plc_lab", args=[lesson.pk, block_id])
    assert lab_url in html
    assert client.get(lab_url).status_code == 200


def test_instructor_view_and_csv(client, learner):
    """The institution's editor sees enrolments, completion, quiz average, stalls and the CSV;
    a learner is refused."""
    institution = make_institution()
    quiz = make_quiz()
    course = make_course(
        institution,
        lessons=2,
        lesson_bodies=[[("text", "<p>Read.</p>")], [("quiz", {"quiz": quiz})]],
    )
    lessons = lessons_of(course)
    services.enrolment_create(learner.pk, course.pk, None)
    services.lesson_mark_read(learner.pk, lessons[0].pk)
    ids = [b.id for b in quiz.questions]
    services.quiz_submit(learner.pk, lessons[1].pk, quiz.pk, {f"q_{ids[0]}": ["nope"]})
    other = UserFactory(display_name="=HYPERLINK(1)")
    services.enrolment_create(other.pk, course.pk, None)
    report_url = reverse("courses:report", args=[course.pk])
    client.force_login(learner)
    assert client.get(report_url).status_code == 403
    institution.refresh_from_db()
    editor = UserFactory(is_staff=True)
    editor.groups.add(institution.editors_group)
    client.force_login(editor)
    html = client.get(report_url).content.decode()
    assert "Course lesson 1.2" in html  # where the first learner stalls
    response = client.get(reverse("courses:report_csv", args=[course.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "学员" and len(rows) == 3  # headers in the page language
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email[learner.email][4] == "50"
    assert by_email[learner.email][6] == "0.0"
    assert by_email[other.email][0] == "'=HYPERLINK(1)"  # no formula injection


def test_resume_returns_to_the_last_lesson_opened(client, learner):
    """Opening lesson 3 of 3 and coming back later resumes at lesson 3, not at lesson 1."""
    course = make_course(make_institution(), lessons=3)
    services.enrolment_create(learner.pk, course.pk, None)
    client.force_login(learner)
    third = lessons_of(course)[2]
    assert client.get(third.url).status_code == 200
    response = client.get(reverse("courses:resume", args=[course.pk]))
    assert response["Location"] == third.url
    html = client.get(course.url).content.decode()
    assert f'href="{third.url}"' in html
