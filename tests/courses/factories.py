"""Factories for the courses tests: users, institutions with their subtree, courses, quizzes."""

import factory
from wagtail.models import Locale, Page

from courses.models import (
    CataloguePage,
    CoursePage,
    Industry,
    Institution,
    LessonPage,
    ModulePage,
    ProgramCourse,
    ProgramPage,
    Quiz,
    Skill,
)

# The suite's one user factory, re-exported; staff users (is_staff=True) get a TOTP factor.
from tests.factories import UserFactory as UserFactory


class SkillFactory(factory.django.DjangoModelFactory):
    """A skill of the framework."""

    class Meta:
        model = Skill
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SK-{n:03d}")
    name_en = factory.Sequence(lambda n: f"Skill {n}")
    name_zh = factory.Sequence(lambda n: f"技能 {n}")
    area = Skill.Area.PLC
    level = "beginner"


class IndustryFactory(factory.django.DjangoModelFactory):
    """An industry tag."""

    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"industry-{n}")
    name_en = factory.Sequence(lambda n: f"Industry {n}")
    name_zh = factory.Sequence(lambda n: f"行业 {n}")


def locale(code: str) -> Locale:
    """The Wagtail locale for `code`, created when missing."""
    return Locale.objects.get_or_create(language_code=code)[0]


def site_root() -> Page:
    """The page the default site serves (Wagtail's initial welcome page)."""
    return Page.objects.get(depth=2, locale=locale("zh-hans"))


def make_institution(slug: str = "alpha", name: str = "Alpha College") -> Institution:
    """An institution with a catalogue page under the site root (zh-hans)."""
    catalogue = site_root().add_child(
        instance=CataloguePage(title=f"{name} catalogue", slug=slug, locale=locale("zh-hans"))
    )
    return Institution.objects.create(
        slug=slug, name_en=name, name_zh=f"{name} 学院", root_page=catalogue
    )


def make_course(
    institution: Institution,
    title: str = "Course",
    *,
    modules: int = 1,
    lessons: int = 2,
    summary: str = "A course.",
    lesson_bodies=None,
    **fields,
) -> CoursePage:
    """A live course with `modules` modules of `lessons` reading lessons each."""
    catalogue = institution.root_page.specific
    fields.setdefault("level", "beginner")
    fields.setdefault("hours", 4)
    course = catalogue.add_child(
        instance=CoursePage(title=title, summary=summary, locale=catalogue.locale, **fields)
    )
    bodies = list(lesson_bodies or [])
    for m in range(modules):
        module = course.add_child(
            instance=ModulePage(title=f"{title} module {m + 1}", locale=catalogue.locale)
        )
        for n in range(lessons):
            body = bodies.pop(0) if bodies else [("text", f"<p>Lesson {n + 1} text.</p>")]
            module.add_child(
                instance=LessonPage(
                    title=f"{title} lesson {m + 1}.{n + 1}", locale=catalogue.locale, body=body
                )
            )
    return course


def lessons_of(course: CoursePage) -> list[LessonPage]:
    """The course's lessons in outline order."""
    return list(LessonPage.objects.descendant_of(course).order_by("path"))


def plc_lab_block(scenario="motor_start_stop"):
    """A PLC lab block (the start/stop scenario, full marks to pass) as StreamField data."""
    return (
        "plc_lab",
        {
            "title": "Start/stop",
            "scenario": scenario,
            "instructions": "<p>Latch the motor.</p>",
            "pass_score": 100,
        },
    )


def single_choice(prompt="2 + 2 = ?", options=(("4", True), ("5", False)), points=1):
    """A single-choice question as StreamField data."""
    return (
        "single_choice",
        {
            "prompt": prompt,
            "points": points,
            "choices": [{"text": t, "correct": c} for t, c in options],
            "feedback_correct": "Right: 2 + 2 is 4.",
            "feedback_incorrect": "Count again.",
        },
    )


def make_quiz(questions=None, **fields) -> Quiz:
    """A quiz (zh-hans) with the given StreamField questions (default: one single choice)."""
    fields.setdefault("pass_mark", 50)
    return Quiz.objects.create(
        title=fields.pop("title", "Check"),
        locale=locale("zh-hans"),
        questions=questions or [single_choice()],
        **fields,
    )


def make_program(institution: Institution, title: str, courses) -> ProgramPage:
    """A live programme of `courses`, in order."""
    catalogue = institution.root_page.specific
    program = ProgramPage(title=title, summary="A programme.", locale=catalogue.locale)
    for i, course in enumerate(courses):
        program.program_courses.add(ProgramCourse(course=course, sort_order=i))
    catalogue.add_child(instance=program)
    return program


def translate(page: Page, code: str = "en", **fields) -> Page:
    """A published translation of `page` (its parent must be translated already)."""
    copy = page.specific.copy_for_translation(locale(code), copy_parents=True)
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


def translate_course(course: CoursePage, code: str = "en", **fields) -> CoursePage:
    """A published translation of a course with all its modules and lessons."""
    copy = translate(course, code, **fields)
    for page in course.get_descendants().order_by("path"):
        translate(page, code)
    return copy
