"""GitHub, WeChat and OpenID Connect sign-in: switched on by environment, HTTP mocked only."""

from urllib.parse import parse_qs, urlparse

import pytest
import responses
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import override_settings

from lms.settings.providers import social_providers

pytestmark = pytest.mark.django_db

ENV = {
    "GITHUB_CLIENT_ID": "gh-client",
    "GITHUB_SECRET": "gh-secret",
    "WECHAT_APP_ID": "wx-app",
    "WECHAT_SECRET": "wx-secret",
    "OIDC_CLIENT_ID": "lms",
    "OIDC_SECRET": "oidc-secret",
    "OIDC_SERVER_URL": "https://idp.dgut.example.edu/realms/staff",
    "OIDC_PROVIDER_ID": "dgut",
    "OIDC_NAME": "DGUT login",
}
IDP = "https://idp.dgut.example.edu/realms/staff"


def test_providers_switch_on_from_the_environment_only():
    """No variables, no providers; each complete set turns exactly its provider on."""
    assert social_providers({}) == {}
    assert social_providers({"GITHUB_CLIENT_ID": "only-half"}) == {}
    providers = social_providers(ENV)
    assert set(providers) == {"github", "weixin", "openid_connect"}
    assert providers["github"]["APPS"][0]["client_id"] == "gh-client"
    assert providers["weixin"]["SCOPE"] == ["snsapi_login"]
    oidc = providers["openid_connect"]["APPS"][0]
    assert (oidc["provider_id"], oidc["settings"]["server_url"]) == ("dgut", IDP)


def test_login_page_lists_configured_providers(client):
    """The login page offers exactly the providers switched on."""
    assert "GitHub" not in client.get("/en/accounts/login/").content.decode()
    with override_settings(SOCIALACCOUNT_PROVIDERS=social_providers(ENV)):
        html = client.get("/en/accounts/login/").content.decode()
    assert "GitHub" in html and "DGUT login" in html and "WeChat" in html


def _start(client, path: str) -> str:
    """Start the flow (POST, as allauth requires) and return the `state` it sent."""
    response = client.post(path)
    assert response.status_code == 302
    return parse_qs(urlparse(response.url).query)["state"][0]


@override_settings(SOCIALACCOUNT_PROVIDERS=social_providers(ENV))
@responses.activate
def test_github_login_creates_a_verified_account(client):
    """A GitHub user with a verified e-mail gets an account and is logged in."""
    responses.post(
        "https://github.com/login/oauth/access_token",
        json={"access_token": "gho_test", "token_type": "bearer", "scope": "read:user"},
    )
    responses.get(
        "https://api.github.com/user",
        json={"id": 4242, "login": "wangq", "name": "王强", "email": None},
    )
    responses.get(
        "https://api.github.com/user/emails",
        json=[{"email": "wangq@example.com", "primary": True, "verified": True}],
    )
    state = _start(client, "/en/accounts/github/login/")
    response = client.get(
        "/en/accounts/github/login/callback/", {"code": "gh-code", "state": state}
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="wangq@example.com")
    assert user.display_name == "王强" and user.preferred_language == "en"
    assert SocialAccount.objects.get(user=user).uid == "4242"
    assert client.session["_auth_user_id"] == str(user.pk)


@override_settings(SOCIALACCOUNT_PROVIDERS=social_providers(ENV))
@responses.activate
def test_github_callback_with_a_wrong_state_is_refused(client):
    """A callback whose state was not issued by us logs nobody in."""
    _start(client, "/en/accounts/github/login/")
    response = client.get(
        "/en/accounts/github/login/callback/", {"code": "gh-code", "state": "forged"}
    )
    assert response.status_code in {200, 401}  # allauth's "login failure" page
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.exists()


@override_settings(SOCIALACCOUNT_PROVIDERS=social_providers(ENV))
@responses.activate
def test_university_openid_connect_login(client):
    """A university's OIDC provider (discovery, token, userinfo) signs a student in."""
    responses.get(
        f"{IDP}/.well-known/openid-configuration",
        json={
            "issuer": IDP,
            "authorization_endpoint": f"{IDP}/protocol/openid-connect/auth",
            "token_endpoint": f"{IDP}/protocol/openid-connect/token",
            "userinfo_endpoint": f"{IDP}/protocol/openid-connect/userinfo",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        },
    )
    responses.post(
        f"{IDP}/protocol/openid-connect/token",
        json={"access_token": "at-1", "token_type": "Bearer", "expires_in": 300},
    )
    responses.get(
        f"{IDP}/protocol/openid-connect/userinfo",
        json={
            "sub": "s-2026-0042",
            "email": "student42@dgut.example.edu",
            "email_verified": True,
            "name": "张伟",
        },
    )
    state = _start(client, "/zh-hans/accounts/oidc/dgut/login/")
    response = client.get(
        "/zh-hans/accounts/oidc/dgut/login/callback/", {"code": "c-1", "state": state}
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="student42@dgut.example.edu")
    assert (user.display_name, user.preferred_language) == ("张伟", "zh-hans")
    assert SocialAccount.objects.get(user=user, provider="dgut").uid == "s-2026-0042"
    assert client.session["_auth_user_id"] == str(user.pk)
