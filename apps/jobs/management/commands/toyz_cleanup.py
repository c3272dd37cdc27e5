"""Housekeeping: forget old finished jobs and keep the pyramid cache under its size limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from apps.jobs.models import Job
from workers.imaging import evict_cache

FINISHED = (Job.Status.DONE, Job.Status.ERROR, Job.Status.CANCELLED)


class Command(BaseCommand):
    help = "Delete finished job records older than --days and shrink the pyramid cache to TOYZ_CACHE_MAX_GB."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=30, help="Keep finished jobs this many days (default 30).")

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - timedelta(days=max(options["days"], 0))
        deleted, _ = Job.objects.filter(status__in=FINISHED, finished__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} finished jobs older than {options['days']} days.")
        summary = evict_cache(settings.TOYZ_CACHE_DIR, settings.TOYZ_CACHE_MAX_BYTES)
        mb = 1024 * 1024
        self.stdout.write(
            f"Cache: {summary['bytes_before'] / mb:.0f} MB → {summary['bytes_after'] / mb:.0f} MB, "
            f"{len(summary['removed'])} files' pyramids removed, {len(summary['busy'])} in use kept."
        )
