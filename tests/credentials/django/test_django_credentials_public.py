"""Public credential URL (HTML / JSON negotiation), wallet, downloads, share switch."""

import json

import pytest

from credentials import vc

pytestmark = pytest.mark.django_db
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_public_url_serves_html_to_browsers(issue, client):
    """A browser gets a page saying the credential is valid and what it is."""
    credential = issue()
    response = client.get(credential.get_absolute_url(), HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "PLC 编程 101" in body
    assert "verdict-valid" in body
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("accept", ["application/vc", "application/ld+json", "application/json"])
def test_public_url_serves_signed_json_when_asked(issue, client, accept):
    """Wallets and verifiers asking for JSON get the signed credential itself."""
    credential = issue()
    response = client.get(credential.get_absolute_url(), HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(accept)
    assert json.loads(response.content) == json.loads(credential.document)


def test_json_suffix_serves_the_signed_json(issue, client):
    """`<url>.json` is the signed JSON whatever the Accept header."""
    credential = issue()
    response = client.get(f"{credential.get_absolute_url()}.json", HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code == 200
    assert json.loads(response.content)["id"].endswith(str(credential.public_id))


def test_share_switch_hides_the_public_url(issue, learner, client):
    """With the link off, strangers get 404 and the holder still sees the page."""
    credential = issue()
    client.force_login(learner)
    response = client.post(f"/en/credentials/wallet/{credential.public_id}/share", {"shared": "0"})
    assert response.status_code == 302
    client.logout()
    assert client.get(credential.get_absolute_url(), follow=True).status_code == 404
    assert client.get(f"{credential.get_absolute_url()}.json", follow=True).status_code == 404
    client.force_login(learner)
    assert client.get(credential.get_absolute_url()).status_code == 200
    client.post(f"/en/credentials/wallet/{credential.public_id}/share", {"shared": "1"})
    client.logout()
    assert client.get(credential.get_absolute_url()).status_code == 200


def test_wallet_needs_login_and_lists_status(issue, learner, staff, client):
    """The wallet is private and shows each credential's status (and why it is not valid)
    in the page's language; only valid credentials offer the LinkedIn link."""
    from credentials import services

    assert client.get("/en/credentials/wallet/").status_code == 302
    issue(101)
    suspended = issue(102)
    services.credential_status_change(
        suspended.pk, action="suspend", reason="Under review", actor=staff
    )
    client.force_login(learner)
    english = client.get("/en/credentials/wallet/").content.decode()
    assert "suspended" in english
    assert "Under review" in english
    assert english.count("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME") == 1
    assert "Add to LinkedIn profile" in english
    chinese = client.get("/zh-hans/credentials/wallet/").content.decode()
    assert "已暂停" in chinese
    assert "添加到领英" in chinese


def test_downloads_json_png_pdf(issue, learner, client):
    """The holder downloads the signed JSON, a baked PNG carrying it, and a PDF certificate
    with a Chinese font embedded."""
    credential = issue()
    client.force_login(learner)
    base = f"/en/credentials/wallet/{credential.public_id}"
    as_json = client.get(f"{base}/credential.json")
    assert as_json["Content-Disposition"].startswith("attachment")
    assert json.loads(as_json.content) == json.loads(credential.document)
    png = client.get(f"{base}/badge.png")
    assert png["Content-Type"] == "image/png"
    assert json.loads(vc.unbake_png(png.content)) == json.loads(credential.document)
    pdf = client.get(f"{base}/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert b"WenQuanYi" in pdf.content or b"STSong" in pdf.content


def test_downloads_of_someone_elses_credential_are_404(issue, django_user_model, client):
    """Nobody downloads another person's credential files."""
    credential = issue()
    other = django_user_model.objects.create_user(email="x@example.com", password="x")
    client.force_login(other)
    for suffix in ("credential.json", "badge.png", "certificate.pdf"):
        url = f"/en/credentials/wallet/{credential.public_id}/{suffix}"
        assert client.get(url).status_code == 404


def test_did_document_is_404_without_a_public_host(issue, client):
    """did:key issuers have no did:web document to serve."""
    issue()
    assert client.get("/credentials/issuers/dgpoly/did.json").status_code == 404


def test_qr_target_redirects_to_the_verify_page_in_the_visitors_language(client):
    """/verify/?id=... (printed in the QR code) lands on the localised verify page."""
    response = client.get("/verify/?id=abc", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == "/en/credentials/verify/?id=abc"
