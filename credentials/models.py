"""Credentials: issuers with their keys, templates, issued credentials, status lists, audit.

The signed credential JSON is stored exactly as issued (`IssuedCredential.document`); the
status lists hold the revocation and suspension bits and the signed list credential that is
published at the list's URL.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _pick(en: str, zh: str) -> str:
    """The text in the active language, falling back to the other one."""
    if (get_language() or "").startswith("zh"):
        return zh or en
    return en or zh


class Issuer(models.Model):
    """One institution as a credential issuer. The institution itself lives in courses; only
    its id is stored here (read through `courses.selectors.institution_summary`)."""

    institution_id = models.PositiveIntegerField(_("institution id"), unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    url = models.URLField(_("web site"), blank=True)
    image_url = models.URLField(_("logo URL"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")
        ordering = ["slug"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The institution's name in the active language."""
        return _pick(self.name_en, self.name_zh)

    def current_key(self) -> "IssuerKey | None":
        """The key that signs new credentials (None before the first key is made)."""
        return self.keys.filter(retired_at__isnull=True).order_by("-created_at").first()


class IssuerKey(models.Model):
    """An Ed25519 key of an issuer. The private half is stored only encrypted (AES-GCM under a
    key derived from CREDENTIALS_KEY_SECRET); retired keys stay listed in the DID document so
    credentials they signed still verify."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="keys")
    did = models.CharField(_("DID"), max_length=300, db_index=True)
    verification_method = models.CharField(_("verification method"), max_length=400, unique=True)
    public_multibase = models.CharField(_("public key (Multikey)"), max_length=100, unique=True)
    encrypted_private_key = models.TextField(editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer"],
                condition=Q(retired_at__isnull=True),
                name="credentials_one_current_key_per_issuer",
            )
        ]

    def __str__(self):
        return self.verification_method

    def __repr__(self):  # never show the encrypted key material in logs or tracebacks
        return f"<IssuerKey {self.pk} {self.verification_method}>"


class CredentialTemplate(models.Model):
    """What a course or programme credential says: the OB 3.0 Achievement and the options of
    issuing (validity period, evidence, extra cryptosuite). Made from the course's summary the
    first time someone completes it, then editable by staff."""

    class AchievementType(models.TextChoices):
        COURSE = "Course", _("Course")
        CERTIFICATE = "Certificate", _("Certificate")
        BADGE = "Badge", _("Badge")
        COMPETENCY = "Competency", _("Competency")
        MICRO_CREDENTIAL = "MicroCredential", _("Micro-credential")

    course_page_id = models.PositiveIntegerField(
        _("course page id"), null=True, blank=True, unique=True
    )
    program_page_id = models.PositiveIntegerField(
        _("programme page id"), null=True, blank=True, unique=True
    )
    institution_id = models.PositiveIntegerField(_("institution id"))
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    criteria_en = models.TextField(_("criteria (English)"), blank=True)
    criteria_zh = models.TextField(_("criteria (Chinese)"), blank=True)
    achievement_type = models.CharField(
        _("achievement type"),
        max_length=32,
        choices=AchievementType.choices,
        default=AchievementType.COURSE,
    )
    image_url = models.URLField(_("image URL"), blank=True)
    page_url = models.URLField(_("course page URL"), blank=True)
    level = models.CharField(_("level"), max_length=64, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)
    skills = models.JSONField(
        _("skills"),
        default=list,
        blank=True,
        help_text=_("Skills from the skills framework: code, name (en, zh-hans), level, URL."),
    )
    valid_for_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("For skills that need recertification; empty means no expiry."),
    )
    evidence_en = models.TextField(_("evidence summary (English)"), blank=True)
    evidence_zh = models.TextField(_("evidence summary (Chinese)"), blank=True)
    evidence_lab_results = models.BooleanField(
        _("evidence: the learner's lab results"),
        default=True,
        help_text=_(
            "For each PLC and Jupyter lab of the course (or programme): the learner's best "
            "passing attempt, its score and date."
        ),
    )
    evidence_quiz_scores = models.BooleanField(
        _("evidence: the learner's quiz scores"),
        default=False,
        help_text=_("For each quiz of the course (or programme): the best passing score and date."),
    )
    also_sign_jcs = models.BooleanField(
        _("also sign with eddsa-jcs-2022"),
        default=False,
        help_text=_("Adds a second proof for wallets that only support JSON canonicalisation."),
    )
    is_active = models.BooleanField(_("issuing"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("credential template")
        verbose_name_plural = _("credential templates")
        constraints = [
            models.CheckConstraint(
                condition=Q(course_page_id__isnull=False, program_page_id__isnull=True)
                | Q(course_page_id__isnull=True, program_page_id__isnull=False),
                name="credentials_template_course_xor_program",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The achievement's name in the active language."""
        return _pick(self.name_en, self.name_zh)

    @property
    def other_name(self) -> str:
        """The name in the other language, when it says something different."""
        other = self.name_en if (get_language() or "").startswith("zh") else self.name_zh
        return other if other and other != self.name else ""

    @property
    def description(self) -> str:
        """The description in the active language."""
        return _pick(self.description_en, self.description_zh)

    @property
    def criteria(self) -> str:
        """The criteria narrative in the active language."""
        return _pick(self.criteria_en, self.criteria_zh)


class StatusList(models.Model):
    """One Bitstring Status List (revocation or suspension) of one issuer DID.

    Indices are handed out in a scrambled order (an odd stride modulo the power-of-two size
    visits every index once) so a credential's index says nothing about when it was issued
    (Bitstring Status List v1.0, privacy considerations on herd privacy).
    """

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("revocation")
        SUSPENSION = "suspension", _("suspension")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="status_lists")
    did = models.CharField(_("issuer DID"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    size = models.PositiveIntegerField(_("entries"), default=131_072)
    allocated = models.PositiveIntegerField(_("entries allocated"), default=0)
    stride = models.PositiveIntegerField(default=1)
    offset = models.PositiveIntegerField(default=0)
    bits = models.BinaryField(editable=False)
    document = models.TextField(_("signed status list credential"), blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")

    def __str__(self):
        return f"{self.get_purpose_display()} {self.public_id}"

    def get_absolute_url(self):
        return reverse("credentials_public:status_list", kwargs={"public_id": self.public_id})

    @property
    def is_full(self) -> bool:
        """True when every index has been handed out."""
        return self.allocated >= self.size


class IssuedCredential(models.Model):
    """An OpenBadgeCredential issued to a learner, stored as the exact signed JSON."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("valid")
        SUSPENDED = "suspended", _("suspended")
        REVOKED = "revoked", _("revoked")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="credentials",
        verbose_name=_("holder"),
    )
    template = models.ForeignKey(
        CredentialTemplate,
        on_delete=models.PROTECT,
        related_name="issued",
        verbose_name=_("template"),
    )
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="+")
    document = models.TextField(_("signed credential"), editable=False)
    revocation_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    revocation_index = models.PositiveIntegerField()
    suspension_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="+")
    suspension_index = models.PositiveIntegerField()
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.TextField(_("reason"), blank=True)
    shared = models.BooleanField(
        _("public link on"),
        default=True,
        help_text=_("When off, the public page and JSON are hidden from everyone but you."),
    )
    completed_at = models.DateTimeField(_("completed"))
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("issued credential")
        verbose_name_plural = _("issued credentials")
        ordering = ["-issued_at"]
        permissions = [("change_credential_status", _("Can revoke, suspend and reinstate"))]
        constraints = [
            # One credential per learner and template: a re-run task cannot issue twice.
            models.UniqueConstraint(
                fields=["holder", "template"], name="credentials_one_per_holder_template"
            ),
            models.UniqueConstraint(
                fields=["revocation_list", "revocation_index"], name="credentials_unique_rev_idx"
            ),
            models.UniqueConstraint(
                fields=["suspension_list", "suspension_index"], name="credentials_unique_sus_idx"
            ),
        ]

    def __str__(self):
        return f"{self.template} → {self.holder}"

    def get_absolute_url(self):
        return reverse("credentials_public:credential", kwargs={"public_id": self.public_id})


class StatusChange(models.Model):
    """Audit trail of revoke / suspend / reinstate, with the staff member and the reason."""

    class Action(models.TextChoices):
        REVOKE = "revoke", _("revoked")
        SUSPEND = "suspend", _("suspended")
        REINSTATE = "reinstate", _("reinstated")

    credential = models.ForeignKey(
        IssuedCredential, on_delete=models.CASCADE, related_name="status_changes"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_action_display()} {self.credential_id} @ {self.at:%Y-%m-%d}"


class BulkVerification(models.Model):
    """A CSV of credential URLs verified in the background; the result is a CSV too."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(max_length=10, default="zh-hans")
    input_rows = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    result_csv = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulk verification")
        verbose_name_plural = _("bulk verifications")

    def __str__(self):
        return f"{self.public_id} ({self.done}/{self.total})"

    @property
    def percent(self) -> int:
        """Progress in percent (0-100)."""
        return 100 if not self.total else int(100 * self.done / self.total)
