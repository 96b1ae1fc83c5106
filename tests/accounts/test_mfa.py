"""Multi-factor authentication: TOTP, recovery codes, WebAuthn, and who must use it."""

import re

import pytest
from allauth.mfa import signals
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.models import Group

from lms.accounts.models import AuditEvent
from lms.accounts.roles import Role
from tests.accounts.factories import (
    PASSWORD,
    OrganizationFactory,
    UserFactory,
    current_code,
    totp_for,
)

pytestmark = pytest.mark.django_db


def _password_login(client, user):
    return client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})


def test_learner_may_use_the_site_without_a_second_factor(client):
    """MFA is optional for learners: their pages open without any authenticator."""
    user = UserFactory()
    _password_login(client, user)
    assert client.get("/en/organisations/").status_code == 200


def test_employer_admin_without_second_factor_is_sent_to_mfa_setup(client):
    """An employer admin with no authenticator can only reach the MFA pages."""
    admin = UserFactory()
    organization = OrganizationFactory(admin=admin)
    _password_login(client, admin)
    response = client.get(f"/en/organisations/{organization.slug}/manage/")
    assert response.status_code == 302
    assert response.url == "/en/accounts/2fa/"
    assert client.get("/en/accounts/2fa/").status_code == 200


def test_totp_activation_through_the_views_then_access(client):
    """Activating TOTP with a correct code unlocks the employer pages and is audited."""
    admin = UserFactory()
    organization = OrganizationFactory(admin=admin)
    _password_login(client, admin)
    page = client.get("/en/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks for the password again first
        client.post(page.url, {"password": PASSWORD})
        page = client.get("/en/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    wrong = client.post("/en/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=admin).exists()
    client.post("/en/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert Authenticator.objects.filter(user=admin, type="totp").exists()
    assert Authenticator.objects.filter(user=admin, type="recovery_codes").exists()
    assert client.get(f"/en/organisations/{organization.slug}/manage/").status_code == 200


def test_mfa_changes_are_audited(rf):
    """allauth's authenticator signals (sent after commit) become audit events."""
    user = UserFactory()
    totp_for(user)
    authenticator = Authenticator.objects.get(user=user, type="totp")
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    for signal in (signals.authenticator_added, signals.authenticator_removed):
        signal.send(sender=Authenticator, request=request, user=user, authenticator=authenticator)
    events = AuditEvent.objects.filter(subject=user).order_by("pk")
    assert [(e.kind, e.data["type"], e.ip_address) for e in events] == [
        ("mfa_added", "totp", "203.0.113.7"),
        ("mfa_removed", "totp", "203.0.113.7"),
    ]


def test_login_asks_for_the_code_and_rejects_a_wrong_one(client):
    """With TOTP on, the password alone does not log in; a wrong code is refused and logged."""
    user = UserFactory()
    secret = totp_for(user)
    response = _password_login(client, user)
    assert response.url == "/en/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/en/accounts/2fa/authenticate/", {"code": "123456"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(kind="mfa_failed", subject=user).exists()
    response = client.post("/en/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_recovery_code_logs_in_once(client):
    """A recovery code replaces the phone once; used again it is refused."""
    user = UserFactory()
    totp_for(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    _password_login(client, user)
    client.post("/en/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    _password_login(client, user)
    client.post("/en/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "_auth_user_id" not in client.session


def test_passkey_page_is_offered_without_inline_script(client):
    """The WebAuthn (passkey) page loads allauth's script as a file, under our strict CSP."""
    user = UserFactory()
    client.force_login(user)
    response = client.get("/en/accounts/2fa/webauthn/add/")
    if response.status_code == 302:
        client.post(response.url, {"password": PASSWORD})
        response = client.get("/en/accounts/2fa/webauthn/add/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<script[^>]+src="[^"]*mfa/js/webauthn', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)


def test_institution_staff_need_mfa_for_the_wagtail_admin(client):
    """A Wagtail editor without MFA meets the MFA page, not the admin."""
    editor = UserFactory(preferred_language="en")
    editor.groups.add(Group.objects.get(name=Role.INSTITUTION_EDITOR))
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == "/en/accounts/2fa/"


def test_admin_login_forms_go_through_allauth(client):
    """Wagtail's and Django's own login forms (which skip MFA) redirect to allauth's login."""
    for path in ("/admin/login/", "/django-admin/login/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
