"""Autosave with version history, the lab pages, the lab block's validation in the admin."""

import pytest
from django.test import Client
from wagtail.blocks.struct_block import StructBlockValidationError

from labs.blocks import PlcLabBlock
from labs.engine.grading import reference_solution
from tests.courses.factories import UserFactory

from .conftest import plc_lab_value

pytestmark = pytest.mark.django_db


def save(client, api_url, source, version):
    return client.post(
        api_url("draft"), {"source": source, "version": version}, content_type="application/json"
    )


def test_autosave_keeps_the_text_and_a_history(learner_client, api_url, settings):
    """Every save outside the folding window makes a version; each can be read back."""
    settings.LABS_DRAFT_WINDOW = 0
    v1 = save(learner_client, api_url, "PROGRAM A\nEND_PROGRAM\n", 0).json()["version"]
    v2 = save(learner_client, api_url, "PROGRAM B\nEND_PROGRAM\n", v1).json()["version"]
    assert (v1, v2) == (1, 2)
    history = learner_client.get(api_url("draft")).json()
    assert [v["version"] for v in history["versions"]] == [2, 1]
    old = learner_client.get(api_url("draft") + "&version=1").json()
    assert old["source"] == "PROGRAM A\nEND_PROGRAM\n"


def test_rapid_edits_fold_into_one_version(learner_client, api_url):
    """Keystrokes within the window update the latest version instead of piling up."""
    version = 0
    for n in range(5):
        version = save(learner_client, api_url, f"PROGRAM P{n}\nEND_PROGRAM\n", version).json()[
            "version"
        ]
    history = learner_client.get(api_url("draft")).json()["versions"]
    assert len(history) <= 2
    latest = learner_client.get(api_url("draft") + f"&version={history[0]['version']}").json()
    assert latest["source"] == "PROGRAM P4\nEND_PROGRAM\n"


def test_reloaded_page_shows_the_saved_program(learner_client, api_url, lab):
    """After a save, opening the lab page again starts from the saved text, not the starter."""
    save(learner_client, api_url, "PROGRAM Saved\nEND_PROGRAM\n", 0)
    lesson, block_id, _course = lab
    page = learner_client.get(f"/en/labs/plc/{lesson.pk}/{block_id}/")
    assert page.status_code == 200
    assert "PROGRAM Saved" in page.content.decode()


def test_lab_page_has_no_inline_script_or_style(learner_client, lab):
    """The workspace renders with its data in json_script and no inline code (CSP)."""
    lesson, block_id, _course = lab
    html = learner_client.get(f"/zh-hans/labs/plc/{lesson.pk}/{block_id}/").content.decode()
    assert 'id="lab-data"' in html and "plc_lab.js" in html
    assert "<style" not in html and " style=" not in html
    assert html.count("<script") == html.count('type="application/json"') + 1


def test_lab_page_requires_enrolment(lab):
    """A learner not enrolled is sent back to the lesson (which sends them to the course)."""
    client = Client()
    client.force_login(UserFactory())
    lesson, block_id, _course = lab
    response = client.get(f"/en/labs/plc/{lesson.pk}/{block_id}/")
    assert response.status_code == 302


def test_instructor_report_is_for_teachers_only(learner_client, lab):
    """Learners are refused the report; staff see it."""
    lesson, block_id, _course = lab
    url = f"/en/labs/plc/{lesson.pk}/{block_id}/report/"
    assert learner_client.get(url).status_code == 403
    staff = UserFactory(is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(url).status_code == 200


def test_block_refuses_a_reference_solution_that_does_not_compile():
    """Saving a lab whose reference solution has a syntax error names the field and the error."""
    block = PlcLabBlock()
    value = block.to_python(plc_lab_value(reference_solution="PROGRAM X\n  K1 := \nEND_PROGRAM"))
    with pytest.raises(StructBlockValidationError) as info:
        block.clean(value)
    assert "reference_solution" in info.value.block_errors


def test_block_refuses_a_reference_solution_that_fails_the_scenarios():
    """A compiling but wrong reference solution is refused with the failing check's message."""
    block = PlcLabBlock()
    wrong = "PROGRAM Main\n  K1 := START AND STOP AND OL;\nEND_PROGRAM\n"
    with pytest.raises(StructBlockValidationError) as info:
        block.clean(block.to_python(plc_lab_value(reference_solution=wrong)))
    assert "reference_solution" in info.value.block_errors


def test_block_refuses_unknown_visible_scenarios_and_bad_json():
    """Visible scenario names must exist; custom scenarios must be valid JSON."""
    block = PlcLabBlock()
    with pytest.raises(StructBlockValidationError) as info:
        block.clean(block.to_python(plc_lab_value(visible_scenarios="nope")))
    assert "visible_scenarios" in info.value.block_errors
    with pytest.raises(StructBlockValidationError) as info:
        block.clean(block.to_python(plc_lab_value(custom_scenarios="{oops")))
    assert "custom_scenarios" in info.value.block_errors


def test_block_accepts_a_correct_lab():
    """The shipped reference solution passes its own lab."""
    block = PlcLabBlock()
    value = block.clean(
        block.to_python(plc_lab_value(reference_solution=reference_solution("motor")))
    )
    assert value["scenario"] == "motor"


def test_jupyter_block_says_when_no_hub_is_configured(learner_client, lab, settings):
    """Without JUPYTERHUB_* settings the Jupyter lab page tells the learner plainly."""
    import uuid

    from .conftest import put_blocks

    settings.JUPYTERHUB_API_URL = ""
    lesson, _block_id, _course = lab
    block_id = str(uuid.uuid4())
    put_blocks(
        lesson,
        [("jupyter_lab", block_id, {"title": "Data", "instructions": "<p>x</p>", "checks": []})],
    )
    html = learner_client.get(f"/en/labs/jupyter/{lesson.pk}/{block_id}/").content.decode()
    assert "no JupyterHub is configured" in html


def test_placeholder_scenario_ids_name_their_plant():
    """Labs saved with the courses placeholder ('motor_start_stop') resolve to their plant."""
    from labs.blocks import plc_lab_config

    config = plc_lab_config({"title": "x", "scenario": "tank_level_modbus", "pass_score": 100})
    assert config.plant == "tank" and config.realtime == "modbus"
    assert plc_lab_config({"scenario": "motor_start_stop"}).plant == "motor"


def test_block_in_a_lesson_links_to_its_workspace(lab):
    """Rendered inside a lesson, the PLC lab block links to the lab page of that block."""
    from labs.blocks import PlcLabBlock

    lesson, block_id, _course = lab
    block = PlcLabBlock()

    class Child:
        id = block_id
        value = block.to_python(plc_lab_value())

    html = block.render(Child.value, {"page": lesson, "block": Child})
    assert f"/labs/plc/{lesson.pk}/{block_id}/" in html


def test_editors_are_told_when_no_hub_is_configured(settings):
    """The Jupyter lab block's help text in the admin says whether a hub is configured."""
    from labs.blocks import JupyterLabBlock

    settings.JUPYTERHUB_API_URL = ""
    assert "No JupyterHub is configured" in str(JupyterLabBlock().meta.help_text)
    settings.JUPYTERHUB_API_URL = "http://hub/hub/api"
    settings.JUPYTERHUB_API_TOKEN = "t"
    assert "this site's JupyterHub" in str(JupyterLabBlock().meta.help_text)


def _jupyter_block(lesson):
    import uuid

    from .conftest import put_blocks

    block_id = str(uuid.uuid4())
    value = {"title": "Data", "instructions": "<p>x</p>", "checks": []}
    put_blocks(lesson, [("jupyter_lab", block_id, value)])
    return block_id


def test_lesson_page_tells_the_learner_when_no_hub_is_configured(learner_client, lab, settings):
    """In the lesson itself the Jupyter lab block says notebook labs are not available, and
    offers no link to a lab that cannot open; with a hub it links to the lab page."""
    settings.JUPYTERHUB_API_URL = ""
    lesson, _block_id, _course = lab
    block_id = _jupyter_block(lesson)
    url = lesson.url.replace("/zh-hans/", "/en/", 1)
    html = learner_client.get(url).content.decode()
    assert "no JupyterHub is configured" in html
    assert f"/labs/jupyter/{lesson.pk}/{block_id}/" not in html
    settings.JUPYTERHUB_API_URL = "http://hub.invalid/hub/api"
    settings.JUPYTERHUB_API_TOKEN = "t"
    from django.core.cache import cache

    cache.clear()  # rendered lesson fragments are cached (ADR 0036)
    html = learner_client.get(url).content.decode()
    assert "no JupyterHub is configured" not in html
    assert f"/labs/jupyter/{lesson.pk}/{block_id}/" in html


def test_page_editor_shows_the_no_hub_notice_on_the_jupyter_block(lab, settings, client):
    """An editor opening the lesson in the Wagtail admin sees, on the Jupyter lab block, that
    no JupyterHub is configured."""
    from tests.courses.factories import UserFactory

    settings.JUPYTERHUB_API_URL = ""
    lesson, _block_id, _course = lab
    _jupyter_block(lesson)
    from wagtail.users.models import UserProfile

    admin = UserFactory(is_staff=True, is_superuser=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(admin)
    response = client.get(f"/admin/pages/{lesson.pk}/edit/")
    assert response.status_code == 200, response.get("Location")
    # the block's help text travels in the editor's block definitions (JSON in an attribute)
    assert "No JupyterHub is configured on this site" in response.content.decode()
    settings.JUPYTERHUB_API_URL = "http://hub.invalid/hub/api"
    settings.JUPYTERHUB_API_TOKEN = "t"
    response = client.get(f"/admin/pages/{lesson.pk}/edit/")
    assert "No JupyterHub is configured on this site" not in response.content.decode()
