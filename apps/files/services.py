"""The file browser: folder listings through the permission model."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Annotated, TypedDict

from django.conf import settings
from django.dispatch import Signal
from pydantic import PlainValidator, ValidationInfo, WithJsonSchema

from apps import events
from apps.files.permissions import (
    Audience,
    Right,
    User,
    access_of,
    has_right,
    is_active_user,
    key_of,
    readers,
    visible_children,
)
from apps.files.resolver import ResolvedPath, data_root, resolve
from workers.errors import ToyzError
from workers.imaging import is_openable

# What other apps use of this one: the resolver, the rights, and the path types of job parameters.
__all__ = [
    "Audience",
    "Entry",
    "ListClientPath",
    "ListPath",
    "Listing",
    "ReadClientPath",
    "ReadPath",
    "ResolvedPath",
    "Right",
    "User",
    "WriteClientPath",
    "WritePath",
    "data_root",
    "folder_changed",
    "has_right",
    "list_folder",
    "read_test",
    "readers",
    "resolve",
    "to_readers",
]

MAX_ENTRIES = 5000
MAX_PATH_LENGTH = 4096

#: Sent (``folder=``: a ResolvedPath) after Toyz itself added, renamed, deleted or restored something
#: in a folder, when its readers are told (``folder.changed``): indexes of the folder follow it.
folder_changed = Signal()


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


def read_test(user: User) -> Callable[[str], bool]:
    """A test of many client paths (real, normalised) for the user's read right, deciding them all from
    one look at the user's rights: for filtering thousands of indexed files at once."""
    if not is_active_user(user):
        return lambda path: False
    access = access_of(user)
    if access is None:
        return lambda path: True
    return lambda path: Right.READ in access.decide(key_of(path)).rights


def to_readers(path: ResolvedPath, event: events.Event) -> None:
    """Push `event` to every open workspace socket whose user may read `path` (its audience travels with it)."""
    events.to_audience(readers(PurePosixPath(path.client)), event)


# --- client paths as job parameters ----------------------------------------------------------------


def _path_validator(right: Right) -> PlainValidator:
    def validate(value: object, info: ValidationInfo) -> ResolvedPath:
        user = (info.context or {}).get("user")
        if user is None:
            raise ValueError("cannot be checked without a user")
        # ToyzError is no ValueError: pydantic lets it through, so the resolver's own code reaches the client.
        return resolve(user, value, right)

    return PlainValidator(validate)


def _path_schema(right: Right) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "format": "path", "x-right": right.value, "maxLength": MAX_PATH_LENGTH}, mode="validation"
    )


#: A client path the user may read, resolved (symlinks followed) and checked during validation.
ReadPath = Annotated[ResolvedPath, _path_validator(Right.READ), _path_schema(Right.READ)]
#: A client path the user may list.
ListPath = Annotated[ResolvedPath, _path_validator(Right.LIST), _path_schema(Right.LIST)]
#: A client path the user may write.
WritePath = Annotated[ResolvedPath, _path_validator(Right.WRITE), _path_schema(Right.WRITE)]

# --- client paths in REST queries and bodies --------------------------------------------------------

# A REST view takes the path as the client's string and resolves it itself (its error then keeps the
# resolver's code and status); the schema still says it is a path and which right the view checks, so
# that the OpenAPI schema tells clients, and the security suites (tests/security) find every path
# field to attack. Every REST query or body field that names a file or folder must use one of these.

#: A client path (a string) that the view resolves with the list right.
ListClientPath = Annotated[str, _path_schema(Right.LIST)]
#: A client path (a string) that the view resolves with the read right.
ReadClientPath = Annotated[str, _path_schema(Right.READ)]
#: A client path (a string) that the view resolves with the write right.
WriteClientPath = Annotated[str, _path_schema(Right.WRITE)]
