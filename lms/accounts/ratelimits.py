"""Our own rate limits, counted by allauth's limiter with the rates in ACCOUNT_RATE_LIMITS.

allauth's public `consume` never limits GET requests; code checks and talent searches are
GETs, so this calls its limiter with `limit_get=True` (internal API: a test pins it).
"""

from allauth.core.internal import ratelimit as _allauth_ratelimit
from django.http import HttpRequest


def allowed(request: HttpRequest, action: str) -> bool:
    """Count one use of `action` by this user and IP; False once a limit is exceeded."""
    usage = _allauth_ratelimit.consume(
        request,
        app="allauth.account",
        action=action,
        user=request.user if request.user.is_authenticated else None,
        limit_get=True,
    )
    return usage is not None


def too_many(request: HttpRequest):
    """allauth's 429 response (our 429.html template)."""
    return _allauth_ratelimit.respond_429(request)
