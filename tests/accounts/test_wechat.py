"""WeChat website sign-in (open.weixin.qq.com QR login) end to end, HTTP mocked at WeChat only.

The answers below have WeChat's own shapes: the token answer carries `openid` (and `unionid`
once the app is bound to an Open Platform account), errors come back as HTTP 200 with
`{"errcode": ..., "errmsg": ...}`, and bodies are UTF-8 whatever the Content-Type says.
"""

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from responses import matchers

from lms.settings.providers import social_providers
from tests.accounts.factories import PASSWORD, UserFactory

WECHAT = social_providers({"WECHAT_APP_ID": "wx5f2a9c1d3b7e8a60", "WECHAT_SECRET": "wx-secret"})
QR_PAGE = "https://open.weixin.qq.com/connect/qrconnect"
TOKEN_URL = "https://api.weixin.qq.com/sns/oauth2/access_token"
USERINFO_URL = "https://api.weixin.qq.com/sns/userinfo"
OPENID = "oWx1A5d6cYQ8Tz3mKp0LrVb2sE4g"
UNIONID = "o6_bmasdasdsad6_2sgVt7hMZOPfL"
TOKEN_ANSWER = {
    "access_token": "ACCESS_TOKEN_7f3c",
    "expires_in": 7200,
    "refresh_token": "REFRESH_TOKEN_91ab",
    "openid": OPENID,
    "scope": "snsapi_login",
    "unionid": UNIONID,
}
USER_INFO = {
    "openid": OPENID,
    "nickname": "王强",
    "sex": 1,
    "province": "广东",
    "city": "东莞",
    "country": "中国",
    "headimgurl": "https://thirdwx.qlogo.cn/mmopen/g3MonUZtNHkdmzicIlibx6iaFqAc56vxLSUfpb/0",
    "privilege": [],
    "unionid": UNIONID,
}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("wechat_on")]


@pytest.fixture
def wechat_on():
    with override_settings(SOCIALACCOUNT_PROVIDERS=WECHAT), responses.RequestsMock() as mock:
        yield mock


def _wechat_body(payload: dict, content_type: str = "text/plain") -> dict:
    """A WeChat answer: UTF-8 JSON with Chinese left unescaped, as WeChat sends it."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return {"body": body, "content_type": content_type, "status": 200}


def _token(mock, answer: dict, code: str = "061Xyz0w3aB1vV") -> None:
    mock.get(
        TOKEN_URL,
        match=[
            matchers.query_param_matcher(
                {
                    "appid": "wx5f2a9c1d3b7e8a60",
                    "secret": "wx-secret",
                    "code": code,
                    "grant_type": "authorization_code",
                }
            )
        ],
        **_wechat_body(answer),
    )


def _userinfo(mock, answer: dict, content_type: str = "text/plain") -> None:
    mock.get(
        USERINFO_URL,
        match=[
            matchers.query_param_matcher(
                {"access_token": TOKEN_ANSWER["access_token"], "openid": OPENID}
            )
        ],
        **_wechat_body(answer, content_type),
    )


def _start(client, language: str = "zh-hans", **data) -> str:
    """Press the WeChat button; check the QR page WeChat is asked for; return the state."""
    response = client.post(f"/{language}/accounts/weixin/login/", data)
    assert response.status_code == 302
    url = urlparse(response.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == QR_PAGE
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["appid"] == "wx5f2a9c1d3b7e8a60"
    assert query["scope"] == "snsapi_login"
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == f"http://testserver/{language}/accounts/weixin/login/callback/"
    assert len(query["state"]) >= 8
    return query["state"]


def _callback(client, state: str, language: str = "zh-hans", code: str = "061Xyz0w3aB1vV"):
    return client.get(
        f"/{language}/accounts/weixin/login/callback/", {"code": code, "state": state}
    )


def test_the_login_button_says_wechat_in_each_language(client):
    """The provider's button is labelled in the page's language."""
    assert "WeChat" in client.get("/en/accounts/login/").content.decode()
    assert "微信" in client.get("/zh-hans/accounts/login/").content.decode()


@pytest.mark.parametrize("content_type", ["text/plain", "application/json; encoding=utf-8"])
def test_new_wechat_user_gives_an_email_address_and_gets_an_account(
    client, wechat_on, content_type
):
    """WeChat gives no e-mail: the worker adds one, confirms it and is signed in; the account
    carries the Chinese nickname, the openid as uid and the unionid."""
    _token(wechat_on, TOKEN_ANSWER)
    _userinfo(wechat_on, USER_INFO, content_type)
    response = _callback(client, _start(client))
    assert response.status_code == 302
    assert response.url == "/zh-hans/accounts/3rdparty/signup/"
    assert "_auth_user_id" not in client.session

    form = client.get(response.url).content.decode()
    assert 'name="email"' in form and "微信" in form
    response = client.post(response.url, {"email": "wangq@example.cn"})
    assert response.status_code == 302

    user = get_user_model().objects.get(email="wangq@example.cn")
    assert (user.display_name, user.preferred_language) == ("王强", "zh-hans")
    account = SocialAccount.objects.get(user=user, provider="weixin")
    assert account.uid == OPENID
    assert account.extra_data["unionid"] == UNIONID
    assert account.extra_data["nickname"] == "王强"
    assert "_auth_user_id" not in client.session  # the address is not verified yet

    (message,) = mail.outbox
    link = re.search(r"https?://testserver(/\S+/accounts/confirm-email/\S+/)", message.body)
    client.post(link.group(1))
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)


def test_returning_wechat_user_is_signed_in(client, wechat_on):
    """A worker whose WeChat is already linked is signed in by scanning, nothing asked."""
    worker = UserFactory(email="li@example.cn", display_name="李娜")
    SocialAccount.objects.create(user=worker, provider="weixin", uid=OPENID, extra_data={})
    _token(wechat_on, TOKEN_ANSWER)
    _userinfo(wechat_on, USER_INFO)
    response = _callback(client, _start(client))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)
    assert get_user_model().objects.count() == 1


def test_signed_in_user_connects_wechat_to_the_existing_account(client, wechat_on):
    """From the account's connections page, an existing user links WeChat to their account
    (after confirming their password); no second account is created and the next WeChat
    login signs in the same user."""
    worker = UserFactory(email="zhao@example.cn")
    client.force_login(worker)
    _token(wechat_on, TOKEN_ANSWER)
    _userinfo(wechat_on, USER_INFO)
    response = _callback(client, _start(client, process="connect"))
    assert response.url == "/zh-hans/accounts/reauthenticate/"
    assert not SocialAccount.objects.exists()
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    assert urlparse(response.url).path.endswith("/accounts/3rdparty/")
    account = SocialAccount.objects.get(provider="weixin")
    assert (account.user_id, account.uid) == (worker.pk, OPENID)
    assert get_user_model().objects.count() == 1

    client.logout()
    _token(wechat_on, TOKEN_ANSWER, code="0a1B2c3D4e")
    _userinfo(wechat_on, USER_INFO)
    _callback(client, _start(client, "en"), "en", code="0a1B2c3D4e")
    assert client.session["_auth_user_id"] == str(worker.pk)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "the login code is invalid or has expired. Scan the QR code again."),
        ("zh-hans", "登录码无效或已过期，请重新扫码。"),
    ],
)
def test_wechat_refusing_the_code_shows_a_clear_message(client, wechat_on, language, expected):
    """WeChat's `errcode` answer to the token request (HTTP 200) is explained, not a 500."""
    _token(wechat_on, {"errcode": 40029, "errmsg": "invalid code, rid: 6650a1b2-1c2d3e4f"})
    response = _callback(client, _start(client, language), language)
    assert response.status_code == 401
    assert expected in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "WeChat sign-in is not available right now (WeChat error 40001)."),
        ("zh-hans", "暂时无法使用微信登录（微信错误码 40001）。"),
    ],
)
def test_wechat_error_in_the_user_info_shows_a_clear_message(client, wechat_on, language, expected):
    """An `errcode` answer to the user info request (no openid in it) is explained too."""
    _token(wechat_on, TOKEN_ANSWER)
    _userinfo(wechat_on, {"errcode": 40001, "errmsg": "invalid credential"})
    response = _callback(client, _start(client, language), language)
    assert response.status_code == 401
    assert expected in response.content.decode()
    assert not get_user_model().objects.exists()


def test_wechat_server_error_is_not_a_crash(client, wechat_on):
    """WeChat answering 502 ends on the sign-in failure page, nobody signed in."""
    wechat_on.get(TOKEN_URL, status=502, body="Bad Gateway")
    response = _callback(client, _start(client, "en"), "en")
    assert response.status_code == 401
    assert "sign in with your e-mail address instead" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_forged_state_is_refused_before_wechat_is_asked(client, wechat_on):
    """A callback with a state we never issued calls no WeChat API and signs nobody in."""
    _start(client)
    response = _callback(client, "forged-state")
    assert response.status_code == 401
    assert len(wechat_on.calls) == 0
    assert "_auth_user_id" not in client.session
