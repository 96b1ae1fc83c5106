"""WebAuthn passkeys for real: chromium's virtual authenticator (DevTools protocol) registers
a passkey through allauth's pages, then signs in with it, under the site's strict CSP."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@override_settings(MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN=True)  # live_server speaks plain http
def test_register_a_passkey_and_sign_in_with_it(live_server, chromium_browser):
    """A learner adds a passkey, logs out, and signs in with the passkey alone."""
    user = UserFactory(email="passkey@example.com", preferred_language="en")
    base = live_server.url.replace("127.0.0.1", "localhost")  # WebAuthn needs a domain
    context = chromium_browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/en/$"))

    page.goto(f"{base}/en/accounts/2fa/webauthn/add/?passwordless=1")
    if "/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_url("**/webauthn/add/**")
    page.fill("input[name=name]", "Phone")
    passwordless = page.locator("input[name=passwordless]")
    if passwordless.count() and passwordless.get_attribute("type") == "checkbox":
        passwordless.check()
    page.click("#mfa_webauthn_add")
    # Wait for the page after a successful registration; the add page's own URL
    # (…/webauthn/add/?passwordless=1) must not match, or the check below races the save.
    page.wait_for_url(re.compile(r".*/2fa/(recovery-codes/[^?]*|webauthn/|)(\?.*)?$"))
    assert Authenticator.objects.filter(user=user, type="webauthn").count() == 1

    page.click("header form[action$='/accounts/logout/'] button")
    page.wait_for_load_state()
    page.goto(f"{base}/en/accounts/login/")
    page.click("#passkey_login")
    page.wait_for_url(re.compile(r".*/en/$"))
    page.goto(f"{base}/en/accounts/profile/")
    assert page.url.endswith("/en/accounts/profile/"), "not logged in by the passkey"
    assert page.locator("h1").inner_text() == "Profile"
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
