"""Learner work in labs: autosaved programs with their history, graded submissions, endpoints.

A lab is identified by the lesson page that holds it and the StreamField block id
(``lesson_page_id``, ``block_id``); the page belongs to the courses app, so only the id is kept.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LabDraft(models.Model):
    """The learner's current program for one lab, saved as they type."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson_page_id = models.PositiveIntegerField()
    block_id = models.CharField(max_length=64)
    source = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson_page_id", "block_id"], name="labs_one_draft_per_lab"
            )
        ]

    def __str__(self):
        return f"draft {self.user_id}/{self.lesson_page_id}/{self.block_id} v{self.version}"


class LabDraftVersion(models.Model):
    """One saved version of a draft (edits within a short window are folded together)."""

    draft = models.ForeignKey(LabDraft, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    source = models.TextField(blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "version"], name="labs_unique_draft_version")
        ]

    def __str__(self):
        return f"v{self.version}"


class Submission(models.Model):
    """An attempt submitted for grading; stored before the grading task is queued."""

    class Kind(models.TextChoices):
        PLC = "plc", _("PLC lab")
        NOTEBOOK = "notebook", _("Jupyter lab")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for grading")
        RUNNING = "running", _("being graded")
        GRADED = "graded", _("graded")
        ERROR = "error", _("could not be graded")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson_page_id = models.PositiveIntegerField()
    block_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PLC)
    attempt = models.PositiveIntegerField()
    source = models.TextField(blank=True)
    config = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    grading_runs = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["lesson_page_id", "block_id", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson_page_id", "block_id", "attempt"],
                name="labs_unique_attempt",
            )
        ]

    def __str__(self):
        return f"submission {self.pk} ({self.status})"


class RealtimeEndpoint(models.Model):
    """A learner's sandbox running in real time behind Modbus TCP (and OPC UA) in a process."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson_page_id = models.PositiveIntegerField()
    block_id = models.CharField(max_length=64)
    host = models.CharField(max_length=255)
    modbus_port = models.PositiveIntegerField()
    opcua_port = models.PositiveIntegerField(null=True, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["modbus_port"],
                condition=models.Q(stopped_at__isnull=True),
                name="labs_live_modbus_port_unique",
            )
        ]

    def __str__(self):
        return f"{self.host}:{self.modbus_port}"
