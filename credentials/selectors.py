"""Reads of the credentials app (other apps and the views use these, never the models)."""

import hashlib
import json
import uuid
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from . import achievements, conf, vc
from .models import CredentialTemplate, IssuedCredential, Issuer, IssuerKey, StatusList


def credential_by_public_id(public_id) -> IssuedCredential | None:
    """The issued credential with this public id, with its template and issuer (or None)."""
    return (
        IssuedCredential.objects.select_related("template", "issuer_key__issuer", "holder")
        .filter(public_id=public_id)
        .first()
    )


def achievement_page(template_id: int) -> dict[str, Any] | None:
    """What the public Achievement URL shows: the template, its issuing institution (None
    before its first credential), its skills for display in the active language and the
    Achievement JSON-LD; None when there is no such template."""
    template = CredentialTemplate.objects.filter(pk=template_id).first()
    if template is None:
        return None
    issuer = achievements.template_issuer(template)
    return {
        "template": template,
        "issuer": issuer,
        "skills": achievements.skills_for_display(template.skills),
        "document": achievements.achievement_document(template, issuer),
    }


def credential_visible_to(credential: IssuedCredential, user) -> bool:
    """Whether `user` may see the credential's public page: anyone while its link is on; the
    holder and staff always."""
    if credential.shared:
        return True
    if not user.is_authenticated:
        return False
    return credential.holder_id == user.pk or user.is_staff


def credential_document(credential: IssuedCredential) -> dict[str, Any]:
    """The signed credential as a dict."""
    return json.loads(credential.document)


def wallet_credentials(user_id: int) -> QuerySet[IssuedCredential]:
    """The user's credentials, newest first."""
    return IssuedCredential.objects.select_related("template", "issuer_key__issuer").filter(
        holder_id=user_id
    )


def credentials_all() -> QuerySet[IssuedCredential]:
    """Every issued credential (for the management command and the admin)."""
    return IssuedCredential.objects.select_related(
        "template", "issuer_key__issuer", "holder"
    ).order_by("issued_at", "pk")


def status_list_by_public_id(public_id) -> StatusList | None:
    """A published status list (or None)."""
    return StatusList.objects.filter(public_id=public_id).exclude(document="").first()


def status_list_document(public_id) -> str | None:
    """Just the signed list credential of a published status list, read fresh on every call
    so a revocation shows at once (docs/decisions/0024).

    The verifier's hot path, called twice per credential: one plain SELECT by the unique
    public id (no bitstring column), fifteen times cheaper in CPU than the ORM query. What
    is derived from the document (parsing, the list's signature check, the decoded
    bitstring) is cached by the verifier keyed by the document's content, so a re-signed
    list is new to it.
    """
    try:
        value = uuid.UUID(str(public_id))
    except ValueError:
        return None
    field = StatusList._meta.get_field("public_id")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT document FROM {StatusList._meta.db_table} WHERE public_id = %s",  # noqa: S608 (table name from the model)
            [field.get_db_prep_value(value, connection)],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] else None


def issuer_did_web(issuer: Issuer) -> str | None:
    """The issuer's did:web DID on this site's current public host (None without one)."""
    host = conf.public_host()
    if host is None:
        return None
    return vc.did_web_for(host, conf.did_web_path("credentials", "issuers", issuer.slug))


def did_document_cache_key(slug: str) -> str:
    """Where the issuer's did:web document is cached (deleted when it gets a key)."""
    return f"credentials:did-document:{slug}"


DID_DOCUMENT_CACHE_SECONDS = 300


def issuer_did_document(slug: str) -> dict[str, Any] | None:
    """The did:web document of an issuer: every key it has had under this DID, current and
    retired, as Multikey verification methods. None when there is nothing to publish.

    Cached (the verifier reads it for every credential of the issuer); a new key deletes
    the entry when its transaction commits (services.issuer_key_create).
    """
    key = did_document_cache_key(slug)
    document = cache.get(key)
    if document is None:
        document = _issuer_did_document(slug)
        if document is not None:
            cache.set(key, document, DID_DOCUMENT_CACHE_SECONDS)
    return document


def _issuer_did_document(slug: str) -> dict[str, Any] | None:
    issuer = Issuer.objects.filter(slug=slug).first()
    if issuer is None:
        return None
    did = issuer_did_web(issuer)
    if did is None:
        return None
    keys = list(issuer.keys.filter(did=did).order_by("created_at"))
    if not keys:
        return None
    return vc.did_web_document(
        did,
        [vc.PublishedKey(k.public_multibase, retired=k.retired_at is not None) for k in keys],
    )


ISSUER_BY_DID_CACHE_SECONDS = 60


def issuer_by_did(did: str | None) -> Issuer | None:
    """The institution on this site that owns `did` (did:web or did:key), or None.

    Cached for a minute (the verification report asks for every credential): a key's DID
    and issuer never change; an edited institution name shows within that minute.
    """
    if not did:
        return None
    did = did.split("#", 1)[0]
    key = "credentials:issuer-by-did:" + hashlib.sha256(did.encode("utf-8")).hexdigest()
    issuer = cache.get(key)
    if issuer is not None:
        return issuer
    found = IssuerKey.objects.select_related("issuer").filter(did=did).first()
    if found is None:
        return None
    cache.set(key, found.issuer, ISSUER_BY_DID_CACHE_SECONDS)
    return found.issuer


# ---------------------------------------------------------------- for other apps


def _verified_status(credential: IssuedCredential, resolver) -> tuple[str, bool]:
    """(status, verified): a live verification of the stored signed credential; a credential
    that fails verification is never reported as valid."""
    result = vc.verify_credential(credential.document, resolver)
    verified = result.verdict == vc.Verdict.VALID
    if credential.status != IssuedCredential.Status.ACTIVE:
        return credential.status, False
    if verified:
        return "valid", True
    failed = {check.code for check in result.checks if check.outcome == vc.Outcome.FAILED}
    return ("expired" if "expired" in failed else "unknown"), False


def credentials_for_users(user_ids: list[int]) -> list[dict[str, Any]]:
    """Credentials held by `user_ids`, each verified live against this site's keys and status
    lists: [{id, user_id, achievement {"en","zh-hans"}, skills, issued_at, url, status,
    verified}]."""
    from .resolver import SiteResolver

    resolver = SiteResolver()
    rows = []
    credentials = IssuedCredential.objects.select_related("template").filter(holder_id__in=user_ids)
    for credential in credentials.order_by("issued_at"):
        status, verified = _verified_status(credential, resolver)
        template = credential.template
        rows.append(
            {
                "id": str(credential.public_id),
                "user_id": credential.holder_id,
                "achievement": {"en": template.name_en, "zh-hans": template.name_zh},
                "skills": list(template.skills or []),
                "issued_at": credential.issued_at,
                "url": conf.absolute_url(credential.get_absolute_url()),
                "status": status,
                "verified": verified,
            }
        )
    return rows


def user_credentials(user_id: int) -> list[dict[str, Any]]:
    """The learner's credentials for their dashboard: [{title, url, status}] in the active
    language, newest first."""
    from django.utils.translation import get_language

    chinese = (get_language() or "").startswith("zh")
    return [
        {
            "title": c.template.name_zh if chinese else c.template.name_en,
            "url": c.get_absolute_url(),
            "status": c.status,
        }
        for c in wallet_credentials(user_id).order_by("-issued_at")
    ]


def learner_export(user_id: int) -> list[dict[str, Any]]:
    """Every credential issued to the learner, with its signed document, for their export."""
    return [
        {
            "id": str(c.public_id),
            "status": c.status,
            "status_reason": c.status_reason,
            "issued_at": c.issued_at.isoformat(),
            "shared": c.shared,
            "credential": credential_document(c),
        }
        for c in wallet_credentials(user_id).order_by("issued_at")
    ]


def credential_ids_with_skill(skill: str = "", level: str = "") -> QuerySet:
    """Public ids of the credentials in force (active, not past `valid_until`) whose
    achievement lists a skill whose code or name (either language) contains `skill` and whose
    level is `level` (either may be empty), as a lazy `values("public_id")` query that callers
    use as a subquery (talent search). Templates are matched in Python: there is one per
    course or programme, not per learner, and their skills are a JSON list."""
    from django.db.models import Q
    from django.utils import timezone

    from .models import CredentialTemplate

    skill = skill.strip().casefold()
    level = level.strip().casefold()

    def matches(item: dict) -> bool:
        names = [str(item.get("code", ""))]
        names += [str(name) for name in (item.get("name") or {}).values()]
        skill_ok = not skill or any(skill in name.casefold() for name in names)
        return skill_ok and (not level or str(item.get("level", "")).casefold() == level)

    template_ids = [
        template.pk
        for template in CredentialTemplate.objects.only("pk", "skills")
        if any(matches(item) for item in template.skills or [] if isinstance(item, dict))
    ]
    return (
        IssuedCredential.objects.filter(
            template_id__in=template_ids, status=IssuedCredential.Status.ACTIVE
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now()))
        .values("public_id")
    )
