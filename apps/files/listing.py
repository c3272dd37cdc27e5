"""Folder listings through the permission model, and the event that reaches a path's readers.

Apart from `apps.files.services` (which re-exports what other apps use) so that the write machinery
(`fsops`, `writing`, `trash`) can build on it while `services` offers the writes too.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path, PurePosixPath
from typing import TypedDict

from django.conf import settings
from django.dispatch import Signal

from apps import events
from apps.files.permissions import Right, User, has_right, readers, visible_children
from apps.files.resolver import ResolvedPath, resolve
from workers.errors import ToyzError
from workers.imaging import is_openable
from workers.sources import holds_only_tables, is_table_file

MAX_ENTRIES = 5000


class Entry(TypedDict):
    name: str
    path: str
    kind: str
    size: int
    mtime: float
    openable: bool  # opens in the image viewer: false for a FITS file that holds only tables
    table: bool  # a table file by its name (CSV, VOTable...; a FITS file may hold tables and an image)


class Listing(TypedDict):
    path: str
    parent: str | None
    entries: list[Entry]
    truncated: bool
    writable: bool
    max_upload_bytes: int


def _only_tables(real: Path, info: os.stat_result) -> bool:
    """Whether the FITS file `real` holds only tables (so the browser opens it as one, never as an image)."""
    return _only_tables_cached(str(real), info.st_ino, info.st_size, info.st_mtime_ns)


# A folder is listed again on every change: its FITS files' headers are read once per version of each.
@functools.lru_cache(maxsize=4096)
def _only_tables_cached(real: str, inode: int, size: int, mtime_ns: int) -> bool:
    return holds_only_tables(real)


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
        table = not is_dir and is_table_file(name)
        entries.append(
            Entry(
                name=name,
                path=(base / name).as_posix(),
                kind="dir" if is_dir else "file",
                size=0 if is_dir else info.st_size,
                mtime=info.st_mtime,
                openable=not is_dir and is_openable(name) and not (table and _only_tables(target, info)),
                table=table,
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


#: Sent (``folder=``: a ResolvedPath) after Toyz itself added, renamed, deleted or restored something
#: in a folder, when its readers are told (``folder.changed``): indexes of the folder follow it.
folder_changed = Signal()


def to_readers(path: ResolvedPath, event: events.Event) -> None:
    """Push `event` to every open workspace socket whose user may read `path` (its audience travels with it)."""
    events.to_audience(readers(PurePosixPath(path.client)), event)
