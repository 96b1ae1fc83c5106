"""Quizzes and the learner's records: enrolments, lesson progress, attempts, completions.

Learner records are keyed by the pages' `translation_key`, so progress made in the Chinese
lesson shows in its English translation and the other way round (ADR 0030).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import TranslatableMixin
from wagtail.search import index

from ..quiz_blocks import QuestionStreamBlock
from .forms import QuizForm


class Quiz(TranslatableMixin, index.Indexed, models.Model):
    """A graded quiz, placed in lessons with the quiz block; graded on the server only."""

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    questions = StreamField(QuestionStreamBlock(), verbose_name=_("questions"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, help_text=_("Percentage of points needed to pass.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=3, help_text=_("0 means unlimited.")
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    institution = models.ForeignKey(
        "courses.Institution",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quizzes",
        help_text=_("Only this institution's staff see, edit and choose the quiz."),
    )

    base_form_class = QuizForm
    panels = [
        FieldPanel("institution"),
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("questions"),
        FieldPanel("pass_mark"),
        FieldPanel("max_attempts"),
        FieldPanel("shuffle_questions"),
        FieldPanel("shuffle_options"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.FilterField("locale"),
        index.FilterField("institution"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title


class Enrolment(models.Model):
    """A learner's place in a course (one row per learner and course, across locales)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        UNENROLLED = "unenrolled", _("Unenrolled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="enrolments",
        help_text=_("The course in its source locale."),
    )
    course_key = models.UUIDField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    sponsorship_code = models.CharField(max_length=64, blank=True)
    enrolled_at = models.DateTimeField()
    last_lesson_key = models.UUIDField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="one_enrolment_per_course")
        ]

    def __str__(self):
        return f"{self.user_id} in {self.course_id} ({self.status})"


class LessonProgress(models.Model):
    """What a learner has done in one lesson."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson_key = models.UUIDField()
    course_key = models.UUIDField(db_index=True)
    first_seen_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    quiz_passed_at = models.DateTimeField(null=True, blank=True)
    quiz_best_score = models.FloatField(null=True, blank=True)
    lab_passed_at = models.DateTimeField(null=True, blank=True)
    lab_best_score = models.FloatField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson_key"], name="one_progress_per_lesson")
        ]

    def __str__(self):
        return f"{self.user_id} {self.lesson_key} done={bool(self.completed_at)}"


class QuizAttempt(models.Model):
    """One graded submission of a quiz."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    quiz_key = models.UUIDField()
    lesson_key = models.UUIDField()
    course_key = models.UUIDField(db_index=True)
    number = models.PositiveSmallIntegerField()
    score = models.FloatField()
    passed = models.BooleanField()
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz_key", "lesson_key", "number"], name="attempt_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.user_id} quiz {self.quiz_id} #{self.number}: {self.score}"


class CourseCompletion(models.Model):
    """The first time a learner satisfied a course's completion rules (unique: sent once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="completions"
    )
    course_key = models.UUIDField()
    completed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("course completion")
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="one_completion_per_course")
        ]

    def __str__(self):
        return f"{self.user_id} completed {self.course_id}"


class ProgramCompletion(models.Model):
    """The first time a learner completed every course of a programme."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_completions"
    )
    program = models.ForeignKey(
        "courses.ProgramPage", on_delete=models.CASCADE, related_name="completions"
    )
    program_key = models.UUIDField()
    completed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("programme completion")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program_key"], name="one_completion_per_program"
            )
        ]

    def __str__(self):
        return f"{self.user_id} completed programme {self.program_id}"
