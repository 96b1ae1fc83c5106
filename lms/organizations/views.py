"""Employer pages and the worker's side of membership: parse, call one service, render."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lms import integrations
from lms.accounts import ratelimits

from . import selectors, services
from .forms import (
    ConsentForm,
    InvitationForm,
    OrganizationForm,
    RedeemForm,
    SponsorshipCodeForm,
)


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _membership(request, slug: str, *, admin: bool = False):
    """The viewer's membership; 404 for outsiders (organisations are not enumerable)."""
    membership = selectors.membership_get(request.user.pk, slug)
    if membership is None:
        raise Http404
    if admin and not membership.is_admin:
        raise PermissionDenied
    return membership


def _course_choices(language: str) -> list[tuple[int, str]]:
    return [
        (course["id"], integrations.localized(course.get("title"), language))
        for course in integrations.sponsorable_courses()
    ]


@login_required
def index(request):
    """The user's organisations, and the way to create one or use a code."""
    return render(
        request,
        "organizations/index.html",
        {
            "memberships": selectors.memberships_for_user(request.user.pk),
            "redeem_form": RedeemForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """Create an organisation; the creator becomes its employer admin."""
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Organisation created. You are its admin."))
            return redirect("organizations:manage", slug=organization.slug)
    return render(request, "organizations/create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def manage(request, slug):
    """Employer admin: invitations, join link and sponsorship codes with seats used."""
    membership = _membership(request, slug, admin=True)
    organization = membership.organization
    language = translation.get_language()
    invite_form = InvitationForm(prefix="invite")
    code_form = SponsorshipCodeForm(prefix="code", course_choices=_course_choices(language))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "invite":
            invite_form = InvitationForm(request.POST, prefix="invite")
            if invite_form.is_valid():
                try:
                    services.invitation_create(
                        organization, request.user, **invite_form.cleaned_data
                    )
                except ValidationError as error:
                    invite_form.add_error("email", error)
                else:
                    messages.success(
                        request,
                        _("Invitation sent to %(email)s.")
                        % {"email": invite_form.cleaned_data["email"]},
                    )
                    return redirect("organizations:manage", slug=slug)
        elif action == "code":
            code_form = SponsorshipCodeForm(
                request.POST, prefix="code", course_choices=_course_choices(language)
            )
            if code_form.is_valid():
                data = code_form.cleaned_data
                try:
                    code = services.sponsorship_code_create(
                        organization,
                        request.user,
                        seats=data["seats"],
                        course_page_ids=data["courses"],
                        expires_at=data["expires_on"],
                    )
                except ValidationError as error:
                    code_form.add_error(None, error)
                else:
                    messages.success(
                        request, _("Sponsorship code %(code)s created.") % {"code": code.code}
                    )
                    return redirect("organizations:manage", slug=slug)
        elif action == "reset_link":
            services.join_link_reset(organization, request.user)
            messages.success(request, _("A new join link was made; the old one no longer works."))
            return redirect("organizations:manage", slug=slug)
        elif action == "revoke_code":
            code_id = request.POST.get("code_id", "")
            code = None
            if code_id.isdigit():
                code = organization.sponsorship_codes.filter(pk=int(code_id)).first()
            if code is None:
                raise Http404
            services.sponsorship_code_revoke(code, request.user)
            messages.success(request, _("The code %(code)s was withdrawn.") % {"code": code.code})
            return redirect("organizations:manage", slug=slug)
    join_url = request.build_absolute_uri(
        reverse("organizations:join", kwargs={"token": services.join_link_token(organization)})
    )
    codes = selectors.codes_with_usage(organization)
    titles = dict(_course_choices(language))
    return render(
        request,
        "organizations/manage.html",
        {
            "organization": organization,
            "invite_form": invite_form,
            "code_form": code_form,
            "codes": [
                (code, [titles.get(c, str(c)) for c in code.course_page_ids]) for code in codes
            ],
            "join_url": join_url,
            "members": organization.memberships.select_related("user").order_by("joined_at"),
        },
    )


@login_required
def team(request, slug):
    """Employer admin: the team skills view (consented data only) with a chart."""
    membership = _membership(request, slug, admin=True)
    report = selectors.team_report(membership.organization, translation.get_language())
    return render(
        request,
        "organizations/team.html",
        {"organization": membership.organization, "report": report},
    )


def _csv_cell(value) -> str:
    text = str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@login_required
def team_csv(request, slug):
    """Employer admin: the team skills view as CSV (one row per course or credential)."""
    membership = _membership(request, slug, admin=True)
    report = selectors.team_report(membership.organization, translation.get_language())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="team-{slug}.csv"'
    response.write("\ufeff")  # so that Excel opens Chinese names correctly
    writer = csv.writer(response)
    writer.writerow(
        [_("Member"), _("Kind"), _("Title"), _("Progress %"), _("Status"), _("Verified")]
    )
    for member in report.members:
        for course in member.courses or ():
            status = _("completed") if course.completed else _("in progress")
            writer.writerow(
                map(_csv_cell, [member.name, _("course"), course.title, course.percent, status, ""])
            )
        for credential in member.credentials or ():
            writer.writerow(
                map(
                    _csv_cell,
                    [
                        member.name,
                        _("credential"),
                        credential.title,
                        "",
                        credential.status,
                        _("yes") if credential.verified else _("no"),
                    ],
                )
            )
    for skill in report.skills:
        writer.writerow(
            map(_csv_cell, ["", _("skill"), f"{skill.code} {skill.name}", skill.percent, "", ""])
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def membership(request, slug):
    """The worker's page for one organisation: consent to share, or leave."""
    member = _membership(request, slug)
    form = ConsentForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.consent_update(
            member,
            share_progress=form.cleaned_data["share_progress"],
            share_credentials=form.cleaned_data["share_credentials"],
        )
        messages.success(request, _("Your choices are saved and apply immediately."))
        return redirect("organizations:membership", slug=slug)
    return render(
        request,
        "organizations/membership.html",
        {"membership": member, "organization": member.organization, "form": form},
    )


@login_required
@require_POST
def leave(request, slug):
    """The worker leaves the organisation."""
    member = _membership(request, slug)
    try:
        services.membership_leave(member)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("organizations:membership", slug=slug)
    messages.success(request, _("You left %(name)s.") % {"name": member.organization.name})
    return redirect("organizations:index")


def _refused(request, error: ValidationError, status: int = 400):
    return render(
        request, "organizations/refused.html", {"message": _error_text(error)}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Accept an e-mail invitation (the signed link from the e-mail)."""
    try:
        invitation = services.invitation_preview(token)
    except ValidationError as error:
        return _refused(request, error)
    if request.method == "POST":
        try:
            member = services.invitation_accept(token, request.user)
        except ValidationError as error:
            return _refused(request, error)
        messages.success(request, _("Welcome to %(name)s.") % {"name": member.organization.name})
        return redirect("organizations:membership", slug=member.organization.slug)
    return render(
        request,
        "organizations/join.html",
        {"organization": invitation.organization, "invited_as": invitation.email},
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request, token):
    """Join through the organisation's join link."""
    try:
        organization = services.join_link_organization(token)
    except ValidationError as error:
        return _refused(request, error)
    if request.method == "POST":
        try:
            member = services.join_by_link(token, request.user)
        except ValidationError as error:
            return _refused(request, error)
        messages.success(request, _("Welcome to %(name)s.") % {"name": organization.name})
        return redirect("organizations:membership", slug=member.organization.slug)
    return render(request, "organizations/join.html", {"organization": organization})


@login_required
@require_http_methods(["GET", "POST"])
def redeem(request):
    """A worker uses a sponsorship code: check it, pick a covered course, enrol."""
    data = request.POST if request.method == "POST" else request.GET
    form = RedeemForm(data or None)
    courses: list[dict] = []
    code = None
    if data and form.is_valid():
        if not ratelimits.allowed(request, "redeem_code"):
            return ratelimits.too_many(request)
        normalized = services.normalize_code(form.cleaned_data["code"])
        try:
            code = services.sponsorship_code_check(normalized, request.user.pk)
        except ValidationError as error:
            form.add_error("code", error)
        if code is not None and request.method == "POST" and form.cleaned_data.get("course"):
            try:
                integrations.enrolment_create(
                    request.user.pk, form.cleaned_data["course"], normalized
                )
            except ValidationError as error:
                form.add_error("code", error)
            else:
                messages.success(
                    request,
                    _("You are enrolled. Choose below what %(name)s may see of your progress.")
                    % {"name": code.organization.name},
                )
                return redirect("organizations:membership", slug=code.organization.slug)
        if code is not None:
            language = translation.get_language()
            ids = services.sponsorship_code_courses(code)
            courses = [
                {"id": c["id"], "title": integrations.localized(c.get("title"), language)}
                for c in integrations.sponsorable_courses()
                if c["id"] in ids
            ]
    return render(
        request,
        "organizations/redeem.html",
        {"form": form, "courses": courses, "code": code},
    )
