"""What the folder watcher did with each file it took: one row per file, for the identity it last handled."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

#: As long as a header index path: the longest path a grant names.
MAX_PATH_CHARS = 1024


class WatchedFile(models.Model):
    """A file of a watched folder, the identity (``workers.imaging.cache.stat_identity``) the watcher last
    handled, and what came of it.

    A file is handled once per identity, across restarts of the watcher: a row whose identity is the
    file's says it was taken (or found complete, incomplete or refused) already. ``path`` is the real path
    relative to the data root. ``job_id`` is the file's own `imaging.prerender` Job (its HDUs' jobs
    are listed with it in the job lists). ``detail`` says why a file was incomplete, refused or failed.
    """

    class Outcome(models.TextChoices):
        QUEUED = "queued", "pre-render queued"
        BUILT = "built", "pre-rendered"
        SKIPPED = "skipped", "complete in the cache already"
        FAILED = "failed", "pre-render failed"
        INCOMPLETE = "incomplete", "stopped changing but not whole"
        REFUSED = "refused", "refused (rights, unreadable)"
        INTERRUPTED = "interrupted", "its job stopped with the watcher"

    path = models.CharField(max_length=MAX_PATH_CHARS, unique=True)
    identity = models.CharField(max_length=32)
    size = models.BigIntegerField()
    mtime_ns = models.BigIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    detail = models.TextField(blank=True, default="")
    job_id = models.UUIDField(null=True, blank=True)
    indexed = models.BooleanField(default=False, help_text="Its header was added to the header index.")
    handled = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-handled"]
        verbose_name = "watched file"

    def __str__(self) -> str:
        return f"{self.path} ({self.outcome})"
