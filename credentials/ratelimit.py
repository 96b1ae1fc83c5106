"""Rate limits of the public verification endpoints, per client, in the Django cache."""

from django_ratelimit.core import is_ratelimited

from . import conf


def client_limited(request, group: str) -> bool:
    """Count this request against the client's allowance (CREDENTIALS_VERIFY_RATE per IP) and
    say whether it is over. Behind a proxy, set RATELIMIT_IP_META_KEY so the real client
    address is used."""
    return is_ratelimited(request, group=group, key="ip", rate=conf.verify_rate(), increment=True)
