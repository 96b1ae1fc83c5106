from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    """Employer organisations (SMEs) that sponsor training and follow their team's skills."""

    name = "lms.organizations"
    label = "organizations"
    verbose_name = _("Employer organisations")
    default_auto_field = "django.db.models.BigAutoField"
