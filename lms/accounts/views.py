"""The learner's own account pages (around allauth's) and public talent profiles."""

import json
from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms import integrations
from lms.adapters import with_language_prefix

from . import ratelimits, selectors, services
from .forms import DeleteAccountForm, ProfileForm, TalentProfileForm, TalentSearchForm
from .models import TalentProfile


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Edit name, preferred language (switches the UI at once) and phone."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.profile_update(request.user, **form.cleaned_data)
        with translation.override(user.preferred_language):
            messages.success(request, _("Your profile was saved."))
        return redirect(with_language_prefix(request.path, user.preferred_language))
    return render(request, "account/profile.html", {"form": form})


@login_required
def privacy(request):
    """Data export and account deletion, explained."""
    return render(request, "account/privacy.html", {"delete_form": DeleteAccountForm()})


@login_required
@require_POST
@reauthentication_required
def export(request):
    """Download everything the platform holds about the learner, as JSON."""
    data = services.data_export(request.user, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="otit-academy-data-{stamp}.json"'
    return response


@login_required
@require_POST
@reauthentication_required
def delete(request):
    """Delete the account: personal data removed, credentials stay verifiable."""
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return render(request, "account/privacy.html", {"delete_form": form}, status=400)
    user = request.user
    logout(request)
    services.account_delete(user, request=request)
    messages.success(request, _("Your account was deleted."))
    return redirect("/")


def _held_choices(user) -> list[tuple[str, str]]:
    language = translation.get_language()
    return [
        (str(c["id"]), integrations.localized(c.get("achievement"), language))
        for c in integrations.credentials_for_users([user.pk])
    ]


@login_required
@require_http_methods(["GET", "POST"])
def talent_edit(request):
    """The worker chooses whether to have a public profile and what it shows."""
    profile = TalentProfile.objects.filter(user=request.user).prefetch_related("shown").first()
    initial = {}
    if profile:
        initial = {
            "is_public": profile.is_public,
            "headline": profile.headline,
            "city": profile.city,
            "credential_ids": profile.credential_ids,
        }
    form = TalentProfileForm(
        request.POST or None, initial=initial, credential_choices=_held_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        profile = services.talent_profile_update(request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Your profile is public.") if profile.is_public else _("Your profile is private."),
        )
        return redirect("talent_edit")
    return render(request, "profiles/edit.html", {"form": form, "profile": profile})


def talent_public(request, slug):
    """A public profile; unknown and private profiles give the same 404."""
    shown = selectors.public_profile(slug, translation.get_language())
    if shown is None:
        raise Http404
    return render(request, "profiles/public.html", {"profile": shown})


@login_required
def talent_search(request):
    """Employers search public profiles by skill, level and city."""
    form = TalentSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        if not ratelimits.allowed(request, "talent_search"):
            return ratelimits.too_many(request)
        results = selectors.talent_search(
            language=translation.get_language(), page=request.GET.get("page"), **form.cleaned_data
        )
    query = ""
    if results is not None:
        query = urlencode({k: v for k, v in form.cleaned_data.items() if v})
    return render(
        request, "profiles/search.html", {"form": form, "results": results, "query": query}
    )
