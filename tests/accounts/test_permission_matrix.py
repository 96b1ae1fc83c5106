"""The permission matrix: each role against each sensitive action, through the real views.

Institutions, their role groups (editors, reviewers, credential officers) and their moderation
workflow are made by the courses app's real institution setup; the credential is issued and
revoked by the credentials app's real services and admin view; the bulk verification limits
are those of the credentials app's public view.
"""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from wagtail.models import Page

from credentials import services as credential_services
from credentials.models import BulkVerification, IssuedCredential
from lms.accounts.roles import Role
from lms.organizations import services as org_services
from lms.organizations.models import Membership
from tests.accounts.factories import OrganizationFactory, UserFactory, totp_for
from tests.courses.factories import make_course, make_institution

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "learner",
    "editor_a",
    "reviewer_a",
    "officer_a",
    "officer_b",
    "employer_member",
    "employer_admin",
    "other_employer_admin",
    "platform_admin",
]


@pytest.fixture
def world(apps_fake):
    """Institutions A and B set up by the courses app, a credential A issued to a learner,
    one employer with a consenting and a silent worker."""
    inst_a = make_institution("inst-a", "Institution A")
    inst_b = make_institution("inst-b", "Institution B")
    course_a = make_course(inst_a, "PLC basics")
    draft_a = inst_a.root_page.add_child(
        instance=Page(title="Draft lesson A", slug="draft-a", live=False)
    )

    users = {"anonymous": None, "learner": UserFactory()}
    for role, group in [
        ("editor_a", inst_a.editors_group),
        ("reviewer_a", inst_a.reviewers_group),
        ("officer_a", inst_a.credential_officers_group),
        ("officer_b", inst_b.credential_officers_group),
        ("platform_admin", Group.objects.get(name=Role.PLATFORM_ADMIN)),
    ]:
        users[role] = UserFactory()
        users[role].groups.add(group)
    users["employer_admin"] = UserFactory()
    organization = OrganizationFactory(admin=users["employer_admin"])
    users["other_employer_admin"] = UserFactory()
    OrganizationFactory(admin=users["other_employer_admin"], name="Other Factory")
    users["employer_member"] = UserFactory()
    org_services.membership_add(organization, users["employer_member"])
    for user in users.values():
        if user is not None:
            totp_for(user)  # MFA is in place, so only permissions decide

    sharing = UserFactory(display_name="共享者")
    silent = UserFactory(display_name="沉默者")
    code = org_services.sponsorship_code_create(
        organization, users["employer_admin"], seats=5, course_page_ids=[101]
    )
    for worker in (sharing, silent):
        apps_fake.enrol(worker.pk, 101, code.code)
        apps_fake.enrolments[(worker.pk, 101)] = 55
    org_services.consent_update(
        Membership.objects.get(user=sharing), share_progress=True, share_credentials=True
    )
    template = credential_services.template_for("course", course_a.pk)
    credential = credential_services.credential_issue(
        user_id=sharing.pk,
        template_id=template.pk,
        completed_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
    )
    return {
        "users": users,
        "inst_b": inst_b,
        "draft_a": draft_a,
        "org": organization,
        "credential": credential,
    }


def _client_for(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    return client


def _edit_other_institution(client, world) -> bool:
    response = client.get(f"/admin/pages/{world['inst_b'].pk}/edit/")
    return response.status_code == 200


def _publish_without_review(client, world) -> bool:
    page = world["draft_a"]
    client.post(
        f"/admin/pages/{page.pk}/edit/",
        {
            "title": page.title,
            "slug": page.slug,
            "action-publish": "action-publish",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        },
    )
    page.refresh_from_db()
    return page.live


def _see_learner_progress(client, world) -> bool:
    response = client.get(f"/en/organisations/{world['org'].slug}/team/")
    return response.status_code == 200 and "共享者" in response.content.decode()


def _see_member_without_consent(client, world) -> bool:
    response = client.get(f"/en/organisations/{world['org'].slug}/team/")
    return response.status_code == 200 and "沉默者" in response.content.decode()


def _create_sponsorship_code(client, world) -> bool:
    org = world["org"]
    before = org.sponsorship_codes.count()
    client.post(
        f"/en/organisations/{org.slug}/manage/",
        {"action": "code", "code-seats": "3", "code-courses": ["101"]},
    )
    return org.sponsorship_codes.count() > before


def _read_audit_log(client, world) -> bool:
    return client.get("/admin/audit_log/").status_code == 200


def _revoke_credential(client, world) -> bool:
    """Revoke institution A's credential through the credentials admin's status view."""
    credential = world["credential"]
    client.post(
        f"/admin/credentials/issued/{credential.pk}/",
        {"action": "revoke", "reason": "The exam was taken by someone else."},
    )
    return IssuedCredential.objects.get(pk=credential.pk).status == "revoked"


def _bulk_csv(rows: int) -> SimpleUploadedFile:
    body = "url\n" + "".join(
        f"https://academy.example.cn/credentials/{n:08d}-0000-4000-8000-000000000000/\n"
        for n in range(rows)
    )
    return SimpleUploadedFile("hires.csv", body.encode(), content_type="text/csv")


def _bulk_verify(client, rows: int):
    before = BulkVerification.objects.count()
    response = client.post("/en/credentials/verify/bulk/", {"csv_file": _bulk_csv(rows)})
    return response, BulkVerification.objects.count() > before


@override_settings(CREDENTIALS_BULK_MAX_ROWS=5)
def _bulk_within_limits(client, world) -> bool:
    response, started = _bulk_verify(client, 5)
    return response.status_code == 302 and started


@override_settings(CREDENTIALS_BULK_MAX_ROWS=5)
def _bulk_too_many_rows(client, world) -> bool:
    response, started = _bulk_verify(client, 6)
    if not started:  # refused with a clear message, not an error page
        assert response.status_code == 400
        assert "At most 5 credentials per file." in response.content.decode()
    return started


# a day: a one-minute window could end between the requests and reset the count
@override_settings(CREDENTIALS_VERIFY_RATE="3/d")
def _bulk_too_often(client, world) -> bool:
    for _ in range(3):
        assert _bulk_verify(client, 1)[1]
    response, started = _bulk_verify(client, 1)
    if not started:
        assert response.status_code == 429
        assert "Too many verifications from your connection." in response.content.decode()
    return started


EVERYONE = set(ROLES)

# Platform admins run the site (users, roles, audit, credential status) but hold no page
# permission in the institutions' trees: content belongs to the institutions.
ACTIONS = {
    "edit another institution's page": (_edit_other_institution, set()),
    "publish without review": (_publish_without_review, {"reviewer_a"}),
    "revoke institution A's credential": (_revoke_credential, {"officer_a", "platform_admin"}),
    "bulk-verify within the limits": (_bulk_within_limits, EVERYONE),
    "bulk-verify more rows than allowed": (_bulk_too_many_rows, set()),
    "bulk-verify more often than allowed": (_bulk_too_often, set()),
    "see another learner's progress": (_see_learner_progress, {"employer_admin"}),
    "see a team member who has not consented": (_see_member_without_consent, set()),
    "create a sponsorship code": (_create_sponsorship_code, {"employer_admin"}),
    "read the audit log": (_read_audit_log, {"platform_admin"}),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role):
    """Each role may do exactly the actions the matrix grants it, and nothing else."""
    client = _client_for(client, world, role)
    got = {action: check(client, world) for action, (check, _allowed) in ACTIONS.items()}
    expected = {action: role in allowed for action, (_check, allowed) in ACTIONS.items()}
    assert got == expected


def test_editor_can_edit_own_institution_but_not_publish(client, world):
    """The positive half of the matrix rows: the editor edits pages of their own subtree."""
    client.force_login(world["users"]["editor_a"])
    assert client.get(f"/admin/pages/{world['draft_a'].pk}/edit/").status_code == 200


def test_officer_of_another_institution_neither_sees_nor_revokes(client, world):
    """B's credential officer does not even find A's credential in the issued list."""
    client.force_login(world["users"]["officer_b"])
    listing = client.get("/admin/credentials/issued/")
    assert listing.status_code == 200
    assert str(world["credential"].public_id) not in listing.content.decode()
    client.force_login(world["users"]["officer_a"])
    listing = client.get("/admin/credentials/issued/").content.decode()
    assert str(world["credential"].public_id) in listing


def test_revocation_is_recorded_with_the_officer(client, world):
    """An allowed revocation is kept in the credential's status trail with who did it."""
    client.force_login(world["users"]["officer_a"])
    assert _revoke_credential(client, world)
    credential = IssuedCredential.objects.get(pk=world["credential"].pk)
    change = credential.status_changes.get()
    assert (change.actor, change.action) == (world["users"]["officer_a"], "revoke")
