"""Roles are created by code: the institution setup and the role sync after migrate."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from courses.models import Institution
from courses.receivers import institutions_set_up
from lms.accounts.middleware import mfa_required
from lms.accounts.roles import Role, roles_sync
from tests.accounts.factories import UserFactory
from tests.courses.factories import make_institution

pytestmark = pytest.mark.django_db


def test_each_institution_gets_its_credential_officers():
    """A new institution has an officers group that may change credential statuses and must
    use a second factor (it reaches the Wagtail admin)."""
    institution = make_institution("dgpoly", "Dongguan Polytechnic")
    officers = institution.credential_officers_group
    assert officers.name == "dgpoly: credential officers"
    officer = UserFactory()
    officer.groups.add(officers)
    assert officer.has_perm("credentials.change_credential_status")
    assert officer.has_perm("wagtailadmin.access_admin") and mfa_required(officer)


def test_institutions_made_before_the_role_existed_get_it_after_migrate():
    """An institution without an officers group (created before the role) gets one at the
    next `migrate`, never by hand."""
    institution = make_institution("old-college", "Old College")
    Institution.objects.filter(pk=institution.pk).update(credential_officers_group=None)
    Group.objects.filter(name="old-college: credential officers").delete()
    institutions_set_up(sender=apps.get_app_config("courses"))
    institution.refresh_from_db()
    assert institution.credential_officers_group.name == "old-college: credential officers"


def test_platform_roles_hold_existing_permissions_only():
    """Every permission a platform role lists exists (a misspelt one would silently grant
    nothing); platform admins may change any credential's status."""
    from lms.accounts.roles import ROLE_PERMISSIONS

    groups = roles_sync()
    for role, names in ROLE_PERMISSIONS.items():
        granted = {
            f"{p.content_type.app_label}.{p.codename}" for p in groups[role].permissions.all()
        }
        assert granted == set(names), role
    admin = UserFactory()
    admin.groups.add(groups[Role.PLATFORM_ADMIN])
    assert admin.has_perm("credentials.change_credential_status")
