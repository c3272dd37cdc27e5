"""Bring the header index up to date: ``manage.py toyz_index [PATH...] [--no-recursive]``.

Paths are client paths (or absolute paths inside the data root); none means the whole data root. Runs
in this process (headers are small: no workers needed), printing one line per folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.files.services import Right, data_root, resolve
from apps.headers import services
from workers.errors import ToyzError


class Command(BaseCommand):
    help = "Index the headers of the FITS files under some folders (the whole data root by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="Folders relative to the data root, or absolute inside it.")
        parser.add_argument("--no-recursive", action="store_true", help="Leave out the subfolders.")

    def handle(self, *args: Any, **options: Any) -> None:
        admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("There is no admin account; make one first (manage.py toyz_setup).")
        root = data_root()
        failed = False
        for raw in options["paths"] or [""]:
            given = Path(raw)
            client = (
                given.resolve().relative_to(root).as_posix()
                if given.is_absolute() and given.resolve().is_relative_to(root)
                else raw
            )
            try:
                folder = resolve(admin, client, Right.LIST)
                summary = services.index_folder(folder, recursive=not options["no_recursive"])
            except ToyzError as exc:
                raise CommandError(f"{raw}: {exc.message}") from None
            self.stdout.write(
                f"{summary.path or '(data root)'}: {summary.files} files, {summary.read} read, "
                f"{summary.unchanged} unchanged, {summary.removed} removed, {summary.problems} with problems"
            )
            for failure in summary.failures:
                failed = True
                self.stdout.write(f"  {failure['path']}: {failure['problem']}")
        if failed:
            self.stdout.write(
                "Files with problems are kept in the index with their problem, and read again when they change."
            )
