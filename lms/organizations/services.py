"""Writes of employer organisations: creation, invitations, join links, codes and consent.

Every refusal is a ValidationError whose message is translated (zh-hans and English), so a
view can show it as it is.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lms import integrations
from lms.accounts.models import AuditEvent
from lms.accounts.roles import Role, role_group
from lms.accounts.services import audit_record

from .models import Invitation, Membership, Organization, SeatRedemption, SponsorshipCode

if TYPE_CHECKING:
    from lms.models import User

INVITATION_SALT = "lms.organizations.invitation"
JOIN_LINK_SALT = "lms.organizations.join-link"
INVITATION_MAX_AGE = timedelta(days=14)
JOIN_LINK_MAX_AGE = timedelta(days=30)
MAX_SEATS = 10_000
# No 0/O, 1/I/L: codes are read aloud and typed on phones.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RESERVED_SLUGS = {"new", "redeem", "join", "invitations"}


def _sync_employer_groups(user: User) -> None:
    """Employer admin / member groups follow the user's memberships (roles by code)."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    admin_group = role_group(Role.EMPLOYER_ADMIN)
    member_group = role_group(Role.EMPLOYER_MEMBER)
    if Membership.Role.ADMIN in roles:
        user.groups.add(admin_group)
    else:
        user.groups.remove(admin_group)
    if roles:
        user.groups.add(member_group)
    else:
        user.groups.remove(member_group)


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=False)[:30] or "org"
    if base in RESERVED_SLUGS:
        base = f"{base}-org"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


@transaction.atomic
def organization_create(
    user: User, *, name: str, industry: str, size: str, city: str
) -> Organization:
    """Create an organisation with `user` as its first employer admin."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the organisation a name."))
    organization = Organization.objects.create(
        name=name,
        slug=_unique_slug(name),
        industry=industry,
        size=size,
        city=city.strip(),
        created_by=user,
    )
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.ADMIN)
    _sync_employer_groups(user)
    audit_record(
        AuditEvent.Kind.ORGANIZATION,
        actor=user,
        subject=user,
        summary=f"created {organization.slug}",
        data={"organization": organization.pk, "action": "created"},
    )
    return organization


def membership_add(organization: Organization, user: User, role: str = "member") -> Membership:
    """Make `user` a member (sharing nothing); returns the existing membership if any."""
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if created:
        _sync_employer_groups(user)
        audit_record(
            AuditEvent.Kind.ORGANIZATION,
            subject=user,
            summary=f"joined {organization.slug}",
            data={"organization": organization.pk, "action": "joined", "role": role},
        )
    return membership


# Invitations by e-mail ------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The signed token of an invitation link."""
    return signing.dumps(
        {"i": invitation.pk, "o": invitation.organization_id}, salt=INVITATION_SALT
    )


@transaction.atomic
def invitation_create(
    organization: Organization, invited_by: User, *, email: str, role: str = "member"
) -> Invitation:
    """Invite `email` to the organisation; the invitation e-mail goes out after commit."""
    email = get_user_model().objects.normalize_email(email.strip())
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise ValidationError(_("This person is already a member."))
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, invited_by=invited_by
    )
    url = settings.SITE_URL.rstrip("/") + reverse(
        "organizations:invitation_accept", kwargs={"token": invitation_token(invitation)}
    )
    existing = get_user_model().objects.filter(email__iexact=email).first()
    language = getattr(existing, "preferred_language", None) or translation.get_language()

    def send():
        with translation.override(language):
            context = {"organization": organization, "url": url, "inviter": invited_by}
            send_mail(
                render_to_string("organizations/email/invitation_subject.txt", context).strip(),
                render_to_string("organizations/email/invitation_message.txt", context),
                None,
                [email],
            )

    transaction.on_commit(send)
    return invitation


def _invitation_from_token(token: str) -> Invitation:
    try:
        data = signing.loads(
            token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE.total_seconds()
        )
        invitation = Invitation.objects.select_related("organization").get(
            pk=int(data["i"]), organization_id=int(data["o"])
        )
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This invitation has expired. Ask for a new one.")) from exc
    except (signing.BadSignature, Invitation.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(_("This invitation link is not valid.")) from exc
    return invitation


def invitation_preview(token: str) -> Invitation:
    """The invitation behind a token, or a ValidationError saying why it cannot be used."""
    invitation = _invitation_from_token(token)
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used."))
    return invitation


@transaction.atomic
def invitation_accept(token: str, user: User) -> Membership:
    """Join through an e-mail invitation; only the invited address may use it, once."""
    invitation = _invitation_from_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.email.casefold() != user.email.casefold():
        raise ValidationError(
            _("This invitation was sent to another e-mail address. Log in with that address.")
        )
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used."))
    if Membership.objects.filter(organization=invitation.organization, user=user).exists():
        raise ValidationError(_("You are already a member of this organisation."))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership_add(invitation.organization, user, invitation.role)


# Join links -------------------------------------------------------------------------------


def join_link_token(organization: Organization) -> str:
    """The signed token of the organisation's current join link."""
    payload = {"o": organization.pk, "v": organization.join_link_version}
    return signing.dumps(payload, salt=JOIN_LINK_SALT)


def join_link_reset(organization: Organization, actor: User) -> str:
    """Invalidate every join link handed out so far; returns the new token."""
    Organization.objects.filter(pk=organization.pk).update(
        join_link_version=organization.join_link_version + 1
    )
    organization.refresh_from_db(fields=["join_link_version"])
    audit_record(
        AuditEvent.Kind.ORGANIZATION,
        actor=actor,
        data={"organization": organization.pk, "action": "join_link_reset"},
    )
    return join_link_token(organization)


def join_link_organization(token: str) -> Organization:
    """The organisation a join link leads to, or a ValidationError."""
    try:
        data = signing.loads(token, salt=JOIN_LINK_SALT, max_age=JOIN_LINK_MAX_AGE.total_seconds())
        organization = Organization.objects.get(pk=int(data["o"]))
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This join link has expired. Ask for a new one.")) from exc
    except (signing.BadSignature, Organization.DoesNotExist, KeyError, TypeError, ValueError) as e:
        raise ValidationError(_("This join link is not valid.")) from e
    if int(data.get("v", 0)) != organization.join_link_version:
        raise ValidationError(_("This join link has been replaced. Ask for the new one."))
    return organization


@transaction.atomic
def join_by_link(token: str, user: User) -> Membership:
    """Join an organisation as a member through its join link."""
    organization = join_link_organization(token)
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError(_("You are already a member of this organisation."))
    return membership_add(organization, user)


# Membership and consent --------------------------------------------------------------------


@transaction.atomic
def consent_update(membership: Membership, *, share_progress: bool, share_credentials: bool):
    """Set what the employer may see; takes effect on the employer's next page view."""
    membership.share_progress = share_progress
    membership.share_credentials = share_credentials
    membership.consent_updated_at = timezone.now()
    membership.save(update_fields=["share_progress", "share_credentials", "consent_updated_at"])
    audit_record(
        AuditEvent.Kind.CONSENT_CHANGED,
        actor=membership.user,
        subject=membership.user,
        data={
            "organization": membership.organization_id,
            "share_progress": share_progress,
            "share_credentials": share_credentials,
        },
    )
    return membership


@transaction.atomic
def membership_leave(membership: Membership) -> None:
    """The worker leaves; the employer loses every view of them at once."""
    organization = membership.organization
    if membership.is_admin and organization.memberships.filter(role="admin").count() == 1:
        raise ValidationError(_("You are the last admin. Make someone else admin first."))
    user = membership.user
    membership.delete()
    _sync_employer_groups(user)
    audit_record(
        AuditEvent.Kind.ORGANIZATION,
        actor=user,
        subject=user,
        data={"organization": organization.pk, "action": "left"},
    )


def memberships_remove_all(user: User) -> None:
    """Remove every membership of a user (account deletion)."""
    Membership.objects.filter(user=user).delete()
    _sync_employer_groups(user)


# Sponsorship codes --------------------------------------------------------------------------


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_code(code: str) -> str:
    """Codes are typed by hand: ignore case, spaces and a missing dash."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == 10 else cleaned


@transaction.atomic
def sponsorship_code_create(
    organization: Organization,
    actor: User,
    *,
    seats: int,
    course_page_ids: list[int],
    program_page_ids: list[int] | None = None,
    expires_at: datetime | None = None,
) -> SponsorshipCode:
    """Create a code for `seats` workers in the chosen courses (and programmes)."""
    if not 1 <= seats <= MAX_SEATS:
        raise ValidationError(_("Choose between 1 and %(max)d seats.") % {"max": MAX_SEATS})
    if not course_page_ids and not program_page_ids:
        raise ValidationError(_("Choose at least one course."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("The expiry date must be in the future."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                code = SponsorshipCode.objects.create(
                    organization=organization,
                    code=_new_code(),
                    seats=seats,
                    course_page_ids=sorted({int(c) for c in course_page_ids}),
                    program_page_ids=sorted({int(p) for p in program_page_ids or []}),
                    expires_at=expires_at,
                    created_by=actor,
                )
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 31**10 codes make five collisions in a row unthinkable
        raise ValidationError(_("Could not create a code, please try again."))
    audit_record(
        AuditEvent.Kind.SPONSORSHIP,
        actor=actor,
        data={"organization": organization.pk, "code": code.pk, "seats": seats},
    )
    return code


def sponsorship_code_revoke(code: SponsorshipCode, actor: User) -> None:
    """Stop a code from being used again; seats already taken stay taken."""
    code.revoked_at = timezone.now()
    code.save(update_fields=["revoked_at"])
    audit_record(
        AuditEvent.Kind.SPONSORSHIP,
        actor=actor,
        data={"organization": code.organization_id, "code": code.pk, "action": "revoked"},
    )


def sponsorship_code_courses(code: SponsorshipCode) -> set[int]:
    """Every course a code covers: its courses plus those of its programmes."""
    courses = set(code.course_page_ids)
    for program_id in code.program_page_ids:
        courses.update(integrations.program_course_ids(program_id))
    return courses


def _code_refusing_unusable(code: str, user_id: int, *, lock: bool) -> SponsorshipCode:
    queryset = SponsorshipCode.objects.select_related("organization")
    if lock:
        queryset = queryset.select_for_update()
    sponsorship = queryset.filter(code=normalize_code(code)).first()
    if sponsorship is None:
        raise ValidationError(_("This sponsorship code does not exist. Check the spelling."))
    if sponsorship.revoked_at:
        raise ValidationError(_("This sponsorship code has been withdrawn by the employer."))
    if sponsorship.expires_at and sponsorship.expires_at <= timezone.now():
        raise ValidationError(_("This sponsorship code has expired."))
    holders = set(sponsorship.redemptions.values_list("user_id", flat=True))
    if user_id not in holders and len(holders) >= sponsorship.seats:
        raise ValidationError(_("All seats of this sponsorship code have been taken."))
    return sponsorship


def sponsorship_code_check(code: str, user_id: int) -> SponsorshipCode:
    """The code if `user_id` could use it now, else a ValidationError saying why (no write)."""
    return _code_refusing_unusable(code, user_id, lock=False)


@transaction.atomic
def sponsorship_code_redeem(code: str, user_id: int, course_page_id: int) -> SeatRedemption:
    """Take a seat of a sponsorship code for one course (called by courses' enrolment).

    A seat is one worker: the same worker may use the code for every course it covers.
    Refused with a translated ValidationError when the code is unknown, revoked, expired,
    does not cover the course, or every seat is taken. Redeeming twice for the same course
    returns the existing redemption. The worker becomes a member of the organisation
    (sharing nothing until they consent).
    """
    sponsorship = _code_refusing_unusable(code, user_id, lock=True)
    if int(course_page_id) not in sponsorship_code_courses(sponsorship):
        raise ValidationError(_("This sponsorship code does not cover this course."))
    existing = SeatRedemption.objects.filter(
        code=sponsorship, user_id=user_id, course_page_id=course_page_id
    ).first()
    if existing:
        return existing
    redemption = SeatRedemption.objects.create(
        code=sponsorship, user_id=user_id, course_page_id=course_page_id
    )
    user = get_user_model().objects.get(pk=user_id)
    membership_add(sponsorship.organization, user)
    audit_record(
        AuditEvent.Kind.SPONSORSHIP,
        subject=user,
        data={"code": sponsorship.pk, "course": course_page_id, "action": "redeemed"},
    )
    return redemption
