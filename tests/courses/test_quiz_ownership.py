"""Quizzes belong to an institution: in the admin its staff see, edit and choose only its
quizzes; platform administrators see them all (courses.permissions)."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from courses.models import Quiz

from .factories import UserFactory, lessons_of, make_course, make_institution, make_quiz

pytestmark = pytest.mark.django_db

LIST = "wagtailsnippets_courses_quiz:list"
EDIT = "wagtailsnippets_courses_quiz:edit"
DELETE = "wagtailsnippets_courses_quiz:delete"
ADD = "wagtailsnippets_courses_quiz:add"
CHOOSE = "wagtailsnippetchoosers_courses_quiz:choose"
CHOSEN = "wagtailsnippetchoosers_courses_quiz:chosen"


def _status(client, method: str, url: str, data=None) -> int:
    """The status of a request, after LocaleMiddleware's redirect of a 404 under /admin/ to
    the same URL with the language prefix (which Wagtail's admin also answers)."""
    response = getattr(client, method)(url, data or {})
    if response.status_code == 302 and response["Location"] == "/zh-hans" + url:
        response = getattr(client, method)(response["Location"], data or {})
    return response.status_code


@pytest.fixture
def setup():
    """Institutions A and B with a quiz each, A's lesson, an editor of A and an admin."""
    alpha = make_institution("alpha", "Alpha College")
    beta = make_institution("beta", "Beta Academy")
    alpha.refresh_from_db()
    quiz_a = make_quiz(title="Alpha ladder quiz", institution=alpha)
    quiz_b = make_quiz(title="Beta secret quiz", institution=beta)
    lesson = lessons_of(make_course(alpha, "Alpha course", lessons=1))[0]
    editor = UserFactory(is_staff=True)
    editor.groups.add(alpha.editors_group)
    admin = UserFactory(is_staff=True, is_superuser=True)
    return {"alpha": alpha, "a": quiz_a, "b": quiz_b, "lesson": lesson, "editor": editor,
            "admin": admin}  # fmt: skip


def test_editor_lists_only_their_institutions_quizzes(client, setup):
    client.force_login(setup["editor"])
    html = client.get(reverse(LIST)).text
    assert "Alpha ladder quiz" in html
    assert "Beta secret quiz" not in html


def test_editor_cannot_open_edit_or_delete_another_institutions_quiz(client, setup):
    client.force_login(setup["editor"])
    assert client.get(reverse(EDIT, args=[setup["a"].pk])).status_code == 200
    edit_b, delete_b = reverse(EDIT, args=[setup["b"].pk]), reverse(DELETE, args=[setup["b"].pk])
    assert _status(client, "get", edit_b) == 404
    assert _status(client, "post", edit_b, {"title": "Hijacked"}) == 404
    assert _status(client, "get", delete_b) == 404
    assert _status(client, "post", delete_b) == 404
    setup["b"].refresh_from_db()
    assert setup["b"].title == "Beta secret quiz"


def test_lesson_editor_chooser_offers_only_their_institutions_quizzes(client, setup):
    """The quiz block of the lesson editor points at the chooser, which lists A's quizzes."""
    client.force_login(setup["editor"])
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[setup["lesson"].pk]))
    assert edit_page.status_code == 200
    assert reverse(CHOOSE) in edit_page.text
    chooser = client.get(reverse(CHOOSE)).text
    assert "Alpha ladder quiz" in chooser
    assert "Beta secret quiz" not in chooser
    assert client.get(reverse(CHOSEN, args=[setup["a"].pk])).status_code == 200
    assert _status(client, "get", reverse(CHOSEN, args=[setup["b"].pk])) == 404


def test_platform_admin_sees_and_edits_every_quiz(client, setup):
    client.force_login(setup["admin"])
    html = client.get(reverse(LIST)).text
    assert "Alpha ladder quiz" in html and "Beta secret quiz" in html
    assert client.get(reverse(EDIT, args=[setup["b"].pk])).status_code == 200
    chooser = client.get(reverse(CHOOSE)).text
    assert "Alpha ladder quiz" in chooser and "Beta secret quiz" in chooser


def _quiz_form(**fields):
    data = {
        "title": "New quiz",
        "intro": "",
        "questions-count": "1",
        "questions-0-type": "true_false",
        "questions-0-deleted": "",
        "questions-0-order": "0",
        "questions-0-id": "",
        "questions-0-value-prompt": "A PLC scans its inputs first.",
        "questions-0-value-points": "1",
        "questions-0-value-answer": "on",
        "questions-0-value-feedback_correct": "",
        "questions-0-value-feedback_incorrect": "",
        "pass_mark": "70",
        "max_attempts": "3",
        "shuffle_options": "on",
        "locale": "zh-hans",
    }
    data.update(fields)
    return data


def test_new_quiz_belongs_to_the_editors_institution(client, setup):
    """The form offers the editor's one institution, preselected; the quiz is saved as A's."""
    client.force_login(setup["editor"])
    url = reverse(ADD) + "?locale=zh-hans"
    form = client.get(url)
    assert form.status_code == 200
    choices = form.context["form"].fields["institution"].queryset
    assert list(choices) == [setup["alpha"]]
    assert form.context["form"].initial.get("institution") == setup["alpha"].pk
    response = client.post(url, _quiz_form(institution=str(setup["alpha"].pk)))
    assert response.status_code == 302, response.context["form"].errors
    assert Quiz.objects.get(title="New quiz").institution == setup["alpha"]


def test_editor_cannot_give_a_quiz_to_another_institution(client, setup):
    """Posting B's id is refused with a message; nothing is saved."""
    client.force_login(setup["editor"])
    beta_id = setup["b"].institution_id
    response = client.post(reverse(ADD) + "?locale=zh-hans", _quiz_form(institution=str(beta_id)))
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not Quiz.objects.filter(title="New quiz").exists()


def _lesson_form(lesson, quiz):
    return nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": "",
            "duration_minutes": "15",
            "is_required": "on",
            "body": streamfield([("quiz", {"quiz": quiz.pk})]),
            "comments": inline_formset([]),
        }
    )


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_lesson_form_refuses_another_institutions_quiz(client, setup, who):
    """A hand-crafted POST of the lesson editor placing B's quiz in A's lesson is refused with
    a message on the quiz block, for A's editor and a platform administrator alike; A's own
    quiz is accepted."""
    lesson = setup["lesson"]
    client.force_login(setup[who])
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    response = client.post(url, _lesson_form(lesson, setup["b"]))
    assert response.status_code == 200
    (error,) = response.context["form"].errors.as_data()["body"]
    messages = error.block_errors[0].as_json_data()["blockErrors"]["quiz"]["messages"]
    # The admin answers in the user's language.
    assert messages in (
        ["Choose a quiz of this lesson's institution."],
        ["请选择本课所属院校的测验。"],
    )
    assert not any(setup["b"].pk in r.as_object().quiz_ids() for r in lesson.revisions.all())
    response = client.post(url, _lesson_form(lesson, setup["a"]))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.get_latest_revision_as_object().quiz_ids() == [setup["a"].pk]
