"""Who may do what with a path inside the data root.

Today: superusers have every right inside the root; everyone else has every right inside their home
folder and may list the folders on the way to it. Path grants (list/read/write per folder, to users
and groups) grow inside `has_right`, `visible_children` and `readers` without changing their callers.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath

from apps.accounts.services import User, home_of, home_owners, is_active_user
from apps.events import Audience

__all__ = ["Audience", "Right", "User", "has_right", "is_active_user", "readers", "visible_children"]


class Right(StrEnum):
    LIST = "list"
    READ = "read"
    WRITE = "write"


def _is_admin(user: User) -> bool:
    return is_active_user(user) and bool(getattr(user, "is_superuser", False))


def _granted_roots(user: User) -> list[PurePosixPath]:
    """The client paths under which the user has every right."""
    home = home_of(user)
    return [PurePosixPath(home)] if home else []


def has_right(user: User, client_path: PurePosixPath, right: Right) -> bool:
    """Whether `user` has `right` on `client_path` (a normalised path relative to the data root)."""
    if not is_active_user(user):
        return False
    if _is_admin(user):
        return True
    for granted in _granted_roots(user):
        if client_path == granted or granted in client_path.parents:
            return True
        # The folders above a granted one may be listed, to walk down to it.
        if right is Right.LIST and client_path in granted.parents:
            return True
    return False


def visible_children(user: User, folder: PurePosixPath, names: list[str]) -> list[str]:
    """Of the entries `names` of `folder`, those the user may see in a listing."""
    if not is_active_user(user):
        return []
    if _is_admin(user):
        return names
    granted = _granted_roots(user)
    if any(folder == g or g in folder.parents for g in granted):
        return names
    # Above a granted folder only the way down to it shows.
    visible = []
    for name in names:
        child = folder / name
        if any(child == g or child in g.parents for g in granted):
            visible.append(name)
    return visible


def readers(client_path: PurePosixPath) -> Audience:
    """Everyone with the read right on `client_path`: the rules of `has_right`, turned round.

    Today the owner of the home folder it lies in, and admins. Path grants extend this with the
    users and groups granted read on the path or a folder above it.
    """
    return Audience(users=frozenset(home_owners(client_path.as_posix())), admins=True)
