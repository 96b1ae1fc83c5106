"""A stand-in for the courses and credentials apps at the one boundary lms.integrations.

The shapes follow the contract note in lms/integrations.py. The fake enrolment calls the
real `lms.services.sponsorship_code_redeem`, as courses.services.enrolment_create will.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError

PLC = 101
NETWORKS = 102
SECURITY = 103
PROGRAMME = 900

COURSES = {
    PLC: {"en": "PLC programming with IEC 61131-3", "zh-hans": "PLC 编程基础（IEC 61131-3）"},
    NETWORKS: {
        "en": "Industrial networks: Modbus TCP and OPC UA",
        "zh-hans": "工业网络：Modbus 与 OPC UA",
    },
    SECURITY: {"en": "ICS security basics (IEC 62443)", "zh-hans": "工控安全基础（IEC 62443）"},
}
SKILLS = [
    {
        "code": "OT-PLC-ST",
        "name": {"en": "PLC programming (ST)", "zh-hans": "PLC 结构化文本编程"},
        "level": "2",
        "framework_url": "https://esco.example/plc",
    },
    {
        "code": "OT-NET-MB",
        "name": {"en": "Modbus networks", "zh-hans": "Modbus 网络"},
        "level": "2",
        "framework_url": "",
    },
    {
        "code": "OT-SEC-62443",
        "name": {"en": "ICS security", "zh-hans": "工控安全"},
        "level": "1",
        "framework_url": "",
    },
]


def summary(course_id: int) -> dict:
    return {
        "id": course_id,
        "url": f"/zh-hans/courses/{course_id}/",
        "title": COURSES[course_id],
        "skills": [],
    }


@dataclass
class FakeApps:
    """In-memory enrolments, progress and credentials, patched into lms.integrations."""

    enrolments: dict = field(default_factory=dict)  # (user_id, course_id) -> percent
    credentials: list = field(default_factory=list)

    def enrol(self, user_id, course_page_id, sponsorship_code):
        from lms.services import sponsorship_code_redeem

        if course_page_id not in COURSES:
            raise ValidationError("No such course.")
        if sponsorship_code:
            sponsorship_code_redeem(sponsorship_code, user_id, course_page_id)
        self.enrolments.setdefault((user_id, course_page_id), 0)
        return {"user_id": user_id, "course_page_id": course_page_id}

    def progress(self, user_ids, course_page_ids):
        return [
            {
                "user_id": user_id,
                "course_page_id": course_id,
                "percent": percent,
                "completed_at": datetime(2026, 11, 20, tzinfo=UTC) if percent == 100 else None,
                "enrolled_at": datetime(2026, 11, 1, tzinfo=UTC),
            }
            for (user_id, course_id), percent in self.enrolments.items()
            if user_id in user_ids and course_id in course_page_ids
        ]

    def add_credential(self, user_id, skill_codes=("OT-PLC-ST",), status="valid", verified=True):
        credential_id = f"00000000-0000-4000-8000-{len(self.credentials) + 1:012d}"
        self.credentials.append(
            {
                "id": credential_id,
                "user_id": user_id,
                "achievement": {"en": "PLC Programmer (Level 2)", "zh-hans": "PLC 程序员（二级）"},
                "skills": [s for s in SKILLS if s["code"] in skill_codes],
                "issued_at": datetime(2026, 11, 20, tzinfo=UTC),
                "url": f"/credentials/{len(self.credentials) + 1}/",
                "status": status,
                "verified": verified,
            }
        )
        return credential_id

    def held(self, user_ids):
        return [c for c in self.credentials if c["user_id"] in user_ids]

    def with_skill(self, skill, level):
        """Ids of credentials in force holding the skill, as the credentials app's query."""
        skill, level = skill.strip().casefold(), level.strip().casefold()

        def matches(item):
            names = [item["code"], *item["name"].values()]
            return (not skill or any(skill in n.casefold() for n in names)) and (
                not level or str(item["level"]).casefold() == level
            )

        return [
            uuid.UUID(c["id"])
            for c in self.credentials
            if c["status"] == "valid" and any(matches(item) for item in c["skills"])
        ]

    def install(self, monkeypatch):
        from lms import integrations

        monkeypatch.setattr(
            integrations, "sponsorable_courses", lambda: [summary(c) for c in COURSES]
        )
        monkeypatch.setattr(
            integrations, "course_summary", lambda c: summary(c) if c in COURSES else None
        )
        monkeypatch.setattr(
            integrations,
            "program_course_ids",
            lambda p: [PLC, NETWORKS] if p == PROGRAMME else [],
        )
        monkeypatch.setattr(integrations, "progress_for_users", self.progress)
        monkeypatch.setattr(integrations, "skills_framework", lambda: SKILLS)
        monkeypatch.setattr(integrations, "enrolment_create", self.enrol)
        monkeypatch.setattr(integrations, "credentials_for_users", self.held)
        monkeypatch.setattr(integrations, "credential_ids_with_skill", self.with_skill)
        monkeypatch.setattr(
            integrations,
            "learner_export",
            lambda user_id: {
                "courses": [
                    {"course_page_id": c, "percent": p}
                    for (u, c), p in self.enrolments.items()
                    if u == user_id
                ],
                "credentials": [c["id"] for c in self.held([user_id])],
            },
        )
        return self
