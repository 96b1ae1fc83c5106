"""Wagtail admin: credential templates as snippets, and the issued-credentials screen where
institution staff revoke, suspend or reinstate with a reason."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import institutions, services
from .forms import StatusChangeForm
from .models import CredentialTemplate, IssuedCredential, Issuer


class CredentialTemplateViewSet(SnippetViewSet):
    """Edit what each course's or programme's credential says."""

    model = CredentialTemplate
    icon = "doc-full"
    menu_label = gettext_lazy("Credential templates")
    add_to_admin_menu = True
    menu_order = 610
    list_display = ["name_zh", "name_en", "course_page_id", "program_page_id", "is_active"]
    list_filter = ["is_active", "achievement_type"]
    search_fields = ["name_en", "name_zh"]


register_snippet(CredentialTemplateViewSet)


def _may_change_status(user) -> bool:
    return user.has_perm(services.STATUS_PERMISSION)


def issued_list(request):
    """Issued credentials, searchable by holder e-mail or credential id."""
    if not _may_change_status(request.user):
        raise PermissionDenied
    query = (request.GET.get("q") or "").strip()
    credentials = IssuedCredential.objects.select_related(
        "holder", "template", "issuer_key__issuer"
    ).order_by("-issued_at")
    allowed = institutions.staff_institution_ids(request.user)
    if allowed is not None:
        credentials = credentials.filter(issuer_key__issuer__institution_id__in=allowed)
    if query:
        condition = Q(holder__email__icontains=query) | Q(template__name_zh__icontains=query)
        condition |= Q(template__name_en__icontains=query)
        if _is_uuid(query):
            condition |= Q(public_id=query)
        credentials = credentials.filter(condition)
    page = Paginator(credentials, 50).get_page(request.GET.get("p"))
    return TemplateResponse(
        request, "credentials/admin/issued_list.html", {"page": page, "query": query}
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def issued_status(request, pk):
    """Revoke, suspend or reinstate one credential, with a reason (kept in the audit)."""
    if not _may_change_status(request.user):
        raise PermissionDenied
    credential = get_object_or_404(
        IssuedCredential.objects.select_related("holder", "template", "issuer_key__issuer"), pk=pk
    )
    if not services.credential_in_reach(credential, request.user):
        raise PermissionDenied
    form = StatusChangeForm(request.POST or None, credential=credential)
    if request.method == "POST" and form.is_valid():
        try:
            services.credential_status_change(
                credential.pk,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved; the status list is republished."))
            return redirect("credentials_admin:status", pk=credential.pk)
    return TemplateResponse(
        request,
        "credentials/admin/issued_status.html",
        {
            "credential": credential,
            "form": form,
            "changes": credential.status_changes.select_related("actor"),
        },
    )


def issuer_list(request):
    """Issuers with their DIDs and keys; rotate a key (new credentials use the new key)."""
    if not request.user.has_perm("credentials.add_issuerkey"):
        raise PermissionDenied
    if request.method == "POST":
        issuer = get_object_or_404(Issuer, pk=request.POST.get("issuer"))
        key = services.issuer_rotate_key(issuer.pk, actor=request.user)
        messages.success(request, _("New key: %(method)s") % {"method": key.verification_method})
        return redirect("credentials_admin:issuers")
    issuers = Issuer.objects.prefetch_related("keys").order_by("slug")
    return TemplateResponse(request, "credentials/admin/issuers.html", {"issuers": issuers})


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("", issued_list, name="list"),
        path("<int:pk>/", issued_status, name="status"),
        path("issuers/", issuer_list, name="issuers"),
    ]
    return [path("credentials/issued/", (urls, "credentials_admin", "credentials_admin"))]


class _IssuedMenuItem(MenuItem):
    def is_shown(self, request):
        return _may_change_status(request.user)


@hooks.register("register_admin_menu_item")
def register_issued_menu_item():
    return _IssuedMenuItem(
        gettext_lazy("Issued credentials"),
        reverse("credentials_admin:list"),
        icon_name="tick-inverse",
        order=620,
    )
