"""Benchmark of the Django side: credentials issued per second through the real service
(template, status index allocation, build, sign, database row) plus baking and the PDF
certificate, and credentials verified per second through the employer's path (SiteResolver
reading this site's status lists from the database).

Run from the repository root:  python bench/credentials_django.py [--count N]

Each figure is also printed as a multiple of the raw Ed25519 sign or verify cost measured in
this same process (CPU time), so results stay comparable on a busy machine. Not a test.
"""

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")


class _NoMigrations(dict):
    """Create tables straight from the models (like pytest-django's --no-migrations)."""

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def _setup() -> None:
    import django
    from django.conf import settings

    settings.MIGRATION_MODULES = _NoMigrations()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def _cpu_rate(fn, count: int) -> float:
    start = time.process_time()
    for i in range(count):
        fn(i)
    return count / max(time.process_time() - start, 1e-9)


def _best_rate(fn, count: int, rounds: int = 3) -> float:
    """Best of ``rounds`` (as timeit does); round r calls fn(r * count + i), so each round
    can work on items of its own."""
    return max(_cpu_rate(lambda i, r=r: fn(r * count + i), count) for r in range(rounds))


INSTITUTION = {
    "id": 1,
    "slug": "bench",
    "name": {"en": "Bench Polytechnic", "zh-hans": "基准职业技术学院"},
    "url": "https://bench.example.cn/",
    "logo_url": None,
}


def _course(page_id: int) -> dict:
    return {
        "id": page_id,
        "url": f"/zh-hans/courses/{page_id}/",
        "title": {"en": f"PLC course {page_id}", "zh-hans": f"PLC 课程 {page_id}"},
        "description": {"en": "Structured Text.", "zh-hans": "结构化文本。"},
        "hours": 24,
        "level": "3",
        "skills": [
            {
                "code": "OT-PLC-01",
                "name": {"en": "PLC programming", "zh-hans": "PLC 编程"},
                "level": 3,
                "framework_url": "https://skills.example.cn/plc-01",
            }
        ],
        "institution": INSTITUTION,
        "credential_template_id": None,
        "outcomes": {"en": [], "zh-hans": []},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=40, help="credentials per measurement")
    count = parser.parse_args().count
    _setup()

    from django.contrib.auth import get_user_model

    from credentials import documents, institutions, services, vc
    from credentials.verification import verify_data
    from credentials.views import verify_page_url

    institutions.course_summary = _course
    institutions.institution_summary = lambda _id: INSTITUTION
    template = services.template_for("course", 101)
    users = [
        get_user_model().objects.create_user(email=f"bench{i}@example.cn", password=None)
        for i in range(count * 4 + 1)
    ]
    completed = datetime(2026, 11, 1, tzinfo=UTC)
    services.credential_issue(user_id=users[-1].pk, template_id=template.pk, completed_at=completed)
    documents.certificate_pdf  # noqa: B018 (import cost out of the timing)

    keypair = vc.generate_keypair()
    message = b"x" * 64
    signature = keypair.private_key.sign(message)
    raw_sign = _cpu_rate(lambda _i: keypair.private_key.sign(message), 2000)
    raw_verify = _cpu_rate(lambda _i: keypair.public_key.verify(signature, message), 2000)

    issued = []

    def issue_only(i):
        issued.append(
            services.credential_issue(
                user_id=users[i].pk, template_id=template.pk, completed_at=completed
            )
        )

    def issue_full(i):
        credential = services.credential_issue(
            user_id=users[count + i].pk, template_id=template.pk, completed_at=completed
        )
        documents.baked_badge(credential)
        documents.certificate_pdf(credential, verify_page_url(credential))

    issue_rate = _cpu_rate(issue_only, count)
    full_rate = _cpu_rate(issue_full, count)
    # Two more batches, so each of the three verification rounds sees credentials it has
    # never verified (nothing about a credential itself is cached between rounds).
    for i in range(count):
        issue_only(2 * count + i)
    for i in range(count):
        issue_only(3 * count + i)
    verify_data(issued[0].document)  # warm: contexts, schema, status lists, issuer
    verify_rate = _best_rate(lambda i: verify_data(issued[i].document), count)

    print(f"raw Ed25519 sign:   {raw_sign:10.0f}/s")
    print(f"raw Ed25519 verify: {raw_verify:10.0f}/s")
    print(
        f"issued/s (service: allocate + build + sign eddsa-rdfc-2022 + save): "
        f"{issue_rate:7.1f}/s  = 1/{raw_sign / issue_rate:.0f} of raw sign"
    )
    print(
        f"issued/s (+ baked PNG + bilingual PDF certificate):                  "
        f"{full_rate:7.1f}/s  = 1/{raw_sign / full_rate:.0f} of raw sign"
    )
    print(
        f"verified/s (employer path, status lists from the DB):                "
        f"{verify_rate:7.1f}/s  = 1/{raw_verify / verify_rate:.0f} of raw verify"
    )


if __name__ == "__main__":
    main()
