"""Template helpers of the credentials pages."""

from django import template

register = template.Library()


@register.filter
def http_url(value) -> str:
    """`value` if it is an http(s) URL, else "" (a credential is untrusted input: a
    `javascript:` link in it must never become a clickable link)."""
    if isinstance(value, str) and value.lower().startswith(("https://", "http://", "/")):
        return "" if value.startswith("//") else value
    return ""
