"""Making and withdrawing folder grants, and asking who can reach what: the one place the admin site,
`manage.py toyz_grant`/`toyz_access` and the file browser's "Shared with me" go through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from apps.files.models import GRANT_CODENAMES, NONE_CODENAME, RIGHT_CODENAMES, PathGrant
from apps.files.permissions import Decision, Right, access_of, decide, implied, key_of
from apps.files.resolver import confine
from workers.errors import ToyzError

__all__ = [
    "GrantRow",
    "Holder",
    "check_free",
    "check_move",
    "describe_rights",
    "follow_move",
    "grant",
    "parse_rights",
    "revoke",
    "shared_with",
    "who_can_read",
]

Holder = AbstractBaseUser | Group


def parse_rights(text: str) -> frozenset[Right]:
    """ "list,read" → {list, read}; "none" → {} (a none grant). Raises ToyzError bad_params."""
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if words == ["none"]:
        return frozenset()
    if not words or "none" in words:
        raise ToyzError("bad_params", "Rights are a comma-separated list of list, read and write, or none alone.")
    unknown = [w for w in words if w not in RIGHT_CODENAMES]
    if unknown:
        raise ToyzError("bad_params", f"Unknown right {unknown[0]!r}: use list, read, write or none.")
    return implied(Right(w) for w in words)


def describe_rights(rights: Iterable[Right]) -> str:
    """{read, list} → "list, read"; {} → "none"."""
    ordered = [r.value for r in Right if r in set(rights)]
    return ", ".join(ordered) or "none"


def grant_path(raw: object) -> str:
    """The key a grant on `raw` is stored under: the real path (symlinks followed) inside the data root.

    Refuses, with a sentence, a path outside the data root or one that does not exist.
    """
    try:
        located = confine(raw)
    except ToyzError as exc:
        if exc.code == "not_found":
            raise ToyzError("not_found", f"There is no file or folder {raw!s} in the data root.") from None
        if exc.code == "outside_root":
            raise ToyzError("outside_root", f"{raw!s} is outside the data root: grants apply inside it only.") from None
        raise
    return located.client


def _log(actor: AbstractBaseUser | None, obj: PathGrant, flag: int, message: str) -> None:
    """Record a change in the admin's history (only when an admin made it)."""
    if actor is None or actor.pk is None:
        return
    LogEntry.objects.log_actions(
        user_id=int(actor.pk), queryset=[obj], action_flag=flag, change_message=message, single_object=True
    )


def _holder_label(holder: Holder) -> str:
    return f"group {holder.name}" if isinstance(holder, Group) else f"user {holder.get_username()}"


def grant(
    raw_path: object, holder: Holder, rights: Iterable[Right], *, actor: AbstractBaseUser | None = None
) -> PathGrant:
    """Give `holder` exactly `rights` on a path (replacing what they had there); no rights is "none"."""
    path = grant_path(raw_path)
    if len(path) > MAX_GRANT_PATH:
        # Reached through a link: the real path is longer than a grant's column holds.
        raise ToyzError(
            "bad_path",
            f"That path is too long to grant (over {MAX_GRANT_PATH} characters, links followed); "
            "grant a folder above it.",
        )
    wanted = implied(rights)
    codenames = {RIGHT_CODENAMES[r.value] for r in wanted} or {NONE_CODENAME}
    with transaction.atomic():
        obj, created = PathGrant.objects.get_or_create(path=path)
        for codename in GRANT_CODENAMES:
            if codename in codenames:
                assign_perm(f"files.{codename}", holder, obj)
            else:
                remove_perm(f"files.{codename}", holder, obj)
        obj.save(update_fields=["updated"])
        _log(
            actor,
            obj,
            ADDITION if created else CHANGE,
            f"Granted {describe_rights(wanted)} to {_holder_label(holder)}.",
        )
    return obj


#: PathGrant.path's max_length.
MAX_GRANT_PATH = 1024


def _stored_key(raw: object) -> str | None:
    """`raw` as a grant's stored path, if it can be one; None for what no database column holds (a NUL,
    a lone surrogate from an undecodable command-line argument, too long), which `grant_path` refuses."""
    if not isinstance(raw, str) or "\x00" in raw or len(raw) > MAX_GRANT_PATH:
        return None
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return key_of(raw)


def revoke(raw_path: object, holder: Holder, *, actor: AbstractBaseUser | None = None) -> bool:
    """Withdraw every right `holder` has on a path; the grant goes when nobody holds anything on it.

    Works on a grant whose folder was deleted or renamed meanwhile (the stored path is used as is).
    Returns whether there was anything to withdraw.
    """
    key = _stored_key(raw_path)
    obj = PathGrant.objects.filter(path=key).first() if key is not None else None
    if obj is None:
        obj = PathGrant.objects.filter(path=grant_path(raw_path)).first()
    if obj is None:
        return False
    content_type = ContentType.objects.get_for_model(PathGrant)
    with transaction.atomic():
        if isinstance(holder, Group):
            rows = GroupObjectPermission.objects.filter(group=holder, content_type=content_type, object_pk=str(obj.pk))
        else:
            rows = UserObjectPermission.objects.filter(user=holder, content_type=content_type, object_pk=str(obj.pk))
        had = rows.exists()
        for row in list(rows):
            row.delete()
        remaining = (
            UserObjectPermission.objects.filter(content_type=content_type, object_pk=str(obj.pk)).exists()
            or GroupObjectPermission.objects.filter(content_type=content_type, object_pk=str(obj.pk)).exists()
        )
        if had:
            _log(actor, obj, CHANGE if remaining else DELETION, f"Withdrew every right of {_holder_label(holder)}.")
        if not remaining:
            obj.delete()
    return had


def _at_or_under(key: str) -> list[PathGrant]:
    return list(PathGrant.objects.filter(path=key)) + list(PathGrant.objects.filter(path__startswith=f"{key}/"))


def check_free(key: str) -> None:
    """Refuse to move a file or folder to `key` while a grant still names it (a grant on a folder that
    was deleted or moved away outside Toyz): the moved folder would silently get that grant."""
    if key and _at_or_under(key):
        raise ToyzError(
            "exists",
            f"A folder grant still names {key}: choose another name, or ask an admin to withdraw that grant.",
        )


def check_move(old_key: str, new_key: str) -> None:
    """Refuse a move from `old_key` to `new_key` that would give a grant on it or below it a path longer
    than the database holds: `follow_move` would fail after the move on disk, leaving its grants behind."""
    limit = PathGrant._meta.get_field("path").max_length or 0
    if not old_key or old_key == new_key or len(new_key) <= len(old_key):
        return
    if any(len(new_key) + len(obj.path) - len(old_key) > limit for obj in _at_or_under(old_key)):
        raise ToyzError(
            "bad_name",
            f"A folder grant inside it would then name a path longer than {limit} characters; pick a shorter name.",
        )


def follow_move(old_key: str, new_key: str) -> int:
    """A file or folder moved from `old_key` to `new_key` inside Toyz: its grants, and those below it,
    move with it, so that a rename neither drops a "none" grant (which would widen access) nor
    leaves a grant behind on a name someone may reuse. Returns how many grants moved."""
    if not old_key or old_key == new_key:
        return 0
    moved = 0
    with transaction.atomic():
        for obj in _at_or_under(old_key):
            obj.path = new_key + obj.path[len(old_key) :]
            obj.save(update_fields=["path", "updated"])
            moved += 1
    return moved


@dataclass(frozen=True)
class GrantRow:
    """One holder's rights on one grant, for lists."""

    path: str
    holder: str  # "user alice" / "group observers"
    rights: frozenset[Right]


def grant_rows(paths: Iterable[str] | None = None) -> list[GrantRow]:
    """Every (path, holder, rights) triple, optionally only for some grant paths."""
    content_type = ContentType.objects.get_for_model(PathGrant)
    grants = PathGrant.objects.all() if paths is None else PathGrant.objects.filter(path__in=list(paths))
    by_pk = dict(grants.values_list("pk", "path"))
    found: dict[tuple[str, str], set[Right]] = {}
    pks = [str(pk) for pk in by_pk]
    for object_pk, codename, name in UserObjectPermission.objects.filter(
        content_type=content_type, object_pk__in=pks
    ).values_list("object_pk", "permission__codename", "user__username"):
        entry = found.setdefault((by_pk[int(object_pk)], f"user {name}"), set())
        if codename != NONE_CODENAME:
            entry.add(Right(codename.removesuffix("_path")))
    for object_pk, codename, name in GroupObjectPermission.objects.filter(
        content_type=content_type, object_pk__in=pks
    ).values_list("object_pk", "permission__codename", "group__name"):
        entry = found.setdefault((by_pk[int(object_pk)], f"group {name}"), set())
        if codename != NONE_CODENAME:
            entry.add(Right(codename.removesuffix("_path")))
    return [GrantRow(path, holder, implied(rights)) for (path, holder), rights in sorted(found.items())]


def shared_with(user: AbstractBaseUser) -> list[tuple[str, frozenset[Right], tuple[str, ...]]]:
    """The paths granted to the user or their groups (with some right), outermost only, by path."""
    access = access_of(user)
    if access is None:
        return []
    granted = sorted((path, rights, holders) for path, (rights, holders) in access.grants.items() if rights)
    out: list[tuple[str, frozenset[Right], tuple[str, ...]]] = []
    for path, rights, holders in granted:
        # A grant inside another shared one is reached through it, unless a none grant cuts the way.
        if any(path.startswith(f"{top}/") for top, _, _ in out) and access.decide(path).rights == rights:
            continue
        out.append((path, rights, holders))
    return out


def who_can_read(raw_path: object) -> list[tuple[AbstractBaseUser, Decision]]:
    """Every active user who may read the path, with the decision that lets them (admins included)."""
    key = key_of(grant_path(raw_path))
    out: list[tuple[AbstractBaseUser, Decision]] = []
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        decision = decide(user, key)
        if Right.READ in decision.rights:
            out.append((user, decision))
    return out
