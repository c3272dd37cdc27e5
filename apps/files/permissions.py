"""Who may do what with a path inside the data root.

- Admins (active superusers) have every right inside the root.
- A user has every right inside their home folder, whatever any grant says.
- Elsewhere the nearest path with a grant for the user or one of their groups decides (the path itself,
  else the closest folder above it); the user's and their groups' grants on that path are combined. A
  "none" grant decides too, with no rights: it hides a confidential subtree inside a shared one.
- Rights imply the ones below: write ⇒ read ⇒ list.
- The folders on the way down to a path the user has a right on may be listed, showing only the way.

Each process keeps every user's `Access` (their home and grants) in memory, tagged with the grants
version (`GrantsVersion`), which every change to a grant, a group membership or a home folder bumps: a
check costs one primary-key read and a few dictionary lookups, and a change takes effect on the next
request everywhere, open sockets included.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Literal

from cachetools import LRUCache
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from guardian.models import GroupObjectPermission, UserObjectPermission

from apps.accounts.services import User, home_of, home_owners, is_active_user
from apps.events import Audience
from apps.files.models import NONE_CODENAME, RIGHT_CODENAMES, GrantsVersion, PathGrant

__all__ = [
    "Access",
    "Audience",
    "Decision",
    "Right",
    "User",
    "access_of",
    "decide",
    "forget_cached_rights",
    "has_right",
    "is_active_user",
    "key_of",
    "readers",
    "visible_children",
]


class Right(StrEnum):
    LIST = "list"
    READ = "read"
    WRITE = "write"


_IMPLIED = {
    Right.LIST: frozenset({Right.LIST}),
    Right.READ: frozenset({Right.LIST, Right.READ}),
    Right.WRITE: frozenset({Right.LIST, Right.READ, Right.WRITE}),
}
ALL_RIGHTS = frozenset(Right)
NO_RIGHTS: frozenset[Right] = frozenset()
_RIGHT_OF_CODENAME = {codename: Right(name) for name, codename in RIGHT_CODENAMES.items()}


def implied(rights: Iterable[Right]) -> frozenset[Right]:
    """The rights together with those they imply (write ⇒ read ⇒ list)."""
    out: set[Right] = set()
    for right in rights:
        out |= _IMPLIED[right]
    return frozenset(out)


def key_of(path: PurePosixPath | str) -> str:
    """A client path as the grants store it: "" for the data root, "a/b" otherwise."""
    text = path.as_posix() if isinstance(path, PurePosixPath) else path
    return "" if text in ("", ".") else text.strip("/")


def _ancestors_or_self(key: str) -> list[str]:
    """ "a/b/c" → ["a/b/c", "a/b", "a", ""] (nearest first)."""
    parts = key.split("/") if key else []
    return ["/".join(parts[:n]) for n in range(len(parts), -1, -1)]


Source = Literal["inactive", "admin", "home", "grant", "way", "nothing"]


@dataclass(frozen=True)
class Decision:
    """A user's rights on one path and what decided them."""

    rights: frozenset[Right]
    source: Source
    grant_path: str | None = None  # the grant that decides, for source "grant"
    holders: tuple[str, ...] = ()  # whose rights on that grant count ("user alice", "group observers")

    def explain(self) -> str:
        """One sentence for admins: why the user has these rights."""
        if self.source == "inactive":
            return "not an active user"
        if self.source == "admin":
            return "an admin: every right inside the data root"
        if self.source == "home":
            return "inside their home folder"
        if self.source == "way":
            return "on the way to a folder they were granted (only the way shows)"
        if self.source == "nothing":
            return "no grant applies"
        shown = self.grant_path or "(data root)"
        kind = "a none grant" if not self.rights else "the grant"
        return f"{kind} on {shown} to {', '.join(self.holders)}"


@dataclass(frozen=True)
class Access:
    """What one user may reach: their home folder and the grants to them or their groups."""

    home: str | None
    # grant path → (the rights, implied ones included; empty for "none") and whose grants they are
    grants: dict[str, tuple[frozenset[Right], tuple[str, ...]]] = field(default_factory=dict)
    # Folders above a path with some right: listable, to walk down to it.
    ways: frozenset[str] = frozenset()
    # Some grant, home or way lies strictly below the folder: a listing must look at each child.
    below: frozenset[str] = frozenset()

    def decide(self, key: str) -> Decision:
        home = self.home
        if home is not None and (key == home or key.startswith(home + "/")):
            return Decision(ALL_RIGHTS, "home")
        for candidate in _ancestors_or_self(key):
            found = self.grants.get(candidate)
            if found is not None:
                return Decision(found[0], "grant", candidate, found[1])
        if key in self.ways:
            return Decision(frozenset({Right.LIST}), "way")
        return Decision(NO_RIGHTS, "nothing")


_INACTIVE = Decision(NO_RIGHTS, "inactive")
_ADMIN = Decision(ALL_RIGHTS, "admin")
_lock = threading.Lock()
_accesses: LRUCache[int, tuple[int, Access]] = LRUCache(maxsize=4096)


def grants_version() -> int:
    """The current grants version (one primary-key read)."""
    counter = GrantsVersion.objects.filter(pk=1).values_list("counter", flat=True).first()
    return int(counter or 0)


def _compute(user_id: int, home: str | None) -> Access:
    content_type = ContentType.objects.get_for_model(PathGrant)
    group_ids = list(Group.objects.filter(user__pk=user_id).values_list("pk", flat=True))
    rows: list[tuple[str, str, str]] = [
        (object_pk, codename, f"user {name}")
        for object_pk, codename, name in UserObjectPermission.objects.filter(
            user_id=user_id, content_type=content_type
        ).values_list("object_pk", "permission__codename", "user__username")
    ]
    if group_ids:
        rows += [
            (object_pk, codename, f"group {name}")
            for object_pk, codename, name in GroupObjectPermission.objects.filter(
                group_id__in=group_ids, content_type=content_type
            ).values_list("object_pk", "permission__codename", "group__name")
        ]
    pks = {int(object_pk) for object_pk, _, _ in rows if object_pk.isdigit()}
    paths = dict(PathGrant.objects.filter(pk__in=pks).values_list("pk", "path"))
    rights: dict[str, set[Right]] = {}
    holders: dict[str, list[str]] = {}
    for object_pk, codename, holder in rows:
        path = paths.get(int(object_pk)) if object_pk.isdigit() else None
        if path is None or (codename not in _RIGHT_OF_CODENAME and codename != NONE_CODENAME):
            continue
        rights.setdefault(path, set())
        if codename in _RIGHT_OF_CODENAME:
            rights[path].add(_RIGHT_OF_CODENAME[codename])
        if holder not in holders.setdefault(path, []):
            holders[path].append(holder)
    grants = {path: (implied(r), tuple(holders[path])) for path, r in rights.items()}
    reachable = [path for path, (r, _) in grants.items() if r] + ([home] if home else [])
    ways = {above for path in reachable for above in _ancestors_or_self(path)[1:]}
    below = {above for path in [*grants, *([home] if home else [])] for above in _ancestors_or_self(path)[1:]}
    return Access(home=home, grants=grants, ways=frozenset(ways), below=frozenset(below))


def forget_cached_rights() -> None:
    """Drop every cached `Access` (tests, whose databases roll back to an earlier grants version)."""
    with _lock:
        _accesses.clear()


def access_of(user: User) -> Access | None:
    """The user's `Access` as of now (None for anonymous or inactive users and admins, who need none)."""
    if not is_active_user(user) or getattr(user, "is_superuser", False) or user.pk is None:
        return None
    version = grants_version()
    user_id = int(user.pk)
    with _lock:
        cached = _accesses.get(user_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    access = _compute(user_id, home_of(user))
    with _lock:
        _accesses[user_id] = (version, access)
    return access


def decide(user: User, client_path: PurePosixPath | str) -> Decision:
    """The user's rights on a path (normalised, relative to the data root) and what decides them."""
    if not is_active_user(user):
        return _INACTIVE
    access = access_of(user)
    return _ADMIN if access is None else access.decide(key_of(client_path))


def has_right(user: User, client_path: PurePosixPath, right: Right) -> bool:
    """Whether `user` has `right` on `client_path` (a normalised path relative to the data root)."""
    return right in decide(user, client_path).rights


def visible_children(user: User, folder: PurePosixPath, names: list[str]) -> list[str]:
    """Of the entries `names` of `folder`, those the user may see in a listing."""
    if not is_active_user(user):
        return []
    access = access_of(user)
    if access is None:
        return names
    key = key_of(folder)
    if key not in access.below:
        # Nothing is granted below this folder: every child has the folder's own rights.
        return names if Right.LIST in access.decide(key).rights else []
    prefix = f"{key}/" if key else ""
    return [name for name in names if Right.LIST in access.decide(prefix + name).rights]


def readers(client_path: PurePosixPath) -> Audience:
    """Everyone with the read right on `client_path`: the rules of `decide`, turned round.

    The owner of the home folder it lies in, admins, and each user whose nearest grant on the path or
    above it (their own or their groups') includes read. Listed as users, not groups: a "none" grant to
    one member must keep that member out although their group may read.
    """
    key = key_of(client_path)
    users = set(home_owners(key))
    above = _ancestors_or_self(key)
    paths = dict(PathGrant.objects.filter(path__in=above).values_list("pk", "path"))
    if paths:
        content_type = ContentType.objects.get_for_model(PathGrant)
        object_pks = [str(pk) for pk in paths]
        # (user or group id, path, codename)
        by_user = UserObjectPermission.objects.filter(content_type=content_type, object_pk__in=object_pks)
        by_group = GroupObjectPermission.objects.filter(content_type=content_type, object_pk__in=object_pks)
        user_rows = list(by_user.values_list("user_id", "object_pk", "permission__codename"))
        group_rows = list(by_group.values_list("group_id", "object_pk", "permission__codename"))
        members: dict[int, list[int]] = {}
        if group_rows:
            memberships = Group.user_set.through.objects.filter(group_id__in={g for g, _, _ in group_rows})
            for user_id, group_id in memberships.values_list("user_id", "group_id"):
                members.setdefault(group_id, []).append(user_id)
        # Per user, per grant path: the rights their own and their groups' grants give.
        found: dict[int, dict[str, set[Right]]] = {}
        for holder_ids, object_pk, codename in [
            *(([u], pk, c) for u, pk, c in user_rows),
            *((members.get(g, []), pk, c) for g, pk, c in group_rows),
        ]:
            path = paths.get(int(object_pk))
            if path is None:
                continue
            for user_id in holder_ids:
                entry = found.setdefault(user_id, {}).setdefault(path, set())
                if codename in _RIGHT_OF_CODENAME:
                    entry.add(_RIGHT_OF_CODENAME[codename])
        for user_id, by_path in found.items():
            nearest = next(path for path in above if path in by_path)
            if Right.READ in implied(by_path[nearest]):
                users.add(user_id)
    return Audience(users=frozenset(users), admins=True)
