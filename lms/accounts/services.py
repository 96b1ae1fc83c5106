"""Writes of the accounts area: audit log, profile, data export, deletion, talent profile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone

from lms import integrations

from .models import AuditEvent, TalentCredential, TalentProfile

if TYPE_CHECKING:
    from django.http import HttpRequest

    from lms.models import User


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy sets it.
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    kind: str,
    *,
    actor: User | None = None,
    subject: User | None = None,
    request: HttpRequest | None = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log (see AuditEvent.Kind for the kinds)."""
    if actor is not None and not getattr(actor, "pk", None):
        actor = None
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        subject=subject,
        summary=summary[:255],
        data=data or {},
        ip_address=_client_ip(request),
    )


def audit_record_for_app(
    kind: str, actor_id: int | None, subject_id: int | None, summary: str, data: dict
) -> None:
    """Audit entry point for other apps (e.g. credentials on revocation), by ids only."""
    AuditEvent.objects.create(
        kind=kind, actor_id=actor_id, subject_id=subject_id, summary=summary[:255], data=data
    )


def profile_update(user: User, *, display_name: str, preferred_language: str, phone: str) -> User:
    """Change the learner's name, preferred language (UI and e-mails) and phone."""
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.phone = phone.strip()
    user.save(update_fields=["display_name", "preferred_language", "phone"])
    return user


def data_export(user: User, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """Everything the platform holds about `user`, as JSON-ready data (audited)."""
    from lms.organizations import selectors as org_selectors

    profile = TalentProfile.objects.filter(user=user).first()
    export = {
        "format": "otit-academy-export/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "preferred_language": user.preferred_language,
            "phone": user.phone,
            "date_joined": integrations.iso(user.date_joined),
            "last_login": integrations.iso(user.last_login),
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "social_accounts": [
            {"provider": s.provider, "uid": s.uid, "date_joined": integrations.iso(s.date_joined)}
            for s in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        # Types and dates only: secrets of authenticators are never exported.
        "authenticators": [
            {"type": a.type, "created_at": integrations.iso(a.created_at)}
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "organizations": org_selectors.memberships_export(user.pk),
        "talent_profile": None
        if profile is None
        else {
            "public": profile.is_public,
            "headline": profile.headline,
            "city": profile.city,
            "credential_ids": profile.credential_ids,
        },
        "audit_log": [
            {"event": e.kind, "at": e.created_at.isoformat(), "ip": e.ip_address, "data": e.data}
            for e in AuditEvent.objects.filter(subject=user).order_by("created_at", "pk")
        ],
        **integrations.learner_export(user.pk),
    }
    audit_record(AuditEvent.Kind.DATA_EXPORTED, actor=user, subject=user, request=request)
    return export


@transaction.atomic
def account_delete(user: User, *, request: HttpRequest | None = None) -> None:
    """Remove or anonymise the learner's personal data; issued credentials stay verifiable.

    The user row is kept (anonymised, unusable password, inactive) so that enrolments and
    issued credentials keep their foreign keys: credentials identify their holder by a
    salted hash of the e-mail address, so they still verify and reveal nobody.
    """
    from lms.organizations.services import memberships_remove_all

    memberships_remove_all(user)
    TalentProfile.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"deleted-{user.pk}@invalid.invalid"
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    # A new (unusable) password hash also ends every session: Django checks the session's
    # password hash on each request.
    user.set_unusable_password()
    user.save()
    # Past audit events keep the anonymised row; their IP addresses are personal data.
    AuditEvent.objects.filter(subject=user).update(ip_address=None)
    AuditEvent.objects.filter(actor=user).update(ip_address=None)
    audit_record(AuditEvent.Kind.ACCOUNT_DELETED, subject=user)


@transaction.atomic
def talent_profile_update(
    user: User, *, is_public: bool, headline: str, city: str, credential_ids: list[str]
) -> TalentProfile:
    """Save the worker's talent profile; only credentials they hold can be listed."""
    held = {str(c["id"]) for c in integrations.credentials_for_users([user.pk])}
    profile, _created = TalentProfile.objects.get_or_create(user=user)
    was_public = profile.is_public
    profile.is_public = is_public
    profile.headline = headline.strip()
    profile.city = city.strip()
    profile.save()
    chosen = list(dict.fromkeys(str(c) for c in credential_ids if str(c) in held))
    profile.shown.exclude(credential_id__in=chosen).delete()
    kept = {str(c) for c in profile.shown.values_list("credential_id", flat=True)}
    TalentCredential.objects.bulk_create(
        TalentCredential(profile=profile, credential_id=c) for c in chosen if c not in kept
    )
    if was_public != is_public:
        audit_record(
            AuditEvent.Kind.PROFILE_VISIBILITY,
            actor=user,
            subject=user,
            data={"public": is_public},
        )
    return profile
