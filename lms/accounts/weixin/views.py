"""allauth's WeChat adapter with WeChat's documented token request and error answers."""

import json

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.weixin.client import WeixinOAuth2Client
from allauth.socialaccount.providers.weixin.views import WeixinOAuth2Adapter

from .errors import WeChatError


def _wechat_json(response) -> dict:
    """The JSON body of a WeChat answer. WeChat sends UTF-8 but not always a charset (some
    answers say text/plain), so the bytes are decoded here instead of trusting requests'
    guess, which turns Chinese nicknames into mojibake."""
    response.raise_for_status()
    try:
        data = json.loads(response.content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WeChatError(-1, "not JSON") from None
    return WeChatError.check(data)


class WeChatClient(WeixinOAuth2Client):
    """Token request as WeChat documents it: GET with appid, secret, code and grant_type."""

    def get_access_token(self, code, pkce_code_verifier=None):
        params = {
            "appid": self.consumer_key,
            "secret": self.consumer_secret,
            "code": code,
            "grant_type": "authorization_code",
        }
        with get_adapter().get_requests_session() as session:
            response = session.get(self.access_token_url, params=params)
        data = _wechat_json(response)
        if not data.get("access_token") or not data.get("openid"):
            raise WeChatError(-1, "no access_token or openid")
        return data


class WeChatOAuth2Adapter(WeixinOAuth2Adapter):
    client_class = WeChatClient

    def complete_login(self, request, app, token, **kwargs):
        openid = kwargs.get("response", {}).get("openid")
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url, params={"access_token": token.token, "openid": openid}
            )
        data = _wechat_json(response)
        if not data.get("openid"):
            raise WeChatError(-1, "no openid in the user info")
        return self.get_provider().sociallogin_from_response(request, data)


oauth2_login = OAuth2LoginView.adapter_view(WeChatOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(WeChatOAuth2Adapter)
