"""Grant or withdraw rights on a folder of the data root from a script (a night's folder to the observing
team from a cron job): `manage.py toyz_grant nights/2026-11-30 --group observers --rights list,read`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, Group, PermissionsMixin
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.files import grants
from apps.files.management.cli import client_path, group_named, user_named
from apps.files.models import PathGrant
from apps.files.permissions import Right, key_of
from workers.errors import ToyzError


class Command(BaseCommand):
    help = (
        "Give a user or a group exactly these rights on a folder (or file) of the data root, replacing what "
        "they had there, or withdraw them with --revoke. PATH is relative to the data root, or absolute inside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="A folder or file inside the data root.")
        holder = parser.add_mutually_exclusive_group(required=True)
        holder.add_argument("--user", metavar="NAME", help="The user who gets (or loses) the rights.")
        holder.add_argument("--group", metavar="NAME", help="The group that gets (or loses) the rights.")
        change = parser.add_mutually_exclusive_group(required=True)
        change.add_argument(
            "--rights",
            metavar="RIGHTS",
            help='Comma-separated list, read and write (write implies read implies list), or "none" to hide '
            "the folder from them inside a wider grant.",
        )
        change.add_argument("--revoke", action="store_true", help="Withdraw every right they have on PATH.")
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="ADMIN",
            help="Record the change in the admin site's history under this admin account.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        holder: AbstractBaseUser | Group = (
            user_named(options["user"]) if options["user"] is not None else group_named(options["group"])
        )
        actor = self._actor(options["actor"])
        raw = client_path(options["path"])
        try:
            if options["revoke"]:
                line = self._revoke(raw, holder, actor)
            else:
                line = self._grant(raw, holder, grants.parse_rights(options["rights"]), actor)
        except ToyzError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(line)

    def _actor(self, name: str | None) -> AbstractBaseUser | None:
        if name is None:
            return None
        actor = user_named(name, option="--as")
        may_change = isinstance(actor, PermissionsMixin) and actor.has_perm("files.change_pathgrant")
        if not (actor.is_active and getattr(actor, "is_staff", False) and may_change):
            raise CommandError(f"--as {name}: that account is not an active admin who may change folder grants.")
        return actor

    def _grant(
        self, raw: str, holder: AbstractBaseUser | Group, rights: frozenset[Right], actor: AbstractBaseUser | None
    ) -> str:
        path = grants.grant_path(raw)
        shown = path or "(data root)"
        via = f" ({raw} leads there)" if key_of(raw) != path else ""
        before = _held(path, holder)
        if before == rights:
            return f"{_label(holder)} already has {grants.describe_rights(rights)} on {shown}{via}: nothing changed."
        grants.grant(path, holder, rights, actor=actor)
        after = grants.describe_rights(rights)
        if before is None:
            return f"Granted {after} on {shown}{via} to {_label(holder)} (who had no grant there before)."
        return f"Changed {_label(holder)}'s rights on {shown}{via} from {grants.describe_rights(before)} to {after}."

    def _revoke(self, raw: str, holder: AbstractBaseUser | Group, actor: AbstractBaseUser | None) -> str:
        key = key_of(raw)
        # A grant whose folder was deleted or renamed since is withdrawn by the path it was made on.
        path = key if PathGrant.objects.filter(path=key).exists() else grants.grant_path(raw)
        shown = path or "(data root)"
        before = _held(path, holder)
        if before is None:
            return f"{_label(holder)} holds no grant on {shown}: nothing changed."
        grants.revoke(path, holder, actor=actor)
        gone = "" if PathGrant.objects.filter(path=path).exists() else f" Nobody holds a grant on {shown} any more."
        return f"Withdrew {grants.describe_rights(before)} on {shown} from {_label(holder)}.{gone}"


def _label(holder: AbstractBaseUser | Group) -> str:
    return f"group {holder.name}" if isinstance(holder, Group) else f"user {holder.get_username()}"


def _held(path: str, holder: AbstractBaseUser | Group) -> frozenset[Right] | None:
    """The rights `holder` has on the grant at `path` (empty for a none grant), None when they hold none."""
    label = _label(holder)
    return next((row.rights for row in grants.grant_rows([path]) if row.holder == label), None)
