from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "labs"
    verbose_name = _("Labs")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_end_sandboxes, dispatch_uid="labs.sandbox.logout")


def _end_sandboxes(sender, request, user, **kwargs) -> None:
    """At logout the learner's live sandboxes end, and with them their step tokens."""
    if user is not None:
        from .sandbox import sandbox_forget_user

        sandbox_forget_user(user.pk)
