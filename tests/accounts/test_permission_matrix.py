"""The permission matrix: each role against each sensitive action, through the real views.

Rows for actions owned by apps not merged on this branch (revoking a credential, the bulk
verification API's limit) are listed in docs/accounts/roles.md for the lead to add at merge.
"""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from lms.accounts.roles import Role, institution_roles_create
from lms.organizations import services as org_services
from lms.organizations.models import Membership
from tests.accounts.factories import OrganizationFactory, UserFactory, totp_for

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "learner",
    "editor_a",
    "reviewer_a",
    "employer_member",
    "employer_admin",
    "other_employer_admin",
    "platform_admin",
]


@pytest.fixture
def world(apps_fake):
    """Two institutions' page trees, one employer with a consenting and a silent worker."""
    root = Page.get_first_root_node()
    inst_a = root.add_child(instance=Page(title="Institution A", slug="inst-a"))
    inst_b = root.add_child(instance=Page(title="Institution B", slug="inst-b"))
    draft_a = inst_a.add_child(instance=Page(title="Draft lesson A", slug="draft-a", live=False))
    groups_a = institution_roles_create("inst-a", inst_a.pk)
    institution_roles_create("inst-b", inst_b.pk)

    users = {"anonymous": None, "learner": UserFactory()}
    users["editor_a"] = UserFactory()
    users["editor_a"].groups.add(groups_a[Role.INSTITUTION_EDITOR])
    users["reviewer_a"] = UserFactory()
    users["reviewer_a"].groups.add(groups_a[Role.INSTITUTION_REVIEWER])
    users["platform_admin"] = UserFactory()
    users["platform_admin"].groups.add(Group.objects.get(name=Role.PLATFORM_ADMIN))
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
    return {"users": users, "inst_b": inst_b, "draft_a": draft_a, "org": organization}


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


# Platform admins run the site (users, roles, audit) but hold no page permission in the
# institutions' trees: content belongs to the institutions.
ACTIONS = {
    "edit another institution's page": (_edit_other_institution, set()),
    "publish without review": (_publish_without_review, {"reviewer_a"}),
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
