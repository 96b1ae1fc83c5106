"""The content version: one counter that every published change of the site's content bumps.

Cached page structure, routes and fragments are keyed by it (ADR 0036), so a publication,
an unpublication, a move, a deletion or a snippet edit shows on the next request.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """A single row whose `number` goes up whenever content shown to learners changes."""

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("content version")

    def __str__(self):
        return str(self.number)
