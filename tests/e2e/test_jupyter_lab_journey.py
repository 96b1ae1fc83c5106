"""A learner does a Jupyter lab in the browser on a real JupyterHub, from lesson to graded checks."""

import time
import uuid

import nbformat
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from playwright.sync_api import expect

from tests.courses.factories import UserFactory, lessons_of, locale, make_course, make_institution
from tests.labs.django.conftest import put_blocks

pytestmark = [
    pytest.mark.browser,
    pytest.mark.jupyterhub,
    pytest.mark.django_db(transaction=True),
]

STARTER = "levels = [40, 50, 60]  # tank levels in mm"
CHECKS = [
    {
        "name": "mean",
        "code": "assert mean_level == 50",
        "message_en": "mean_level must be the mean of the three levels",
        "message_zh": "mean_level 应为三个液位的平均值",
    },
    {
        "name": "peak",
        "code": "assert peak_level == 60",
        "message_en": "peak_level must be the highest level",
        "message_zh": "peak_level 应为最高液位",
    },
]


def _starter_notebook() -> bytes:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STARTER)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nbformat.writes(nb).encode()


def _jupyter_lesson(user):
    from wagtail.documents.models import Document

    from courses.services import enrolment_create

    locale("zh-hans")
    locale("en")
    course = make_course(make_institution(), "Plant data", lessons=1)
    lesson = lessons_of(course)[0]
    document = Document(title="Tank levels")
    document.file.save(f"tank-{uuid.uuid4().hex[:6]}.ipynb", ContentFile(_starter_notebook()))
    block_id = str(uuid.uuid4())
    value = {
        "title": "Tank level analysis",
        "notebook": document.pk,
        "instructions": "<p>Compute the mean and the peak of the tank levels.</p>",
        "image": "",
        "deliverable": "mean_level and peak_level",
        "checks": CHECKS,
        "pass_score": 100,
    }
    put_blocks(lesson, [("jupyter_lab", block_id, value)])
    enrolment_create(user.pk, course.pk, None)
    return lesson, block_id, document


def _wait_saved(user_id, lesson_id, block_id, name, text, timeout=60.0):
    """Until the learner's server holds the notebook with ``text`` (JupyterLab saved it)."""
    from labs.jupyterhub.client import HubError
    from labs.jupyterhub.service import notebook_fetch

    deadline = time.monotonic() + timeout
    cells: list = []
    while True:
        try:
            cells = notebook_fetch(user_id, lesson_id, block_id, name)["cells"]
        except HubError:  # read while JupyterLab was writing it ("Unreadable Notebook")
            cells = []
        if any(text in "".join(cell["source"]) for cell in cells):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the notebook was not saved with {text!r}: {cells!r}")
        time.sleep(0.5)


def test_learner_opens_their_notebook_server_and_gets_each_check_graded(
    live_server, chromium_browser, hub_settings
):
    """From the lesson the learner opens the lab, is provisioned on the hub, reaches their own
    JupyterLab with the course's notebook, completes part of it, submits, and sees which
    check passed and which failed with the lab's message."""
    from labs.jupyterhub.service import jupyter_stop

    user = UserFactory()
    lesson, block_id, document = _jupyter_lesson(user)
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(60000)
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{lesson.url}".replace("/zh-hans/", "/en/", 1))
        block = page.locator("section.lab-block")
        assert "Tank level analysis" in block.inner_text()
        block.get_by_role("link", name="Open the lab").click()
        page.wait_for_url(f"**/labs/jupyter/{lesson.pk}/{block_id}/")
        assert "mean_level and peak_level" in page.locator("main").inner_text()

        # provisioning (user, named server, notebook copy, scoped token) happens on this POST;
        # the page then links to the learner's server, which opens in a new tab
        page.get_by_role("button", name="Open the notebook").click()
        link = page.locator("#notebook-link")
        link.wait_for(timeout=180000)
        with context.expect_page(timeout=60000) as new_tab:
            link.click()
        lab = new_tab.value
        lab.wait_for_load_state("domcontentloaded", timeout=180000)
        notebook_name = document.file.name.rsplit("/", 1)[-1]
        assert f"/user/lms-{user.pk}/lab-{lesson.pk}-{block_id[:8]}/lab/tree/" in lab.url
        assert notebook_name in lab.url

        # JupyterLab itself, served by the learner's own single-user server, shows the notebook
        first_cell = lab.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor").first
        expect(first_cell).to_contain_text("levels = [40, 50, 60]", timeout=180000)

        # the learner answers one of the two questions and saves
        first_cell.click()
        lab.keyboard.press("Control+End")
        lab.keyboard.press("Enter")
        lab.keyboard.type("mean_level = sum(levels) / len(levels)")
        lab.keyboard.press("Control+s")
        _wait_saved(user.pk, lesson.pk, block_id, notebook_name, "mean_level = sum(levels)")

        # back on the platform: submit; the notebook is fetched from the server and graded
        page.bring_to_front()
        page.get_by_role("button", name="Submit the notebook for grading").click()
        page.wait_for_load_state("domcontentloaded")
        attempts = page.locator("section.card", has_text="Your attempts")
        attempts.wait_for(timeout=180000)
        text = attempts.inner_text()
        assert "#1" in text and "50" in text
        assert "✓ mean" in text
        assert "✗ peak — peak_level must be the highest level" in text
        assert "passed" not in text.split("#1", 1)[1].split("\n", 1)[0]
    finally:
        context.close()
        jupyter_stop(user.pk, lesson.pk, block_id, remove=True)
