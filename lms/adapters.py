"""django-allauth customisation through its adapters (never by forking its views)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils import translation

LANGUAGES = {"zh-hans", "en"}


def with_language_prefix(url: str, language: str) -> str:
    """`url` moved under the language prefix `language` (for site paths only)."""
    if not url.startswith("/") or url.startswith("//"):
        return url
    parts = url.split("/", 2)
    rest = parts[2] if len(parts) > 2 else ""
    if len(parts) > 1 and parts[1] in LANGUAGES:
        return f"/{language}/{rest}"
    return f"/{language}{url}"


class AccountAdapter(DefaultAccountAdapter):
    """Keeps the learner's chosen language on the account and sends mail in that language."""

    def save_user(self, request, user, form, commit=True):
        language = translation.get_language() or ""
        if language in LANGUAGES:
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)

    def get_login_redirect_url(self, request):
        """After login the UI switches to the user's preferred language."""
        url = super().get_login_redirect_url(request)
        language = getattr(request.user, "preferred_language", "")
        if language in LANGUAGES:
            return with_language_prefix(url, language)
        return url


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """New accounts from GitHub, WeChat or a university's OpenID Connect provider."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.display_name = (data.get("name") or name or "")[:150]
        language = translation.get_language() or ""
        if language in LANGUAGES:
            user.preferred_language = language
        return user
