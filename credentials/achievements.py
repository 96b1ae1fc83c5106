"""The OB 3.0 Achievement and issuer Profile of a credential template, built the same way for
the credentials we sign and for the Achievement published at its own URL (its ``id``)."""

from django.urls import reverse
from django.utils.translation import get_language

from . import vc
from .conf import absolute_url
from .models import CredentialTemplate, Issuer


def bilingual(zh: str, en: str) -> str:
    """One string for fields OB 3.0 defines as plain text: "中文 / English" (or the one given)."""
    zh, en = (zh or "").strip(), (en or "").strip()
    if zh and en and zh != en:
        return f"{zh} / {en}"
    return zh or en


def achievement_url(template_id: int) -> str:
    """The Achievement's ``id``: its public URL on this site (language-neutral)."""
    return absolute_url(reverse("credentials_public:achievement", kwargs={"pk": template_id}))


def issuer_profile(issuer: Issuer, did: str) -> vc.IssuerProfile:
    """The institution as an OB 3.0 Profile identified by ``did``."""
    return vc.IssuerProfile(
        id=did,
        name=bilingual(issuer.name_zh, issuer.name_en),
        url=issuer.url or None,
        image_url=issuer.image_url or None,
    )


def alignments(template: CredentialTemplate) -> list[vc.Alignment]:
    """The template's skills as OB 3.0 Alignments (skills framework URL, code and level)."""
    fallback = template.page_url or absolute_url("/")
    found = []
    for skill in template.skills or []:
        if not isinstance(skill, dict):
            continue
        name = skill.get("name") or {}
        if isinstance(name, str):
            name = {"en": name, "zh-hans": name}
        label = bilingual(name.get("zh-hans", ""), name.get("en", "")) or str(skill.get("code"))
        url = skill.get("framework_url") or fallback
        found.append(
            vc.Alignment(
                target_name=label,
                target_url=absolute_url(url),
                target_code=str(skill["code"]) if skill.get("code") else None,
                target_description=f"level {skill['level']}" if skill.get("level") else None,
                target_type="ceasn:Competency",
            )
        )
    return found


def achievement_spec(
    template: CredentialTemplate, creator: vc.IssuerProfile | None
) -> vc.AchievementSpec:
    """The template's Achievement; ``creator`` is the issuing institution's Profile."""
    name = bilingual(template.name_zh, template.name_en)
    return vc.AchievementSpec(
        id=achievement_url(template.pk),
        name=name,
        description=bilingual(template.description_zh, template.description_en) or name,
        criteria_narrative=bilingual(template.criteria_zh, template.criteria_en) or name,
        achievement_type=template.achievement_type,
        image_url=template.image_url or None,
        alignments=alignments(template),
        level=template.level or None,
        hours=float(template.hours) if template.hours is not None else None,
        creator=creator,
        in_language="zh-Hans",
    )


def template_issuer(template: CredentialTemplate) -> Issuer | None:
    """The issuer of the template's institution, when it has issued anything yet."""
    return Issuer.objects.filter(institution_id=template.institution_id).first()


def achievement_document(template: CredentialTemplate, issuer: Issuer | None) -> dict:
    """The Achievement JSON-LD served at the template's achievement URL. Its creator is the
    institution (`template_issuer`) under its current signing DID (omitted before the
    institution's first credential, when it has no key yet)."""
    key = issuer.current_key() if issuer is not None else None
    creator = issuer_profile(issuer, key.did) if key is not None else None
    return vc.achievement_document(achievement_spec(template, creator))


def skills_for_display(skills) -> list[dict]:
    """The template's skills for a page: name in the active language (and the other
    language's when it differs), code, level and framework URL."""
    chinese = (get_language() or "").startswith("zh")
    shown = []
    for skill in skills or []:
        if not isinstance(skill, dict):
            continue
        name = skill.get("name") or {}
        if isinstance(name, str):
            name = {"en": name, "zh-hans": name}
        first, second = ("zh-hans", "en") if chinese else ("en", "zh-hans")
        shown.append(
            {
                "name": name.get(first) or name.get(second) or str(skill.get("code") or ""),
                "other_name": name.get(second) if name.get(second) != name.get(first) else "",
                "code": skill.get("code") or "",
                "level": skill.get("level") or "",
                "url": skill.get("framework_url") or "",
            }
        )
    return shown
