"""Institution roles: groups, page permissions on the subtree and the moderation workflow."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Workflow

from courses.models import Institution

from .factories import UserFactory, make_course, make_institution, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_institutions():
    """Institutions A and B with a course each, and an editor and a reviewer of A."""
    alpha = make_institution("alpha", "Alpha College")
    beta = make_institution("beta", "Beta Academy")
    course_a = make_course(alpha, "Alpha course")
    course_b = make_course(beta, "Beta course")
    alpha.refresh_from_db()
    editor = UserFactory(is_staff=True)
    editor.groups.add(alpha.editors_group)
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(alpha.reviewers_group)
    return alpha, beta, course_a, course_b, editor, reviewer


def test_creating_an_institution_creates_groups_permissions_and_workflow():
    """Saving an institution makes its editor, reviewer and credential officer groups, rights
    and review workflow."""
    alpha = make_institution("alpha", "Alpha College")
    alpha.refresh_from_db()
    assert alpha.editors_group.name == "alpha: editors"
    assert alpha.reviewers_group.name == "alpha: reviewers"
    assert alpha.credential_officers_group.name == "alpha: credential officers"
    editor_rights = set(
        GroupPagePermission.objects.filter(
            group=alpha.editors_group, page=alpha.root_page
        ).values_list("permission__codename", flat=True)
    )
    assert "change_page" in editor_rights and "publish_page" not in editor_rights
    workflow = alpha.root_page.get_workflow()
    assert workflow is not None and workflow.name == "alpha: review"
    task = workflow.tasks.get().specific
    assert list(task.groups.all()) == [alpha.reviewers_group]
    alpha.save()  # idempotent: nothing doubles
    assert Group.objects.filter(name__startswith="alpha:").count() == 3
    assert Workflow.objects.filter(name="alpha: review").count() == 1


def test_editor_of_a_cannot_edit_or_publish_under_b(two_institutions):
    """An editor of A may edit A's course but not B's, and may publish neither directly."""
    _alpha, _beta, course_a, course_b, editor, _reviewer = two_institutions
    perms_a = course_a.permissions_for_user(editor)
    perms_b = course_b.permissions_for_user(editor)
    assert perms_a.can_edit()
    assert not perms_a.can_publish()
    assert not perms_b.can_edit()
    assert not perms_b.can_publish()
    assert not perms_b.can_add_subpage()


def test_reviewer_of_a_publishes_only_under_a(two_institutions):
    """A's reviewer can publish A's pages and nothing under B."""
    _alpha, _beta, course_a, course_b, _editor, reviewer = two_institutions
    assert course_a.permissions_for_user(reviewer).can_publish()
    assert not course_b.permissions_for_user(reviewer).can_publish()
    assert not course_b.permissions_for_user(reviewer).can_edit()


def test_admin_edit_view_refuses_the_other_institution(two_institutions, client):
    """In the Wagtail admin, A's editor opens A's course editor but is refused B's."""
    _alpha, _beta, course_a, course_b, editor, _reviewer = two_institutions
    client.force_login(editor)
    assert client.get(f"/admin/pages/{course_a.pk}/edit/").status_code == 200
    response = client.get(f"/admin/pages/{course_b.pk}/edit/")
    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert f"/admin/pages/{course_b.pk}/edit/" not in response["Location"]


def test_editor_submission_goes_to_the_reviewers(two_institutions):
    """An edit by A's editor is submitted to A's workflow, whose task A's reviewers approve."""
    _alpha, _beta, course_a, _course_b, editor, reviewer = two_institutions
    course_a.title = "Alpha course, revised"
    revision = course_a.save_revision(user=editor)
    workflow_state = course_a.get_workflow().start(course_a, editor)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert task.user_can_access_editor(course_a, reviewer)
    assert task.get_actions(course_a, reviewer)
    assert not task.get_actions(course_a, editor)
    task.on_action(task_state, reviewer, "approve")
    course_a.refresh_from_db()
    assert course_a.live_revision_id == revision.pk
    assert course_a.title == "Alpha course, revised"


def test_translations_of_the_catalogue_are_covered_too(two_institutions):
    """The English catalogue of A (a translation) gets A's permissions and workflow as well."""
    alpha, _beta, _course_a, _course_b, editor, _reviewer = two_institutions
    en_catalogue = translate(alpha.root_page, "en")
    assert en_catalogue.permissions_for_user(editor).can_edit()
    assert en_catalogue.get_workflow().name == "alpha: review"
    assert Institution.objects.get(pk=alpha.pk).root_page_id == alpha.root_page_id
