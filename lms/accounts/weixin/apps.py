from django.apps import AppConfig


class WeixinConfig(AppConfig):
    """Registers the provider with allauth (it imports `<app>.provider`) under the id `weixin`."""

    name = "lms.accounts.weixin"
    label = "lms_weixin"
    verbose_name = "WeChat sign-in"
