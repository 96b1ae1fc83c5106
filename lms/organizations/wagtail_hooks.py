"""Employer organisations in the Wagtail admin: a read-only list for platform admins."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Organization


class OrganizationViewSet(ModelViewSet):
    """Organisations with their industry, size and city (changes happen on the site)."""

    model = Organization
    icon = "group"
    menu_label = _("Organisations")
    add_to_admin_menu = True
    menu_order = 850
    list_display = ["name", "industry", "size", "city", "created_at"]
    list_filter = ["industry", "size"]
    search_fields = ["name", "city"]
    form_fields = ["name", "industry", "size", "city"]
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def register_organizations():
    """Show organisations in the admin menu."""
    return OrganizationViewSet("organisations")
