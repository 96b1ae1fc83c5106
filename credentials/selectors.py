"""Reads of the credentials app (other apps and the views use these, never the models)."""

import json
from typing import Any

from django.db.models import QuerySet

from . import conf, vc
from .models import IssuedCredential, Issuer, IssuerKey, StatusList


def credential_by_public_id(public_id) -> IssuedCredential | None:
    """The issued credential with this public id, with its template and issuer (or None)."""
    return (
        IssuedCredential.objects.select_related("template", "issuer_key__issuer", "holder")
        .filter(public_id=public_id)
        .first()
    )


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
    """Just the signed list credential of a published status list (the verifier's hot path:
    the 16 KB bitstring column is not read)."""
    return (
        StatusList.objects.filter(public_id=public_id)
        .exclude(document="")
        .values_list("document", flat=True)
        .first()
    )


def issuer_did_web(issuer: Issuer) -> str | None:
    """The issuer's did:web DID on this site's current public host (None without one)."""
    host = conf.public_host()
    if host is None:
        return None
    return vc.did_web_for(host, conf.did_web_path("credentials", "issuers", issuer.slug))


def issuer_did_document(slug: str) -> dict[str, Any] | None:
    """The did:web document of an issuer: every key it has had under this DID, current and
    retired, as Multikey verification methods. None when there is nothing to publish."""
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


def issuer_by_did(did: str | None) -> Issuer | None:
    """The institution on this site that owns `did` (did:web or did:key), or None."""
    if not did:
        return None
    did = did.split("#", 1)[0]
    key = IssuerKey.objects.select_related("issuer").filter(did=did).first()
    return key.issuer if key else None
