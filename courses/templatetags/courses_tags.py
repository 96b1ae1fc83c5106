"""Template helpers of the courses app (used by the shell's home page too)."""

from django import template

from .. import selectors

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or None (template lookups with a variable key)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.inclusion_tag("courses/includes/featured_programs.html", takes_context=True)
def featured_programs(context, limit: int = 3):
    """Live programmes of the active language, for the home page."""
    return {
        "programs": selectors.featured_programs(selectors.current_locale(), limit),
        "request": context.get("request"),
    }
