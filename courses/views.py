"""Learner and instructor views: each parses input, calls one service or selector, renders."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import pagecache, selectors, services
from .models import CoursePage, LessonPage


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _safe_redirect(page):
    return redirect(page.url if page.url else "/")


@require_GET
def catalogue(request):
    """The catalogue of the active language, with search and filters.

    The page is the same for every visitor of one kind (anonymous or signed in), so it is
    cached whole under the content version, keyed by its full path (ADR 0036).
    """
    page_cache = pagecache.shared_page_cache(request, "catalogue")
    cached = page_cache.response()
    if cached is not None:
        return cached
    filters = selectors.CatalogueFilters.from_query(request.GET)
    context = selectors.catalogue_entries(locale=selectors.current_locale(), filters=filters)
    context.update(selectors.catalogue_choices())
    html = render_to_string("courses/includes/catalogue_results.html", context, request)
    response = TemplateResponse(
        request, "courses/catalogue.html", {"results_html": html, "filters": filters}
    )
    page_cache.store_after_render(response)
    return response


@login_required
@require_POST
def enrol(request, course_id: int):
    """Enrol the learner in a course; refusals (prerequisites...) come back as a message."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        services.enrolment_create(
            request.user.pk, course.pk, request.POST.get("sponsorship_code") or None
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _safe_redirect(course)
    messages.success(request, _("You are enrolled. Start with the first lesson."))
    return _safe_redirect(course)


@login_required
@require_POST
def unenrol(request, course_id: int):
    """Leave a course; progress is kept should the learner come back."""
    course = get_object_or_404(CoursePage, pk=course_id)
    if services.enrolment_cancel(request.user.pk, course.pk):
        messages.success(request, _("You have left the course. Your progress is kept."))
    return _safe_redirect(course)


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    """Mark a reading lesson complete and go on to the next lesson."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        services.lesson_mark_read(request.user.pk, lesson.pk)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _safe_redirect(lesson)
    detail = selectors.lesson_detail(lesson, request.user)
    if detail["next_lesson"] is not None:
        return _safe_redirect(detail["next_lesson"])
    messages.success(request, _("You have reached the end of the course."))
    return _safe_redirect(detail["course"])


@login_required
@require_POST
def quiz_submit(request, lesson_id: int, quiz_id: int):
    """Grade a quiz on the server and show the feedback."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    answers = {key: request.POST.getlist(key) for key in request.POST if key.startswith("q_")}
    try:
        submission = services.quiz_submit(request.user.pk, lesson.pk, quiz_id, answers)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return _safe_redirect(lesson)
    detail = selectors.lesson_detail(lesson, request.user)
    return render(
        request,
        "courses/quiz_result.html",
        {
            "page": lesson,
            "lesson": lesson,
            "submission": submission,
            "result": submission.result,
            "next_lesson": detail["next_lesson"],
            "course": detail["course"],
        },
    )


@login_required
@require_GET
def dashboard(request):
    """The learner's dashboard."""
    context = selectors.learner_dashboard(request.user, selectors.current_locale())
    return render(request, "courses/dashboard.html", context)


@login_required
@require_GET
def resume(request, course_id: int):
    """Go to the lesson where the learner left off."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    detail = selectors.course_detail(course, request.user)
    if detail["resume_lesson"] is None:
        return _safe_redirect(course)
    return _safe_redirect(detail["resume_lesson"])


def _report(request, course_id: int) -> dict:
    course = get_object_or_404(CoursePage, pk=course_id)
    if not selectors.can_view_report(request.user, course):
        raise PermissionDenied
    return selectors.instructor_report(course)


@login_required
@require_GET
def instructor_report(request, course_id: int):
    """Enrolments, completion rate, quiz average and where learners stall, for one course."""
    return render(request, "courses/instructor_report.html", _report(request, course_id))


@login_required
@require_GET
def instructor_report_csv(request, course_id: int):
    """The instructor view as CSV (UTF-8 with BOM so spreadsheet programs read Chinese)."""
    report = _report(request, course_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="course-{course_id}-learners.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Learner"),
            _("E-mail"),
            _("Status"),
            _("Enrolled at"),
            _("Progress (%)"),
            _("Completed at"),
            _("Average quiz score"),
            _("Stalled at lesson"),
        ]
    )
    for row in report["rows"]:
        enrolment = row["enrolment"]
        writer.writerow(
            [
                _csv_cell(str(enrolment.user)),
                _csv_cell(enrolment.user.email),
                enrolment.get_status_display(),
                enrolment.enrolled_at.isoformat(),
                row["progress"].percent,
                row["completed_at"].isoformat() if row["completed_at"] else "",
                "" if row["quiz_average"] is None else f"{row['quiz_average']:.1f}",
                _csv_cell(row["stalled_at"].title) if row["stalled_at"] else "",
            ]
        )
    return response


def _csv_cell(value: str) -> str:
    # Cells starting with = + - @ run as formulas in spreadsheet programs (CSV injection).
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
