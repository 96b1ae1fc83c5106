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

    Superusers and platform admins (`lms.selectors.is_platform_admin`) manage every
    institution; other staff manage the institutions whose editor, reviewer or credential
    officer group they belong to (`courses.selectors.staff_institution_ids`).
    """
    from lms import selectors as lms_selectors

    if user.is_superuser or lms_selectors.is_platform_admin(user):
        return None
    from courses import selectors

    return {int(i) for i in selectors.staff_institution_ids(user.pk)}
