"""Revoke, suspend, reinstate: audit, republished signed status lists, admin screens."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from credentials import services, vc
from credentials.models import IssuedCredential, StatusChange
from credentials.verification import verify_data
from tests.accounts.factories import totp_for

pytestmark = pytest.mark.django_db


def _check(report, name):
    return next(c for c in report.checks if c.name == name)


def _list_bit(client, credential, purpose):
    status_list = (
        credential.revocation_list if purpose == "revocation" else credential.suspension_list
    )
    index = credential.revocation_index if purpose == "revocation" else credential.suspension_index
    document = json.loads(client.get(status_list.get_absolute_url()).content)
    bits = vc.StatusList.decode(document["credentialSubject"]["encodedList"])
    assert len(bits) >= 131_072
    return bits.get(index)


def test_revocation_is_published_and_verification_says_revoked(issue, staff, client):
    """After a revocation the served list has the bit set and the verifier fails the
    credential with the revocation check."""
    credential = issue()
    assert _list_bit(client, credential, "revocation") is False
    services.credential_status_change(
        credential.pk, action="revoke", reason="Exam fraud", actor=staff
    )
    credential.refresh_from_db()
    assert credential.status == IssuedCredential.Status.REVOKED
    assert _list_bit(client, credential, "revocation") is True
    report = verify_data(credential.document)
    assert report.verdict == "invalid"
    assert _check(report, "revocation").outcome == "failed"
    change = StatusChange.objects.get(credential=credential)
    assert (change.action, change.reason, change.actor) == ("revoke", "Exam fraud", staff)


def test_suspend_then_reinstate(issue, staff):
    """A suspension fails verification until the credential is reinstated."""
    credential = issue()
    services.credential_status_change(credential.pk, action="suspend", reason="Audit", actor=staff)
    assert _check(verify_data(credential.document), "suspension").outcome == "failed"
    services.credential_status_change(
        credential.pk, action="reinstate", reason="Audit passed", actor=staff
    )
    assert verify_data(credential.document).is_valid
    assert list(
        StatusChange.objects.filter(credential=credential).values_list("action", flat=True)
    ) == ["reinstate", "suspend"]


def test_revocation_is_final(issue, staff):
    """A revoked credential cannot be reinstated or suspended."""
    credential = issue()
    services.credential_status_change(credential.pk, action="revoke", reason="x", actor=staff)
    for action in ("reinstate", "suspend", "revoke"):
        with pytest.raises(ValidationError):
            services.credential_status_change(credential.pk, action=action, reason="y", actor=staff)


def test_reason_is_required_and_permission_checked(issue, learner):
    """No reason, no change; a learner cannot revoke."""
    credential = issue()
    with pytest.raises(PermissionDenied):
        services.credential_status_change(credential.pk, action="revoke", reason="x", actor=learner)
    with pytest.raises(ValidationError):
        services.credential_status_change(credential.pk, action="revoke", reason="  ", actor=None)
    credential.refresh_from_db()
    assert credential.status == IssuedCredential.Status.ACTIVE


def test_status_list_is_signed_and_cacheable(issue, client):
    """The list credential is a signed BitstringStatusListCredential with caching headers and
    answers a conditional request with 304."""
    credential = issue()
    url = credential.revocation_list.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["encodedList"].startswith("u")
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    report = vc.verify_credential(document)
    assert report.check("integrity").outcome == "passed"
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_unknown_status_list_is_404(client):
    """No list, no document (Django's LocaleMiddleware first tries the language prefix)."""
    response = client.get("/credentials/status/00000000-0000-4000-8000-000000000000", follow=True)
    assert response.status_code == 404


def test_staff_revoke_from_the_wagtail_admin(issue, staff, client):
    """The admin screen revokes with a reason and shows the history."""
    credential = issue()
    client.force_login(staff)
    listing = client.get("/admin/credentials/issued/?q=li.xiaoming")
    assert listing.status_code == 200
    assert str(credential.public_id) in listing.content.decode()
    url = f"/admin/credentials/issued/{credential.pk}/"
    response = client.post(url, {"action": "revoke", "reason": "Certificate obtained by fraud"})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.status == "revoked"
    page = client.get(url).content.decode()
    assert "Certificate obtained by fraud" in page


def test_status_changes_are_in_the_audit_log(issue, staff, client):
    """Revoke, suspend and reinstate each leave an audit event with actor, holder and reason,
    which platform admins read in the audit log."""
    from lms.accounts.models import AuditEvent

    credentials = [issue(), issue(page_id=102)]
    client.force_login(staff)
    base = "/admin/credentials/issued/{}/"
    client.post(base.format(credentials[0].pk), {"action": "suspend", "reason": "Under review"})
    client.post(base.format(credentials[0].pk), {"action": "reinstate", "reason": "Cleared"})
    client.post(base.format(credentials[1].pk), {"action": "revoke", "reason": "Fraud"})
    events = list(AuditEvent.objects.filter(kind__startswith="credential_").order_by("pk"))
    assert [e.kind for e in events] == [
        "credential_suspended",
        "credential_reinstated",
        "credential_revoked",
    ]
    assert all(e.actor_id == staff.pk for e in events)
    assert {e.subject_id for e in events} == {credentials[0].holder_id}
    assert [e.data["reason"] for e in events] == ["Under review", "Cleared", "Fraud"]
    assert events[2].data["credential"] == str(credentials[1].public_id)


def test_admin_refuses_a_change_without_reason(issue, staff, client):
    """The form insists on a reason and nothing changes."""
    credential = issue()
    client.force_login(staff)
    response = client.post(f"/admin/credentials/issued/{credential.pk}/", {"action": "revoke"})
    assert response.status_code == 200
    credential.refresh_from_db()
    assert credential.status == "active"


def test_admin_needs_the_status_permission(issue, django_user_model, client, monkeypatch):
    """Wagtail users without the permission cannot open the screen; staff of the issuing
    institution with it can."""
    from courses import selectors as course_selectors

    credential = issue()
    monkeypatch.setattr(
        course_selectors,
        "staff_institution_ids",
        lambda user_id: [credential.template.institution_id],
    )
    editor = django_user_model.objects.create_user(
        email="editor@example.com", password="x", is_staff=True
    )
    totp_for(editor)  # staff must use a second factor; the permission is what is tested here
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    response = client.get(f"/admin/credentials/issued/{credential.pk}/")
    assert response.status_code in (302, 403)
    editor.user_permissions.add(Permission.objects.get(codename="change_credential_status"))
    editor = django_user_model.objects.get(pk=editor.pk)
    client.force_login(editor)
    assert client.get(f"/admin/credentials/issued/{credential.pk}/").status_code == 200


def test_status_list_answers_head_requests(issue, client):
    """Caches and verifiers may probe with HEAD."""
    credential = issue()
    response = client.head(credential.suspension_list.get_absolute_url())
    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"]


def test_staff_of_another_institution_cannot_change_or_see(
    issue, django_user_model, client, monkeypatch
):
    """With courses telling which institutions a staff member belongs to, staff of another
    institution neither see nor change the credential."""
    import sys
    import types

    credential = issue()
    fake = types.ModuleType("courses.selectors")
    fake.staff_institution_ids = lambda user_id: [999]
    monkeypatch.setitem(sys.modules, "courses.selectors", fake)
    import courses

    monkeypatch.setattr(courses, "selectors", fake, raising=False)
    other = django_user_model.objects.create_user(
        email="s2@example.com", password="x", is_staff=True
    )
    totp_for(other)
    other.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_credential_status"),
    )
    other = django_user_model.objects.get(pk=other.pk)
    with pytest.raises(PermissionDenied):
        services.credential_status_change(credential.pk, action="revoke", reason="x", actor=other)
    client.force_login(other)
    assert (
        str(credential.public_id) not in client.get("/admin/credentials/issued/").content.decode()
    )
    assert client.get(f"/admin/credentials/issued/{credential.pk}/").status_code in (302, 403)
    fake.staff_institution_ids = lambda user_id: [7]
    services.credential_status_change(credential.pk, action="suspend", reason="x", actor=other)


def test_status_changes_show_at_once_after_warm_verifications(issue, staff):
    """The verifier caches what it derives from a status list (parsed document, checked
    signature, decoded bits) keyed by the list's content: a credential verified many times
    is reported suspended, valid again, then revoked right after each change."""
    credential = issue()
    other = issue(102)
    for _ in range(3):
        assert verify_data(credential.document).is_valid
        assert verify_data(other.document).is_valid
    services.credential_status_change(credential.pk, action="suspend", reason="Audit", actor=staff)
    report = verify_data(credential.document)
    assert _check(report, "suspension").outcome == "failed"
    assert verify_data(other.document).is_valid  # same list, its own bit still clear
    services.credential_status_change(credential.pk, action="reinstate", reason="OK", actor=staff)
    assert verify_data(credential.document).is_valid
    services.credential_status_change(credential.pk, action="revoke", reason="Fraud", actor=staff)
    report = verify_data(credential.document)
    assert report.verdict == "invalid"
    assert _check(report, "revocation").outcome == "failed"
    assert verify_data(other.document).is_valid
