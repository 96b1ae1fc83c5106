"""The Achievement URL every credential names (`credentialSubject.achievement.id`): an HTML
page for people, the OB 3.0 Achievement JSON-LD for machines."""

import json

import pytest

from credentials import services
from credentials.vc import jsonld

pytestmark = pytest.mark.django_db
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _achievement(credential) -> dict:
    return json.loads(credential.document)["credentialSubject"]["achievement"]


def _path(url: str) -> str:
    return url.removeprefix("http://testserver")


def test_issued_achievement_id_is_a_served_url(issue, client):
    """The achievement id is `<site>/credentials/achievements/<template pk>` and answers."""
    credential = issue()
    achievement_id = _achievement(credential)["id"]
    assert achievement_id.endswith(f"/credentials/achievements/{credential.template_id}")
    response = client.get(_path(achievement_id), HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("language", "label", "name", "other_name", "skill"),
    [
        ("zh-hans", "颁发机构", "PLC 编程 101", "PLC Programming 101", "PLC 编程"),
        ("en", "Issued by", "PLC Programming 101", "PLC 编程 101", "PLC programming"),
    ],
)
def test_page_shows_the_achievement_in_the_visitors_language(
    issue, client, language, label, name, other_name, skill
):
    """Name (and the other language's name), description, criteria, skills with their code
    and level, the issuing institution and the image, with labels in the page's language."""
    credential = issue(image_url="https://cdn.example.org/badges/plc.png")
    response = client.get(
        _path(_achievement(credential)["id"]),
        HTTP_ACCEPT=BROWSER_ACCEPT,
        HTTP_ACCEPT_LANGUAGE=language,
    )
    body = response.content.decode()
    assert f"<h1>{name}</h1>" in body
    assert other_name in body
    assert label in body
    assert skill in body and "OT-PLC-01" in body
    assert "https://skills.example.org/ot/plc-01" in body
    assert (
        credential.issuer_key.issuer.name_en in body or credential.issuer_key.issuer.name_zh in body
    )
    assert credential.issuer_key.did in body
    assert 'src="https://cdn.example.org/badges/plc.png"' in body
    template = credential.template
    description = template.description_zh if language == "zh-hans" else template.description_en
    assert description in body
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
def test_machines_get_the_achievement_json_ld(issue, client, accept):
    """JSON-LD with the VC 2.0 and OB 3.0.3 contexts, the very Achievement the credential
    carries, and every term defined (safe-mode expansion)."""
    credential = issue()
    response = client.get(_path(_achievement(credential)["id"]), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(accept)
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["@context"] == [jsonld.VC_V2_CONTEXT, jsonld.OB_V3P0_CONTEXT]
    assert {k: v for k, v in document.items() if k != "@context"} == _achievement(credential)
    assert document["type"] == ["Achievement"]
    jsonld.expand(document)


def test_json_suffix_serves_the_json_ld_to_browsers(issue, client):
    """`<achievement url>.json` is JSON whatever the Accept header."""
    credential = issue()
    response = client.get(
        _path(_achievement(credential)["id"]) + ".json", HTTP_ACCEPT=BROWSER_ACCEPT
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["id"] == _achievement(credential)["id"]


def test_template_edits_show_on_the_achievement_url(issue, client):
    """The URL shows the template as it is now (credentials keep what they were signed with)."""
    credential = issue()
    template = credential.template
    template.name_en = "PLC Programming (revised)"
    template.save()
    document = client.get(_path(_achievement(credential)["id"]) + ".json").json()
    assert "PLC Programming (revised)" in document["name"]
    assert "PLC Programming (revised)" not in _achievement(credential)["name"]


def test_achievement_before_any_credential_has_no_creator(client, fake_courses):
    """A template whose institution has issued nothing yet has no issuer DID to name: the
    JSON-LD leaves `creator` out and the page says so, without an error."""
    template = services.template_for("course", 205)
    document = client.get(f"/credentials/achievements/{template.pk}.json").json()
    assert "creator" not in document
    jsonld.expand(document)
    page = client.get(
        f"/credentials/achievements/{template.pk}",
        HTTP_ACCEPT=BROWSER_ACCEPT,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert "has not issued this credential yet" in page.content.decode()


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_unknown_achievement_is_404(client, suffix):
    """No template, no page (never a 500)."""
    response = client.get(f"/credentials/achievements/987654{suffix}", follow=True)
    assert response.status_code == 404
