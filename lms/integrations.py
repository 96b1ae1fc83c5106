"""The one place where accounts and organisations call the courses and credentials apps.

Only their public `selectors` and `services` are used (import-linter contract). They are
imported when first called, because the courses and credentials apps import `lms.services`
themselves. Tests that isolate accounts from those apps patch the functions of this module.
"""

import importlib
import logging
from datetime import datetime
from functools import cache
from typing import Any

logger = logging.getLogger(__name__)


@cache
def _function(dotted: str):
    module_name, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), name)


def _call(dotted: str, *args, **kwargs):
    """Call the other app's public function named `dotted`."""
    return _function(dotted)(*args, **kwargs)


def course_summary(course_page_id: int) -> dict | None:
    """courses.selectors.course_summary (agreed contract); None when unknown."""
    return _call("courses.selectors.course_summary", course_page_id)


def sponsorable_courses() -> list[dict]:
    """Courses an employer may sponsor, as course_summary dicts (`courses.selectors.sponsorable_courses() -> list[dict]`, live courses of every institution)."""
    return _call("courses.selectors.sponsorable_courses")


def program_course_ids(program_page_id: int) -> list[int]:
    """The courses of a programme (`courses.selectors.program_course_ids`)."""
    return _call("courses.selectors.program_course_ids", program_page_id)


def progress_for_users(user_ids: list[int], course_page_ids: list[int]) -> list[dict]:
    """Progress rows (`courses.selectors.progress_for_users(user_ids,
    course_page_ids)`), one per enrolment: {user_id, course_page_id, percent: int 0-100,
    completed_at: datetime | None, enrolled_at: datetime}.
    """
    if not user_ids or not course_page_ids:
        return []
    return _call("courses.selectors.progress_for_users", user_ids, course_page_ids)


def skills_framework() -> list[dict]:
    """Every skill of the framework (`courses.selectors.skills_framework()`):
    [{code, name: {"en", "zh-hans"}, level, framework_url}].
    """
    return _call("courses.selectors.skills_framework")


def enrolment_create(user_id: int, course_page_id: int, sponsorship_code: str | None):
    """courses.services.enrolment_create (agreed contract). Raises ValidationError if refused."""
    return _function("courses.services.enrolment_create")(user_id, course_page_id, sponsorship_code)


def credentials_for_users(user_ids: list[int]) -> list[dict]:
    """Credentials held, verified live by the credentials app (`credentials.selectors.credentials_for_users(user_ids)`): [{id: str, user_id,
    achievement: {"en", "zh-hans"}, skills: [{code, name: {"en","zh-hans"}, level}],
    issued_at: datetime, url, status: "valid"|"revoked"|"suspended"|"expired"|"unknown",
    verified: bool}]; `verified` is the outcome of a real verification, never assumed.
    """
    if not user_ids:
        return []
    return _call("credentials.selectors.credentials_for_users", user_ids)


def credential_ids_with_skill(skill: str, level: str):
    """Public ids (UUID) of credentials in force whose achievement has a skill matching `skill`
    (code or name) at `level` (`credentials.selectors.credential_ids_with_skill`): a lazy
    query used as a subquery, so the talent search filters in the database."""
    return _call("credentials.selectors.credential_ids_with_skill", skill, level)


def learner_export(user_id: int) -> dict[str, Any]:
    """What the other apps hold about a learner, for the JSON data export (`courses.selectors.learner_export(user_id)` and `credentials.selectors.learner_export`)."""
    return {
        "courses": _call("courses.selectors.learner_export", user_id),
        "credentials": _call("credentials.selectors.learner_export", user_id),
    }


def localized(value: dict | str | None, language: str) -> str:
    """Pick the current language from a {"en": ..., "zh-hans": ...} dict (falls back)."""
    if isinstance(value, dict):
        return value.get(language) or value.get("zh-hans") or value.get("en") or ""
    return value or ""


def iso(value: datetime | None) -> str | None:
    """An aware datetime as ISO 8601, or None."""
    return value.isoformat() if value else None
