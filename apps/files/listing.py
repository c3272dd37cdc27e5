"""Folder listings through the permission model, and the event that reaches a path's readers.

Apart from `apps.files.services` (which re-exports what other apps use) so that the write machinery
(`fsops`, `writing`, `trash`) can build on it while `services` offers the writes too.
"""

from __future__ import annotations

import os
import stat
from pathlib import PurePosixPath
from typing import TypedDict

from django.conf import settings

from apps import events
from apps.files.permissions import Right, User, has_right, readers, visible_children
from apps.files.resolver import ResolvedPath, resolve
from workers.errors import ToyzError
from workers.imaging import is_openable

MAX_ENTRIES = 5000


class Entry(TypedDict):
    name: str
    path: str
    kind: str
    size: int
    mtime: float
    openable: bool


class Listing(TypedDict):
    path: str
    parent: str | None
    entries: list[Entry]
    truncated: bool
    writable: bool
    max_upload_bytes: int


def list_folder(user: User, raw_path: object | ResolvedPath) -> Listing:
    """List a folder the user may list: folders first, then files, by name."""
    folder = raw_path if isinstance(raw_path, ResolvedPath) else resolve(user, raw_path, Right.LIST)
    if not folder.is_dir:
        raise ToyzError("bad_path", "That is a file, not a folder.")
    try:
        names = sorted(os.listdir(folder.real))
    except OSError:
        raise ToyzError("forbidden", "The server itself cannot read this folder.") from None
    base = PurePosixPath(folder.client)
    names = [n for n in visible_children(user, base, names) if not n.startswith(".")]
    entries: list[Entry] = []
    for name in names[:MAX_ENTRIES]:
        entry = folder.real / name
        try:
            # Symlinks are shown only when they land inside the root, where the user may list them.
            target = resolve(user, (base / name).as_posix(), Right.LIST).real if entry.is_symlink() else entry
            info = os.stat(target)
        except (ToyzError, OSError):
            continue  # a dangling or escaping symlink, or a file that vanished meanwhile
        is_dir = stat.S_ISDIR(info.st_mode)
        entries.append(
            Entry(
                name=name,
                path=(base / name).as_posix(),
                kind="dir" if is_dir else "file",
                size=0 if is_dir else info.st_size,
                mtime=info.st_mtime,
                openable=not is_dir and is_openable(name),
            )
        )
    entries.sort(key=lambda e: (e["kind"] != "dir", e["name"].lower()))
    parent = None if not folder.client else (base.parent.as_posix() if base.parent != PurePosixPath(".") else "")
    return Listing(
        path=folder.client,
        parent=parent,
        entries=entries,
        truncated=len(names) > MAX_ENTRIES,
        writable=has_right(user, base, Right.WRITE),
        max_upload_bytes=int(settings.TOYZ_UPLOAD_MAX_BYTES),
    )


def to_readers(path: ResolvedPath, event: events.Event) -> None:
    """Push `event` to every open workspace socket whose user may read `path` (its audience travels with it)."""
    events.to_audience(readers(PurePosixPath(path.client)), event)
