"""A learner does the motor start/stop lab in the browser, from a typo to a passed lesson."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client

from labs.engine.grading import reference_solution
from tests.courses.factories import UserFactory, lessons_of, locale, make_course, make_institution
from tests.labs.django.conftest import plc_lab_value, put_blocks

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

TYPO = """PROGRAM Main
  K1 := (START OR K1) AND STOP AND OL
  LAMP_RUN := K1;
  LAMP_FAULT := NOT OL;
END_PROGRAM
"""


def _lab_for(user):
    locale("zh-hans")
    locale("en")
    course = make_course(make_institution(), "PLC basics", lessons=1)
    lesson = lessons_of(course)[0]
    block_id = str(uuid.uuid4())
    put_blocks(lesson, [("plc_lab", block_id, plc_lab_value(starter_code=TYPO))])
    from courses.services import enrolment_create

    enrolment_create(user.pk, course.pk, None)
    return lesson, block_id


def test_motor_lab_from_typo_to_passed_lesson(live_server, chromium_browser):
    """Compile marker on the typo, fix, START turns the motor, submit passes, lesson done."""
    user = UserFactory()
    lesson, block_id = _lab_for(user)
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value

    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console_errors.append(msg.text))
    steps: list[dict] = []  # the headers of each sandbox step the page sends
    page.on(
        "request",
        lambda request: (
            request.url.split("?")[0].endswith("/step") and steps.append(request.headers)
        ),
    )
    page.goto(f"{live_server.url}/en/labs/plc/{lesson.pk}/{block_id}/")

    # the typo (missing semicolon) is marked in the gutter and listed with its line
    page.locator(".st-gutter .ln.err").first.wait_for(timeout=15000)
    assert page.locator("#diagnostics .diag").first.inner_text().startswith("line ")

    page.fill("#st-source", reference_solution("motor"))
    page.locator("#diagnostics .diag.ok").wait_for(timeout=15000)
    assert page.locator(".st-gutter .ln.err").count() == 0

    page.click("#btn-run")
    page.wait_for_selector('#plc-status[data-status="RUN"]', timeout=15000)
    start = page.locator('g[data-press="START"]')
    box = start.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(400)
    page.mouse.up()
    page.wait_for_selector('g.hmi-motor[data-running="true"]', timeout=15000)
    page.wait_for_selector('#io-table tr[data-name="K1"].on', timeout=5000)
    page.click("#btn-pause")
    # the running page steps with the sandbox's step token (the lean path of labs.stepserver)
    assert len(steps) > 3 and all(headers.get("x-sandbox-token") for headers in steps)

    page.click("#btn-submit")
    page.wait_for_selector("#result-verdict.passed", timeout=60000)
    assert "100" in page.locator("#result-verdict").inner_text()

    page.goto(f"{live_server.url}{lesson.url}".replace("/zh-hans/", "/en/", 1))
    assert page.locator("h1 .badge.ok").count() == 1
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    context.close()


RUNAWAY = """PROGRAM Main
VAR i : INT; END_VAR
WHILE TRUE DO
  i := i + 1;
END_WHILE;
END_PROGRAM
"""


def test_phone_learner_sees_the_watchdog_fault_and_its_line(live_server, chromium_browser):
    """On a phone, a runaway loop stops the PLC in FAULT; the alert and gutter show the line."""
    user = UserFactory()
    lesson, block_id = _lab_for(user)
    client = Client()
    client.force_login(user)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = chromium_browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/zh-hans/labs/plc/{lesson.pk}/{block_id}/")
    page.fill("#st-source", RUNAWAY)
    page.tap("#btn-run")
    page.wait_for_selector('#plc-status[data-status="FAULT"]', timeout=15000)
    alert = page.locator("#lab-alert")
    assert alert.is_visible() and "PLC" in alert.inner_text()
    assert page.locator(".st-gutter .ln.fault").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    context.close()
