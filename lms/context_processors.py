"""Template context shared by every page."""

from django.conf import settings


def site(request):
    """The site name and the languages the switcher offers."""
    return {"SITE_NAME": settings.SITE_NAME, "SWITCHER_LANGUAGES": settings.LANGUAGES}
