"""The resolver handed to the verifier: this site's own documents come from the database,
other hosts' over HTTPS with a short timeout, a size limit and no private addresses."""

import ipaddress
import re
import socket
import urllib.error
import urllib.request
import uuid
from typing import Any
from urllib.parse import urlsplit

from . import conf, selectors
from .models import IssuedCredential

ACCEPT_JSON = "application/ld+json, application/json;q=0.9, application/did+json;q=0.9"
# Matched at the end of the path so a SITE_URL path prefix (/academy/...) is allowed.
_STATUS_RE = re.compile(r"/credentials/status/(?P<id>[0-9a-f-]{36})/?$")
_DID_RE = re.compile(r"/credentials/issuers/(?P<slug>[-a-zA-Z0-9_]+)/did\.json$")
_CREDENTIAL_RE = re.compile(r"/credentials/(?P<id>[0-9a-f-]{36})(?:\.json|/)?$")


class FetchError(Exception):
    """A remote document could not be fetched; `code` says why (for a bilingual message)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
        self.detail = detail


def same_site(url: str) -> bool:
    """True when `url` is on this site (SITE_URL host and port)."""
    ours, theirs = urlsplit(conf.site_url()), urlsplit(url)
    return (theirs.hostname or "").lower() == (ours.hostname or "").lower() and (
        theirs.port or None
    ) == (ours.port or None)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        # Each hop is checked like the first one (https, public address).
        _check_target(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _check_target(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise FetchError("not_https", url[:200])
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError("unreachable", f"{parts.hostname}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            # A public verifier must not be turned into a probe of the internal network.
            raise FetchError("private_address", parts.hostname)


def https_get(url: str, accept: str = ACCEPT_JSON) -> bytes:
    """GET `url` over HTTPS: public addresses only, the configured timeout, and at most
    CREDENTIALS_FETCH_MAX_BYTES read; FetchError on any problem."""
    _check_target(url)
    limit = conf.fetch_max_bytes()
    opener = urllib.request.build_opener(_NoRedirect())
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "otit-verifier"})  # noqa: S310 (https only, checked above)
    try:
        with opener.open(request, timeout=conf.fetch_timeout()) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise FetchError("http_status", f"{url[:200]}: HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise FetchError("unreachable", f"{url[:200]}: {exc}") from exc
    if len(body) > limit:
        raise FetchError("too_large", url[:200])
    return body


def local_document(url: str) -> tuple[bool, Any]:
    """(True, document or None) when `url` is one of this site's credential documents,
    (False, None) when it belongs to another host."""
    if not same_site(url):
        return False, None
    path = urlsplit(url).path
    if match := _STATUS_RE.search(path):
        return True, selectors.status_list_document(match["id"])
    if match := _DID_RE.search(path):
        return True, selectors.issuer_did_document(match["slug"])
    if match := _CREDENTIAL_RE.search(path):
        credential = shared_credential(match["id"])
        return True, credential.document if credential else None
    return False, None


def shared_credential(public_id: str) -> IssuedCredential | None:
    """The credential with this id if its holder publishes it."""
    try:
        uuid.UUID(str(public_id))
    except ValueError:
        return None
    credential = selectors.credential_by_public_id(public_id)
    return credential if credential is not None and credential.shared else None


class SiteResolver:
    """`resolver(url)` for :func:`credentials.vc.verify_credential`.

    This site's status lists, DID documents and credentials are read from the database (no
    HTTP request to ourselves); other hosts through `fetch` (HTTPS, bounded). The verifier
    reports anything that cannot be fetched as "could not be checked", never as valid.
    """

    def __init__(self, fetch=None) -> None:
        self.fetch = fetch

    def __call__(self, url: str) -> Any:
        is_local, document = local_document(url)
        if is_local:
            return document
        return (self.fetch or https_get)(url)
