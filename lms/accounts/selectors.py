"""Reads of the accounts area: public talent profiles and their search."""

from __future__ import annotations

from dataclasses import dataclass, field

from lms import integrations

from .models import TalentProfile

SEARCH_LIMIT = 50


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
        .filter(slug=slug, is_public=True, user__is_active=True)
        .first()
    )
    return _shown([profile], language)[0] if profile else None


def talent_search(
    *, skill: str = "", level: str = "", city: str = "", language: str = "zh-hans"
) -> list[PublicProfile]:
    """Public profiles holding a verified, valid credential with the skill (code or name) at
    the level, in the city; only public profiles are ever searched.
    """
    profiles = TalentProfile.objects.select_related("user").filter(
        is_public=True, user__is_active=True
    )
    if city:
        profiles = profiles.filter(city__icontains=city.strip())
    found = _shown(list(profiles.order_by("-updated_at")[:500]), language)
    skill = skill.strip().casefold()
    level = level.strip().casefold()

    def matches(credential: ShownCredential) -> bool:
        if not (credential.verified and credential.status == "valid"):
            return False
        if not skill and not level:
            return True
        for item in credential.skills:
            names = [str(item.get("code", ""))]
            names += [str(v) for v in (item.get("name") or {}).values()]
            skill_ok = not skill or any(skill in n.casefold() for n in names)
            level_ok = not level or str(item.get("level", "")).casefold() == level
            if skill_ok and level_ok:
                return True
        return False

    if skill or level:
        found = [p for p in found if any(matches(c) for c in p.credentials)]
    return found[:SEARCH_LIMIT]
