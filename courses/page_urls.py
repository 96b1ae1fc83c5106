"""Wagtail's page URL with the cached routing of courses.pagecache (included by lms.urls
before Wagtail's own URLs, whose `wagtail_serve` name stays the one URLs are reversed with)."""

from django.urls import re_path
from wagtail.urls import serve_pattern

from . import pagecache

urlpatterns = [
    # Wagtail's own pattern, leaving its "_util/" views (password and login forms) to it.
    re_path(
        r"^(?!_util/)" + serve_pattern.removeprefix("^"), pagecache.serve, name="courses_page_serve"
    ),
]
