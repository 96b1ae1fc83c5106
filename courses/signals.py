"""Signals other apps listen to (contracts.md).

Both are sent exactly once per (user, course) or (user, programme), from
`transaction.on_commit`, when the completion rules are first satisfied.
"""

from django.dispatch import Signal

# kwargs: user_id: int, course_page_id: int, completed_at: datetime
course_completed = Signal()
# kwargs: user_id: int, program_page_id: int, completed_at: datetime
program_completed = Signal()
