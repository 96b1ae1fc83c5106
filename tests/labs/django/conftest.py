"""Fixtures of the labs' Django tests: a live course whose lesson holds a PLC lab block."""

import json
import uuid

import pytest
from django.test import Client

from labs.engine.grading import reference_solution
from tests.courses.factories import UserFactory, lessons_of, locale, make_course, make_institution

BROKEN_MOTOR = """PROGRAM Main
  K1 := (START OR K1) AND STOP AND OL
  LAMP_RUN := K1;
END_PROGRAM
"""


def plc_lab_value(**overrides):
    """The raw value of a motor start/stop PLC lab block."""
    value = {
        "title": "Motor start/stop",
        "scenario": "motor",
        "instructions": "<p>Start and stop the motor with seal-in.</p>",
        "starter_code": "PROGRAM Main\nEND_PROGRAM\n",
        "reference_solution": reference_solution("motor"),
        "custom_scenarios": "",
        "visible_scenarios": "start_stop",
        "pass_score": 100,
        "max_attempts": 0,
        "time_limit_minutes": None,
        "allow_faults": True,
        "realtime": "modbus",
    }
    value.update(overrides)
    return value


def put_blocks(lesson, blocks):
    """Store raw blocks in a lesson's body, bypassing the (placeholder) block definitions.

    The courses StreamField still uses its placeholder lab blocks until the lead switches it to
    labs.blocks; the raw JSON is exactly what the admin saves once switched.
    """
    raw = [{"type": t, "id": bid, "value": v} for t, bid, v in blocks]
    type(lesson).objects.filter(pk=lesson.pk).update(body=json.dumps(raw), has_lab=True)
    lesson.refresh_from_db()
    return lesson


@pytest.fixture(autouse=True)
def _locales(db):
    locale("zh-hans")
    locale("en")


@pytest.fixture
def lab(db):
    """(lesson, block_id, course) of a live lesson holding the motor PLC lab."""
    course = make_course(make_institution(), "PLC basics", lessons=1)
    lesson = lessons_of(course)[0]
    block_id = str(uuid.uuid4())
    put_blocks(lesson, [("plc_lab", block_id, plc_lab_value())])
    return lesson, block_id, course


@pytest.fixture
def learner(db, lab):
    """A learner enrolled in the lab's course."""
    from courses.services import enrolment_create

    user = UserFactory()
    enrolment_create(user.pk, lab[2].pk, None)
    return user


@pytest.fixture
def learner_client(learner):
    """A logged-in test client of the enrolled learner."""
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def api_url(lab):
    """Builds the lab's API URLs: api_url("compile")."""
    lesson, block_id, _course = lab

    def build(name):
        return f"/api/labs/plc/{lesson.pk}/{block_id}/{name}?lang=en"

    return build
