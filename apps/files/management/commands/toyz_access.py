"""What a user may do with a path, and why: `manage.py toyz_access --user bob nights/2026-11-30/a.fits`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.files.grants import describe_rights
from apps.files.management.cli import client_path, user_named
from apps.files.permissions import decide
from apps.files.resolver import confine
from workers.errors import ToyzError


class Command(BaseCommand):
    help = (
        "Print a user's rights on a path of the data root and what decides them: the grant (its path and the "
        "user or group holding it), their home folder, being an admin, the way down to a grant, or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", metavar="PATH", help="A folder or file, relative to the data root or absolute inside it."
        )
        parser.add_argument("--user", metavar="NAME", required=True, help="Whose rights to show.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["user"])
        try:
            # Symlinks followed, as every request resolves them: the rights of the real path are the ones that count.
            located = confine(client_path(options["path"]), must_exist=False)
        except ToyzError as exc:
            raise CommandError(exc.message) from None
        decision = decide(user, located.client)
        shown = located.client or "(data root)"
        missing = "" if located.stat_result is not None else " (no such file or folder at the moment)"
        self.stdout.write(f"user: {user.get_username()}")
        self.stdout.write(f"path: {shown}{missing}")
        self.stdout.write(f"rights: {describe_rights(decision.rights)}")
        self.stdout.write(f"decided by: {decision.explain()}")
