"""The content version: one token that every change of the content learners see replaces.

Cached page structure, routes and fragments are keyed by it (ADR 0036), so a publication,
an unpublication, a move, a deletion or a snippet edit shows on the next request.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentVersion(models.Model):
    """A single row whose `token` is replaced whenever content shown to learners changes.

    A random token, not a counter: a rolled-back transaction (a test, a failed publish) would
    give a counter's value again, and keys cached under it would be reachable again."""

    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        verbose_name = _("content version")

    def __str__(self):
        return str(self.token)
