"""Job records: one row per job submitted over a workspace socket."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Job(models.Model):
    """A run of a registered function for a user, with its progress and outcome."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        ERROR = "error"
        CANCELLED = "cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    workspace = models.ForeignKey(
        "workspaces.Workspace", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    fn = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(null=True, blank=True)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)
    # How many times a runner started it: more than one when a lost worker's job was resumed.
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=200, blank=True)  # the Celery node that ran it last ("" embedded)
    # The Celery queue its task went to (apps/jobs/queues.py); "" in the embedded mode.
    queue = models.CharField(max_length=32, blank=True)
    # Where its messages go: the asking socket's channel and the id that socket gave the job ("": nobody).
    reply_to = models.CharField(max_length=200, blank=True)
    client_id = models.BigIntegerField(default=0)
    # Work that concurrent jobs share (apps/jobs/sharing.py): a hash of what it does, "" when it is its own;
    # `leader` is the job that does it for this one, which only follows it (None: it runs itself).
    share_key = models.CharField(max_length=64, blank=True, db_index=True)
    leader = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="followers")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["user", "-created"])]

    def __str__(self) -> str:
        return f"{self.fn} ({self.status})"


class Module(models.Model):
    """A module of job functions (files, imaging, an extension's): who may run its functions is
    decided per module, by "open to all" or by `run_module` grants (guardian object permissions) to
    groups and users. Rows follow the registry (`apps.jobs.modules.sync`) and outlive a module that
    goes missing for a while, with their grants."""

    OPEN_CHOICES = [
        (None, "As TOYZ_OPEN_MODULES says"),
        (True, "Open to every active user"),
        (False, "Only to the groups and users granted it"),
    ]

    name = models.CharField(max_length=100, unique=True, editable=False)
    title = models.CharField(max_length=200, blank=True, editable=False)
    description = models.TextField(blank=True, editable=False)
    # None: the TOYZ_OPEN_MODULES setting decides; True or False: the admin decided for this module.
    open_to_all = models.BooleanField(
        "open to all",
        null=True,
        blank=True,
        default=None,
        choices=OPEN_CHOICES,
        help_text="Who may run this module's functions besides admins and those granted it.",
    )

    class Meta:
        ordering = ["name"]
        permissions = [("run_module", "Can run the module's job functions")]

    def __str__(self) -> str:
        return f"{self.title} ({self.name})" if self.title and self.title != self.name else self.name
