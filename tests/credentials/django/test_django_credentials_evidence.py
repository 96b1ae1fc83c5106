"""Evidence from the learner's own results: the best passing attempt of each lab and, when the
template asks, each quiz's best passing score, read through the labs and courses selectors,
signed inside the credential and defined by the OB 3.0 context (safe mode)."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from courses import services as courses_services
from courses.grading import option_token
from credentials import services
from credentials.vc import jsonld
from credentials.verification import verify_data
from labs import services as labs_services
from labs.engine.grading import reference_solution
from tests.courses.factories import lessons_of, locale, make_course, make_institution, make_quiz

pytestmark = pytest.mark.django_db

BROKEN_MOTOR = """PROGRAM Main
  K1 := (START OR K1) AND STOP AND OL
  LAMP_RUN := K1;
END_PROGRAM
"""


def _plc_lab(title: str) -> dict:
    return {
        "title": title,
        "scenario": "motor",
        "instructions": "<p>Start and stop the motor with seal-in.</p>",
        "starter_code": "PROGRAM Main\nEND_PROGRAM\n",
        "reference_solution": reference_solution("motor"),
        "custom_scenarios": "",
        "visible_scenarios": "",
        "pass_score": 100,
        "max_attempts": 0,
        "time_limit_minutes": None,
        "allow_faults": True,
        "realtime": "off",
    }


@pytest.fixture
def course_with_labs(db):
    """A live course: lesson 1 holds a PLC lab, lesson 2 a quiz, lesson 3 another PLC lab
    that the learner never passes; (course, lab lesson, block id, quiz lesson, quiz)."""
    locale("zh-hans")
    locale("en")
    quiz = make_quiz()
    course = make_course(
        make_institution(),
        "Motor control",
        lessons=3,
        lesson_bodies=[[], [("quiz", {"quiz": quiz})], []],
    )
    lab_lesson, quiz_lesson, failed_lesson = lessons_of(course)
    blocks = {}
    for lesson, title in ((lab_lesson, "Seal-in circuit"), (failed_lesson, "Interlock")):
        block_id = str(uuid.uuid4())
        raw = [{"type": "plc_lab", "id": block_id, "value": _plc_lab(title)}]
        type(lesson).objects.filter(pk=lesson.pk).update(body=json.dumps(raw), has_lab=True)
        blocks[lesson.pk] = block_id
    return course, lab_lesson, blocks[lab_lesson.pk], quiz_lesson, quiz, failed_lesson, blocks


def _attempt(learner, lesson, block_id, source):
    submission = labs_services.submission_create(learner.pk, lesson.pk, block_id, source)
    return labs_services.submission_grade(submission.pk)


def _issue(learner, course, **template_changes):
    template = services.template_for("course", course.pk)
    for key, value in template_changes.items():
        setattr(template, key, value)
    template.save()
    credential = services.credential_issue(
        user_id=learner.pk,
        template_id=template.pk,
        completed_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    return credential, json.loads(credential.document)


def test_lab_results_are_signed_evidence(learner, course_with_labs):
    """A failed then a passing attempt at the first lab, only failures at the other: the
    credential's evidence names the passed lab with its best score, date and attempt, leaves
    the unpassed lab out, verifies, and passes safe-mode expansion."""
    course, lab_lesson, block_id, _ql, _quiz, failed_lesson, blocks = course_with_labs
    courses_services.enrolment_create(learner.pk, course.pk, None)
    failed = _attempt(learner, lab_lesson, block_id, BROKEN_MOTOR)
    passed = _attempt(learner, lab_lesson, block_id, reference_solution("motor"))
    _attempt(learner, failed_lesson, blocks[failed_lesson.pk], BROKEN_MOTOR)
    assert (failed.passed, passed.passed) == (False, True)

    credential, document = _issue(learner, course)
    evidence = document["evidence"]
    assert evidence[0]["name"] == "学习证据 / Evidence"  # the template's summary text
    labs = [e for e in evidence if "PLC lab" in e["name"]]
    assert len(labs) == 1
    lab = labs[0]
    assert lab["type"] == ["Evidence"]
    assert lab_lesson.title in lab["name"]
    day = passed.graded_at.astimezone(UTC).date().isoformat()
    assert lab["description"].endswith(f"Best passing score 100/100 on {day}")
    assert "“Seal-in circuit” was passed at attempt 2 of 2 graded" in lab["narrative"]
    assert lab["genre"] == "PLC 实验成绩 / PLC lab result"
    assert "Employers" in lab["audience"]
    assert failed_lesson.title not in json.dumps(evidence, ensure_ascii=False)
    jsonld.expand({k: v for k, v in document.items() if k != "proof"})
    assert verify_data(credential.document).is_valid


def test_quiz_scores_only_when_the_template_asks(learner, django_user_model, course_with_labs):
    """Quiz scores are evidence only with the template option; labs can be left out too."""
    course, lab_lesson, block_id, quiz_lesson, quiz, _fl, _b = course_with_labs
    courses_services.enrolment_create(learner.pk, course.pk, None)
    _attempt(learner, lab_lesson, block_id, reference_solution("motor"))
    question = next(iter(quiz.questions)).id
    wrong = courses_services.quiz_submit(
        learner.pk, quiz_lesson.pk, quiz.pk, {f"q_{question}": [option_token(quiz.pk, question, 1)]}
    )
    right = courses_services.quiz_submit(
        learner.pk, quiz_lesson.pk, quiz.pk, {f"q_{question}": [option_token(quiz.pk, question, 0)]}
    )
    assert (wrong.result.passed, right.result.passed) == (False, True)

    _credential, document = _issue(learner, course)
    assert not any("Quiz" in e["name"] for e in document["evidence"])

    other = django_user_model.objects.create_user(email="second@example.com", password="pw")
    courses_services.enrolment_create(other.pk, course.pk, None)
    courses_services.quiz_submit(
        other.pk, quiz_lesson.pk, quiz.pk, {f"q_{question}": [option_token(quiz.pk, question, 0)]}
    )
    template = services.template_for("course", course.pk)
    template.evidence_quiz_scores = True
    template.evidence_lab_results = False
    template.evidence_en = template.evidence_zh = ""
    template.save()
    credential = services.credential_issue(
        user_id=other.pk, template_id=template.pk, completed_at=datetime(2026, 11, 2, tzinfo=UTC)
    )
    evidence = json.loads(credential.document)["evidence"]
    assert [e["name"] for e in evidence] == [
        f"测验：{quiz_lesson.title} / Quiz: {quiz_lesson.title}"
    ]
    assert "Best passing score 100% on" in evidence[0]["description"]
    assert "Passed at attempt 1 of 1" in evidence[0]["narrative"]
    assert verify_data(credential.document).is_valid


def test_no_results_no_result_evidence(learner, course_with_labs):
    """A learner without a passing attempt gets only the template's summary (never a
    made-up result)."""
    course, *_rest = course_with_labs
    _credential, document = _issue(learner, course)
    assert [e["name"] for e in document["evidence"]] == ["学习证据 / Evidence"]


def test_another_learners_results_are_never_used(learner, django_user_model, course_with_labs):
    """Evidence is the holder's own: a classmate's passing attempt does not appear."""
    course, lab_lesson, block_id, *_rest = course_with_labs
    classmate = django_user_model.objects.create_user(email="classmate@example.com", password="pw")
    courses_services.enrolment_create(classmate.pk, course.pk, None)
    _attempt(classmate, lab_lesson, block_id, reference_solution("motor"))
    _credential, document = _issue(learner, course)
    assert not any("PLC lab" in e["name"] for e in document["evidence"])
