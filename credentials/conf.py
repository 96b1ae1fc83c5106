"""Settings of the credentials app, read at call time (never at import time)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_PDF_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
)
_LOCAL_SUFFIXES = (".localhost", ".local", ".test", ".invalid", ".internal", ".lan")


def key_secret() -> str:
    """The secret the issuers' private keys are encrypted with (CREDENTIALS_KEY_SECRET)."""
    secret = getattr(settings, "CREDENTIALS_KEY_SECRET", "")
    if len(secret) < 16:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEY_SECRET must be set (at least 16 characters) to issue credentials."
        )
    return secret


def site_url() -> str:
    """The site's public base URL without a trailing slash (SITE_URL)."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str) -> str:
    """`path` on this site's public base URL (SITE_URL); absolute URLs are returned as is."""
    if path.startswith(("https://", "http://")):
        return path
    return site_url() + ("" if path.startswith("/") else "/") + path


def public_host() -> str | None:
    """The host (with port) of SITE_URL when it is a public HTTPS name that did:web can use;
    None for localhost, IP addresses and private suffixes (then issuers use did:key)."""
    parts = urlsplit(site_url())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or "." not in host:
        return None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        return None
    return f"{host}:{parts.port}" if parts.port else host


def did_web_path(*segments: str) -> str:
    """The path of a did:web DID below SITE_URL (keeps a path prefix such as /academy)."""
    prefix = urlsplit(site_url()).path.strip("/")
    return "/".join(part for part in (prefix, *segments) if part)


def fetch_timeout() -> float:
    """Seconds allowed to fetch a remote DID document or status list."""
    return float(getattr(settings, "CREDENTIALS_FETCH_TIMEOUT", 3.0))


def fetch_max_bytes() -> int:
    """Largest remote document the resolver reads."""
    return int(getattr(settings, "CREDENTIALS_FETCH_MAX_BYTES", 1024 * 1024))


def verify_rate() -> str:
    """Verification requests allowed per client (django-ratelimit rate, e.g. "30/m")."""
    return getattr(settings, "CREDENTIALS_VERIFY_RATE", "30/m")


def bulk_max_rows() -> int:
    """Most credential URLs one bulk CSV may hold."""
    return int(getattr(settings, "CREDENTIALS_BULK_MAX_ROWS", 500))


def pdf_font_paths() -> tuple[str, ...]:
    """TrueType fonts with Chinese glyphs to try for the PDF certificate, in order."""
    configured = getattr(settings, "CREDENTIALS_PDF_FONT", "")
    return (configured, *DEFAULT_PDF_FONTS) if configured else DEFAULT_PDF_FONTS
