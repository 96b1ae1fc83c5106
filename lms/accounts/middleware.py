"""MFA policy: institution staff, employer admins and platform admins must use a second factor.

allauth.mfa asks for the second factor at login once a user has one, but has no setting to
require it; this middleware is the enforcement half. A user who must use MFA and has no
authenticator is sent to allauth's MFA page for every site page until they add one. The
Wagtail and Django admin login forms, which skip allauth's login stages, are routed to
allauth's login.
"""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .roles import MFA_PERMISSION

ADMIN_LOGIN_PATHS = ("/admin/login/", "/django-admin/login/")
# Views a user without a second factor may still reach: allauth's own (MFA setup, logout,
# e-mail, reauthentication), language switching, static files and health checks.
EXEMPT_VIEW_MODULES = ("allauth.", "django.views.i18n", "django.views.static", "lms.views")


def mfa_required(user) -> bool:
    """True when `user`'s role obliges them to sign in with a second factor."""
    if not user.is_authenticated:
        return False
    return bool(
        user.is_staff
        or user.is_superuser
        or user.has_perm(MFA_PERMISSION)
        or user.has_perm("wagtailadmin.access_admin")
    )


class MFARequiredMiddleware:
    """Send users who must use MFA and have none to the MFA setup page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in ADMIN_LOGIN_PATHS:
            next_url = request.GET.get(REDIRECT_FIELD_NAME, "/admin/")
            return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not mfa_required(user):
            return None
        module = getattr(view_func, "__module__", "") or ""
        if module.startswith(EXEMPT_VIEW_MODULES) or is_mfa_enabled(user):
            return None
        # Pages outside the language prefix (the admin) answer in the user's own language.
        language = translation.get_language_from_path(request.path_info) or getattr(
            user, "preferred_language", None
        )
        with translation.override(language):
            messages.warning(
                request,
                _("Your role requires a second factor. Set up an authenticator app or a passkey."),
            )
            return redirect(reverse("mfa_index"))
