"""WeChat's `errcode` answers turned into messages a learner understands."""

from allauth.socialaccount.providers.base import ProviderException
from django.utils.translation import gettext as _

# Codes that mean the one-time login code is no longer usable: scanning again fixes them.
# (WeChat Open Platform global return codes: 40029 invalid code, 40163 code already used,
# 42003 code expired, 41008 code missing, 40003 invalid openid, 42001 token expired.)
RETRYABLE = {40029, 40163, 42003, 41008, 40003, 42001}


class WeChatError(ProviderException):
    """WeChat answered with `{"errcode": ..., "errmsg": ...}` instead of the data asked for."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(f"WeChat error {errcode}: {errmsg}")

    @classmethod
    def check(cls, data) -> dict:
        """`data` unchanged when it is a WeChat success answer; raises otherwise."""
        if not isinstance(data, dict):
            raise cls(-1, "not a JSON object")
        errcode = data.get("errcode")
        if errcode not in (None, 0, "0"):
            try:
                code = int(errcode)
            except (TypeError, ValueError):
                code = -1
            raise cls(code, str(data.get("errmsg", "")))
        return data

    @property
    def message(self) -> str:
        """What the learner reads (in the active language)."""
        if self.errcode in RETRYABLE:
            return _(
                "WeChat did not sign you in: the login code is invalid or has expired. "
                "Scan the QR code again."
            )
        return _(
            "WeChat sign-in is not available right now (WeChat error %(code)s). "
            "Sign in with your e-mail address instead."
        ) % {"code": self.errcode}
