"""Notebook grading runs learner code in a scrubbed, limited child process on its own queue."""

import os
import time
from pathlib import Path

import nbformat
import pytest

from labs.jupyterhub.grading import grade_notebook
from labs.models import Submission
from labs.tasks import grade_notebook_submission, grade_submission
from lms.celery import app as celery_app

SECRETS = {
    "SECRET_KEY": "django-secret-for-the-test",
    "DATABASE_URL": "postgres://lms:db-password@db/lms",
    "REDIS_URL": "redis://:redis-password@cache:6379/0",
    "CREDENTIALS_KEY_SECRET": "credentials-key-secret-for-the-test",
    "JUPYTERHUB_API_TOKEN": "hub-token-for-the-test",
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
}


def _notebook(*sources: str) -> str:
    return nbformat.writes(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    )


def _check(name: str, code: str) -> dict:
    return {
        "name": name,
        "code": code,
        "message_en": f"{name} failed",
        "message_zh": f"{name} 未通过",
    }


def _by_id(result: dict, lang: str = "en") -> dict:
    return {row["id"]: row for row in result[lang]["checks"]}


def test_learner_code_cannot_see_the_workers_secrets(monkeypatch):
    """A notebook that prints os.environ finds none of the platform's secrets, no Django
    settings module and no project files in its working directory."""
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    source = _notebook(
        "import os, json\nseen = dict(os.environ)\nprint(json.dumps(seen))\nhere = os.listdir('.')"
    )
    checks = [
        _check("no_secret_names", f"assert not set(seen) & set({sorted(SECRETS)!r}), sorted(seen)"),
        _check(
            "no_secret_values",
            f"assert not [v for v in seen.values() if v in {sorted(SECRETS.values())!r}]",
        ),
        _check("fresh_directory", "assert 'manage.py' not in here and 'lms' not in here, here"),
        _check("home_is_the_temp_dir", "assert seen['HOME'] == os.getcwd()"),
    ]
    result, score, passed = grade_notebook(source, {"checks": checks})
    assert result["en"]["error"] is None, result
    assert all(row["passed"] for row in result["en"]["checks"]), result["en"]["checks"]
    assert score == 100.0 and passed


def test_a_check_that_reads_a_secret_fails_because_it_is_not_there(monkeypatch):
    """The same probe with the opposite assertion fails: the secret really was withheld."""
    monkeypatch.setenv("SECRET_KEY", SECRETS["SECRET_KEY"])
    assert os.environ["SECRET_KEY"] == SECRETS["SECRET_KEY"]  # the worker itself has it
    result, score, passed = grade_notebook(
        _notebook("import os"), {"checks": [_check("sees_secret", "os.environ['SECRET_KEY']")]}
    )
    row = _by_id(result)["sees_secret"]
    assert not row["passed"] and "SECRET_KEY" in row["detail"]
    assert row["message"] == "sees_secret failed" and score == 0 and not passed


def test_a_cell_that_never_ends_is_stopped_and_every_check_gets_a_verdict():
    """Past the cell timeout the run stops; the checks fail with the lab's messages and the
    result says which limit was hit, in both languages."""
    source = _notebook("import time\ntime.sleep(600)")
    config = {"checks": [_check("after", "assert True")], "cell_timeout": 2}
    result, score, passed = grade_notebook(source, config)
    assert "2 seconds" in result["en"]["error"]
    assert result["zh"]["error"] and result["zh"]["error"] != result["en"]["error"]
    row = _by_id(result)["after"]
    assert not row["passed"] and row["message"] == "after failed" and row["detail"]
    assert _by_id(result, "zh")["after"]["message"] == "after 未通过"
    assert score == 0 and not passed


def _dead_or_zombie(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" in status.read_text()
    except FileNotFoundError:
        return True


def test_the_whole_run_is_killed_at_the_notebook_time_limit(settings, tmp_path):
    """A run longer than LABS_NOTEBOOK_TIMEOUT is killed with its kernel and graded."""
    settings.LABS_NOTEBOOK_TIMEOUT = 20
    pid_file = tmp_path / "kernel.pid"
    source = _notebook(
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)"
    )
    config = {"checks": [_check("after", "assert True")], "cell_timeout": 600}
    result, score, passed = grade_notebook(source, config)
    assert "20 seconds" in result["en"]["error"]
    assert not _by_id(result)["after"]["passed"] and score == 0 and not passed
    kernel_pid = int(pid_file.read_text())
    deadline = time.monotonic() + 15
    while not _dead_or_zombie(kernel_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _dead_or_zombie(kernel_pid), "the kernel outlived its grading"


def test_a_crashing_kernel_gives_a_result_not_an_exception():
    """A notebook that kills its own kernel is graded with a message on every check."""
    source = _notebook("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    result, score, passed = grade_notebook(source, {"checks": [_check("after", "assert True")]})
    assert "kernel stopped" in result["en"]["error"]
    assert not _by_id(result)["after"]["passed"] and score == 0 and not passed


def test_memory_beyond_the_limit_fails_the_check_and_grading_goes_on(settings):
    """An allocation above LABS_NOTEBOOK_MEMORY_MB fails inside the notebook (MemoryError);
    the next check still runs."""
    settings.LABS_NOTEBOOK_MEMORY_MB = 768
    checks = [
        _check("huge", "block = bytearray(4 * 1024 ** 3)"),
        _check("still_alive", "assert 1 + 1 == 2"),
    ]
    result, score, passed = grade_notebook(_notebook("x = 1"), {"checks": checks})
    rows = _by_id(result)
    assert not rows["huge"]["passed"] and rows["still_alive"]["passed"]
    assert result["en"]["error"] is None and score == 50.0 and not passed


def test_notebook_grading_is_routed_to_its_own_queue(settings):
    """The notebook task goes to the notebooks queue; PLC grading stays on the default one."""
    router = celery_app.amqp.router
    notebook = router.route({}, grade_notebook_submission.name)
    plc = router.route({}, grade_submission.name)
    assert notebook["queue"].name == settings.LABS_NOTEBOOK_QUEUE == "notebooks"
    assert plc["queue"].name == celery_app.conf.task_default_queue != "notebooks"


NOTEBOOK_CONFIG = {
    "checks": [
        {
            "name": "mean",
            "code": "assert mean_level == 50",
            "message_en": "mean_level must be 50",
            "message_zh": "mean_level 应为 50",
        }
    ],
    "pass_score": 100,
}


@pytest.mark.django_db
def test_embedded_default_grades_a_notebook_submission_in_process(
    lab, learner, django_capture_on_commit_callbacks
):
    """Without a broker (tasks run in-process) a submitted notebook is graded all the same."""
    from labs import services

    lesson, block_id, _course = lab
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("mean_level = sum([40, 50, 60]) / 3")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        sub = services.notebook_submission_create(
            learner.pk, lesson.pk, block_id, notebook, NOTEBOOK_CONFIG
        )
    sub.refresh_from_db()
    assert sub.kind == Submission.Kind.NOTEBOOK
    assert sub.status == Submission.Status.GRADED and sub.passed and sub.score == 100
    assert sub.result["zh"]["checks"][0]["id"] == "mean"


@pytest.mark.django_db
def test_the_plc_task_hands_a_notebook_to_the_notebook_task(lab, learner):
    """A notebook submission reaching the PLC grading task is forwarded, not run there."""
    lesson, block_id, _course = lab
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("mean_level = 50")])
    sub = Submission.objects.create(
        user=learner,
        lesson_page_id=lesson.pk,
        block_id=block_id,
        kind=Submission.Kind.NOTEBOOK,
        attempt=1,
        source=nbformat.writes(notebook),
        config=NOTEBOOK_CONFIG,
    )
    assert grade_submission.run(sub.pk) == "forwarded"
    sub.refresh_from_db()  # tasks run in-process here: the forwarded task graded it
    assert sub.status == Submission.Status.GRADED and sub.passed
