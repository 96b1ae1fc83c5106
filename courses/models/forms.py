"""Admin forms of the courses models."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError


class QuizForm(WagtailAdminModelForm):
    """A quiz's owning institution is chosen among the editor's own institutions (required
    for them); platform administrators may choose any institution or none (ADR 0035)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("institution")
        user = self.for_user
        if field is None or user is None or user.is_superuser:
            return
        from ..permissions import quiz_institution_ids

        ids = quiz_institution_ids(user)
        field.queryset = field.queryset.filter(pk__in=ids)
        field.required = True
        field.empty_label = None
        field.error_messages["invalid_choice"] = _(
            "Choose one of your own institutions for this quiz."
        )


class LessonPageForm(WagtailAdminPageForm):
    """A lesson's quiz blocks may only use quizzes of the institution that owns the lesson, and
    quizzes of no institution only by platform administrators (ADR 0035). The chooser offers
    no others; this check also refuses a hand-crafted POST."""

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body")
        if not body:
            return cleaned
        from .pages import institution_for_path

        path = self.instance.path or getattr(self.parent_page, "path", "")
        institution = institution_for_path(path) if path else None
        superuser = bool(self.for_user and self.for_user.is_superuser)
        errors = {}
        for index, block in enumerate(body):
            if block.block_type != "quiz" or block.value["quiz"] is None:
                continue
            owner = block.value["quiz"].institution_id
            if owner is None and superuser:
                continue
            if owner is None or institution is None or owner != institution.pk:
                errors[index] = StructBlockValidationError(
                    block_errors={
                        "quiz": ValidationError(
                            _("Choose a quiz of this lesson's institution."),
                            code="quiz_of_another_institution",
                        )
                    }
                )
        if errors:
            self.add_error("body", StreamBlockValidationError(block_errors=errors))
        return cleaned
