"""The `weixin` provider allauth registers (in place of allauth's own app of that id)."""

from allauth.socialaccount.providers.weixin.provider import WeixinProvider as BaseProvider
from django.utils.translation import gettext_lazy as _

from .views import WeChatOAuth2Adapter


class WeixinProvider(BaseProvider):
    name = _("WeChat")
    oauth2_adapter_class = WeChatOAuth2Adapter

    def __str__(self) -> str:
        return str(self.name)  # the name is translated lazily; allauth expects a str here


provider_classes = [WeixinProvider]
