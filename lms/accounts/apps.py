from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Accounts: audit log, roles, MFA policy, data export and deletion, talent profiles."""

    name = "lms.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers, roles, usercache

        receivers.connect()
        usercache.connect()
        post_migrate.connect(roles.sync_after_migrate, sender=self)
