"""django-allauth customisation through its adapter (never by forking its views)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """Keeps the learner's chosen language on the account and sends mail in that language."""

    def save_user(self, request, user, form, commit=True):
        language = translation.get_language() or ""
        if language in {"zh-hans", "en"}:
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
