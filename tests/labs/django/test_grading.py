"""Submissions: stored first, graded once by the Celery task, progress recorded on a pass."""

import pytest

from labs import services
from labs.engine.grading import reference_solution
from labs.models import Submission
from labs.tasks import grade_submission

from .conftest import BROKEN_MOTOR, plc_lab_value, put_blocks

pytestmark = pytest.mark.django_db(transaction=False)

NO_SEAL_IN = """PROGRAM Main
  K1 := START AND STOP AND OL;
  LAMP_RUN := K1;
  LAMP_FAULT := NOT OL;
END_PROGRAM
"""


def submit(client, api_url, source, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            api_url("submit"), {"source": source}, content_type="application/json"
        )
    return response


def test_reference_solution_passes_and_completes_the_lesson(
    learner, learner_client, api_url, lab, django_capture_on_commit_callbacks
):
    """A correct program scores 100, passes, and the lesson's lab requirement is complete."""
    response = submit(
        learner_client, api_url, reference_solution("motor"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 202
    sub_id = response.json()["submission"]["id"]
    data = learner_client.get(f"/api/labs/submissions/{sub_id}?lang=en").json()["submission"]
    assert data["status"] == "graded" and data["passed"] is True and data["score"] == 100
    from courses.models import LessonProgress

    row = LessonProgress.objects.get(user=learner, lesson_key=lab[0].translation_key)
    assert row.lab_passed_at is not None and row.completed_at is not None


def test_wrong_program_gets_messages_and_the_first_failure_trace(
    learner, learner_client, api_url, lab, django_capture_on_commit_callbacks
):
    """Without seal-in the seal_in check fails with its message and a trace to plot."""
    response = submit(learner_client, api_url, NO_SEAL_IN, django_capture_on_commit_callbacks)
    sub_id = response.json()["submission"]["id"]
    data = learner_client.get(f"/api/labs/submissions/{sub_id}?lang=en").json()["submission"]
    assert data["passed"] is False and data["score"] < 100
    visible = next(s for s in data["result"]["scenarios"] if s["name"] == "start_stop")
    failed = [c for c in visible["checks"] if not c["passed"]]
    assert any("seal-in" in c["message"] for c in failed)
    assert visible["first_failure"]["t_ms"] is not None
    assert visible["trace"]
    from courses.models import LessonProgress

    row = LessonProgress.objects.filter(user=learner, lesson_key=lab[0].translation_key).first()
    assert row is None or row.lab_passed_at is None


def test_results_are_kept_in_both_languages(
    learner_client, api_url, django_capture_on_commit_callbacks
):
    """The Chinese page shows the Chinese check messages of the same attempt."""
    response = submit(learner_client, api_url, NO_SEAL_IN, django_capture_on_commit_callbacks)
    sub_id = response.json()["submission"]["id"]
    zh = learner_client.get(f"/api/labs/submissions/{sub_id}?lang=zh-hans").json()["submission"]
    messages = [c["message"] for s in zh["result"]["scenarios"] for c in s["checks"]]
    assert any("自锁" in m for m in messages)


def test_compile_error_submission_is_graded_zero_with_diagnostics(
    learner_client, api_url, django_capture_on_commit_callbacks
):
    """A program that does not compile is a result (score 0, diagnostics), not a crash."""
    response = submit(learner_client, api_url, BROKEN_MOTOR, django_capture_on_commit_callbacks)
    sub = Submission.objects.get(pk=response.json()["submission"]["id"])
    assert sub.status == "graded" and sub.score == 0 and not sub.passed
    assert sub.result["en"]["diagnostics"]


def test_submission_is_stored_before_grading(learner, learner_client, api_url):
    """Until the transaction commits the attempt exists, queued, with its source."""
    response = learner_client.post(
        api_url("submit"), {"source": NO_SEAL_IN}, content_type="application/json"
    )
    # pytest-django's default test transaction never commits: the task has not run
    sub = Submission.objects.get(pk=response.json()["submission"]["id"])
    assert sub.status == "queued" and sub.source == NO_SEAL_IN and sub.attempt == 1


def test_worker_killed_during_grading_is_graded_once(learner, lab, monkeypatch):
    """A run that dies mid-grading leaves the attempt RUNNING; the redelivered task grades it
    once, and running the task again afterwards changes nothing."""
    lesson, block_id, _course = lab
    sub = Submission.objects.create(
        user=learner,
        lesson_page_id=lesson.pk,
        block_id=block_id,
        attempt=1,
        source=reference_solution("motor"),
        config={
            "plant": "motor",
            "scenarios": plc_lab_value()["custom_scenarios"] or None,
            "pass_score": 100,
            "visible": [],
        },
    )
    sub.config["scenarios"] = None
    sub.save()
    real = services._grade_plc

    def killed(_sub):
        raise KeyboardInterrupt("worker lost")  # what a SIGKILL looks like to the code: gone

    monkeypatch.setattr(services, "_grade_plc", killed)
    with pytest.raises(KeyboardInterrupt):
        grade_submission.run(sub.pk)
    sub.refresh_from_db()
    assert sub.status == "running" and sub.result == {}
    monkeypatch.setattr(services, "_grade_plc", real)
    calls = []
    import courses.services

    original = courses.services.lesson_requirement_complete
    monkeypatch.setattr(
        courses.services,
        "lesson_requirement_complete",
        lambda *a, **k: (calls.append(a), original(*a, **k)),
    )
    assert grade_submission.run(sub.pk) == "graded"
    assert grade_submission.run(sub.pk) == "graded"
    sub.refresh_from_db()
    assert sub.passed and sub.score == 100 and sub.grading_runs == 2
    assert len(calls) == 1


def test_grading_task_is_safe_to_redeliver():
    """The task acknowledges late and is re-queued when its worker is lost."""
    assert grade_submission.acks_late is True
    assert grade_submission.reject_on_worker_lost is True
    assert grade_submission.time_limit


def test_attempts_policy_refuses_extra_attempts(
    learner_client, api_url, lab, django_capture_on_commit_callbacks
):
    """With two attempts allowed, the third is refused with a clear message."""
    lesson, block_id, _course = lab
    put_blocks(lesson, [("plc_lab", block_id, plc_lab_value(max_attempts=2))])
    for _ in range(2):
        assert (
            submit(
                learner_client, api_url, NO_SEAL_IN, django_capture_on_commit_callbacks
            ).status_code
            == 202
        )
    third = submit(learner_client, api_url, NO_SEAL_IN, django_capture_on_commit_callbacks)
    assert third.status_code == 403 and "attempts" in third.json()["message"]
    assert Submission.objects.count() == 2


def test_other_learners_cannot_read_a_submission(
    learner_client, api_url, django_capture_on_commit_callbacks
):
    """A submission id of someone else answers as if it did not exist."""
    from django.test import Client

    from tests.courses.factories import UserFactory

    response = submit(learner_client, api_url, NO_SEAL_IN, django_capture_on_commit_callbacks)
    other = Client()
    other.force_login(UserFactory())
    sub_id = response.json()["submission"]["id"]
    assert other.get(f"/api/labs/submissions/{sub_id}").status_code == 410


def test_instructor_statistics_rank_failing_checks(
    learner_client, api_url, lab, django_capture_on_commit_callbacks
):
    """The most common failing check of the lab comes first in the instructor view."""
    from labs.selectors import lab_statistics

    for _ in range(2):
        submit(learner_client, api_url, NO_SEAL_IN, django_capture_on_commit_callbacks)
    stats = lab_statistics(lab[0].pk, lab[1])
    assert stats["total"] == 2
    assert stats["failing"][0]["count"] == 2
    assert stats["learners"][0]["attempts"] == 2
