"""Demo content of the credentials app: the demo learner holds an issued credential for a
completed course, and a second credential that was revoked.

Needs the courses demo (DEMO_LOADERS order: lms, courses, ..., credentials): courses are
read only through courses.selectors. Idempotent.
"""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import IssuedCredential

DEMO_LEARNER_EMAIL = "learner@demo.local"
REVOKE_REASON = "Demo: issued by mistake for a course the learner had not finished."


def _demo_course_ids() -> list[int]:
    try:
        from courses import selectors  # only the agreed selectors
    except ImportError:  # the courses app is not installed yet
        return []
    finder = getattr(selectors, "demo_course_ids", None)
    if finder is not None:
        return list(finder())[:2]
    # Courses the demo learner completed, as the courses demo set them up.
    learner = get_user_model().objects.get(email=DEMO_LEARNER_EMAIL)
    return list(selectors.completed_courses(learner.pk))[:2]


@transaction.atomic
def load(stdout) -> dict:
    """Issue the demo learner's credentials (one valid, one revoked); returns no accounts."""
    learner = get_user_model().objects.filter(email=DEMO_LEARNER_EMAIL).first()
    if learner is None:
        stdout.write("credentials demo: no demo learner (run the lms demo first); skipped.")
        return {}
    course_ids = _demo_course_ids()
    if not course_ids:
        stdout.write("credentials demo: the demo learner completed no course; skipped.")
        return {}
    completed_at = datetime(2026, 10, 15, 10, 0, tzinfo=UTC)
    issued = []
    for course_id in course_ids:
        credential = services.credential_issue_for_completion(
            user_id=learner.pk, kind="course", page_id=course_id, completed_at=completed_at
        )
        if credential is not None:
            issued.append(credential)
    if len(issued) > 1 and issued[1].status != IssuedCredential.Status.REVOKED:
        issued[1] = services.credential_status_change(
            issued[1].pk, action="revoke", reason=REVOKE_REASON, actor=None
        )
    for credential in issued:
        stdout.write(
            f"credentials demo: {credential.status:<9} "
            f"{services.absolute_url(credential.get_absolute_url())}"
        )
    return {}
