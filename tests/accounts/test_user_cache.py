"""The signed-in user and their permissions are cached between requests (ADR 0036), and every
change that matters takes effect on the very next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.accounts.roles import MFA_PERMISSION, Role
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/en/organisations/"
MFA_PAGE = "/en/accounts/2fa/"


def _login(client, user):
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _user_queries(client, path=PAGE) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if '"lms_user"' in q["sql"].split(" WHERE ")[0] or "auth_permission" in q["sql"]
    ]


def test_second_request_reads_neither_the_user_nor_the_permissions(client):
    """After the first request the user and the MFA policy's permissions come from the cache."""
    _login(client, UserFactory())
    client.get(PAGE)
    assert _user_queries(client) == []


def test_a_role_that_requires_mfa_applies_on_the_next_request(client):
    """Joining a staff group (the user's groups change) sends the user to MFA setup at once."""
    user = UserFactory()
    _login(client, user)
    assert client.get(PAGE).status_code == 200
    user.groups.add(Group.objects.get(name=Role.INSTITUTION_EDITOR))
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url == MFA_PAGE


def test_a_permission_given_to_the_users_group_applies_on_the_next_request(client):
    """A group's permissions changing outdates every cached member."""
    user = UserFactory()
    group = Group.objects.create(name="Auditors")
    user.groups.add(group)
    _login(client, user)
    assert client.get(PAGE).status_code == 200
    app_label, codename = MFA_PERMISSION.split(".")
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url == MFA_PAGE
    group.delete()
    assert client.get(PAGE).status_code == 200


def test_deactivated_user_is_signed_out_on_the_next_request(client):
    """Deactivating an account ends its sessions although the user was cached."""
    user = UserFactory()
    _login(client, user)
    client.get(PAGE)
    user.is_active = False
    user.save()
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_password_change_signs_out_other_sessions(client):
    """A password set elsewhere (another session, an admin) ends a session whose user was
    cached."""
    user = UserFactory()
    _login(client, user)
    client.get(PAGE)
    user.set_password("a-brand-new-password-123")
    user.save()
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_logout_takes_effect_on_the_next_request(client):
    """After logging out, the old session shows the site to an anonymous visitor."""
    user = UserFactory()
    _login(client, user)
    assert client.get("/en/accounts/profile/").status_code == 200
    client.post("/en/accounts/logout/")
    response = client.get("/en/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_another_users_entry_is_never_returned(client):
    """Two users signed in one after the other each see their own account."""
    first, second = UserFactory(display_name="Ada"), UserFactory(display_name="Grace")
    _login(client, first)
    assert "Ada" in client.get("/en/accounts/profile/").text
    client.post("/en/accounts/logout/")
    _login(client, second)
    html = client.get("/en/accounts/profile/").text
    assert "Grace" in html and "Ada" not in html
