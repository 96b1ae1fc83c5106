"""Verification for employers: turn what they give (a URL or ID, pasted JSON, an uploaded
JSON file or baked PNG) into a report in plain words, in the page's language.

The cryptography and every check live in :mod:`credentials.vc`; this module only finds the
credential, hands the verifier a resolver, and adds what only this site knows (whether the
issuer is an institution registered here, the optional e-mail check).
"""

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import resolver as site_resolver
from . import selectors, vc
from .conf import absolute_url
from .resolver import FetchError, SiteResolver, same_site, shared_credential

MAX_JSON_BYTES = 1024 * 1024
MAX_PNG_BYTES = 10 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_FETCH_MESSAGES = {
    "not_https": lambda: _("Only https:// addresses can be fetched."),
    "unreachable": lambda: _("That address could not be reached."),
    "http_status": lambda: _("That address answered with an error."),
    "too_large": lambda: _("That address returned a document that is too large."),
    "private_address": lambda: _("That address is on a private network and is not fetched."),
}


@dataclass(frozen=True)
class CheckLine:
    """One check as shown to a person: name, outcome ("passed"...), stable code, sentence."""

    name: str
    outcome: str
    code: str
    message: str


@dataclass(frozen=True)
class Report:
    """What the employer sees. `problem` is set when no credential could be read at all."""

    problem: str | None = None
    verdict: str | None = None
    headline: str = ""
    checks: tuple[CheckLine, ...] = ()
    summary: vc.Summary | None = None
    issuer_institution: str | None = None
    email_checked: bool = False
    email_matches: bool | None = None
    credential_url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def is_valid(self) -> bool:
        """True only for a fully verified credential."""
        return self.verdict == vc.Verdict.VALID.value

    def to_json(self) -> dict[str, Any]:
        """For the API and the bulk CSV: the verifier's result plus this site's additions."""
        data = dict(self.raw) if self.raw else {"verdict": "invalid", "checks": []}
        data["problem"] = self.problem
        data["issuer_institution"] = self.issuer_institution
        data["email_matches"] = self.email_matches if self.email_checked else None
        data["credential_url"] = self.credential_url
        return data


def _language() -> str:
    return get_language() or "zh-hans"


def _email(email: str) -> str | None:
    """The employer's e-mail to check, or None when none was given (no recipient check)."""
    return (email or "").strip() or None


def _problem(message: str) -> Report:
    return Report(problem=message, verdict=vc.Verdict.INVALID.value, headline=message)


def report_for(result: vc.VerificationResult, *, credential_url: str | None = None) -> Report:
    """Wrap a verifier result for display in the active language."""
    language = _language()
    summary = result.summary
    institution = None
    if summary is not None and summary.issuer_id:
        issuer = selectors.issuer_by_did(summary.issuer_id)
        institution = issuer.name if issuer is not None else None
    recipient = next((c for c in result.checks if c.name == "recipient"), None)
    matches = None if recipient is None else recipient.outcome is vc.Outcome.PASSED
    headline = result.message_zh if language.startswith("zh") else result.message_en
    return Report(
        verdict=result.verdict.value,
        headline=headline,
        checks=tuple(
            CheckLine(c.name, c.outcome.value, c.code, c.message(language)) for c in result.checks
        ),
        summary=summary,
        issuer_institution=institution,
        email_checked=recipient is not None,
        email_matches=matches,
        credential_url=credential_url or (summary.credential_id if summary else None),
        raw=result.to_json(),
    )


def verify_data(data: Any, *, email: str = "", resolver=None) -> Report:
    """Verify a credential given as a dict, JSON text/bytes or baked PNG bytes."""
    result = vc.verify_credential(data, resolver or SiteResolver(), email=_email(email))
    return report_for(result)


def _reference_target(reference: str) -> str | None:
    """The credential a reference names: a bare UUID, our credential or verify-page URL (its
    `id` parameter), or any https URL."""
    reference = reference.strip()
    try:
        return str(uuid.UUID(reference))
    except ValueError:
        pass
    parts = urlsplit(reference)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    ids = parse_qs(parts.query).get("id")
    if ids and same_site(reference):
        inner = ids[0].strip()
        return None if inner == reference else _reference_target(inner)
    return reference


def verify_reference(reference: str, *, email: str = "", resolver=None, fetch=None) -> Report:
    """Verify the credential a URL or ID points to (this site's from the database; another
    site's fetched over HTTPS)."""
    if len(reference or "") > 2000:
        return _problem(_("That is not a credential URL or ID."))
    target = _reference_target(reference or "")
    if target is None:
        return _problem(_("That is not a credential URL or ID."))
    fetch = fetch or site_resolver.https_get
    resolver = resolver or SiteResolver(fetch)
    if "://" not in target or same_site(target):
        public_id = target if "://" not in target else _own_id(target)
        credential = shared_credential(public_id) if public_id else None
        if credential is None:
            return _problem(
                _(
                    "No credential with this ID is published here: it does not exist, or its "
                    "holder switched the public link off."
                )
            )
        return report_for(
            vc.verify_credential(credential.document, resolver, email=_email(email)),
            credential_url=absolute_url(credential.get_absolute_url()),
        )
    try:
        body = fetch(target)
    except FetchError as exc:
        return _problem(_FETCH_MESSAGES.get(exc.code, _FETCH_MESSAGES["unreachable"])())
    return report_for(
        vc.verify_credential(body, resolver, email=_email(email)), credential_url=target
    )


def _own_id(url: str) -> str | None:
    path = urlsplit(url).path.rstrip("/")
    last = path.rsplit("/", 1)[-1].removesuffix(".json")
    try:
        return str(uuid.UUID(last))
    except ValueError:
        return None


def file_too_large() -> Report:
    """The report for an upload over the 10 MB limit."""
    return _problem(_("The file is too large (at most 10 MB)."))


def read_upload(upload) -> bytes | Report:
    """The bytes of an uploaded JSON or PNG file, or a Report explaining why not (too large)."""
    limit = MAX_PNG_BYTES
    chunks, size = [], 0
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            return file_too_large()
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data.startswith(PNG_SIGNATURE) and len(data) > MAX_JSON_BYTES:
        return _problem(_("The JSON file is too large (at most 1 MB)."))
    return data
