"""Reads of the courses app: the functions other apps may call (contracts.md) and page contexts.

Every function here runs a bounded number of queries whatever the number of courses or lessons
(tests/courses/test_query_counts.py holds them to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Exists, Max, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from .grading import present_quiz
from .models import (
    CourseCompletion,
    CoursePage,
    Enrolment,
    Industry,
    Institution,
    LessonPage,
    LessonProgress,
    ModulePage,
    ProgramCourse,
    ProgramPage,
    Quiz,
    QuizAttempt,
    Skill,
)
from .models.taxonomy import Level
from .pagecache import ENTRY_SECONDS, versioned_key
from .search import segment_query

# ---------------------------------------------------------------- locales and source pages


def source_locale_code() -> str:
    """The locale content is authored in (the default language, zh-hans)."""
    return settings.LANGUAGE_CODE


def source_page(page: Page) -> Page:
    """The version of `page` in the source locale (itself when it has no such translation)."""
    if page.locale.language_code == source_locale_code():
        return page
    model = type(page)
    return (
        model.objects.filter(
            translation_key=page.translation_key, locale__language_code=source_locale_code()
        ).first()
        or page
    )


def localize(pages, locale: Locale | int) -> list:
    """`pages` replaced by their live translation in `locale` where one exists (one query)."""
    pages = list(pages)
    if not pages:
        return []
    model = type(pages[0])
    keys = [p.translation_key for p in pages]
    queryset = model.objects.filter(translation_key__in=keys, locale=locale)
    if issubclass(model, Page):
        queryset = queryset.live()
    found = {p.translation_key: p for p in queryset}
    return [found.get(p.translation_key, p) for p in pages]


def current_locale() -> Locale:
    """The Wagtail locale of the active language, falling back to the source locale.

    Locales almost never change: they are cached for a minute to save a query per request.
    """
    code = get_language() or source_locale_code()
    key = f"courses:locale:{code}"
    locale = cache.get(key)
    if locale is None:
        locale = Locale.objects.filter(language_code=code).first() or Locale.get_default()
        cache.set(key, locale, 60)
    return locale


# ---------------------------------------------------------------- contract functions


def institution_summary(institution_id: int) -> dict:
    """The institution as other apps see it (contracts.md)."""
    institution = Institution.objects.select_related("logo", "root_page").get(pk=institution_id)
    return _institution_dict(institution)


def _institution_dict(institution: Institution | None) -> dict | None:
    if institution is None:
        return None
    logo_url = None
    if institution.logo_id:
        logo_url = institution.logo.get_rendition("max-400x400|format-png").full_url
    url = ""
    if institution.root_page_id:
        url = institution.root_page.get_full_url() or ""
    return {
        "id": institution.pk,
        "slug": institution.slug,
        "name": institution.names(),
        "url": url,
        "logo_url": logo_url,
    }


def _training_summary(model, page_id: int, facts) -> dict:
    """A course or programme in both languages, in the shape of contracts.md; `facts(source)`
    gives its hours, level and skills (courses have their own, programmes derive them from
    their courses)."""
    page = model.objects.select_related("locale").get(pk=page_id)
    source = source_page(page)
    versions = {
        p.locale.language_code: p
        for p in model.objects.filter(translation_key=page.translation_key).select_related("locale")
    }
    zh = versions.get("zh-hans", source)
    en = versions.get("en", source)
    institution = (
        Institution.objects.select_related("logo", "root_page").get(pk=source.institution_id)
        if source.institution_id
        else None
    )
    return {
        "id": source.pk,
        "url": source.get_full_url() or "",
        "title": {"en": en.title, "zh-hans": zh.title},
        "description": {"en": en.summary, "zh-hans": zh.summary},
        **facts(source),
        "institution": _institution_dict(institution),
        "credential_template_id": source.credential_template_id,
        "outcomes": {"en": en.outcomes_list, "zh-hans": zh.outcomes_list},
    }


def course_summary(course_page_id: int) -> dict:
    """A course in both languages, for credentials and other apps (contracts.md).

    Accepts the id of the course in any locale; `id` and `url` are those of the source page.
    """

    def facts(course: CoursePage) -> dict:
        return {
            "hours": course.hours,
            "level": course.level,
            "skills": [skill.as_dict() for skill in course.skills.order_by("code")],
        }

    return _training_summary(CoursePage, course_page_id, facts)


def completed_courses(user_id: int) -> list[int]:
    """Source-locale page ids of the courses `user_id` has completed (contracts.md)."""
    return list(
        CourseCompletion.objects.filter(user_id=user_id)
        .order_by("completed_at")
        .values_list("course_id", flat=True)
    )


# ---------------------------------------------------------------- outline and progress


@dataclass(frozen=True)
class OutlineLesson:
    """A lesson as the outline shows it."""

    page: LessonPage
    done: bool
    current: bool = False


@dataclass(frozen=True)
class OutlineModule:
    """A module and its lessons."""

    page: ModulePage
    lessons: tuple[OutlineLesson, ...]


def course_lessons(course: CoursePage) -> list[LessonPage]:
    """The live lessons of `course`, in outline order, without their bodies (one query)."""
    return list(LessonPage.objects.live().descendant_of(course).defer("body").order_by("path"))


def lessons_of_courses(courses: list[CoursePage]) -> dict[UUID, list[LessonPage]]:
    """The live lessons of several courses in outline order, keyed by course translation key
    (one query, without the lesson bodies)."""
    if not courses:
        return {}
    lesson_q = Q()
    for page in courses:
        lesson_q |= Q(path__startswith=page.path, depth__gt=page.depth)
    by_course: dict[UUID, list[LessonPage]] = {}
    for lesson in LessonPage.objects.live().filter(lesson_q).defer("body").order_by("path"):
        for page in courses:
            if lesson.path.startswith(page.path):
                by_course.setdefault(page.translation_key, []).append(lesson)
    return by_course


def progress_by_lesson(user, course_key: UUID) -> dict[UUID, LessonProgress]:
    """The user's progress rows in a course, keyed by lesson translation key (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        p.lesson_key: p for p in LessonProgress.objects.filter(user=user, course_key=course_key)
    }


def lesson_satisfied(lesson: LessonPage, progress: LessonProgress | None, course) -> bool:
    """Whether `lesson` meets the course's completion rules for this learner."""
    if not lesson.is_required:
        return True
    if progress is None:
        return False
    if lesson.has_quiz and course.require_quizzes and not progress.quiz_passed_at:
        return False
    if lesson.has_lab and course.require_labs and not progress.lab_passed_at:
        return False
    return not (course.require_lessons and not (progress.completed_at or progress.read_at))


def lesson_done(lesson: LessonPage, progress: LessonProgress | None) -> bool:
    """Whether the learner has finished the lesson (read it, passed its quiz and lab)."""
    return bool(progress and progress.completed_at)


def _outline(modules, lessons, progress, current_key=None) -> list[OutlineModule]:
    by_module: dict[str, list[OutlineLesson]] = {m.path: [] for m in modules}
    for lesson in lessons:
        parent_path = lesson.path[: -Page.steplen]
        if parent_path in by_module:
            by_module[parent_path].append(
                OutlineLesson(
                    lesson,
                    lesson_done(lesson, progress.get(lesson.translation_key)),
                    lesson.translation_key == current_key,
                )
            )
    return [OutlineModule(m, tuple(by_module[m.path])) for m in modules]


@dataclass(frozen=True)
class CourseRules:
    """A course's completion rules (those of its source-locale page)."""

    require_lessons: bool
    require_quizzes: bool
    require_labs: bool


def course_structure(course: CoursePage, cached: bool = True) -> dict:
    """What every learner sees of a course: modules, live lessons (without bodies), rules,
    prerequisites, skills and industries. Cached under the content version (ADR 0036), so a
    publication shows at once; `cached=False` (previews) reads the page as given."""
    key = versioned_key("course-structure", course.pk) if cached else None
    structure = cache.get(key) if cached else None
    if structure is None:
        source = source_page(course)
        structure = {
            "rules": CourseRules(
                source.require_lessons, source.require_quizzes, source.require_labs
            ),
            "lessons": course_lessons(course),
            "modules": list(ModulePage.objects.live().child_of(course).order_by("path")),
            "prerequisites": localize(
                source.prerequisites.all().order_by("path"), course.locale_id
            ),
            "skills": list(source.skills.all()),
            "industries": list(source.industries.all()),
        }
        if cached:
            cache.set(key, structure, ENTRY_SECONDS)
    return structure


def learner_course_state(user, course_key: UUID) -> tuple[Enrolment | None, bool, dict]:
    """The learner's active enrolment, whether they completed the course, and their progress
    rows keyed by lesson translation key (two queries; nothing for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return None, False, {}
    enrolment = (
        Enrolment.objects.filter(user=user, course_key=course_key, status=Enrolment.Status.ACTIVE)
        .annotate(
            course_completed=Exists(
                CourseCompletion.objects.filter(user=OuterRef("user"), course_key=course_key)
            )
        )
        .first()
    )
    completed = bool(enrolment and enrolment.course_completed)
    return enrolment, completed, progress_by_lesson(user, course_key)


@dataclass(frozen=True)
class CourseProgress:
    """A learner's progress in a course."""

    done: int
    total: int
    completed: bool

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        return round(100 * self.done / self.total) if self.total else 0


def _progress(course_rules, lessons, progress, completed: bool) -> CourseProgress:
    required = [lesson for lesson in lessons if lesson.is_required]
    done = sum(
        1
        for lesson in required
        if lesson_satisfied(lesson, progress.get(lesson.translation_key), course_rules)
    )
    return CourseProgress(done=done, total=len(required), completed=completed)


def enrolment_for(user, course_key: UUID) -> Enrolment | None:
    """The learner's active enrolment in a course, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Enrolment.objects.filter(
        user=user, course_key=course_key, status=Enrolment.Status.ACTIVE
    ).first()


def course_detail(course: CoursePage, user, cached: bool = True) -> dict:
    """Context of a course page: outline with done marks, progress, enrolment, prerequisites.

    The course's structure comes from the cache (`course_structure`); the learner's part
    costs two queries, three with prerequisites."""
    structure = course_structure(course, cached)
    lessons, rules = structure["lessons"], structure["rules"]
    enrolment, completed, progress = learner_course_state(user, course.translation_key)
    course_progress = _progress(rules, lessons, progress, completed)
    resume = None
    if enrolment:
        resume = _resume_lesson(lessons, progress, enrolment, rules)
    prerequisites = structure["prerequisites"]
    done_prereqs = set()
    if getattr(user, "is_authenticated", False) and prerequisites:
        done_prereqs = set(
            CourseCompletion.objects.filter(
                user=user, course_key__in=[p.translation_key for p in prerequisites]
            ).values_list("course_key", flat=True)
        )
    return {
        "outline": _outline(structure["modules"], lessons, progress),
        "progress": course_progress,
        "enrolment": enrolment,
        "resume_lesson": resume,
        "prerequisites": [(p, p.translation_key in done_prereqs) for p in prerequisites],
        "skills": structure["skills"],
        "industries": structure["industries"],
        "lesson_count": len(lessons),
        "can_view_report": can_view_report(user, course),
    }


def _resume_lesson(lessons, progress, enrolment, course_rules):
    """The last lesson viewed if unfinished, else the first unfinished, else the first."""
    if not lessons:
        return None
    by_key = {lesson.translation_key: lesson for lesson in lessons}
    last = by_key.get(enrolment.last_lesson_key)
    if last is not None and not lesson_done(last, progress.get(last.translation_key)):
        return last
    for lesson in lessons:
        if not lesson_satisfied(lesson, progress.get(lesson.translation_key), course_rules):
            return lesson
    return last or lessons[0]


def lesson_course(lesson: LessonPage) -> CoursePage:
    """The course a lesson belongs to (one query)."""
    return CoursePage.objects.get(path=lesson.path[: -2 * Page.steplen])


def _cached_lesson_course(lesson: LessonPage, cached: bool) -> CoursePage:
    if not cached:
        return lesson_course(lesson)
    key = versioned_key("lesson-course", lesson.pk)
    course = cache.get(key)
    if course is None:
        course = lesson_course(lesson)
        cache.set(key, course, ENTRY_SECONDS)
    return course


def lesson_access(lesson: LessonPage, user) -> str | None:
    """None when `user` may open the lesson, else the reason to show them."""
    if not getattr(user, "is_authenticated", False):
        return _("Log in and enrol in the course to open its lessons.")
    course = lesson_course(lesson)
    return _lesson_refusal(course, enrolment_for(user, course.translation_key), user)


def _lesson_refusal(course, enrolment, user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return _("Log in and enrol in the course to open its lessons.")
    if enrolment is None and not can_view_report(user, course):
        return _("Enrol in this course to open its lessons.")
    return None


@dataclass(frozen=True)
class QuizPanel:
    """A quiz block as the lesson shows it: questions without answers and the learner's record."""

    block_id: str
    quiz: Quiz
    questions: list
    attempts_used: int
    attempts_left: int | None
    best_score: float | None
    passed: bool


def lesson_quizzes(lesson: LessonPage) -> list[tuple[str, Quiz]]:
    """(block id, quiz in the lesson's locale) of each quiz block of the lesson's body."""
    blocks = [b for b in lesson.body if b.block_type == "quiz" and b.value["quiz"] is not None]
    if not blocks:
        return []
    quizzes = localize([b.value["quiz"] for b in blocks], lesson.locale_id)
    return [(block.id, quiz) for block, quiz in zip(blocks, quizzes, strict=True)]


def _quiz_panels(lesson: LessonPage, user, quizzes: list[tuple[str, Quiz]]) -> list[QuizPanel]:
    if not quizzes:
        return []
    keys = [q.translation_key for _block_id, q in quizzes]
    stats = {}
    if getattr(user, "is_authenticated", False):
        stats = {
            row["quiz_key"]: row
            for row in QuizAttempt.objects.filter(
                user=user, lesson_key=lesson.translation_key, quiz_key__in=keys
            )
            .values("quiz_key")
            .annotate(
                used=Count("id"), best=Max("score"), passes=Count("id", filter=Q(passed=True))
            )
        }
    panels = []
    for block_id, quiz in quizzes:
        row = stats.get(quiz.translation_key, {})
        used = row.get("used", 0)
        seed = f"{getattr(user, 'pk', 0)}:{quiz.translation_key}:{used}"
        panels.append(
            QuizPanel(
                block_id=block_id,
                quiz=quiz,
                questions=present_quiz(
                    quiz.pk,
                    quiz.questions,
                    seed=seed,
                    shuffle_questions=quiz.shuffle_questions,
                    shuffle_options=quiz.shuffle_options,
                ),
                attempts_used=used,
                attempts_left=(max(quiz.max_attempts - used, 0) if quiz.max_attempts else None),
                best_score=row.get("best"),
                passed=bool(row.get("passes")),
            )
        )
    return panels


def lesson_detail(lesson: LessonPage, user, cached: bool = True, quizzes=None) -> dict:
    """Context of the lesson player: outline, previous/next, done state, quizzes, and whether
    the learner may open it (`refusal`). The course's structure comes from the cache; the
    learner's part costs two queries, three with quizzes. `quizzes` are the lesson's
    (block id, quiz) pairs when the caller has them (courses.pagecache.lesson_body)."""
    course = _cached_lesson_course(lesson, cached)
    structure = course_structure(course, cached)
    lessons = structure["lessons"]
    enrolment, completed, progress = learner_course_state(user, course.translation_key)
    keys = [item.translation_key for item in lessons]
    index = keys.index(lesson.translation_key) if lesson.translation_key in keys else -1
    own = progress.get(lesson.translation_key)
    if quizzes is None:
        quizzes = lesson_quizzes(lesson)
    return {
        "course": course,
        "enrolment": enrolment,
        "refusal": _lesson_refusal(course, enrolment, user),
        "view_recorded": _view_recorded(lesson, enrolment, own),
        "outline": _outline(structure["modules"], lessons, progress, lesson.translation_key),
        "previous_lesson": lessons[index - 1] if index > 0 else None,
        "next_lesson": lessons[index + 1] if 0 <= index < len(lessons) - 1 else None,
        "lesson_done": lesson_done(lesson, own),
        "lesson_read": bool(own and own.read_at),
        "can_mark_read": not (lesson.has_quiz or lesson.has_lab),
        "quiz_panels": {p.block_id: p for p in _quiz_panels(lesson, user, quizzes)},
        "progress": _progress(structure["rules"], lessons, progress, completed),
        "position": index + 1,
        "lesson_total": len(lessons),
    }


# Re-opening a lesson moves the "resume" position at most this often (no write on most GETs).
RESUME_WRITE_INTERVAL = timedelta(minutes=1)


def _view_recorded(lesson: LessonPage, enrolment, progress) -> bool:
    """Whether `services.lesson_viewed` would change nothing for this learner and lesson."""
    if enrolment is None:
        return True
    return (
        progress is not None
        and enrolment.last_lesson_key == lesson.translation_key
        and enrolment.last_seen_at is not None
        and enrolment.last_seen_at >= timezone.now() - RESUME_WRITE_INTERVAL
    )


# ---------------------------------------------------------------- programmes


def program_detail(program: ProgramPage, user) -> dict:
    """Context of a programme page: its courses in order with the learner's progress."""
    links = list(
        ProgramCourse.objects.filter(program=program)
        .select_related("course")
        .order_by("sort_order")
    )
    courses = localize([link.course for link in links], program.locale)
    completed_keys = set()
    enrolled_keys = set()
    if getattr(user, "is_authenticated", False):
        keys = [c.translation_key for c in courses]
        completed_keys = set(
            CourseCompletion.objects.filter(user=user, course_key__in=keys).values_list(
                "course_key", flat=True
            )
        )
        enrolled_keys = set(
            Enrolment.objects.filter(
                user=user, course_key__in=keys, status=Enrolment.Status.ACTIVE
            ).values_list("course_key", flat=True)
        )
    done = sum(1 for c in courses if c.translation_key in completed_keys)
    return {
        "program_courses": [
            {
                "page": course,
                "completed": course.translation_key in completed_keys,
                "enrolled": course.translation_key in enrolled_keys,
            }
            for course in courses
        ],
        "total_hours": sum(c.hours for c in courses),
        "program_progress": CourseProgress(
            done=done, total=len(courses), completed=bool(courses) and done == len(courses)
        ),
    }


def program_pages_with_course(course_key: UUID) -> list[ProgramPage]:
    """Source-locale programmes that include the course with `course_key`."""
    program_ids = ProgramCourse.objects.filter(course__translation_key=course_key).values(
        "program_id"
    )
    programs = ProgramPage.objects.live().filter(pk__in=program_ids)
    return list({source_page(p).pk: source_page(p) for p in programs}.values())


def program_course_keys(program: ProgramPage) -> list[UUID]:
    """Translation keys of a programme's courses."""
    return list(
        ProgramCourse.objects.filter(program=program).values_list(
            "course__translation_key", flat=True
        )
    )


# ---------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class CatalogueFilters:
    """Parsed catalogue filters; unknown or malformed values are dropped, never an error."""

    q: str = ""
    industry: str = ""
    skill: str = ""
    level: str = ""
    language: str = ""
    institution: str = ""
    max_hours: int | None = None

    @classmethod
    def from_query(cls, data) -> CatalogueFilters:
        """Filters from request.GET."""

        def text(name, limit=100):
            return str(data.get(name, "") or "").strip()[:limit]

        level = text("level")
        language = text("language")
        try:
            max_hours = int(text("max_hours", 6)) if text("max_hours", 6) else None
        except ValueError:
            max_hours = None
        if max_hours is not None and max_hours <= 0:
            max_hours = None
        return cls(
            q=text("q", 200),
            industry=text("industry"),
            skill=text("skill"),
            level=level if level in Level.values else "",
            language=language if language in {"zh-hans", "en", "bilingual"} else "",
            institution=text("institution"),
            max_hours=max_hours,
        )

    @property
    def active(self) -> bool:
        return any(
            [self.q, self.industry, self.skill, self.level, self.language, self.institution]
        ) or bool(self.max_hours)


def search_courses(queryset, query: str) -> list[int] | None:
    """Ids of pages in `queryset` matching `query`, best first; None when there is no query."""
    terms = segment_query(query)
    if not terms:
        return None
    results = queryset.search(terms, operator="and")
    return [page.pk for page in results]


def catalogue_entries(locale: Locale, within: Page | None = None, filters=None) -> dict:
    """Courses and programmes of the catalogue in `locale`, filtered and searched.

    Runs a fixed number of queries whatever the number of courses (prefetches, no N+1).
    """
    filters = filters or CatalogueFilters()
    courses = CoursePage.objects.live().filter(locale=locale)
    programs = ProgramPage.objects.live().filter(locale=locale)
    if within is not None:
        courses = courses.descendant_of(within)
        programs = programs.descendant_of(within)
    if filters.level:
        courses = courses.filter(level=filters.level)
    if filters.language:
        courses = courses.filter(language=filters.language)
    if filters.max_hours:
        courses = courses.filter(hours__lte=filters.max_hours)
    if filters.institution:
        courses = courses.filter(institution__slug=filters.institution)
        programs = programs.filter(institution__slug=filters.institution)
    if filters.industry:
        courses = courses.filter(industries__code=filters.industry)
    if filters.skill:
        courses = courses.filter(skills__code=filters.skill)
    ranked = search_courses(CoursePage.objects.live().filter(locale=locale), filters.q)
    if ranked is not None:
        courses = courses.filter(pk__in=ranked)
        program_hits = search_courses(ProgramPage.objects.live().filter(locale=locale), filters.q)
        programs = programs.filter(pk__in=program_hits or [])
    courses = list(
        courses.distinct()
        .select_related("institution", "cover_image")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("code")),
            Prefetch("industries", queryset=Industry.objects.order_by("code")),
        )
        .order_by("path")
    )
    if ranked is not None:
        order = {pk: i for i, pk in enumerate(ranked)}
        courses.sort(key=lambda c: order.get(c.pk, len(order)))
    show_programs = not (filters.industry or filters.skill or filters.level or filters.language)
    return {
        "courses": courses,
        "programs": list(programs.select_related("institution").order_by("path"))
        if show_programs
        else [],
        "filters": filters,
    }


def catalogue_choices() -> dict:
    """Values the catalogue's filter form offers."""
    return {
        "industries": list(Industry.objects.all()),
        "skills": list(Skill.objects.all()),
        "levels": Level.choices,
        "institutions": list(Institution.objects.exclude(root_page=None)),
    }


def featured_programs(locale: Locale, limit: int = 3) -> list[ProgramPage]:
    """Live programmes in `locale` for the home page."""
    return list(
        ProgramPage.objects.live()
        .filter(locale=locale)
        .select_related("institution")
        .order_by("path")[:limit]
    )


# ---------------------------------------------------------------- dashboard


def learner_dashboard(user, locale: Locale) -> dict:
    """Courses in progress with the next lesson, completed courses, earned credentials."""
    enrolments = list(
        Enrolment.objects.filter(user=user, status=Enrolment.Status.ACTIVE).order_by(
            "-last_seen_at", "-enrolled_at"
        )
    )
    keys = [e.course_key for e in enrolments]
    pages = {
        p.translation_key: p
        for p in CoursePage.objects.live().filter(translation_key__in=keys, locale=locale)
    }
    missing = [k for k in keys if k not in pages]
    if missing:
        for page in CoursePage.objects.live().filter(translation_key__in=missing):
            pages.setdefault(page.translation_key, page)
    completions = {c.course_key: c for c in CourseCompletion.objects.filter(user=user)}
    lessons_by_course = lessons_of_courses([pages[k] for k in keys if k in pages])
    progress_rows: dict[UUID, dict] = {}
    for row in LessonProgress.objects.filter(user=user, course_key__in=keys):
        progress_rows.setdefault(row.course_key, {})[row.lesson_key] = row
    sources = {
        p.translation_key: p
        for p in CoursePage.objects.filter(
            translation_key__in=keys, locale__language_code=source_locale_code()
        ).only("translation_key", "require_lessons", "require_quizzes", "require_labs")
    }
    in_progress, completed = [], []
    for enrolment in enrolments:
        page = pages.get(enrolment.course_key)
        if page is None:
            continue
        lessons = lessons_by_course.get(enrolment.course_key, [])
        progress = progress_rows.get(enrolment.course_key, {})
        rules = sources.get(enrolment.course_key, page)
        is_done = enrolment.course_key in completions
        item = {
            "page": page,
            "progress": _progress(rules, lessons, progress, is_done),
            "next_lesson": None if is_done else _resume_lesson(lessons, progress, enrolment, rules),
            "completed_at": completions[enrolment.course_key].completed_at if is_done else None,
        }
        (completed if is_done else in_progress).append(item)
    return {
        "in_progress": in_progress,
        "completed": completed,
        "credentials": earned_credentials(user.pk),
    }


def earned_credentials(user_id: int) -> list[dict]:
    """The learner's credentials, from the credentials app's selector."""
    from credentials import selectors as credential_selectors  # imported late: it imports us

    return credential_selectors.user_credentials(user_id)


# ---------------------------------------------------------------- instructor view


def can_view_report(user, course: CoursePage) -> bool:
    """Whether `user` may see a course's instructor view (editors and reviewers of its subtree)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    # Institution staff get admin access through their groups; the permissions are cached on
    # the user object (the MFA middleware loaded them), so learners cost no query here.
    if not user.is_staff and not user.has_perm("wagtailadmin.access_admin"):
        return False
    return course.permissions_for_user(user).can_edit()


def instructor_report(course: CoursePage) -> dict:
    """Enrolments, completion rate, average quiz score, where learners stall, per-learner rows."""
    source = source_page(course)
    key = course.translation_key
    lessons = course_lessons(source)
    enrolments = list(
        Enrolment.objects.filter(course_key=key).select_related("user").order_by("enrolled_at")
    )
    completions = {
        c.user_id: c.completed_at for c in CourseCompletion.objects.filter(course_key=key)
    }
    progress: dict[int, dict] = {}
    for row in LessonProgress.objects.filter(course_key=key):
        progress.setdefault(row.user_id, {})[row.lesson_key] = row
    best = {
        row["user_id"]: row["avg"]
        for row in QuizAttempt.objects.filter(course_key=key)
        .values("user_id")
        .annotate(avg=Avg("score"))
    }
    stall_counts: dict[UUID, int] = {}
    rows = []
    for enrolment in enrolments:
        user_progress = progress.get(enrolment.user_id, {})
        completed_at = completions.get(enrolment.user_id)
        summary = _progress(source, lessons, user_progress, completed_at is not None)
        stalled_at = None
        if completed_at is None and enrolment.status == Enrolment.Status.ACTIVE:
            stalled_at = next(
                (
                    lesson
                    for lesson in lessons
                    if not lesson_satisfied(
                        lesson, user_progress.get(lesson.translation_key), source
                    )
                ),
                None,
            )
            if stalled_at is not None:
                stall_counts[stalled_at.translation_key] = (
                    stall_counts.get(stalled_at.translation_key, 0) + 1
                )
        rows.append(
            {
                "enrolment": enrolment,
                "progress": summary,
                "completed_at": completed_at,
                "quiz_average": best.get(enrolment.user_id),
                "stalled_at": stalled_at,
            }
        )
    lesson_by_key = {lesson.translation_key: lesson for lesson in lessons}
    stalls = sorted(
        ((lesson_by_key[k], n) for k, n in stall_counts.items()), key=lambda pair: -pair[1]
    )
    active = sum(1 for e in enrolments if e.status == Enrolment.Status.ACTIVE)
    scores = [s for s in best.values() if s is not None]
    return {
        "course": course,
        "enrolled": len(enrolments),
        "active": active,
        "completed": len(completions),
        "completion_rate": round(100 * len(completions) / len(enrolments)) if enrolments else 0,
        "quiz_average": round(sum(scores) / len(scores), 1) if scores else None,
        "stalls": stalls,
        "rows": rows,
    }


# ---------------------------------------------------------------- for accounts and employers


def sponsorable_courses() -> list[dict]:
    """Every live course an employer may sponsor seats in, as `course_summary` dicts."""
    sources = (
        CoursePage.objects.live()
        .filter(locale__language_code=source_locale_code())
        .order_by("title")
        .values_list("pk", flat=True)
    )
    return [course_summary(pk) for pk in sources]


def program_course_ids(program_page_id: int) -> list[int]:
    """Source-locale page ids of the courses of a programme (any locale's programme id)."""
    program = source_page(ProgramPage.objects.get(pk=program_page_id))
    keys = program_course_keys(program)
    return list(
        CoursePage.objects.filter(
            translation_key__in=keys, locale__language_code=source_locale_code()
        ).values_list("pk", flat=True)
    )


def progress_for_users(user_ids: list[int], course_page_ids: list[int]) -> list[dict]:
    """One row per active enrolment of `user_ids` in `course_page_ids` (source-locale ids):
    {user_id, course_page_id, percent, completed_at, enrolled_at}. Queries do not grow with
    the number of users."""
    sources = {
        p.translation_key: p
        for p in CoursePage.objects.filter(pk__in=course_page_ids).only(
            "pk",
            "path",
            "depth",
            "translation_key",
            "require_lessons",
            "require_quizzes",
            "require_labs",
        )
    }
    if not sources or not user_ids:
        return []
    enrolments = list(
        Enrolment.objects.filter(
            user_id__in=user_ids, course_key__in=sources, status=Enrolment.Status.ACTIVE
        )
    )
    completions = {
        (c.user_id, c.course_key): c.completed_at
        for c in CourseCompletion.objects.filter(user_id__in=user_ids, course_key__in=sources)
    }
    lessons_by_course = lessons_of_courses(list(sources.values()))
    rows: dict[tuple[int, UUID], dict] = {}
    for row in LessonProgress.objects.filter(user_id__in=user_ids, course_key__in=sources):
        rows.setdefault((row.user_id, row.course_key), {})[row.lesson_key] = row
    result = []
    for enrolment in enrolments:
        key = (enrolment.user_id, enrolment.course_key)
        course = sources[enrolment.course_key]
        progress = _progress(
            course,
            lessons_by_course.get(course.translation_key, []),
            rows.get(key, {}),
            key in completions,
        )
        result.append(
            {
                "user_id": enrolment.user_id,
                "course_page_id": course.pk,
                "percent": progress.percent,
                "completed_at": completions.get(key),
                "enrolled_at": enrolment.enrolled_at,
            }
        )
    return result


def skills_framework() -> list[dict]:
    """Every skill of the framework: [{code, name {"en","zh-hans"}, level, framework_url}]."""
    return [skill.as_dict() for skill in Skill.objects.order_by("code")]


def learner_export(user_id: int) -> dict:
    """What the courses app holds about a learner, for their JSON data export."""

    def iso(value):
        return value.isoformat() if value else None

    return {
        "enrolments": [
            {
                "course_page_id": e.course_id,
                "status": e.status,
                "sponsorship_code": e.sponsorship_code,
                "enrolled_at": iso(e.enrolled_at),
                "last_seen_at": iso(e.last_seen_at),
            }
            for e in Enrolment.objects.filter(user_id=user_id).order_by("enrolled_at")
        ],
        "lesson_progress": [
            {
                "lesson_key": str(p.lesson_key),
                "course_key": str(p.course_key),
                "first_seen_at": iso(p.first_seen_at),
                "read_at": iso(p.read_at),
                "quiz_passed_at": iso(p.quiz_passed_at),
                "quiz_best_score": p.quiz_best_score,
                "lab_passed_at": iso(p.lab_passed_at),
                "lab_best_score": p.lab_best_score,
                "completed_at": iso(p.completed_at),
            }
            for p in LessonProgress.objects.filter(user_id=user_id).order_by("first_seen_at")
        ],
        "quiz_attempts": [
            {
                "quiz_key": str(a.quiz_key),
                "number": a.number,
                "score": a.score,
                "passed": a.passed,
                "answers": a.answers,
                "submitted_at": iso(a.submitted_at),
            }
            for a in QuizAttempt.objects.filter(user_id=user_id).order_by("submitted_at")
        ],
        "completed_courses": [
            {"course_page_id": c.course_id, "completed_at": iso(c.completed_at)}
            for c in CourseCompletion.objects.filter(user_id=user_id).order_by("completed_at")
        ],
    }


def staff_institution_ids(user_id: int) -> list[int]:
    """Institutions whose editor, reviewer or credential officer group `user_id` belongs to."""
    return list(
        Institution.objects.filter(
            Q(editors_group__user__pk=user_id)
            | Q(reviewers_group__user__pk=user_id)
            | Q(credential_officers_group__user__pk=user_id)
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def program_summary(program_page_id: int) -> dict:
    """A programme in both languages, in the shape of `course_summary` (for credentials):
    hours add up over its courses, skills are their union, level is the highest."""

    def facts(program: ProgramPage) -> dict:
        courses = list(
            CoursePage.objects.filter(
                translation_key__in=program_course_keys(program),
                locale__language_code=source_locale_code(),
            ).prefetch_related("skills")
        )
        skills = {s.code: s.as_dict() for course in courses for s in course.skills.all()}
        order = list(Level.values)
        levels = [course.level for course in courses if course.level in order]
        return {
            "hours": sum(course.hours for course in courses),
            "level": max(levels, key=order.index) if levels else "",
            "skills": [skills[code] for code in sorted(skills)],
        }

    return _training_summary(ProgramPage, program_page_id, facts)


def lesson_records(course_page_ids: list[int]) -> list[dict]:
    """The live lessons holding a lab or a quiz in the given courses (page ids in any
    locale), in outline order, for other apps (the credentials app's evidence):
    [{course_id, page_id (source locale), lesson_key, page_ids (every locale), title {"en",
    "zh-hans"}, has_lab, has_quiz}]. Four queries whatever the number of lessons."""
    key_of = dict(
        CoursePage.objects.filter(pk__in=course_page_ids).values_list("pk", "translation_key")
    )
    order: dict[UUID, int] = {}
    for pk in course_page_ids:  # the order given (a programme's course order)
        if pk in key_of:
            order.setdefault(key_of[pk], len(order))
    courses = sorted(
        CoursePage.objects.filter(
            translation_key__in=list(order), locale__language_code=source_locale_code()
        ).only("pk", "path", "depth", "translation_key"),
        key=lambda c: order[c.translation_key],
    )
    by_course = lessons_of_courses(courses)
    graded = [
        (course, lesson)
        for course in courses
        for lesson in by_course.get(course.translation_key, [])
        if lesson.has_lab or lesson.has_quiz
    ]
    if not graded:
        return []
    versions: dict[UUID, dict[str, LessonPage]] = {}
    for page in (
        LessonPage.objects.filter(
            translation_key__in=[lesson.translation_key for _c, lesson in graded]
        )
        .select_related("locale")
        .only("pk", "title", "translation_key", "locale__language_code")
    ):
        versions.setdefault(page.translation_key, {})[page.locale.language_code] = page
    records = []
    for course, lesson in graded:
        found = versions.get(lesson.translation_key, {})
        records.append(
            {
                "course_id": course.pk,
                "page_id": lesson.pk,
                "lesson_key": lesson.translation_key,
                "page_ids": sorted(p.pk for p in found.values()) or [lesson.pk],
                "title": {
                    "en": (found.get("en") or lesson).title,
                    "zh-hans": (found.get("zh-hans") or lesson).title,
                },
                "has_lab": lesson.has_lab,
                "has_quiz": lesson.has_quiz,
            }
        )
    return records


def best_quiz_results(user_id: int, lesson_keys: list[UUID]) -> dict[UUID, dict]:
    """The learner's best passing quiz attempt per lesson (translation keys), for other apps:
    {lesson_key: {score (percent), submitted_at, attempt, attempts}}. One query."""
    best: dict[UUID, dict] = {}
    counts: dict[UUID, int] = {}
    attempts = QuizAttempt.objects.filter(user_id=user_id, lesson_key__in=lesson_keys).order_by(
        "lesson_key", "-score", "submitted_at"
    )
    for attempt in attempts.only("lesson_key", "score", "passed", "submitted_at", "number"):
        counts[attempt.lesson_key] = counts.get(attempt.lesson_key, 0) + 1
        if attempt.passed and attempt.lesson_key not in best:
            best[attempt.lesson_key] = {
                "score": attempt.score,
                "submitted_at": attempt.submitted_at,
                "attempt": attempt.number,
            }
    for key, row in best.items():
        row["attempts"] = counts[key]
    return best
