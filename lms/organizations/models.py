"""Employer organisations, their members (with consent), invitations and sponsorship codes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organization(models.Model):
    """An employer (usually a small manufacturer) that sponsors training for its workers."""

    class Size(models.TextChoices):
        MICRO = "1-9", _("1–9 employees")
        SMALL = "10-49", _("10–49 employees")
        MEDIUM = "50-249", _("50–249 employees")
        LARGE = "250+", _("250 or more employees")

    class Industry(models.TextChoices):
        ELECTRONICS = "electronics", _("Electronics")
        FURNITURE = "furniture", _("Furniture")
        TEXTILES = "textiles", _("Textiles and garments")
        FOOD = "food", _("Food and beverages")
        MACHINERY = "machinery", _("Machinery and moulds")
        PLASTICS = "plastics", _("Plastics and chemicals")
        OTHER = "other", _("Other manufacturing")

    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(max_length=40, unique=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    city = models.CharField(_("city"), max_length=80)
    # Bumped to invalidate every join link handed out so far.
    join_link_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's place in an organisation, with what they let the employer see."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Employer admin")
        MEMBER = "member", _("Member")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    share_progress = models.BooleanField(_("share progress in sponsored courses"), default=False)
    share_credentials = models.BooleanField(_("share credentials"), default=False)
    consent_updated_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership_per_org")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def is_admin(self) -> bool:
        """True for employer admins of this organisation."""
        return self.role == self.Role.ADMIN


class Invitation(models.Model):
    """An invitation sent by e-mail; accepted through a signed link by that address only."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default="member")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organization}"


class SponsorshipCode(models.Model):
    """A code for N seats in chosen courses, paid by the employer and handed to workers."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="sponsorship_codes"
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    seats = models.PositiveIntegerField(_("seats"))
    course_page_ids = models.JSONField(_("courses"), default=list)
    program_page_ids = models.JSONField(_("programmes"), default=list, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sponsorship code")
        verbose_name_plural = _("sponsorship codes")
        ordering = ["-created_at"]

    def __str__(self):
        return self.code


class SeatRedemption(models.Model):
    """One worker's use of a code for one course. A seat is one worker, whatever the courses."""

    code = models.ForeignKey(SponsorshipCode, on_delete=models.CASCADE, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seat_redemptions"
    )
    course_page_id = models.PositiveBigIntegerField()
    redeemed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seat redemption")
        verbose_name_plural = _("seat redemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "user", "course_page_id"], name="one_redemption_per_course"
            )
        ]

    def __str__(self):
        return f"{self.code} · {self.user_id} · {self.course_page_id}"
