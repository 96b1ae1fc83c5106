"""Institutions, the skills framework and industry tags (snippets, bilingual by field)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Level(models.TextChoices):
    """Difficulty of a course or depth of a skill."""

    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class BilingualNameMixin:
    """`name` in the active language, from `name_en` / `name_zh`."""

    @property
    def name(self) -> str:
        if (get_language() or "zh-hans").startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh

    def names(self) -> dict:
        return {"en": self.name_en, "zh-hans": self.name_zh}


class Institution(BilingualNameMixin, index.Indexed, models.Model):
    """A university, training college or enterprise academy that owns a page subtree.

    Saving an institution with a root page runs `institution_setup`, which creates its editor,
    reviewer and credential officer groups, their page permissions on the subtree and its
    moderation workflow.
    """

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        COLLEGE = "college", _("Training college")
        ACADEMY = "academy", _("Enterprise academy")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COLLEGE)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    root_page = models.OneToOneField(
        "wagtailcore.Page",
        verbose_name=_("catalogue page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owning_institution",
        help_text=_("The institution's subtree: its editors may edit only below this page."),
    )
    editors_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewers_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # May revoke, suspend and reinstate the credentials this institution issued.
    credential_officers_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name_zh"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldPanel("root_page"),
    ]
    search_fields = [index.SearchField("name_en"), index.SearchField("name_zh")]

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["slug"]

    def __str__(self):
        return f"{self.name_zh} / {self.name_en}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from ..services import institution_setup  # setup needs the saved row

        institution_setup(self)


class Skill(BilingualNameMixin, index.Indexed, models.Model):
    """A skill of the OT/IT convergence framework, optionally aligned to an external framework."""

    class Area(models.TextChoices):
        PLC = "plc", _("PLC programming")
        NETWORKS = "networks", _("Industrial networks")
        HMI = "hmi", _("HMI / SCADA")
        MES = "mes", _("MES and ISA-95")
        DATA = "data", _("Industrial data analytics")
        SECURITY = "security", _("ICS security")
        EDGE = "edge", _("Edge computing")
        TWIN = "twin", _("Digital twins")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    framework_url = models.URLField(
        _("external framework URL"),
        blank=True,
        help_text=_("Alignment to ESCO, O*NET or China's occupational classification."),
    )
    framework_name = models.CharField(_("external framework"), max_length=200, blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("name_zh"),
        FieldPanel("name_en"),
        FieldPanel("area"),
        FieldPanel("level"),
        FieldPanel("description_zh"),
        FieldPanel("description_en"),
        FieldPanel("framework_name"),
        FieldPanel("framework_url"),
    ]
    search_fields = [
        index.SearchField("code"),
        index.SearchField("name_en"),
        index.SearchField("name_zh"),
        index.AutocompleteField("name_en"),
    ]

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["area", "code"]

    def __str__(self):
        return f"{self.code} {self.name_zh} / {self.name_en}"

    def as_dict(self) -> dict:
        """The skill as the credentials app receives it (contracts.md)."""
        return {
            "code": self.code,
            "name": self.names(),
            "level": self.level,
            "framework_url": self.framework_url or None,
        }


class Industry(BilingualNameMixin, models.Model):
    """An industry tag for courses (electronics, furniture, textiles, food...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)

    panels = [FieldPanel("code"), FieldPanel("name_zh"), FieldPanel("name_en")]

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name_zh} / {self.name_en}"
