"""The audit log in the Wagtail admin, read-only, for platform admins."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import AuditEvent


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Only `view` is ever granted: the log is append-only, even for superusers."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return self.user_model.objects.none()
        return super().users_with_any_permission(["view"])


register_permission_policy(AuditEvent, ReadOnlyPolicy(AuditEvent))


class AuditEventViewSet(ModelViewSet):
    """List, filter and inspect audit events."""

    model = AuditEvent
    icon = "history"
    menu_label = _("Audit log")
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["created_at", "kind", "actor", "subject", "ip_address", "summary"]
    list_filter = ["kind"]
    search_fields = ["summary"]
    # Required by ModelViewSet; the add and edit views are never permitted (ReadOnlyPolicy).
    form_fields = ["summary"]
    inspect_view_enabled = True
    copy_view_enabled = False
    export_filename = "audit-log"
    list_export = ["created_at", "kind", "actor", "subject", "ip_address", "summary", "data"]


@hooks.register("register_admin_viewset")
def register_audit_log():
    """Show the audit log in the admin menu."""
    return AuditEventViewSet("audit_log")
