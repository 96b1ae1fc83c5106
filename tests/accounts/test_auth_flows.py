"""Sign-up, verification, login, password reset, e-mail change, profile and enumeration."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from lms.accounts.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Plc-lab-9!tank-level"


def _link(message) -> str:
    """The first site link in an e-mail body, as a path."""
    url = re.search(r"https?://[^\s]+", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def test_signup_verification_and_first_login(client):
    """A new learner signs up, is asked to verify, and the link logs them in."""
    response = client.post(
        "/en/accounts/signup/",
        {"email": "liu@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/en/accounts/confirm-email/"
    assert not EmailAddress.objects.get(email="liu@example.com").verified
    confirm = client.get(_link(mail.outbox[0]))
    assert confirm.status_code == 200
    response = client.post(_link(mail.outbox[0]))
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="liu@example.com").verified
    assert client.get("/en/accounts/profile/").status_code == 200


def test_unverified_account_cannot_log_in(client):
    """Logging in before verifying sends a new verification mail instead of a session."""
    UserFactory(email="chen@example.com", verified=False)
    response = client.post(
        "/en/accounts/login/", {"login": "chen@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/en/accounts/confirm-email/"
    assert client.get("/en/accounts/profile/").status_code == 302
    assert mail.outbox and "chen@example.com" in mail.outbox[-1].to


def test_login_redirects_to_preferred_language_and_is_audited(client):
    """A learner who prefers English lands on the English site after logging in."""
    user = UserFactory(preferred_language="en")
    response = client.post("/zh-hans/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/en/"
    assert AuditEvent.objects.filter(kind="login", subject=user).count() == 1


def test_failed_logins_are_rate_limited_per_address(client):
    """After five wrong passwords for one address, even the right one is refused for now."""
    user = UserFactory()
    for _ in range(5):
        response = client.post("/en/accounts/login/", {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    assert AuditEvent.objects.filter(kind="login_failed").count() >= 5


def test_password_reset_flow(client):
    """The reset mail's link lets the learner choose a new password that then works."""
    user = UserFactory(email="zhou@example.com")
    response = client.post("/en/accounts/password/reset/", {"email": "zhou@example.com"})
    assert response.status_code == 302
    link = _link(mail.outbox[0])
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    client.logout()
    assert client.login(email=user.email, password=NEW_PASSWORD)
    assert AuditEvent.objects.filter(kind="password_reset", subject=user).exists()


def test_password_reset_does_not_reveal_unknown_addresses(client):
    """Known and unknown addresses get the same page; the unknown one gets no reset link."""
    UserFactory(email="known@example.com")
    known = client.post("/en/accounts/password/reset/", {"email": "known@example.com"})
    unknown = client.post("/en/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert "password/reset/key" in mail.outbox[0].body
    unknown_mail = [m for m in mail.outbox if "nobody@example.com" in m.to]
    assert all("password/reset/key" not in m.body for m in unknown_mail)


def test_signup_with_a_taken_address_looks_like_success(client):
    """Signing up with a registered address shows the usual page and mails the owner."""
    UserFactory(email="taken@example.com")
    response = client.post(
        "/en/accounts/signup/",
        {"email": "taken@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == "/en/accounts/confirm-email/"
    assert mail.outbox and mail.outbox[-1].to == ["taken@example.com"]


def test_change_email_after_verification(client):
    """A new address replaces the old one only once its owner verified it."""
    user = UserFactory(email="old@example.com")
    client.force_login(user)
    response = client.post("/en/accounts/email/", {"action_add": "", "email": "new@example.com"})
    assert response.url.startswith("/en/accounts/reauthenticate/"), "sensitive: password again"
    # allauth resumes the interrupted change once the password was confirmed.
    client.post(response.url, {"password": PASSWORD})
    assert not EmailAddress.objects.get(email="new@example.com").verified
    user.refresh_from_db()
    assert user.email == "old@example.com"
    link = _link(mail.outbox[-1])
    client.post(link)
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
        "new@example.com"
    ]
    assert AuditEvent.objects.filter(kind="email_changed", subject=user).exists()


def test_profile_language_switches_ui_and_mail(client):
    """Choosing English moves the profile page to /en/ and later mails come in English."""
    user = UserFactory(preferred_language="zh-hans")
    client.force_login(user)
    response = client.post(
        "/zh-hans/accounts/profile/",
        {"display_name": "黄丽", "preferred_language": "en", "phone": "+86 138 0000 0000"},
    )
    assert response.status_code == 302
    assert response.url == "/en/accounts/profile/"
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language) == ("黄丽", "en")
    assert "Your profile was saved." in client.get(response.url).content.decode()
    client.logout()
    client.post("/zh-hans/accounts/password/reset/", {"email": user.email})
    assert "Password Reset" in mail.outbox[-1].subject


def test_profile_rejects_a_bad_phone_number(client):
    """Letters in the phone number get a clear message and nothing is saved."""
    user = UserFactory(phone="")
    client.force_login(user)
    response = client.post(
        "/en/accounts/profile/",
        {"display_name": "Li", "preferred_language": "en", "phone": "call me maybe"},
    )
    assert response.status_code == 200
    assert "Enter a phone number with digits only" in response.content.decode()
    user.refresh_from_db()
    assert user.phone == ""


def test_profile_page_in_chinese(client):
    """The profile page is translated."""
    client.force_login(UserFactory())
    html = client.get("/zh-hans/accounts/profile/").content.decode()
    assert "个人资料" in html and "首选语言" in html


def test_password_reset_requests_are_rate_limited_per_address(client):
    """A sixth reset request for one address within a minute is refused with a 429."""
    UserFactory(email="flood@example.com")
    statuses = [
        client.post("/en/accounts/password/reset/", {"email": "flood@example.com"}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert len(mail.outbox) == 5


def test_verification_mail_is_not_resent_in_a_loop(client):
    """Repeated logins of an unverified account send one verification mail per cooldown."""
    UserFactory(email="loop@example.com", verified=False)
    for _ in range(4):
        client.post("/en/accounts/login/", {"login": "loop@example.com", "password": PASSWORD})
    assert len([m for m in mail.outbox if "loop@example.com" in m.to]) == 1
