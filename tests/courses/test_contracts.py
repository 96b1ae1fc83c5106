"""The read functions other apps rely on (contracts.md), in both languages."""

import pytest

from courses import selectors

from .factories import (
    SkillFactory,
    locale,
    make_course,
    make_institution,
    make_program,
    translate_course,
)

pytestmark = pytest.mark.django_db


def test_course_summary_has_both_languages_and_the_source_id():
    """course_summary gives titles, descriptions and outcomes in en and zh-hans, skills with
    codes and framework URLs, the institution, and the source page id for either translation."""
    institution = make_institution("demo", "Demo Polytechnic")
    course = make_course(
        institution,
        "PLC 编程基础",
        summary="结构化文本入门。",
        outcomes="读懂扫描周期\n编写 IF 语句",
        hours=16,
        credential_template_id=7,
    )
    course.skills.add(
        SkillFactory(
            code="PLC-ST-1",
            name_en="Structured Text",
            name_zh="结构化文本",
            framework_url="https://esco.ec.europa.eu/",
        )
    )
    course.save()
    en_course = translate_course(
        course,
        title="PLC programming basics",
        summary="An introduction to Structured Text.",
        outcomes="Read the scan cycle\nWrite IF statements",
    )
    summary = selectors.course_summary(en_course.pk)
    assert summary["id"] == course.pk
    assert summary["title"] == {"en": "PLC programming basics", "zh-hans": "PLC 编程基础"}
    assert summary["description"]["en"] == "An introduction to Structured Text."
    assert summary["outcomes"]["zh-hans"] == ["读懂扫描周期", "编写 IF 语句"]
    assert summary["outcomes"]["en"] == ["Read the scan cycle", "Write IF statements"]
    assert summary["hours"] == 16 and summary["level"] == "beginner"
    assert summary["credential_template_id"] == 7
    assert summary["skills"] == [
        {
            "code": "PLC-ST-1",
            "name": {"en": "Structured Text", "zh-hans": "结构化文本"},
            "level": "beginner",
            "framework_url": "https://esco.ec.europa.eu/",
        }
    ]
    assert summary["institution"]["slug"] == "demo"
    assert summary["institution"]["name"] == {
        "en": "Demo Polytechnic",
        "zh-hans": "Demo Polytechnic 学院",
    }
    assert summary["institution"]["logo_url"] is None
    assert summary["url"] == course.get_full_url() and "/zh-hans/" in summary["url"]


def test_institution_summary_matches_course_summary():
    """institution_summary returns the same dict as the course summary's institution."""
    institution = make_institution("beta", "Beta Academy")
    course = make_course(institution, "Course")
    assert (
        selectors.institution_summary(institution.pk)
        == selectors.course_summary(course.pk)["institution"]
    )


def test_completed_courses_is_empty_for_a_new_learner(learner):
    """completed_courses lists nothing before any completion."""
    assert selectors.completed_courses(learner.pk) == []


def test_featured_programs_are_those_of_the_active_locale():
    """The home page's programmes come from the requested locale only."""
    from .factories import make_program

    institution = make_institution()
    course = make_course(institution, "C")
    program = make_program(institution, "方案", [course])
    assert selectors.featured_programs(locale("zh-hans")) == [program]
    assert selectors.featured_programs(locale("en")) == []


def test_program_summary_adds_hours_and_unites_skills_of_its_courses():
    """program_summary has the course_summary shape: hours summed over the programme's
    courses, the union of their skills, and the highest of their levels."""
    institution = make_institution("demo", "Demo Polytechnic")
    plc = make_course(institution, "PLC 编程基础", hours=16, level="beginner")
    net = make_course(institution, "工业网络", hours=24, level="intermediate")
    plc.skills.add(SkillFactory(code="PLC-ST-1"))
    net.skills.add(SkillFactory(code="NET-MB-1"), SkillFactory(code="PLC-ST-1"))
    plc.save()  # skills are a ParentalManyToManyField: kept on save
    net.save()
    program = make_program(institution, "工业互联网 OT/IT 融合基础", [plc, net])
    summary = selectors.program_summary(program.pk)
    assert summary["id"] == program.pk
    assert summary["title"]["zh-hans"] == "工业互联网 OT/IT 融合基础"
    assert summary["hours"] == 40
    assert summary["level"] == "intermediate"
    assert [skill["code"] for skill in summary["skills"]] == ["NET-MB-1", "PLC-ST-1"]
    assert summary["institution"]["slug"] == "demo"
