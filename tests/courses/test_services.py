"""Enrolment, progress and completion services, and the contract signals."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from courses import selectors, services
from courses.models import CourseCompletion, Enrolment, LessonProgress
from courses.signals import course_completed, program_completed

from .factories import (
    lessons_of,
    make_course,
    make_institution,
    make_program,
    make_quiz,
    plc_lab_block,
    translate_course,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a service call and then its on_commit callbacks, as a real commit would."""

    def run(func, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args)

    return run


@pytest.fixture
def received():
    """Collects course_completed / program_completed sends."""
    calls = []

    def course_receiver(sender, **kwargs):
        calls.append(("course", kwargs))

    def program_receiver(sender, **kwargs):
        calls.append(("program", kwargs))

    course_completed.connect(course_receiver, weak=False)
    program_completed.connect(program_receiver, weak=False)
    yield calls
    course_completed.disconnect(course_receiver)
    program_completed.disconnect(program_receiver)


def test_enrolment_is_created_once_and_unenrol_keeps_progress(learner):
    """Enrolling twice gives one row; unenrolling keeps progress and re-enrolling resumes."""
    course = make_course(make_institution())
    first = services.enrolment_create(learner.pk, course.pk, None)
    again = services.enrolment_create(learner.pk, course.pk, None)
    assert first.pk == again.pk
    lesson = lessons_of(course)[0]
    services.lesson_mark_read(learner.pk, lesson.pk)
    assert services.enrolment_cancel(learner.pk, course.pk) is True
    assert Enrolment.objects.get(pk=first.pk).status == Enrolment.Status.UNENROLLED
    services.enrolment_create(learner.pk, course.pk, None)
    assert LessonProgress.objects.get(user=learner, lesson_key=lesson.translation_key).read_at


def test_prerequisites_refuse_enrolment_with_a_translated_message(learner):
    """An unmet prerequisite refuses enrolment, naming the course, in either language."""
    institution = make_institution()
    basics = make_course(institution, "PLC basics", lessons=1)
    advanced = make_course(institution, "PLC advanced")
    advanced.prerequisites.add(basics)
    advanced.save()
    with pytest.raises(ValidationError) as refused:
        services.enrolment_create(learner.pk, advanced.pk, None)
    assert refused.value.code == "prerequisites"
    with translation.override("en"):
        assert "Complete these courses first: PLC basics" in refused.value.messages[0]
    with translation.override("zh-hans"):
        assert "请先完成" in refused.value.messages[0]
    services.enrolment_create(learner.pk, basics.pk, None)
    services.lesson_mark_read(learner.pk, lessons_of(basics)[0].pk)
    assert services.enrolment_create(learner.pk, advanced.pk, None).status == "active"


def test_bad_sponsorship_code_and_unknown_course_are_refused(learner):
    """Malformed sponsorship codes and unknown courses give a clear ValidationError."""
    course = make_course(make_institution())
    with pytest.raises(ValidationError) as bad_code:
        services.enrolment_create(learner.pk, course.pk, "<script>")
    assert bad_code.value.code == "bad_sponsorship_code"
    with pytest.raises(ValidationError) as missing:
        services.enrolment_create(learner.pk, 999_999, None)
    assert missing.value.code == "no_such_course"
    assert not Enrolment.objects.exists()


def test_course_completed_is_sent_exactly_once_on_commit(learner, received, committed):
    """Finishing every lesson sends course_completed once, with the contract's kwargs."""
    course = make_course(make_institution(), lessons=2)
    services.enrolment_create(learner.pk, course.pk, None)
    first, second = lessons_of(course)
    committed(services.lesson_mark_read, learner.pk, first.pk)
    assert received == []
    committed(services.lesson_mark_read, learner.pk, second.pk)
    committed(services.lesson_mark_read, learner.pk, second.pk)
    committed(services.course_completion_check, learner.pk, course.pk)
    assert [kind for kind, _ in received] == ["course"]
    kwargs = received[0][1]
    assert kwargs["user_id"] == learner.pk
    assert kwargs["course_page_id"] == course.pk
    assert kwargs["completed_at"].tzinfo is not None
    assert selectors.completed_courses(learner.pk) == [course.pk]
    assert CourseCompletion.objects.count() == 1


def test_signal_waits_for_the_transaction(learner, django_capture_on_commit_callbacks):
    """The signal is sent from on_commit: nothing is sent before the transaction commits."""
    sent = []
    course_completed.connect(lambda sender, **kw: sent.append(kw), weak=False, dispatch_uid="t")
    try:
        course = make_course(make_institution(), lessons=1)
        services.enrolment_create(learner.pk, course.pk, None)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.lesson_mark_read(learner.pk, lessons_of(course)[0].pk)
        assert sent == []
        assert callbacks  # the signal, and the learner's cached pages made stale (ADR 0036)
        for callback in callbacks:
            callback()
        assert len(sent) == 1
    finally:
        course_completed.disconnect(dispatch_uid="t")


def test_quiz_and_lab_lessons_complete_only_when_passed(learner, received, committed):
    """A lesson with a quiz and a lab needs both passed; labs report through the contract call."""
    quiz = make_quiz()
    course = make_course(
        make_institution(),
        lessons=1,
        lesson_bodies=[
            [
                ("quiz", {"quiz": quiz}),
                plc_lab_block(),
            ]
        ],
    )
    lesson = lessons_of(course)[0]
    assert lesson.has_quiz and lesson.has_lab
    services.enrolment_create(learner.pk, course.pk, None)
    with pytest.raises(ValidationError):
        services.lesson_mark_read(learner.pk, lesson.pk)
    committed(services.lesson_requirement_complete, learner.pk, lesson.pk, "quiz", 100.0, True)
    assert received == []
    committed(services.lesson_requirement_complete, learner.pk, lesson.pk, "lab", 40.0, False)
    assert received == []
    committed(services.lesson_requirement_complete, learner.pk, lesson.pk, "lab", 100.0, True)
    assert [kind for kind, _ in received] == ["course"]
    row = LessonProgress.objects.get(user=learner)
    assert row.lab_best_score == 100.0 and row.completed_at is not None
    with pytest.raises(ValidationError):
        services.lesson_requirement_complete(learner.pk, lesson.pk, "essay", 1.0, True)


def test_program_completed_once_when_all_courses_are(learner, received, committed):
    """program_completed goes out once, when the last course of the programme completes."""
    institution = make_institution()
    one = make_course(institution, "One", lessons=1)
    two = make_course(institution, "Two", lessons=1)
    program = make_program(institution, "Programme", [one, two])
    for course in (one, two):
        services.enrolment_create(learner.pk, course.pk, None)
    committed(services.lesson_mark_read, learner.pk, lessons_of(one)[0].pk)
    assert [k for k, _ in received] == ["course"]
    committed(services.lesson_mark_read, learner.pk, lessons_of(two)[0].pk)
    assert [k for k, _ in received] == ["course", "course", "program"]
    assert received[2][1]["program_page_id"] == program.pk


def test_progress_counts_in_any_locale(learner):
    """Progress made in the Chinese lesson shows in the English translation of the course."""
    institution = make_institution()
    course = make_course(institution, "Modbus 入门", lessons=2)
    en_course = translate_course(course, title="Modbus basics")
    assert en_course.locale.language_code == "en"
    services.enrolment_create(learner.pk, en_course.pk, None)
    services.lesson_mark_read(learner.pk, lessons_of(course)[0].pk)
    detail = selectors.course_detail(en_course.specific, learner)
    assert detail["progress"].done == 1
    assert detail["enrolment"] is not None
