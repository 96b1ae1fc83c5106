from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    """Programmes, courses and lessons on Wagtail; enrolment, progress, quizzes, catalogue."""

    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from .models import CataloguePage
        from .receivers import catalogue_page_saved, institutions_set_up

        post_save.connect(catalogue_page_saved, sender=CataloguePage, dispatch_uid="courses-cat")
        post_migrate.connect(institutions_set_up, sender=self, dispatch_uid="courses-setup")
