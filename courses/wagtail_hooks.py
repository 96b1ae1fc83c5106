"""Admin: institutions, the skills framework, industries and quizzes as snippets."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Industry, Institution, Quiz, Skill
from .permissions import QuizPermissionPolicy, quiz_institution_ids, quiz_policy

register_permission_policy(Quiz, QuizPermissionPolicy(Quiz))


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


class _OwnQuizMixin:
    """A quiz view that answers 404 for a quiz of another institution (courses.permissions)."""

    def get_object(self, *args, **kwargs):
        quiz = super().get_object(*args, **kwargs)
        if not quiz_policy().user_owns(self.request.user, quiz):
            raise Http404
        return quiz


class QuizCreateView(snippet_views.CreateView):
    """A new quiz belongs to the editor's institution when they have exactly one."""

    def get_initial_form_instance(self):
        quiz = super().get_initial_form_instance() or self.model()
        ids = quiz_institution_ids(self.request.user)
        if quiz.institution_id is None and len(ids) == 1:
            quiz.institution_id = ids[0]
        return quiz


class QuizEditView(_OwnQuizMixin, snippet_views.EditView):
    pass


class QuizCopyView(_OwnQuizMixin, snippet_views.CopyView):
    pass


class QuizDeleteView(_OwnQuizMixin, snippet_views.DeleteView):
    pass


class QuizInspectView(_OwnQuizMixin, snippet_views.InspectView):
    pass


class QuizHistoryView(_OwnQuizMixin, snippet_views.HistoryView):
    pass


class QuizUsageView(_OwnQuizMixin, snippet_views.UsageView):
    pass


class _OwnQuizzesChooserMixin:
    def get_object_list(self):
        return quiz_policy().scope(self.request.user, super().get_object_list())


class QuizChooseView(_OwnQuizzesChooserMixin, snippet_chooser.ChooseView):
    pass


class QuizChooseResultsView(_OwnQuizzesChooserMixin, snippet_chooser.ChooseResultsView):
    pass


class QuizChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return quiz_policy().scope(self.request.user, self.model_class.objects).get(pk=pk)


class QuizChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return quiz_policy().scope(self.request.user, super().get_objects(pks))


class QuizChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    """The quiz chooser (lesson editor) offers the editor's own institutions' quizzes only."""

    choose_view_class = QuizChooseView
    choose_results_view_class = QuizChooseResultsView
    chosen_view_class = QuizChosenView
    chosen_multiple_view_class = QuizChosenMultipleView


class QuizViewSet(SnippetViewSet):
    """Quizzes (placed in lessons with the quiz block), each owned by an institution whose
    staff alone see, edit and choose it; platform administrators see all."""

    model = Quiz
    icon = "list-ul"
    list_display = ["title", "institution", "pass_mark", "max_attempts"]
    list_filter = ["institution"]
    search_fields = ["title"]
    add_view_class = QuizCreateView
    edit_view_class = QuizEditView
    copy_view_class = QuizCopyView
    delete_view_class = QuizDeleteView
    inspect_view_class = QuizInspectView
    history_view_class = QuizHistoryView
    usage_view_class = QuizUsageView
    chooser_viewset_class = QuizChooserViewSet

    def get_queryset(self, request):
        return quiz_policy().scope(request.user, Quiz.objects.select_related("institution"))


class CoursesViewSetGroup(SnippetViewSetGroup):
    """The courses app's snippets in one admin menu."""

    items = (InstitutionViewSet, SkillViewSet, IndustryViewSet, QuizViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _("Courses")
    menu_name = "courses"


register_snippet(CoursesViewSetGroup)
