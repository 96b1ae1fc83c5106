"""Quiz grading on the server: every question type, malformed submissions, attempts, secrecy."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from courses import selectors, services
from courses.grading import option_token
from courses.models import QuizAttempt

from .factories import lessons_of, make_course, make_institution, make_quiz, single_choice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Feedback is compared in English (the service translates into the active language)."""
    with translation.override("en"):
        yield


QUESTIONS = [
    single_choice(
        "Which port does Modbus TCP use?", (("502", True), ("80", False), ("4840", False))
    ),
    (
        "multiple_choice",
        {
            "prompt": "Which are OT protocols?",
            "points": 1,
            "choices": [
                {"text": "Modbus", "correct": True},
                {"text": "OPC UA", "correct": True},
                {"text": "SMTP", "correct": False},
            ],
            "feedback_correct": "",
            "feedback_incorrect": "SMTP is e-mail.",
        },
    ),
    ("true_false", {"prompt": "PLCs run a scan cycle.", "points": 1, "answer": True}),
    (
        "numeric",
        {"prompt": "24 V DC is how many volts?", "points": 1, "answer": 24.0, "tolerance": 0.5},
    ),
    (
        "short_text",
        {
            "prompt": "The standard for PLC languages?",
            "points": 1,
            "accepted_answers": ["IEC 61131-3", "61131-3"],
            "case_sensitive": False,
        },
    ),
    (
        "ordering",
        {"prompt": "Order the scan cycle.", "points": 1, "items": ["read", "execute", "write"]},
    ),
]


@pytest.fixture
def setup(learner):
    """A learner enrolled in a one-lesson course whose lesson holds the six-question quiz."""
    quiz = make_quiz(QUESTIONS, pass_mark=80, max_attempts=3)
    course = make_course(make_institution(), lessons=1, lesson_bodies=[[("quiz", {"quiz": quiz})]])
    lesson = lessons_of(course)[0]
    services.enrolment_create(learner.pk, course.pk, None)
    return learner, lesson, quiz


def _ids(quiz):
    return [block.id for block in quiz.questions]


def _correct_answers(quiz):
    ids = _ids(quiz)
    return {
        f"q_{ids[0]}": [option_token(quiz.pk, ids[0], 0)],
        f"q_{ids[1]}": [option_token(quiz.pk, ids[1], 0), option_token(quiz.pk, ids[1], 1)],
        f"q_{ids[2]}": ["true"],
        f"q_{ids[3]}": ["24,2"],
        f"q_{ids[4]}": ["  iec 61131-3 "],
        **{f"q_{ids[5]}__{option_token(quiz.pk, ids[5], i)}": [str(i + 1)] for i in range(3)},
    }


def test_all_question_types_graded_right(setup):
    """Correct answers to all six types score 100% and pass, completing the lesson."""
    learner, lesson, quiz = setup
    submission = services.quiz_submit(learner.pk, lesson.pk, quiz.pk, _correct_answers(quiz))
    assert submission.result.score == 100.0
    assert submission.result.passed
    assert all(q.correct for q in submission.result.questions)
    assert submission.attempts_left == 2
    assert selectors.lesson_detail(lesson, learner)["lesson_done"]


def test_wrong_and_malformed_answers_earn_nothing_and_say_why(setup):
    """Wrong options, non-numbers, unknown tokens and half-ordered lists are wrong, with reasons."""
    learner, lesson, quiz = setup
    ids = _ids(quiz)
    answers = {
        f"q_{ids[0]}": ["not-a-token"],
        f"q_{ids[1]}": [option_token(quiz.pk, ids[1], 0)],  # only one of the two right ones
        f"q_{ids[2]}": ["maybe"],
        f"q_{ids[3]}": ["twenty-four"],
        f"q_{ids[4]}": ["IEC 61499"],
        f"q_{ids[5]}__{option_token(quiz.pk, ids[5], 0)}": ["1"],
    }
    result = services.quiz_submit(learner.pk, lesson.pk, quiz.pk, answers).result
    assert result.score == 0.0 and not result.passed
    feedback = {q.id: q.feedback for q in result.questions}
    assert feedback[ids[0]] == "That answer is not one of the options."
    assert feedback[ids[1]] == "SMTP is e-mail."
    assert feedback[ids[2]] == "Answer true or false."
    assert "is not a number" in feedback[ids[3]]
    assert feedback[ids[5]] == "Give every item a position."


def test_missing_answers_count_as_unanswered(setup):
    """A partial submission is graded; questions left blank are marked unanswered."""
    learner, lesson, quiz = setup
    ids = _ids(quiz)
    answers = {f"q_{ids[2]}": ["true"]}
    result = services.quiz_submit(learner.pk, lesson.pk, quiz.pk, answers).result
    assert result.score == pytest.approx(16.7, abs=0.1)
    assert [q.answered for q in result.questions] == [False, False, True, False, False, False]


def test_empty_foreign_and_misplaced_submissions_are_refused_without_using_an_attempt(setup):
    """Empty answers, answers to another quiz, or a quiz not in the lesson record nothing."""
    learner, lesson, quiz = setup
    other = make_quiz([single_choice()])
    with pytest.raises(ValidationError) as empty:
        services.quiz_submit(learner.pk, lesson.pk, quiz.pk, {})
    assert empty.value.code == "empty"
    foreign = {f"q_{_ids(other)[0]}": [option_token(other.pk, _ids(other)[0], 0)]}
    with pytest.raises(ValidationError) as wrong:
        services.quiz_submit(learner.pk, lesson.pk, quiz.pk, foreign)
    assert wrong.value.code == "foreign_answers"
    with pytest.raises(ValidationError) as misplaced:
        services.quiz_submit(learner.pk, lesson.pk, other.pk, foreign)
    assert misplaced.value.code == "wrong_quiz"
    assert not QuizAttempt.objects.exists()


def test_attempts_limit(setup):
    """After max_attempts submissions the next one is refused with a clear message."""
    learner, lesson, quiz = setup
    answers = {f"q_{_ids(quiz)[2]}": ["false"]}
    for _ in range(3):
        services.quiz_submit(learner.pk, lesson.pk, quiz.pk, answers)
    with pytest.raises(ValidationError) as refused:
        services.quiz_submit(learner.pk, lesson.pk, quiz.pk, answers)
    assert refused.value.code == "no_attempts_left"
    assert QuizAttempt.objects.count() == 3


def test_unenrolled_learner_cannot_submit(setup):
    """Only enrolled learners' answers are graded."""
    learner, lesson, quiz = setup
    services.enrolment_cancel(learner.pk, lesson.get_parent().get_parent().pk)
    with pytest.raises(ValidationError) as refused:
        services.quiz_submit(learner.pk, lesson.pk, quiz.pk, _correct_answers(quiz))
    assert refused.value.code == "not_enrolled"


def test_lesson_page_never_sends_the_answers(setup, client):
    """The rendered lesson holds prompts and options but no correct flag, answer or feedback."""
    learner, lesson, quiz = setup
    client.force_login(learner)
    response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Which port does Modbus TCP use?" in html
    assert 'value="' + option_token(quiz.pk, _ids(quiz)[0], 0) + '"' in html
    for secret in ("IEC 61131-3", "Right: 2 + 2", "SMTP is e-mail.", "correct", "24.0"):
        assert secret not in html
    # The ordering items are listed shuffled under opaque names, never by their index.
    assert not re.search(rf'name="q_{_ids(quiz)[5]}__\d{{1,2}}"', html)


def test_quiz_view_shows_feedback_and_refusals(setup, client):
    """Posting the form shows per-question feedback; a malformed post gets a message, no crash."""
    learner, lesson, quiz = setup
    client.force_login(learner)
    url = reverse("courses:quiz_submit", args=[lesson.pk, quiz.pk])
    response = client.post(url, _correct_answers(quiz))
    assert response.status_code == 200
    assert "100.0%" in response.content.decode()
    response = client.post(url, {"q_bogus": "x"}, follow=True)
    assert response.status_code == 200
    assert "These answers belong to a different quiz" in response.content.decode()
