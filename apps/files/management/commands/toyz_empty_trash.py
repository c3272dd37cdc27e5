"""Remove for good what has waited in the trash longer than some days (from a daily cron job)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.files import trash


class Command(BaseCommand):
    help = "Remove for good the deletions that have waited in the trash for more than --days days (30 by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=float, default=30.0, help="Keep deletions younger than this many days.")

    def handle(self, *args: Any, days: float, **options: Any) -> None:
        removed = trash.empty_trash(max(days, 0.0) * 24 * 3600)
        self.stdout.write(f"Removed {removed} deletion(s) older than {days:g} days from the trash.")
