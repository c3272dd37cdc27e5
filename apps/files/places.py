"""The file browser's places: the user's home, the folders shared with them, and the shortcuts they pin.

Shared folders come from the grants (`grants.shared_with`); a shortcut is a folder the user may list when
they pin it, checked again each time the list is shown: one to a folder they lost the right on, or that
is gone, is shown as unavailable and never listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from apps.accounts.services import home_of
from apps.files.grants import shared_with
from apps.files.models import Shortcut
from apps.files.permissions import Right, User
from apps.files.resolver import confine, resolve
from workers.errors import ToyzError

#: Shortcuts one user may keep: enough for every night of a run, few enough for one menu.
MAX_SHORTCUTS = 50
MAX_LABEL = 200
MAX_PATH_LENGTH = 1024  # the model's column


@dataclass(frozen=True)
class SharedFolder:
    """A folder (or file) granted to the user or one of their groups, outermost grants only."""

    path: str
    name: str
    rights: list[str]
    via: list[str]  # whose grants give it: "user bob", "group observers"
    exists: bool  # False when it was deleted or renamed: the grant stays on the old path and follows nothing
    is_dir: bool


@dataclass(frozen=True)
class Place:
    """One of the user's shortcuts as the file browser shows it."""

    id: int
    path: str
    label: str
    available: bool
    problem: str  # why it is unavailable ("" when it is available)


def _id(user: User) -> int:
    return int(user.pk or 0)


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1] if path else "data"


def home(user: User) -> str | None:
    return home_of(user)


def shared_folders(user: User) -> list[SharedFolder]:
    if not isinstance(user, AbstractBaseUser):
        return []  # anonymous: nothing is shared with nobody
    out: list[SharedFolder] = []
    for path, rights, holders in shared_with(user):
        try:
            located = confine(path, must_exist=False)
        except ToyzError:
            located = None  # replaced by a link out of the root, or a name the system refuses now
        # Only the path itself was granted: a link put in its place leads elsewhere, which is not it.
        exists = located is not None and located.client == path and located.stat_result is not None
        out.append(
            SharedFolder(
                path=path,
                name=_name(path),
                rights=[r.value for r in Right if r in rights],
                via=list(holders),
                exists=exists,
                is_dir=exists and located is not None and located.is_dir,
            )
        )
    return out


def _place(user: User, shortcut: Shortcut) -> Place:
    try:
        folder = resolve(user, shortcut.path, Right.LIST)
    except ToyzError as exc:
        # The resolver checks the right before looking: a forbidden folder's existence is not told.
        problem = (
            "This folder no longer exists." if exc.code == "not_found" else "You no longer have access to this folder."
        )
        return Place(int(shortcut.pk), shortcut.path, shortcut.label, False, problem)
    if not folder.is_dir:
        return Place(int(shortcut.pk), shortcut.path, shortcut.label, False, "This is no longer a folder.")
    return Place(int(shortcut.pk), shortcut.path, shortcut.label, True, "")


def shortcuts_of(user: User) -> list[Place]:
    return [_place(user, s) for s in Shortcut.objects.filter(user_id=_id(user)).order_by("label", "path")]


def add_shortcut(user: User, raw_path: object, label: str = "") -> tuple[Place, bool]:
    """Pin a folder the user may list (its real path: symlinks followed); returns it and whether it is new.

    Pinning a folder pinned already renames it when a label is given.
    """
    folder = resolve(user, raw_path, Right.LIST)
    if not folder.is_dir:
        raise ToyzError("bad_path", "Only folders can be pinned; open the file from its folder instead.")
    if len(folder.client) > MAX_PATH_LENGTH:
        # Reached through a link: its real path is longer than the shortcut's column holds.
        raise ToyzError(
            "bad_path", f"That folder's path is too long to pin (over {MAX_PATH_LENGTH} characters); pin one above it."
        )
    given = " ".join(label.split())[:MAX_LABEL]
    if "\x00" in given:
        # PostgreSQL's text columns cannot hold it.
        raise ToyzError("bad_params", "A label cannot contain a NUL character; type another.")
    existing = Shortcut.objects.filter(user_id=_id(user), path=folder.client).first()
    if existing is not None:
        if given and given != existing.label:
            existing.label = given
            existing.save(update_fields=["label"])
        return _place(user, existing), False
    if Shortcut.objects.filter(user_id=_id(user)).count() >= MAX_SHORTCUTS:
        raise ToyzError(
            "too_many_shortcuts", f"You have {MAX_SHORTCUTS} shortcuts, as many as one may keep: remove one first."
        )
    try:
        with transaction.atomic():
            shortcut = Shortcut.objects.create(
                user_id=_id(user), path=folder.client, label=given or _name(folder.client)
            )
    except IntegrityError:
        # The same folder pinned from another tab at the same moment: one shortcut it is.
        shortcut = Shortcut.objects.get(user_id=_id(user), path=folder.client)
        return _place(user, shortcut), False
    return _place(user, shortcut), True


def remove_shortcut(user: User, shortcut_id: int) -> None:
    deleted, _ = Shortcut.objects.filter(user_id=_id(user), pk=shortcut_id).delete()
    if not deleted:
        raise ToyzError("not_found", "There is no such shortcut; it may have been removed in another window.")
