"""Audit log of security-relevant events and the learner's opt-in public talent profile."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One security-relevant event: who did what to whom, when and from where. Append-only."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET = "password_reset", _("Password reset")
        EMAIL_CHANGED = "email_changed", _("E-mail address changed")
        MFA_ADDED = "mfa_added", _("Second factor added")
        MFA_REMOVED = "mfa_removed", _("Second factor removed")
        MFA_RESET = "mfa_reset", _("Recovery codes regenerated")
        MFA_FAILED = "mfa_failed", _("Second factor rejected")
        ROLE_CHANGED = "role_changed", _("Role changed")
        CONSENT_CHANGED = "consent_changed", _("Consent changed")
        DATA_EXPORTED = "data_exported", _("Personal data exported")
        ACCOUNT_DELETED = "account_deleted", _("Account deleted")
        CREDENTIAL_REVOKED = "credential_revoked", _("Credential revoked")
        CREDENTIAL_SUSPENDED = "credential_suspended", _("Credential suspended")
        CREDENTIAL_REINSTATED = "credential_reinstated", _("Credential reinstated")
        ORGANIZATION = "organization", _("Organisation change")
        SPONSORSHIP = "sponsorship", _("Sponsorship code")
        PROFILE_VISIBILITY = "profile_visibility", _("Talent profile visibility")

    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("affected user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        permissions = [("requires_mfa", "Must sign in with a second factor")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


def _profile_slug() -> str:
    # Random, unguessable: public profiles cannot be enumerated by counting ids.
    return secrets.token_urlsafe(9)


class TalentProfile(models.Model):
    """A worker's public profile listing chosen credentials. Nothing is public until opted in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talent_profile"
    )
    slug = models.SlugField(max_length=32, unique=True, default=_profile_slug)
    is_public = models.BooleanField(_("public"), default=False)
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("talent profile")
        verbose_name_plural = _("talent profiles")
        indexes = [models.Index(fields=["is_public", "-updated_at"])]

    def __str__(self):
        return f"{self.user} ({'public' if self.is_public else 'private'})"

    @property
    def credential_ids(self) -> list[str]:
        """The public ids of the credentials shown, in the order chosen (prefetch `shown`)."""
        return [str(shown.credential_id) for shown in self.shown.all()]


class TalentCredential(models.Model):
    """One credential a worker chose to show on their profile, by the credential's public id.

    A row per credential (not a JSON list) so the talent search joins it with the credentials
    app's query of credentials holding a skill, in the database (ADR 0052).
    """

    profile = models.ForeignKey(TalentProfile, on_delete=models.CASCADE, related_name="shown")
    credential_id = models.UUIDField(_("credential"), db_index=True)

    class Meta:
        verbose_name = _("credential shown")
        verbose_name_plural = _("credentials shown")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "credential_id"], name="talent_credential_once"
            )
        ]

    def __str__(self):
        return str(self.credential_id)
