"""Admin forms of the courses models."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


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
