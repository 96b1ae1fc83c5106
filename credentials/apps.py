import importlib.util

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    """Open Badges 3.0 credentials: issuing, public pages, verification, revocation."""

    name = "credentials"
    verbose_name = _("Credentials")

    def ready(self):
        from . import checks, receivers  # noqa: F401 (registers the system checks)

        # The courses app sends these (contracts.md); until it is installed there is nothing
        # to connect to.
        if importlib.util.find_spec("courses.signals") is None:
            return
        from courses import signals

        signals.course_completed.connect(
            receivers.on_course_completed, dispatch_uid="credentials.course_completed"
        )
        if hasattr(signals, "program_completed"):
            signals.program_completed.connect(
                receivers.on_program_completed, dispatch_uid="credentials.program_completed"
            )
