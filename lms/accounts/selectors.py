"""Reads of the accounts area: public talent profiles and their search."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef

from lms import integrations

from .models import TalentCredential, TalentProfile

PAGE_SIZE = 20


@dataclass(frozen=True)
class ShownCredential:
    """A credential on a public profile with the status its live verification gave."""

    id: str
    title: str
    url: str
    status: str
    verified: bool
    skills: tuple[dict, ...] = ()


@dataclass(frozen=True)
class PublicProfile:
    """What anyone may see of a worker who made their profile public."""

    slug: str
    name: str
    headline: str
    city: str
    credentials: tuple[ShownCredential, ...] = field(default_factory=tuple)


def _shown(profiles: list[TalentProfile], language: str) -> list[PublicProfile]:
    if not profiles:
        return []
    credentials = integrations.credentials_for_users([p.user_id for p in profiles])
    by_user: dict[int, list[dict]] = {}
    for credential in credentials:
        by_user.setdefault(credential["user_id"], []).append(credential)
    result = []
    for profile in profiles:
        chosen = set(profile.credential_ids)
        shown = tuple(
            ShownCredential(
                id=str(c["id"]),
                title=integrations.localized(c.get("achievement"), language),
                url=c.get("url", ""),
                status=c.get("status", "unknown"),
                verified=bool(c.get("verified")),
                skills=tuple(c.get("skills") or ()),
            )
            for c in by_user.get(profile.user_id, [])
            if str(c["id"]) in chosen
        )
        result.append(
            PublicProfile(
                slug=profile.slug,
                name=profile.user.display_name or profile.user.get_short_name(),
                headline=profile.headline,
                city=profile.city,
                credentials=shown,
            )
        )
    return result


def public_profile(slug: str, language: str) -> PublicProfile | None:
    """The public profile at `slug`, or None when it does not exist or is not public."""
    profile = (
        TalentProfile.objects.select_related("user")
        .prefetch_related("shown")
        .filter(slug=slug, is_public=True, user__is_active=True)
        .first()
    )
    return _shown([profile], language)[0] if profile else None


def talent_search(
    *,
    skill: str = "",
    level: str = "",
    city: str = "",
    language: str = "zh-hans",
    page: int | str | None = 1,
) -> Page:
    """One page of the public profiles that show a credential in force with the skill (code
    or name) at the level, in the city; only public profiles are ever searched.

    The filtering is one database query (the credentials app's query of credentials holding
    the skill is a subquery), so it scales with the number of profiles; only the profiles of
    the page asked for are loaded, and their credentials are then verified live for display.
    """
    profiles = TalentProfile.objects.filter(is_public=True, user__is_active=True)
    if city.strip():
        profiles = profiles.filter(city__icontains=city.strip())
    if skill.strip() or level.strip():
        holding = integrations.credential_ids_with_skill(skill, level)
        profiles = profiles.filter(
            Exists(
                TalentCredential.objects.filter(profile=OuterRef("pk"), credential_id__in=holding)
            )
        )
    profiles = (
        profiles.select_related("user").prefetch_related("shown").order_by("-updated_at", "-pk")
    )
    found = Paginator(profiles, PAGE_SIZE).get_page(page)
    found.object_list = _shown(list(found.object_list), language)
    return found
