"""The employer's verification page: every way of giving a credential, tampering rejected
with the right reason, malformed input answered with a clear message (never a 500)."""

import copy
import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credentials import services, vc
from credentials.resolver import FetchError, https_get

pytestmark = pytest.mark.django_db
VERIFY_EN = "/en/credentials/verify/"
VERIFY_ZH = "/zh-hans/credentials/verify/"
# The published 1EdTech fixtures next to the repository (../shared/vc, see its README).
SHARED = Path(__file__).resolve().parents[3].parent / "shared/vc/vectors/1edtech-validator-ob30"


def _codes(response) -> dict[str, str]:
    report = response.context["report"]
    assert report is not None
    return {line.name: line.code for line in report.checks}


def _post_json(client, document, url=VERIFY_EN, **extra):
    text = document if isinstance(document, str) else json.dumps(document)
    return client.post(url, {"json_text": text, **extra})


@pytest.fixture
def signed(issue):
    return json.loads(issue().document)


def test_valid_credential_by_id_from_the_qr_code(issue, client):
    """The QR code's ?id= shows the result at once, in plain words, in the page's language."""
    credential = issue()
    response = client.get(f"{VERIFY_ZH}?id={credential.public_id}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "verdict-valid" in body
    assert "东莞职业技术学院" in body
    assert "本站已登记的院校" in body
    assert "未被撤销" in body
    english = client.get(f"{VERIFY_EN}?id={credential.public_id}").content.decode()
    assert "A known institution on this site" in english
    assert "PLC programming" in english


def test_valid_credential_by_url_and_by_pasted_json(issue, client):
    """A credential URL and the pasted JSON give the same verdict."""
    credential = issue()
    url = services.absolute_url(credential.get_absolute_url())
    by_url = client.post(VERIFY_EN, {"reference": url})
    assert by_url.context["report"].verdict == "valid"
    pasted = _post_json(client, credential.document)
    assert pasted.context["report"].verdict == "valid"


def test_uploaded_json_and_baked_png(issue, client):
    """Files work too: the JSON file and the baked badge."""
    credential = issue()
    upload = SimpleUploadedFile("c.json", credential.document.encode(), "application/json")
    assert client.post(VERIFY_EN, {"upload": upload}).context["report"].verdict == "valid"
    from credentials.documents import baked_badge

    png = SimpleUploadedFile("badge.png", baked_badge(credential), "image/png")
    assert client.post(VERIFY_EN, {"upload": png}).context["report"].verdict == "valid"


def test_email_check_against_the_hashed_identifier(issue, client):
    """The candidate's e-mail matches (any case), another one does not."""
    credential = issue()
    ok = client.post(
        VERIFY_EN, {"json_text": credential.document, "email": "LI.XIAOMING@example.com"}
    )
    assert ok.context["report"].email_matches is True
    assert "matches the holder" in ok.content.decode()
    bad = client.post(VERIFY_EN, {"json_text": credential.document, "email": "someone@example.com"})
    assert bad.context["report"].email_matches is False
    assert bad.context["report"].verdict == "invalid"
    assert "does not match the holder" in bad.content.decode()


def test_revoked_credential_is_reported_revoked(issue, staff, client):
    """The page says the credential was revoked."""
    credential = issue()
    services.credential_status_change(credential.pk, action="revoke", reason="x", actor=staff)
    response = client.get(f"{VERIFY_EN}?id={credential.public_id}")
    assert response.context["report"].verdict == "invalid"
    assert _codes(response)["revocation"] == "revoked"


def _other_did() -> str:
    return vc.did_key_for(vc.generate_keypair())


TAMPERING = {
    "field changed": lambda d, other: d.__setitem__("name", "Senior PLC engineer"),
    "subject changed": lambda d, other: d["credentialSubject"]["achievement"].__setitem__(
        "name", "Master of everything"
    ),
    "issuer swapped": lambda d, other: d["issuer"].__setitem__("id", _other_did()),
    "signature corrupted": lambda d, other: d["proof"].__setitem__(
        "proofValue", d["proof"]["proofValue"][:-4] + "abcd"
    ),
    "proof moved to another credential": lambda d, other: d.__setitem__("proof", other["proof"]),
    "context changed": lambda d, other: d["@context"].__setitem__(
        1, "https://example.org/evil-context.json"
    ),
    "unknown term added": lambda d, other: d.__setitem__("favouriteColour", "blue"),
}
EXPECTED = {
    "field changed": ("integrity", "proof_signature"),
    "subject changed": ("integrity", "proof_signature"),
    "issuer swapped": ("issuer_key", "issuer_key_mismatch"),
    "signature corrupted": ("integrity", None),
    "proof moved to another credential": ("integrity", "proof_signature"),
    "context changed": ("jsonld", "context_unknown"),
    "unknown term added": ("jsonld", "jsonld_undefined_term"),
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_tampering_is_rejected_with_the_right_reason(issue, django_user_model, client, kind):
    """Each tampering makes the credential invalid, and the failed check names the cause."""
    original = json.loads(issue(101).document)
    other_user = django_user_model.objects.create_user(email="o@example.com", password="x")
    other = json.loads(issue(101, user=other_user).document)
    tampered = copy.deepcopy(original)
    TAMPERING[kind](tampered, other)
    response = _post_json(client, tampered)
    assert response.status_code == 200
    assert response.context["report"].verdict == "invalid"
    check, code = EXPECTED[kind]
    codes = _codes(response)
    assert codes[check] == code if code else codes[check] != "proof_ok"
    assert "verdict-invalid" in response.content.decode()


def _png(width=4, height=4) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


def _png_bomb() -> bytes:
    """A tiny PNG that claims 30000 x 30000 pixels (decompression bomb)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
    raw = zlib.compress(b"\x00" * 30001 * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _deep(depth):
    text = "[" * depth + "]" * depth
    return text


MALFORMED_TEXT = {
    "not JSON": "this is not json {",
    "a JSON list": "[1, 2, 3]",
    "deeply nested": '{"a": ' + _deep(5000) + "}",
    "empty object": "{}",
    "a number": "42",
}


@pytest.mark.parametrize("kind", list(MALFORMED_TEXT))
def test_malformed_pasted_json_gets_a_clear_message(client, kind):
    """Bad pasted input: 200 with an explanation, never a 500."""
    response = _post_json(client, MALFORMED_TEXT[kind])
    assert response.status_code == 200
    report = response.context["report"]
    assert report.verdict == "invalid"
    assert report.headline
    assert report.checks[0].message or report.problem


MALFORMED_FILES = {
    "10 MB JSON": lambda: b'{"a": "' + b"x" * (10 * 1024 * 1024) + b'"}',
    "2 MB JSON": lambda: b'{"a": "' + b"x" * (2 * 1024 * 1024) + b'"}',
    "PNG without the chunk": _png,
    "PNG bomb": _png_bomb,
    "truncated PNG": lambda: _png()[:30],
    "binary garbage": lambda: bytes(range(256)) * 100,
}


@pytest.mark.parametrize("kind", list(MALFORMED_FILES))
def test_malformed_uploads_get_a_clear_message(client, kind):
    """Oversized, broken or hostile files: a clear message, never a 500 or a hang."""
    upload = SimpleUploadedFile("file.bin", MALFORMED_FILES[kind](), "application/octet-stream")
    response = client.post(VERIFY_ZH, {"upload": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.verdict == "invalid"
    assert report.headline
    assert "verdict-invalid" in response.content.decode()


def test_oversized_pasted_text_is_refused_without_a_500(client):
    """More than the upload limit in a form field: Django answers 400, not 500."""
    response = _post_json(client, '{"a": "' + "x" * (6 * 1024 * 1024) + '"}')
    assert response.status_code == 400


def test_form_needs_exactly_one_input(client):
    """Nothing, or two inputs at once, is a form error."""
    response = client.post(VERIFY_EN, {})
    assert response.status_code == 200
    assert response.context["report"] is None
    assert "Give a credential URL or ID" in response.content.decode()
    both = client.post(VERIFY_EN, {"reference": "x", "json_text": "{}"})
    assert "Give only one credential" in both.content.decode()


@pytest.mark.parametrize(
    "reference",
    [
        "not a url",
        "ftp://example.org/credential",
        "00000000-0000-4000-8000-000000000000",
        "http://127.0.0.1:8000/credentials/00000000-0000-4000-8000-000000000000",
        "http://127.0.0.1:8000/en/credentials/verify/?id=http://127.0.0.1:8000/en/credentials/verify/",
    ],
)
def test_unusable_references_get_a_clear_message(client, reference):
    """Unknown IDs and odd URLs are explained, not crashed on."""
    response = client.post(VERIFY_EN, {"reference": reference})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.problem


def test_hidden_credential_is_not_verifiable_by_id(issue, client):
    """When the holder switched the link off, the ID no longer finds it."""
    credential = issue()
    services.credential_share_set(credential.pk, holder_id=credential.holder_id, shared=False)
    response = client.get(f"{VERIFY_EN}?id={credential.public_id}")
    assert "switched the public link off" in response.context["report"].problem


def test_remote_credential_is_fetched_through_the_bounded_fetcher(issue, client, monkeypatch):
    """Another site's credential URL is fetched with https_get (faked here, never the network)."""
    document = issue().document
    seen = []

    def fake_get(url, accept=None):
        seen.append(url)
        return document.encode()

    monkeypatch.setattr("credentials.resolver.https_get", fake_get)
    response = client.post(VERIFY_EN, {"reference": "https://other.example.net/badges/1"})
    assert seen == ["https://other.example.net/badges/1"]
    assert response.context["report"].verdict == "valid"


def test_unreachable_remote_url_is_explained(client, monkeypatch):
    """A fetch failure says so in the page's language."""

    def failing(url, accept=None):
        raise FetchError("unreachable", url)

    monkeypatch.setattr("credentials.resolver.https_get", failing)
    response = client.post(VERIFY_ZH, {"reference": "https://down.example.net/c/1"})
    assert response.context["report"].problem == "无法访问该网址。"


def test_unreachable_did_web_issuer_is_unverified_never_valid(client, monkeypatch):
    """The 1EdTech did:web fixture: the issuer cannot be reached, so the page says it could
    not be checked instead of calling it valid."""

    def failing(url, accept=None):
        raise FetchError("unreachable", url)

    monkeypatch.setattr("credentials.resolver.https_get", failing)
    fixture = (SHARED / "simple-did-web-method.json").read_text()
    response = _post_json(client, fixture)
    report = response.context["report"]
    assert report.verdict in ("unverified", "invalid")
    assert report.verdict != "valid"
    assert any(line.outcome == "unknown" for line in report.checks)


def test_other_systems_credential_verifies_through_its_https_key(client, monkeypatch):
    """An OB 3.0 credential from another system (1EdTech's simple.json, eddsa-rdfc-2022,
    key in an https controller document, fetched here by a fake) verifies; its issuer is
    reported as not registered on this site."""
    fixture = json.loads((SHARED / "simple.json").read_text())
    method = fixture["proof"][0]["verificationMethod"]
    controller, fragment = method.split("#")
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": controller,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": fragment,
            }
        ],
        "assertionMethod": [method],
    }
    fetched = []

    def fake_get(url, accept=None):
        fetched.append(url)
        if url == controller:
            return json.dumps(document).encode()
        raise FetchError("unreachable", url)

    monkeypatch.setattr("credentials.resolver.https_get", fake_get)
    response = _post_json(client, fixture)
    report = response.context["report"]
    assert fetched == [controller]
    assert report.verdict == "valid", [(c.name, c.code) for c in report.checks]
    assert report.issuer_institution is None
    assert "not an institution registered on this site" in response.content.decode()


def test_rate_limit_per_client(client, settings):
    """Past the allowance the page answers 429 with a plain message."""
    settings.CREDENTIALS_VERIFY_RATE = "2/d"  # a day: no window ends during the test
    for _ in range(2):
        assert _post_json(client, "{}").status_code == 200
    response = _post_json(client, "{}")
    assert response.status_code == 429
    assert "Too many verifications" in response.content.decode()


def test_verify_page_has_no_inline_script_or_style(client):
    """CSP: the page works without inline code."""
    body = client.get(VERIFY_EN).content.decode()
    assert "<script>" not in body and "style=" not in body


@pytest.mark.parametrize(
    "url,code",
    [
        ("http://example.org/x", "not_https"),
        ("https://internal.example/x", "private_address"),
    ],
)
def test_https_get_refuses_plain_http_and_private_addresses(monkeypatch, url, code):
    """The resolver never turns the verifier into a probe of the internal network."""
    monkeypatch.setattr("socket.getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.5", 443))])
    with pytest.raises(FetchError) as excinfo:
        https_get(url)
    assert excinfo.value.code == code


def test_links_inside_a_pasted_credential_cannot_run_script(signed, client):
    """A forged credential with javascript: URLs is shown, but never as a clickable link."""
    forged = copy.deepcopy(signed)
    forged["id"] = "javascript:alert(1)"
    forged["credentialSubject"]["achievement"]["alignment"][0]["targetUrl"] = "javascript:alert(2)"
    body = _post_json(client, forged).content.decode()
    assert 'href="javascript:' not in body
    assert "javascript:alert(1)" in body


def test_upload_past_the_limit_is_not_stored_and_is_explained(client):
    """A 12 MB upload stops at the limit (not written to disk) with a clear message."""
    upload = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (12 * 1024 * 1024))
    response = client.post(VERIFY_EN, {"upload": upload})
    assert response.status_code == 200
    assert response.context["report"].problem == "The file is too large (at most 10 MB)."


def test_verify_form_still_needs_the_csrf_token(client):
    """The upload limit does not switch CSRF protection off."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(VERIFY_EN, {"json_text": "{}"}).status_code == 403
