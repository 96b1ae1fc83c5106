"""Writes of the courses app: every mutation goes through one named function here.

Learner records are keyed by translation keys (ADR 0030); completion is recorded once per
(user, course) by a unique row, and the signal is sent from `transaction.on_commit` only by the
call that created that row (ADR 0034).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from lms import services as lms_services

from . import selectors
from .grading import QuizResult, grade_quiz, submitted_question_ids
from .models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    Institution,
    LessonPage,
    LessonProgress,
    ProgramCompletion,
    ProgramPage,
    Quiz,
    QuizAttempt,
)
from .pagecache import learner_changed
from .signals import course_completed, program_completed

EDITOR_PAGE_PERMISSIONS = ("add", "change", "lock", "unlock")
REVIEWER_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")
CREDENTIAL_STATUS_PERMISSION = "change_credential_status"  # credentials.IssuedCredential
EDITOR_MODEL_PERMISSIONS = ("add_quiz", "change_quiz", "view_quiz", "view_skill", "view_industry")
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
_SPONSORSHIP_CODE = re.compile(r"^[A-Za-z0-9-]{4,64}$")


# ---------------------------------------------------------------- institutions


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename=f"{codename}_page"
    )


@transaction.atomic
def institution_setup(institution: Institution) -> None:
    """Create (idempotently) an institution's groups, page permissions and workflow.

    Editors may add and edit pages under the institution's catalogue page (in every locale) but
    not publish: they submit for moderation, and the reviewers' approval task publishes.
    Credential officers may revoke, suspend and reinstate the institution's credentials.
    """
    editors, _created = Group.objects.get_or_create(name=f"{institution.slug}: editors")
    reviewers, _created = Group.objects.get_or_create(name=f"{institution.slug}: reviewers")
    officers, _created = Group.objects.get_or_create(
        name=f"{institution.slug}: credential officers"
    )
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    # The credentials app limits the permission to the institutions whose groups the user is
    # in (`selectors.staff_institution_ids`), so officers of A never reach B's credentials.
    officers.permissions.add(
        access_admin,
        *Permission.objects.filter(
            content_type__app_label="credentials", codename=CREDENTIAL_STATUS_PERMISSION
        ),
    )
    model_permissions = list(
        Permission.objects.filter(
            content_type__app_label="courses", codename__in=EDITOR_MODEL_PERMISSIONS
        )
    )
    for group in (editors, reviewers):
        group.permissions.add(access_admin, *model_permissions)
    groups = {
        "editors_group": editors,
        "reviewers_group": reviewers,
        "credential_officers_group": officers,
    }
    if any(getattr(institution, f"{name}_id") != group.pk for name, group in groups.items()):
        Institution.objects.filter(pk=institution.pk).update(**groups)
        for name, group in groups.items():
            setattr(institution, name, group)

    collection = Collection.objects.filter(name=institution.slug).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=institution.slug)
    for app_label, codename in COLLECTION_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for group in (editors, reviewers):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )

    if institution.root_page_id is None:
        return
    workflow, _created = Workflow.objects.get_or_create(name=f"{institution.slug}: review")
    task = GroupApprovalTask.objects.filter(name=f"{institution.slug}: reviewers approve").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"{institution.slug}: reviewers approve")
    task.groups.add(reviewers)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    editor_perms = [_page_permission(c) for c in EDITOR_PAGE_PERMISSIONS]
    reviewer_perms = [_page_permission(c) for c in REVIEWER_PAGE_PERMISSIONS]
    for page in institution.root_page.get_translations(inclusive=True):
        for group, permissions in ((editors, editor_perms), (reviewers, reviewer_perms)):
            for permission in permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=page, permission=permission
                )
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


# ---------------------------------------------------------------- enrolment


def _live_course(course_page_id: int) -> CoursePage:
    course = CoursePage.objects.live().filter(pk=course_page_id).first()
    if course is None:
        raise ValidationError(
            _("This course does not exist or is not published."), code="no_such_course"
        )
    return course


def enrolment_create(
    user_id: int, course_page_id: int, sponsorship_code: str | None = None
) -> Enrolment:
    """Enrol a learner in a course (any locale's page id); idempotent for active enrolments.

    Raises ValidationError (translated message, code "prerequisites", "no_such_course" or
    "bad_sponsorship_code") when refused. Re-enrolling after unenrolling keeps past progress.
    """
    course = _live_course(course_page_id)
    source = selectors.source_page(course)
    code = (sponsorship_code or "").strip()
    if code and not _SPONSORSHIP_CODE.match(code):
        raise ValidationError(
            _("A sponsorship code has 4 to 64 letters, digits or dashes."),
            code="bad_sponsorship_code",
        )
    prerequisites = list(source.prerequisites.all())
    if prerequisites:
        done = set(
            CourseCompletion.objects.filter(
                user_id=user_id, course_key__in=[p.translation_key for p in prerequisites]
            ).values_list("course_key", flat=True)
        )
        missing = selectors.localize(
            [p for p in prerequisites if p.translation_key not in done], course.locale
        )
        if missing:
            raise ValidationError(
                _("Complete these courses first: %(courses)s."),
                code="prerequisites",
                params={"courses": "、".join(p.title for p in missing)},
            )
    now = timezone.now()
    with transaction.atomic():
        if code:
            # The employer's seat is taken in the same transaction as the enrolment, so a
            # refused code (used up, expired, not for this course) enrols nobody.
            lms_services.sponsorship_code_redeem(code, user_id, source.pk)
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(user_id=user_id, course_key=course.translation_key)
            .first()
        )
        if enrolment is None:
            try:
                with transaction.atomic():
                    return Enrolment.objects.create(
                        user_id=user_id,
                        course=source,
                        course_key=course.translation_key,
                        sponsorship_code=code,
                        enrolled_at=now,
                    )
            except IntegrityError:  # a concurrent request enrolled first
                return Enrolment.objects.get(user_id=user_id, course_key=course.translation_key)
        if enrolment.status != Enrolment.Status.ACTIVE:
            enrolment.status = Enrolment.Status.ACTIVE
            enrolment.enrolled_at = now
            fields = ["status", "enrolled_at"]
            if code:
                enrolment.sponsorship_code = code
                fields.append("sponsorship_code")
            enrolment.save(update_fields=fields)
    return enrolment


def enrolment_cancel(user_id: int, course_page_id: int) -> bool:
    """Unenrol a learner; progress is kept for a later re-enrolment. True if one was active."""
    course = CoursePage.objects.filter(pk=course_page_id).first()
    if course is None:
        return False
    cancelled = Enrolment.objects.filter(
        user_id=user_id, course_key=course.translation_key, status=Enrolment.Status.ACTIVE
    ).update(status=Enrolment.Status.UNENROLLED)
    if cancelled:
        learner_changed(user_id)
    return bool(cancelled)


# ---------------------------------------------------------------- progress


def _require_enrolment(user_id: int, course: CoursePage) -> Enrolment:
    enrolment = Enrolment.objects.filter(
        user_id=user_id, course_key=course.translation_key, status=Enrolment.Status.ACTIVE
    ).first()
    if enrolment is None:
        raise ValidationError(_("Enrol in this course first."), code="not_enrolled")
    return enrolment


def _lesson(lesson_page_id: int, *, with_body: bool = False) -> LessonPage:
    lessons = LessonPage.objects.live().filter(pk=lesson_page_id)
    lesson = (lessons if with_body else lessons.defer("body")).first()
    if lesson is None:
        raise ValidationError(_("This lesson does not exist."), code="no_such_lesson")
    return lesson


def _progress_row(user_id: int, lesson: LessonPage, course: CoursePage) -> LessonProgress:
    row, _created = LessonProgress.objects.select_for_update().get_or_create(
        user_id=user_id,
        lesson_key=lesson.translation_key,
        defaults={"course_key": course.translation_key, "first_seen_at": timezone.now()},
    )
    return row


def lesson_viewed(user_id: int, lesson_page_id: int) -> None:
    """Remember that an enrolled learner opened a lesson (for "resume where you left off")."""
    lesson = _lesson(lesson_page_id)
    course = selectors.lesson_course(lesson)
    now = timezone.now()
    enrolment = (
        Enrolment.objects.filter(
            user_id=user_id, course_key=course.translation_key, status=Enrolment.Status.ACTIVE
        )
        .only("pk", "last_lesson_key", "last_seen_at")
        .first()
    )
    if enrolment is None:
        return
    # Write only when something changed, so re-reading a lesson costs no database write.
    if (
        enrolment.last_lesson_key != lesson.translation_key
        or enrolment.last_seen_at is None
        or enrolment.last_seen_at < now - selectors.RESUME_WRITE_INTERVAL
    ):
        Enrolment.objects.filter(pk=enrolment.pk).update(
            last_lesson_key=lesson.translation_key, last_seen_at=now
        )
        learner_changed(user_id)
    LessonProgress.objects.get_or_create(
        user_id=user_id,
        lesson_key=lesson.translation_key,
        defaults={"course_key": course.translation_key, "first_seen_at": now},
    )


@transaction.atomic
def lesson_mark_read(user_id: int, lesson_page_id: int) -> LessonProgress:
    """Mark a reading lesson (no quiz, no lab) complete."""
    lesson = _lesson(lesson_page_id)
    course = selectors.lesson_course(lesson)
    _require_enrolment(user_id, course)
    if lesson.has_quiz or lesson.has_lab:
        raise ValidationError(
            _("This lesson completes when you pass its quiz or lab."), code="not_a_reading_lesson"
        )
    row = _progress_row(user_id, lesson, course)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    _settle(user_id, lesson, course, row)
    return row


@transaction.atomic
def lesson_requirement_complete(
    user_id: int, lesson_page_id: int, kind: str, score: float, passed: bool
) -> None:
    """Record a quiz or lab result for a lesson (labs call this when a learner passes a lab).

    Keeps the best score; the first pass completes the requirement. Idempotent.
    """
    if kind not in {"lab", "quiz"}:
        raise ValidationError(_("Unknown requirement kind."), code="bad_kind")
    lesson = _lesson(lesson_page_id)
    course = selectors.lesson_course(lesson)
    _require_enrolment(user_id, course)
    row = _progress_row(user_id, lesson, course)
    now = timezone.now()
    best_field, passed_field = f"{kind}_best_score", f"{kind}_passed_at"
    fields = []
    score = float(score)
    if getattr(row, best_field) is None or score > getattr(row, best_field):
        setattr(row, best_field, score)
        fields.append(best_field)
    if passed and getattr(row, passed_field) is None:
        setattr(row, passed_field, now)
        fields.append(passed_field)
    if fields:
        row.save(update_fields=fields)
    _settle(user_id, lesson, course, row)


def _settle(user_id: int, lesson: LessonPage, course: CoursePage, row: LessonProgress) -> None:
    """Complete the lesson if its own requirements are met, then check the course."""
    source_lesson = selectors.source_page(lesson)
    done = (
        (not source_lesson.has_quiz or row.quiz_passed_at)
        and (not source_lesson.has_lab or row.lab_passed_at)
        and (source_lesson.has_quiz or source_lesson.has_lab or row.read_at)
    )
    if done and row.completed_at is None:
        row.completed_at = timezone.now()
        row.save(update_fields=["completed_at"])
    course_completion_check(user_id, course.pk)


def course_completion_check(user_id: int, course_page_id: int) -> CourseCompletion | None:
    """Record the course as completed if its rules are satisfied; the signal goes out once."""
    course = CoursePage.objects.get(pk=course_page_id)
    source = selectors.source_page(course)
    existing = CourseCompletion.objects.filter(
        user_id=user_id, course_key=course.translation_key
    ).first()
    if existing is not None:
        return existing
    lessons = [lesson for lesson in selectors.course_lessons(source) if lesson.is_required]
    if not lessons:
        return None
    progress = {
        p.lesson_key: p
        for p in LessonProgress.objects.filter(user_id=user_id, course_key=course.translation_key)
    }
    if not all(
        selectors.lesson_satisfied(lesson, progress.get(lesson.translation_key), source)
        for lesson in lessons
    ):
        return None
    completed_at = timezone.now()
    try:
        with transaction.atomic():
            completion = CourseCompletion.objects.create(
                user_id=user_id,
                course=source,
                course_key=course.translation_key,
                completed_at=completed_at,
            )
    except IntegrityError:  # completed concurrently: that call sends the signal
        return CourseCompletion.objects.get(user_id=user_id, course_key=course.translation_key)
    _send_on_commit(course_completed, user_id=user_id, course_page_id=source.pk, at=completed_at)
    for program in selectors.program_pages_with_course(course.translation_key):
        program_completion_check(user_id, program.pk)
    return completion


def program_completion_check(user_id: int, program_page_id: int) -> ProgramCompletion | None:
    """Record the programme as completed when all its courses are; the signal goes out once."""
    program = selectors.source_page(ProgramPage.objects.get(pk=program_page_id))
    keys = set(selectors.program_course_keys(program))
    if not keys:
        return None
    done = set(
        CourseCompletion.objects.filter(user_id=user_id, course_key__in=keys).values_list(
            "course_key", flat=True
        )
    )
    if done != keys:
        return None
    completed_at = timezone.now()
    try:
        with transaction.atomic():
            completion, created = ProgramCompletion.objects.get_or_create(
                user_id=user_id,
                program_key=program.translation_key,
                defaults={"program": program, "completed_at": completed_at},
            )
    except IntegrityError:
        return ProgramCompletion.objects.get(user_id=user_id, program_key=program.translation_key)
    if created:
        _send_on_commit(
            program_completed, user_id=user_id, program_page_id=program.pk, at=completed_at
        )
    return completion


def _send_on_commit(signal, *, user_id: int, at: datetime, **ids) -> None:
    sender = CoursePage if "course_page_id" in ids else ProgramPage
    transaction.on_commit(
        lambda: signal.send(sender=sender, user_id=user_id, completed_at=at, **ids)
    )


# ---------------------------------------------------------------- quizzes


@dataclass(frozen=True)
class QuizSubmission:
    """The outcome of `quiz_submit`: the graded result and the attempt recorded."""

    result: QuizResult
    attempt: QuizAttempt
    attempts_left: int | None


@transaction.atomic
def quiz_submit(
    user_id: int, lesson_page_id: int, quiz_id: int, answers: Mapping[str, Sequence[str]]
) -> QuizSubmission:
    """Grade a learner's answers to a quiz placed in a lesson and record the attempt.

    Refuses (ValidationError, nothing recorded) when the learner is not enrolled, the quiz is
    not in the lesson, the answers belong to another quiz, nothing was answered or no attempts
    are left. Questions left unanswered or answered malformed earn no points and say why.
    """
    lesson = _lesson(lesson_page_id, with_body=True)
    course = selectors.lesson_course(lesson)
    _require_enrolment(user_id, course)
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    lesson_quiz_keys = set(
        Quiz.objects.filter(pk__in=lesson.quiz_ids()).values_list("translation_key", flat=True)
    )
    if quiz is None or quiz.translation_key not in lesson_quiz_keys:
        raise ValidationError(_("This quiz is not part of this lesson."), code="wrong_quiz")
    question_ids = {block.id for block in quiz.questions}
    mentioned = submitted_question_ids(answers)
    if mentioned - question_ids:
        raise ValidationError(
            _("These answers belong to a different quiz. Reload the lesson and try again."),
            code="foreign_answers",
        )
    if not any(v for key, values in answers.items() if key.startswith("q_") for v in values):
        raise ValidationError(_("Answer at least one question."), code="empty")
    # Lock the learner's progress row so two simultaneous submissions cannot both use the
    # last attempt.
    _progress_row(user_id, lesson, course)
    used = QuizAttempt.objects.filter(
        user_id=user_id, quiz_key=quiz.translation_key, lesson_key=lesson.translation_key
    ).count()
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise ValidationError(
            _("You have used all %(count)d attempts for this quiz."),
            code="no_attempts_left",
            params={"count": quiz.max_attempts},
        )
    result = grade_quiz(quiz.pk, quiz.questions, answers, quiz.pass_mark)
    attempt = QuizAttempt.objects.create(
        user_id=user_id,
        quiz=quiz,
        quiz_key=quiz.translation_key,
        lesson_key=lesson.translation_key,
        course_key=course.translation_key,
        number=used + 1,
        score=result.score,
        passed=result.passed,
        answers={k: list(v)[:20] for k, v in answers.items() if k.startswith("q_")},
        submitted_at=timezone.now(),
    )
    lesson_requirement_complete(user_id, lesson.pk, "quiz", result.score, result.passed)
    left = max(quiz.max_attempts - used - 1, 0) if quiz.max_attempts else None
    return QuizSubmission(result=result, attempt=attempt, attempts_left=left)
