"""Admin: institutions, the skills framework, industries and quizzes as snippets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Industry, Institution, Quiz, Skill


class InstitutionViewSet(SnippetViewSet):
    """Institutions; saving one creates its groups, permissions and workflow."""

    model = Institution
    icon = "site"
    list_display = ["name_zh", "name_en", "slug", "kind"]
    search_fields = ["name_en", "name_zh", "slug"]


class SkillViewSet(SnippetViewSet):
    """The OT/IT convergence skills framework."""

    model = Skill
    icon = "tag"
    list_display = ["code", "name_zh", "name_en", "area", "level"]
    list_filter = ["area", "level"]
    search_fields = ["code", "name_en", "name_zh"]


class IndustryViewSet(SnippetViewSet):
    """Industry tags."""

    model = Industry
    icon = "tag"
    list_display = ["code", "name_zh", "name_en"]


class QuizViewSet(SnippetViewSet):
    """Quizzes (placed in lessons with the quiz block)."""

    model = Quiz
    icon = "list-ul"
    list_display = ["title", "pass_mark", "max_attempts"]
    search_fields = ["title"]


class CoursesViewSetGroup(SnippetViewSetGroup):
    """The courses app's snippets in one admin menu."""

    items = (InstitutionViewSet, SkillViewSet, IndustryViewSet, QuizViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Courses")
    menu_name = "courses"


register_snippet(CoursesViewSetGroup)
