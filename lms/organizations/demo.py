"""Demo content of employer organisations: an employer admin, a factory and a code.

Idempotent. Runs after the courses loader when both are listed in DEMO_LOADERS, so that the
code covers the demo courses; without courses it creates the organisation only.
"""

from django.db import transaction

from lms import integrations
from lms.demo import demo_user

from . import services
from .models import Organization

DEMO_EMPLOYER = ("employer@demo.local", "demo-employer-pass", "陈经理 Manager Chen")
DEMO_ORG = {
    "name": "东莞示范电子厂 Dongguan Demo Electronics",
    "industry": Organization.Industry.ELECTRONICS,
    "size": Organization.Size.SMALL,
    "city": "东莞 Dongguan",
}


@transaction.atomic
def load(stdout) -> dict:
    """Create the demo employer (must add a second factor at first login) and organisation."""
    employer = demo_user(*DEMO_EMPLOYER)
    organization = Organization.objects.filter(name=DEMO_ORG["name"]).first()
    if organization is None:
        organization = services.organization_create(employer, **DEMO_ORG)
    courses = [course["id"] for course in integrations.sponsorable_courses()]
    if courses and not organization.sponsorship_codes.exists():
        code = services.sponsorship_code_create(
            organization, employer, seats=20, course_page_ids=courses
        )
        stdout.write(f"Sponsorship code for the demo courses: {code.code}")
    stdout.write("Demo employer organisation ready (its admin must set up 2FA at first login).")
    return {"employer": DEMO_EMPLOYER[:2]}
