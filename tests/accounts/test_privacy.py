"""The learner's control of their data: JSON export and account deletion."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client

from lms.accounts.models import AuditEvent, TalentProfile
from lms.organizations import services as org_services
from lms.organizations.models import Membership
from tests.accounts.factories import (
    PASSWORD,
    OrganizationFactory,
    UserFactory,
    talent_profile,
    totp_for,
)
from tests.accounts.fakes import PLC

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(apps_fake):
    """A learner with a sponsored course, a shared credential, TOTP and a public profile."""
    user = UserFactory(display_name="刘芳", phone="+86 139 1234 5678")
    totp_for(user)
    organization = OrganizationFactory(name="Chang'an Furniture")
    membership = org_services.membership_add(organization, user)
    org_services.consent_update(membership, share_progress=True, share_credentials=False)
    apps_fake.enrolments[(user.pk, PLC)] = 40
    credential_id = apps_fake.add_credential(user.pk)
    talent_profile(user, [credential_id])
    return user


def _reauthenticated(client, user):
    client.force_login(user)
    client.post("/en/accounts/reauthenticate/", {"password": PASSWORD})


def test_export_needs_a_fresh_password_then_resumes(client, learner):
    """The export waits for the password; once confirmed, the download goes ahead."""
    client.force_login(learner)
    response = client.post("/en/accounts/privacy/export/")
    assert response.status_code == 302
    assert response.url.startswith("/en/accounts/reauthenticate/")
    wrong = client.post(response.url, {"password": "not-it"})
    assert wrong.status_code == 200
    resumed = client.post(response.url, {"password": PASSWORD}, follow=True)
    assert resumed.status_code == 200
    assert json.loads(resumed.content)["account"]["email"] == learner.email


def test_export_contains_everything_held_and_no_secret(client, learner, apps_fake):
    """The JSON holds account, consent, profile, courses, credentials and the audit trail."""
    _reauthenticated(client, learner)
    response = client.post("/en/accounts/privacy/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["display_name"] == "刘芳"
    assert data["account"]["phone"] == "+86 139 1234 5678"
    assert data["email_addresses"] == [{"email": learner.email, "verified": True, "primary": True}]
    assert data["organizations"][0]["organization"] == "Chang'an Furniture"
    assert data["organizations"][0]["share_progress"] is True
    assert data["talent_profile"]["city"] == "东莞"
    assert data["courses"] == [{"course_page_id": PLC, "percent": 40}]
    assert data["credentials"] == [apps_fake.credentials[0]["id"]]
    assert {"type": "totp"}.items() <= data["authenticators"][0].items()
    assert any(event["event"] == "consent_changed" for event in data["audit_log"])
    secret = Authenticator.objects.get(user=learner, type="totp").data["secret"]
    assert secret not in response.content.decode()
    assert AuditEvent.objects.filter(kind="data_exported", subject=learner).exists()


def test_delete_anonymises_and_keeps_credentials_verifiable(client, learner, apps_fake):
    """After deletion nothing personal remains, login fails, and the credential rows stay."""
    phone = Client()
    phone.force_login(learner)  # a second session, on the learner's phone
    _reauthenticated(client, learner)
    email = learner.email
    response = client.post("/en/accounts/privacy/delete/", {"confirm": "DELETE"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.email.endswith("@invalid.invalid") and email not in learner.email
    assert (learner.display_name, learner.phone, learner.is_active) == ("", "", False)
    assert not learner.has_usable_password()
    assert not EmailAddress.objects.filter(user=learner).exists()
    assert not Authenticator.objects.filter(user=learner).exists()
    assert not Membership.objects.filter(user=learner).exists()
    assert not TalentProfile.objects.filter(user=learner).exists()
    assert not AuditEvent.objects.filter(subject=learner, ip_address__isnull=False).exists()
    assert AuditEvent.objects.filter(kind="account_deleted", subject=learner).exists()
    # The credentials app keys credentials by user id and a salted e-mail hash: untouched.
    assert apps_fake.held([learner.pk])[0]["status"] == "valid"
    assert "_auth_user_id" not in client.session
    assert phone.get("/en/accounts/profile/").status_code == 302  # that session ended too
    assert not client.login(email=email, password=PASSWORD)


def test_delete_without_the_confirmation_word_changes_nothing(client, learner):
    """A missing confirmation word gets a message and the account stays."""
    _reauthenticated(client, learner)
    response = client.post("/en/accounts/privacy/delete/", {"confirm": "yes"})
    assert response.status_code == 400
    assert "Type DELETE to confirm." in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active and learner.display_name == "刘芳"
