"""The only door to the courses app: its agreed selectors (see docs/briefs contracts).

Imported lazily so this app loads (and its tests run) whether or not courses is installed
yet; tests replace these two functions with fakes.
"""

from typing import Any


def course_summary(course_page_id: int) -> dict[str, Any]:
    """`courses.selectors.course_summary` (title, skills, hours, level, institution...)."""
    from courses import selectors

    return selectors.course_summary(course_page_id)


def program_summary(program_page_id: int) -> dict[str, Any]:
    """`courses.selectors.program_summary` when courses provides it, else the course shape."""
    from courses import selectors

    summary = getattr(selectors, "program_summary", None) or selectors.course_summary
    return summary(program_page_id)


def institution_summary(institution_id: int) -> dict[str, Any]:
    """`courses.selectors.institution_summary`: id, slug, name {en, zh-hans}, url, logo_url."""
    from courses import selectors

    return selectors.institution_summary(institution_id)


def staff_institution_ids(user) -> set[int] | None:
    """The institutions whose credentials `user` may revoke or suspend; None means all.

    Superusers manage every institution. Others get what
    `courses.selectors.staff_institution_ids(user_id)` returns when courses provides it (a
    proposed addition to the contract); until then the permission alone decides.
    """
    if user.is_superuser:
        return None
    try:
        from courses import selectors
    except ImportError:  # courses not installed yet: the permission alone decides
        return None
    finder = getattr(selectors, "staff_institution_ids", None)
    if finder is None:
        return None
    return {int(i) for i in finder(user.pk)}
