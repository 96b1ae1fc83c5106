"""Receivers of other apps' signals (connected in CredentialsConfig.ready)."""

from .tasks import credential_issue_task


def on_course_completed(sender, *, user_id: int, course_page_id: int, completed_at, **kwargs):
    """courses.signals.course_completed: issue the course's credential after the commit."""
    credential_issue_task.delay_on_commit(
        user_id, "course", course_page_id, completed_at.isoformat()
    )


def on_program_completed(sender, *, user_id: int, program_page_id: int, completed_at, **kwargs):
    """courses.signals.program_completed: issue the programme's credential after the commit."""
    credential_issue_task.delay_on_commit(
        user_id, "program", program_page_id, completed_at.isoformat()
    )
