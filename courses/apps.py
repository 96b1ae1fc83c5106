from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Programmes, courses and lessons on Wagtail; enrolment, progress, quizzes, catalogue."""

    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.db.models.signals import post_save

        from .models import CataloguePage
        from .receivers import catalogue_page_saved

        post_save.connect(catalogue_page_saved, sender=CataloguePage, dispatch_uid="courses-cat")
