"""Load the demo content of every app (idempotent) and print the demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load the bilingual demo content of every app. Safe to run again: nothing doubles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo accounts even when DEBUG is off (never do this on a public site).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production and not settings.DEMO_ALLOWED:
            raise CommandError(
                "Refusing to load demo accounts with DEBUG off; pass --allow-production to insist."
            )
        accounts: dict[str, tuple[str, str]] = {}
        for dotted in settings.DEMO_LOADERS:
            loader = import_string(dotted)
            accounts.update(loader(stdout=self.stdout) or {})
        self.stdout.write(self.style.SUCCESS("Demo content loaded. Demo accounts:"))
        for role, (email, password) in accounts.items():
            self.stdout.write(f"  {role:<12} {email:<28} password: {password}")
