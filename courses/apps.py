from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Models whose changes learners see on cached pages (ADR 0036), besides every page type.
CONTENT_MODELS = (
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailcore.PageViewRestriction",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "courses.Institution",
    "courses.Skill",
    "courses.Industry",
    "courses.Quiz",
)
# Models holding a learner's state, whose changes their cached pages must show (ADR 0036).
LEARNER_MODELS = (
    "courses.Enrolment",
    "courses.LessonProgress",
    "courses.QuizAttempt",
    "courses.CourseCompletion",
    "courses.ProgramCompletion",
)


class CoursesConfig(AppConfig):
    """Programmes, courses and lessons on Wagtail; enrolment, progress, quizzes, catalogue."""

    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.models import Page
        from wagtail.signals import post_page_move

        from lms.accounts import usercache

        from .models import CataloguePage
        from .pagecache import (
            content_changed,
            learner_state_saved,
            remember_versions,
            version_keys_for,
        )
        from .receivers import catalogue_page_saved, institutions_set_up

        post_save.connect(catalogue_page_saved, sender=CataloguePage, dispatch_uid="courses-cat")
        post_migrate.connect(institutions_set_up, sender=self, dispatch_uid="courses-setup")
        page_models = [m for m in apps.get_models() if issubclass(m, Page)]
        content_models = [apps.get_model(label) for label in CONTENT_MODELS]
        for model in page_models + content_models:
            uid = f"courses-content-{model._meta.label_lower}"
            post_save.connect(content_changed, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=uid + "-delete")
        post_page_move.connect(content_changed, dispatch_uid="courses-content-moved")
        # The versions cached pages are checked against come with the signed-in user.
        usercache.read_with_user("courses-versions", version_keys_for, remember_versions)
        for label in LEARNER_MODELS:
            model = apps.get_model(label)
            uid = f"courses-learner-{model._meta.label_lower}"
            post_save.connect(learner_state_saved, sender=model, dispatch_uid=uid + "-save")
            post_delete.connect(learner_state_saved, sender=model, dispatch_uid=uid + "-delete")
