"""The only door to the courses app: its agreed selectors (see docs/briefs contracts).

Imported when first called, because courses imports the credentials selectors itself; tests
that isolate credentials from courses replace these functions with fakes.
"""

from typing import Any


def course_summary(course_page_id: int) -> dict[str, Any]:
    """`courses.selectors.course_summary` (title, skills, hours, level, institution...)."""
    from courses import selectors

    return selectors.course_summary(course_page_id)


def program_summary(program_page_id: int) -> dict[str, Any]:
    """`courses.selectors.program_summary`: the programme in the shape of a course summary."""
    from courses import selectors

    return selectors.program_summary(program_page_id)


def institution_summary(institution_id: int) -> dict[str, Any]:
    """`courses.selectors.institution_summary`: id, slug, name {en, zh-hans}, url, logo_url."""
    from courses import selectors

    return selectors.institution_summary(institution_id)


def staff_institution_ids(user) -> set[int] | None:
    """The institutions whose credentials `user` may revoke or suspend; None means all.

    Superusers manage every institution; other staff manage the institutions whose editor or
    reviewer group they belong to (`courses.selectors.staff_institution_ids`).
    """
    if user.is_superuser:
        return None
    from courses import selectors

    return {int(i) for i in selectors.staff_institution_ids(user.pk)}
