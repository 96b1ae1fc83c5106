"""Reads of employer organisations, including the consent-filtered team skills report.

The team report is computed on every request from the members' current consent: withdrawing
consent removes the data from the employer's very next page view (nothing is cached).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from lms import integrations

from .models import Membership, Organization, SponsorshipCode


def memberships_for_user(user_id: int) -> list[Membership]:
    """The user's memberships with their organisations, by organisation name."""
    return list(
        Membership.objects.filter(user_id=user_id)
        .select_related("organization")
        .order_by("organization__name")
    )


def membership_get(user_id: int, slug: str) -> Membership | None:
    """The user's membership of the organisation `slug`, or None."""
    return (
        Membership.objects.filter(user_id=user_id, organization__slug=slug)
        .select_related("organization", "user")
        .first()
    )


def memberships_export(user_id: int) -> list[dict]:
    """The user's memberships and consent, for the data export."""
    return [
        {
            "organization": m.organization.name,
            "role": m.role,
            "joined_at": integrations.iso(m.joined_at),
            "share_progress": m.share_progress,
            "share_credentials": m.share_credentials,
            "consent_updated_at": integrations.iso(m.consent_updated_at),
        }
        for m in memberships_for_user(user_id)
    ]


def codes_with_usage(organization: Organization) -> list[SponsorshipCode]:
    """The organisation's codes, each annotated with `seats_used` (distinct workers)."""
    return list(
        organization.sponsorship_codes.annotate(
            seats_used=Count("redemptions__user", distinct=True)
        ).order_by("-created_at")
    )


def sponsored_course_ids(organization: Organization) -> list[int]:
    """Every course covered by one of the organisation's codes (programmes expanded)."""
    ids: set[int] = set()
    for code in organization.sponsorship_codes.all():
        ids.update(code.course_page_ids)
        for program_id in code.program_page_ids:
            ids.update(integrations.program_course_ids(program_id))
    return sorted(ids)


@dataclass(frozen=True)
class CourseProgress:
    """A member's progress in one sponsored course."""

    course_page_id: int
    title: str
    percent: int
    completed: bool


@dataclass(frozen=True)
class HeldCredential:
    """A credential a member shares, with the status its live verification gave."""

    title: str
    status: str
    verified: bool
    url: str
    skills: tuple[dict, ...] = ()


@dataclass(frozen=True)
class MemberRow:
    """One consenting member as the employer sees them."""

    user_id: int
    name: str
    role: str
    courses: tuple[CourseProgress, ...] | None
    credentials: tuple[HeldCredential, ...] | None


@dataclass(frozen=True)
class SkillCoverage:
    """How many sharing members hold a verified credential teaching a framework skill."""

    code: str
    name: str
    level: str
    holders: int
    percent: int


@dataclass(frozen=True)
class TeamReport:
    """The employer's team skills view; only what members consented to share."""

    members: tuple[MemberRow, ...]
    not_sharing: int
    skills: tuple[SkillCoverage, ...] = field(default_factory=tuple)
    sharing_credentials: int = 0

    @property
    def chart_height(self) -> int:
        """Height of the skills chart's viewBox: one 10-unit row per skill."""
        return 10 * len(self.skills)


def team_report(organization: Organization, language: str) -> TeamReport:
    """Members, sponsored-course progress, verified credentials and skill coverage."""
    memberships = list(
        organization.memberships.select_related("user").order_by("user__display_name", "user_id")
    )
    sharing = [m for m in memberships if m.share_progress or m.share_credentials]
    progress_ids = [m.user_id for m in sharing if m.share_progress]
    credential_ids = [m.user_id for m in sharing if m.share_credentials]

    course_ids = sponsored_course_ids(organization)
    titles = {}
    for course_id in course_ids:
        summary = integrations.course_summary(course_id) or {}
        titles[course_id] = integrations.localized(summary.get("title"), language) or str(course_id)
    progress: dict[int, list[CourseProgress]] = {}
    for row in integrations.progress_for_users(progress_ids, course_ids):
        if row["user_id"] in progress_ids and row["course_page_id"] in titles:
            progress.setdefault(row["user_id"], []).append(
                CourseProgress(
                    course_page_id=row["course_page_id"],
                    title=titles[row["course_page_id"]],
                    percent=max(0, min(100, int(row.get("percent") or 0))),
                    completed=bool(row.get("completed_at")),
                )
            )
    held: dict[int, list[HeldCredential]] = {}
    for credential in integrations.credentials_for_users(credential_ids):
        if credential["user_id"] in credential_ids:
            held.setdefault(credential["user_id"], []).append(
                HeldCredential(
                    title=integrations.localized(credential.get("achievement"), language),
                    status=credential.get("status", "unknown"),
                    verified=bool(credential.get("verified")),
                    url=credential.get("url", ""),
                    skills=tuple(credential.get("skills") or ()),
                )
            )

    rows = tuple(
        MemberRow(
            user_id=m.user_id,
            name=m.user.display_name or m.user.get_short_name(),
            role=m.get_role_display(),
            courses=tuple(progress.get(m.user_id, ())) if m.share_progress else None,
            credentials=tuple(held.get(m.user_id, ())) if m.share_credentials else None,
        )
        for m in sharing
    )
    holders: dict[str, set[int]] = {}
    for user_id, credentials in held.items():
        for credential in credentials:
            if credential.verified and credential.status == "valid":
                for skill in credential.skills:
                    holders.setdefault(str(skill.get("code")), set()).add(user_id)
    total = max(len(credential_ids), 1)
    skills = tuple(
        SkillCoverage(
            code=str(skill["code"]),
            name=integrations.localized(skill.get("name"), language),
            level=str(skill.get("level", "")),
            holders=len(holders.get(str(skill["code"]), ())),
            percent=round(100 * len(holders.get(str(skill["code"]), ())) / total),
        )
        for skill in integrations.skills_framework()
    )
    return TeamReport(
        members=rows,
        not_sharing=len(memberships) - len(sharing),
        skills=skills,
        sharing_credentials=len(credential_ids),
    )
