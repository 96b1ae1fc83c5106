"""POST /api/v1/verify and its OpenAPI schema."""

import json

import pytest

from credentials import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/verify"


def _post(client, body, **extra):
    return client.post(
        URL,
        data=body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        **extra,
    )


def test_api_verifies_a_credential_object(issue, client):
    """The same checks as the page, as JSON."""
    credential = issue()
    response = _post(client, {"credential": json.loads(credential.document)})
    assert response.status_code == 200
    data = response.json()
    assert data["verdict"] == "valid"
    assert {c["name"] for c in data["checks"]} >= {"integrity", "issuer_key", "revocation"}
    assert data["issuer_institution"] == "东莞职业技术学院" or data["issuer_institution"]
    assert data["summary"]["achievement_name"].startswith("PLC 编程 101")


def test_api_verifies_by_url_with_email_check_and_language(issue, client):
    """A URL works; the e-mail check and the headline language are honoured."""
    credential = issue()
    url = services.absolute_url(credential.get_absolute_url())
    response = _post(
        client, {"url": url, "email": "li.xiaoming@example.com", "language": "zh-hans"}
    )
    data = response.json()
    assert data["verdict"] == "valid"
    assert data["email_matches"] is True
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["headline"])


def test_api_reports_revocation(issue, staff, client):
    """A revoked credential is invalid with the revocation check failed."""
    credential = issue()
    services.credential_status_change(credential.pk, action="revoke", reason="x", actor=staff)
    data = _post(client, {"url": str(credential.public_id)}).json()
    assert data["verdict"] == "invalid"
    assert {c["name"]: c["code"] for c in data["checks"]}["revocation"] == "revoked"


def test_api_reports_tampering(issue, client):
    """A changed field is caught by the signature check."""
    document = json.loads(issue().document)
    document["credentialSubject"]["achievement"]["name"] = "Something else"
    data = _post(client, {"credential": document}).json()
    assert data["verdict"] == "invalid"
    assert {c["name"]: c["code"] for c in data["checks"]}["integrity"] == "proof_signature"


@pytest.mark.parametrize(
    "body",
    [
        "not json at all",
        "[]",
        "{}",
        json.dumps({"credential": {}, "url": "x"}),
        json.dumps({"credential": "a string"}),
        json.dumps({"url": 5}),
        json.dumps({"credential": json.loads("[" * 10 + "]" * 10)}),
        '{"credential": ' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}",
    ],
)
def test_api_bad_requests_are_4xx_not_500(client, body):
    """Malformed bodies get a client error with a message."""
    response = _post(client, body)
    assert 400 <= response.status_code < 500
    assert response.content


def test_api_deeply_nested_credential_is_explained(client):
    """A deeply nested object is refused with a reason, not a crash."""
    nested = {"a": 1}
    for _ in range(200):
        nested = {"a": nested}
    response = _post(client, {"credential": nested})
    assert response.status_code in (200, 400, 422)
    if response.status_code == 200:
        assert response.json()["verdict"] == "invalid"


def test_api_ten_megabyte_body_is_refused(client):
    """Past DATA_UPLOAD_MAX_MEMORY_SIZE the request is refused with 400."""
    body = json.dumps({"credential": {"a": "x" * (10 * 1024 * 1024)}})
    response = _post(client, body)
    assert response.status_code == 400


def test_api_rate_limit(client, settings):
    """Per-client limit: 429 once the allowance is used."""
    settings.CREDENTIALS_VERIFY_RATE = "2/d"  # a day: no window ends during the test
    codes = [_post(client, {"url": "nope"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_openapi_schema_documents_verify(client):
    """/api/v1/openapi.json describes POST /api/v1/verify; /api/v1/docs renders."""
    schema = client.get("/api/v1/openapi.json").json()
    assert "post" in schema["paths"]["/api/v1/verify"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"<script>" not in docs.content
