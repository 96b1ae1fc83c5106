"""Platform roles as Django groups, created and kept in sync by code, never by hand.

Groups are created by the data migration `accounts.0002_roles`; their model permissions are
(re)assigned after every `migrate` by `roles_sync`, because permissions of apps migrated later
do not exist yet when a data migration runs. The institution roles that count are the
per-institution groups "<slug>: editors", "<slug>: reviewers" and "<slug>: credential
officers", created with their page permissions and workflow by `courses.services.
institution_setup` (ADR 0035): what an institution role may touch is its own institution.
The platform-wide institution groups here grant nothing in any institution's pages or
credentials.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    """Platform-wide roles; the value is the Django group name."""

    LEARNER = "Learner", _("Learner")
    INSTITUTION_EDITOR = "Institution editor", _("Institution editor")
    INSTITUTION_REVIEWER = "Institution reviewer", _("Institution reviewer")
    CREDENTIAL_OFFICER = "Institution credential officer", _("Institution credential officer")
    EMPLOYER_MEMBER = "Employer member", _("Employer member")
    EMPLOYER_ADMIN = "Employer admin", _("Employer admin")
    PLATFORM_ADMIN = "Platform admin", _("Platform admin")


MFA_PERMISSION = "accounts.requires_mfa"

# Model permissions per role ("app_label.codename"); permissions of apps that are not
# installed (yet) are skipped.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.LEARNER: [],
    Role.EMPLOYER_MEMBER: [],
    Role.EMPLOYER_ADMIN: [MFA_PERMISSION],
    Role.INSTITUTION_EDITOR: [
        MFA_PERMISSION,
        "wagtailadmin.access_admin",
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.choose_document",
    ],
    Role.INSTITUTION_REVIEWER: [MFA_PERMISSION, "wagtailadmin.access_admin"],
    Role.CREDENTIAL_OFFICER: [MFA_PERMISSION, "wagtailadmin.access_admin"],
    Role.PLATFORM_ADMIN: [
        MFA_PERMISSION,
        "wagtailadmin.access_admin",
        "accounts.view_auditevent",
        # Revoke, suspend, reinstate any institution's credentials (lms.selectors.
        # is_platform_admin widens the credentials app's institution scope to all).
        "credentials.change_credential_status",
        "organizations.view_organization",
        "auth.view_group",
        "auth.change_group",
        "lms.view_user",
        "lms.change_user",
    ],
}


def _permissions(names: list[str]) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            found.append(permission)
    return found


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create the role groups if missing and give each exactly its listed permissions."""
    groups = {}
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions(ROLE_PERMISSIONS[role]))
        groups[role.value] = group
    return groups


def sync_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver: make sure every permission exists, then sync the roles."""
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    roles_sync()


def role_group(role: Role) -> Group:
    """The Django group of a platform role (created if the migration has not run)."""
    group, _created = Group.objects.get_or_create(name=role.value)
    return group
