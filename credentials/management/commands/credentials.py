"""`manage.py credentials list [--json]`, `credentials verify FILE_OR_URL`,
`credentials rotate-key SLUG`."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from credentials import selectors, services
from credentials.models import Issuer
from credentials.verification import MAX_PNG_BYTES, verify_data, verify_reference


class Command(BaseCommand):
    help = "List issued credentials, verify a credential file or URL, rotate an issuer's key."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="Every issued credential.")
        listing.add_argument("--json", action="store_true", help="JSON instead of a table.")
        check = sub.add_parser("verify", help="Verify a JSON or baked PNG file, a URL or an ID.")
        check.add_argument("target", help="A file path, a credential URL or a credential ID.")
        check.add_argument("--email", default="", help="Also check the holder's e-mail.")
        check.add_argument("--json", action="store_true", help="Print the full result as JSON.")
        check.add_argument("--language", default="en", choices=["en", "zh-hans"])
        rotate = sub.add_parser("rotate-key", help="Give an issuer a new signing key.")
        rotate.add_argument("slug", help="The issuer's slug.")

    def handle(self, *args, action, **options):
        if action == "list":
            return self._list(as_json=options["json"])
        if action == "verify":
            with translation.override(options["language"]):
                return self._verify(options["target"], options["email"], options["json"])
        return self._rotate(options["slug"])

    def _list(self, *, as_json: bool) -> None:
        rows = [
            {
                "id": str(c.public_id),
                "url": services.absolute_url(c.get_absolute_url()),
                "holder": c.holder.email if c.holder else None,
                "achievement": {"en": c.template.name_en, "zh-hans": c.template.name_zh},
                "issuer": c.issuer_key.did,
                "issued_at": c.issued_at.isoformat(),
                "valid_until": c.valid_until.isoformat() if c.valid_until else None,
                "status": c.status,
                "shared": c.shared,
            }
            for c in selectors.credentials_all()
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['id']}  {row['status']:<9}  {row['holder'] or '-':<28}  "
                f"{row['achievement']['en']}"
            )
        self.stdout.write(f"{len(rows)} credential(s)")

    def _verify(self, target: str, email: str, as_json: bool) -> None:
        path = Path(target)
        if "://" not in target and path.is_file():
            if path.stat().st_size > MAX_PNG_BYTES:
                raise CommandError("The file is too large (at most 10 MB).")
            report = verify_data(path.read_bytes(), email=email)
        else:
            report = verify_reference(target, email=email)
        if as_json:
            self.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"{(report.verdict or 'invalid').upper()}: {report.headline}")
            summary = report.summary
            if summary is not None:
                self.stdout.write(f"  issuer:      {summary.issuer_name} ({summary.issuer_id})")
                if report.issuer_institution:
                    self.stdout.write(f"  institution: {report.issuer_institution} (known here)")
                self.stdout.write(f"  achievement: {summary.achievement_name}")
                self.stdout.write(f"  valid from:  {summary.valid_from}")
            for line in report.checks:
                self.stdout.write(f"  [{line.outcome:^14}] {line.name}: {line.message}")
            if report.email_checked:
                self.stdout.write(f"  e-mail matches: {'yes' if report.email_matches else 'no'}")
        if not report.is_valid:
            raise SystemExit(1)

    def _rotate(self, slug: str) -> None:
        issuer = Issuer.objects.filter(slug=slug).first()
        if issuer is None:
            raise CommandError(f"No issuer with slug {slug!r}.")
        key = services.issuer_rotate_key(issuer.pk)
        self.stdout.write(f"New key for {slug}: {key.verification_method}")
