"""The doors to what a learner did in the courses and labs apps (their selectors only), for
the evidence a credential carries.

Imported when first called, like `institutions`: courses and labs import the credentials
selectors themselves.
"""

from typing import Any


def program_course_ids(program_page_id: int) -> list[int]:
    """`courses.selectors.program_course_ids`: the programme's courses, in order."""
    from courses import selectors

    return selectors.program_course_ids(program_page_id)


def lesson_records(course_page_ids: list[int]) -> list[dict[str, Any]]:
    """`courses.selectors.lesson_records`: the lessons with a lab or quiz, in outline order."""
    from courses import selectors

    return selectors.lesson_records(course_page_ids)


def quiz_results(user_id: int, lesson_keys: list) -> dict:
    """`courses.selectors.best_quiz_results`: best passing quiz attempt per lesson key."""
    from courses import selectors

    return selectors.best_quiz_results(user_id, lesson_keys)


def lab_results(user_id: int, lesson_page_ids: list[int]) -> list[dict[str, Any]]:
    """`labs.selectors.best_passing_attempts`: best passing attempt per lab."""
    from labs import selectors

    return selectors.best_passing_attempts(user_id, lesson_page_ids)
