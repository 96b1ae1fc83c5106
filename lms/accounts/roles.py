"""Platform roles as Django groups, created and kept in sync by code, never by hand.

Groups are created by the data migration `accounts.0002_roles`; their model permissions are
(re)assigned after every `migrate` by `roles_sync`, because permissions of apps migrated later
do not exist yet when a data migration runs. Per-institution groups with Wagtail page
permissions come from `institution_roles_create` (called by the courses app when an
institution is created).
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
# installed (yet) are skipped, so the credentials app's own permission can be listed now.
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
    Role.CREDENTIAL_OFFICER: [
        MFA_PERMISSION,
        "wagtailadmin.access_admin",
        "credentials.revoke_credential",
    ],
    Role.PLATFORM_ADMIN: [
        MFA_PERMISSION,
        "wagtailadmin.access_admin",
        "accounts.view_auditevent",
        "organizations.view_organization",
        "auth.view_group",
        "auth.change_group",
        "lms.view_user",
        "lms.change_user",
    ],
}

# Wagtail page permission types per institution role.
INSTITUTION_PAGE_PERMISSIONS = {
    Role.INSTITUTION_EDITOR: ["add_page", "change_page"],
    Role.INSTITUTION_REVIEWER: ["add_page", "change_page", "publish_page"],
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


@transaction.atomic
def institution_roles_create(institution_slug: str, root_page_id: int) -> dict[str, Group]:
    """Groups for one institution's editors and reviewers, limited to its page subtree.

    Editors may add and change pages under `root_page_id` but not publish (their changes go
    through moderation); reviewers may also publish. Each group also holds the platform-wide
    role's permissions (admin access, MFA). Idempotent.
    """
    from wagtail.models import GroupPagePermission, Page

    root = Page.objects.get(pk=root_page_id)
    groups = {}
    for role, page_permissions in INSTITUTION_PAGE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=f"{institution_slug}: {role.value}")
        group.permissions.set(_permissions(ROLE_PERMISSIONS[role]))
        for codename in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        groups[role.value] = group
    return groups
