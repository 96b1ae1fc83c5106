"""The audit log: security events are recorded and only platform admins read them."""

import pytest
from django.contrib.auth.models import Group

from lms.accounts.models import AuditEvent
from lms.accounts.roles import Role
from lms.services import audit_record
from tests.accounts.factories import UserFactory, totp_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.PLATFORM_ADMIN))
    totp_for(user)
    return user


def test_role_changes_are_recorded():
    """Adding and removing a role group writes one event each, naming the group."""
    user = UserFactory()
    group = Group.objects.get(name=Role.INSTITUTION_REVIEWER)
    user.groups.add(group)
    user.groups.remove(group)
    events = AuditEvent.objects.filter(kind="role_changed", subject=user).order_by("pk")
    assert [(e.data["action"], e.data["groups"]) for e in events] == [
        ("add", ["Institution reviewer"]),
        ("remove", ["Institution reviewer"]),
    ]


def test_other_apps_record_through_the_service():
    """The credentials app records a revocation through lms.services.audit_record."""
    officer, holder = UserFactory(), UserFactory()
    audit_record("credential_revoked", officer.pk, holder.pk, "revoked urn:uuid:1", {"id": 1})
    event = AuditEvent.objects.get(kind="credential_revoked")
    assert (event.actor, event.subject, event.data) == (officer, holder, {"id": 1})


def test_platform_admin_reads_the_log_in_wagtail_admin(client, platform_admin):
    """The platform admin sees events in the admin list and may inspect them."""
    learner = UserFactory(display_name="被审计者")
    event = AuditEvent.objects.create(kind="data_exported", subject=learner, summary="export")
    client.force_login(platform_admin)
    listing = client.get("/admin/audit_log/")
    assert listing.status_code == 200
    assert "被审计者" in listing.content.decode()
    assert client.get(f"/admin/audit_log/inspect/{event.pk}/").status_code == 200


def test_nobody_can_edit_or_delete_events(client, platform_admin):
    """The log is append-only: add, edit and delete are refused even to a superuser."""
    event = AuditEvent.objects.create(kind="login", subject=platform_admin)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    totp_for(superuser)
    for user in (platform_admin, superuser):
        client.force_login(user)
        for path in ("new/", f"edit/{event.pk}/", f"delete/{event.pk}/"):
            response = client.get(f"/admin/audit_log/{path}")
            assert response.status_code in {302, 403}, (user, path)
        client.post(f"/admin/audit_log/delete/{event.pk}/")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_learner_and_editor_cannot_read_the_log(client):
    """Without the platform admin role the admin log is out of reach."""
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=Role.INSTITUTION_EDITOR))
    totp_for(editor)
    for user in (UserFactory(), editor):
        client.force_login(user)
        assert client.get("/admin/audit_log/").status_code in {302, 403}


def test_platform_admin_lists_organisations_but_cannot_change_them(client, platform_admin):
    """Organisations are listed for platform admins, read-only (their admins edit on site)."""
    from tests.accounts.factories import OrganizationFactory

    organization = OrganizationFactory(name="Houjie Shoes")
    client.force_login(platform_admin)
    assert "Houjie Shoes" in client.get("/admin/organisations/").content.decode()
    response = client.get(f"/admin/organisations/edit/{organization.pk}/")
    assert response.status_code in {302, 403}
