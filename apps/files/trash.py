"""Deleting into the trash, and taking things back out.

The trash is one hidden folder at the top of the data root (`resolver.TRASH_FOLDER`), which the
resolver refuses to every client path. Each deletion is a folder of its own there,
``<id>/item`` (the deleted file or folder, moved, not copied) beside ``<id>/record.json`` (its original
path, who deleted it and when); no database row. A user sees the entries they may write back to;
`manage.py toyz_empty_trash` removes old ones for good.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import stat
import time
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import TypedDict

from pydantic import BaseModel, ValidationError

from apps.files import fsops, grants
from apps.files.permissions import Right, User, has_right
from apps.files.resolver import confine
from apps.files.listing import Entry
from workers.errors import ToyzError

logger = logging.getLogger(__name__)
ITEM = "item"
RECORD = "record.json"
MAX_RECORD_BYTES = 64 * 1024
#: A user's trash view shows at most this many entries, the newest first.
MAX_LISTED = 500
_ID = re.compile(r"\d{8}T\d{6}-[0-9a-f]{12}")
_NO_SUCH_ENTRY = "There is no such entry in the trash; refresh the trash."


class TrashRecord(BaseModel):
    """What record.json says of one deletion."""

    path: str
    kind: str
    size: int
    deleted_by: str
    deleted_by_id: int | None
    deleted_at: float  # seconds since the epoch


class TrashEntry(TypedDict):
    id: str
    path: str
    name: str
    kind: str
    size: int
    deleted_by: str
    deleted_at: float


def _new_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(6)}"


def _write_record(trash: int, entry_id: str, record: TrashRecord) -> None:
    out = os.open(
        f"{entry_id}/{RECORD}", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=trash
    )
    with os.fdopen(out, "w", encoding="utf-8") as file:
        file.write(record.model_dump_json())


def _read_record(trash: int, entry_id: str) -> TrashRecord | None:
    try:
        fd = os.open(f"{entry_id}/{RECORD}", os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=trash)
        with os.fdopen(fd, "rb") as file:
            text = file.read(MAX_RECORD_BYTES + 1)
        if len(text) > MAX_RECORD_BYTES:
            return None
        return TrashRecord.model_validate(json.loads(text))
    except (OSError, ValueError, ValidationError):
        return None  # a deletion cut short, or a record someone edited by hand: not listed


def _may_restore(user: User, path: PurePosixPath) -> bool:
    return has_right(user, path.parent, Right.WRITE) and has_right(user, path, Right.WRITE)


def _as_entry(entry_id: str, record: TrashRecord) -> TrashEntry:
    path = PurePosixPath(record.path)
    return TrashEntry(
        id=entry_id,
        path=record.path,
        name=path.name,
        kind=record.kind,
        size=record.size,
        deleted_by=record.deleted_by,
        deleted_at=record.deleted_at,
    )


def retire(client_path: str, why: str) -> TrashEntry | None:
    """Move a path into the trash on the server's own behalf, asking no right: a deleted account's home
    folder, so that a new account of the same name starts empty while an admin can still restore it.

    Returns None when there is nothing to move (or it cannot be moved: another filesystem); never raises.
    """
    try:
        parent, name = fsops.split_entry(client_path)
        folder = confine(parent)
        with fsops.open_folder(folder) as fd:
            st = fsops.lstat_in(fd, name)
            if st is None:
                return None
            is_dir = stat.S_ISDIR(st.st_mode)
            record = TrashRecord(
                path=(PurePosixPath(folder.client) / name).as_posix(),
                kind="dir" if is_dir else "file",
                size=0 if is_dir else st.st_size,
                deleted_by=why,
                deleted_by_id=None,
                deleted_at=time.time(),
            )
            trash = fsops.open_trash()
            try:
                entry_id = _new_id()
                os.mkdir(entry_id, 0o700, dir_fd=trash)
                try:
                    _write_record(trash, entry_id, record)
                    fsops.rename_noreplace(fd, name, trash, f"{entry_id}/{ITEM}")
                except OSError:
                    shutil.rmtree(entry_id, dir_fd=trash, ignore_errors=True)
                    raise
            finally:
                os.close(trash)
    except (ToyzError, OSError):
        logger.warning("Could not move %s into the trash (%s); it stays where it is.", client_path, why, exc_info=True)
        return None
    fsops.announce(folder)
    return _as_entry(entry_id, record)


def delete(user: User, raw_path: object) -> TrashEntry:
    """Move the file or folder `raw_path` into the trash (a symlink itself, never what it points to)."""
    parent, name = fsops.split_entry(raw_path)
    folder = fsops.writable_folder(user, parent)
    client = fsops.require_write(user, folder, name)
    with fsops.open_folder(folder) as fd:
        st = fsops.lstat_in(fd, name)
        if st is None:
            raise ToyzError("not_found", "No such file or folder.")
        fsops.require_subtree_write(user, client, fd, name)
        is_dir = stat.S_ISDIR(st.st_mode)
        record = TrashRecord(
            path=client.as_posix(),
            kind="dir" if is_dir else "file",
            size=0 if is_dir else st.st_size,
            deleted_by=user.get_username(),
            deleted_by_id=int(user.pk) if user.pk is not None else None,
            deleted_at=time.time(),
        )
        trash = fsops.open_trash()
        try:
            entry_id = _new_id()
            try:
                os.mkdir(entry_id, 0o700, dir_fd=trash)
                _write_record(trash, entry_id, record)
                fsops.rename_noreplace(fd, name, trash, f"{entry_id}/{ITEM}")
            except OSError as exc:
                shutil.rmtree(entry_id, dir_fd=trash, ignore_errors=True)
                raise fsops.os_error(exc, name) from None
        finally:
            os.close(trash)
    fsops.announce(folder)
    return _as_entry(entry_id, record)


def list_trash(user: User) -> list[TrashEntry]:
    """The deletions the user may restore (write back to where they were), newest first."""
    trash = fsops.open_trash()
    try:
        found: list[TrashEntry] = []
        for entry_id in sorted(os.listdir(trash), reverse=True):
            if not _ID.fullmatch(entry_id):
                continue
            record = _read_record(trash, entry_id)
            if record is None or not _may_restore(user, PurePosixPath(record.path)):
                continue
            found.append(_as_entry(entry_id, record))
            if len(found) >= MAX_LISTED:
                break
        return found
    finally:
        os.close(trash)


def restore(user: User, entry_id: object, raw_name: object | None = None) -> Entry:
    """Put a deleted file or folder back where it was, under its own name or `raw_name`; never over another."""
    if not isinstance(entry_id, str) or not _ID.fullmatch(entry_id):
        raise ToyzError("not_found", _NO_SUCH_ENTRY)
    trash = fsops.open_trash()
    try:
        record = _read_record(trash, entry_id)
        # Someone else's deletion the user may not write back is as unknown as a missing one.
        if record is None or not _may_restore(user, PurePosixPath(record.path)):
            raise ToyzError("not_found", _NO_SUCH_ENTRY)
        original = PurePosixPath(record.path)
        name = original.name if raw_name is None else fsops.clean_name(raw_name)
        where = "" if original.parent == PurePosixPath() else original.parent.as_posix()
        try:
            folder = fsops.writable_folder(user, where)
        except ToyzError as error:
            if error.code != "not_found":
                raise
            raise ToyzError(
                "not_found", f"The folder {where or 'data'} it was deleted from is gone; make it again first."
            ) from None
        fsops.require_write(user, folder, name)
        target = (PurePosixPath(folder.client) / name).as_posix()
        if target != original.as_posix():
            grants.check_free(target)
            grants.check_move(original.as_posix(), target)
        with fsops.open_folder(folder) as fd:
            try:
                fsops.rename_noreplace(trash, f"{entry_id}/{ITEM}", fd, name)
            except FileExistsError:
                raise ToyzError(
                    "exists", f"{name} already exists in {where or 'data'}; restore it under another name."
                ) from None
            except FileNotFoundError:
                raise ToyzError("not_found", _NO_SUCH_ENTRY) from None
            except OSError as exc:
                raise fsops.os_error(exc, name) from None
            # Restored under another name, it takes its grants along (a "none" grant inside it keeps hiding).
            grants.follow_move(original.as_posix(), target)
            entry = fsops.entry_in(folder, fd, name)
        shutil.rmtree(entry_id, dir_fd=trash, ignore_errors=True)
    finally:
        os.close(trash)
    fsops.announce(folder)
    return entry


def empty_trash(older_than_seconds: float) -> int:
    """Remove for good the deletions older than that; returns how many. For `manage.py toyz_empty_trash`."""
    cutoff = time.time() - older_than_seconds
    trash = fsops.open_trash()
    removed = 0
    try:
        for entry_id in os.listdir(trash):
            if not _ID.fullmatch(entry_id):
                continue
            record = _read_record(trash, entry_id)
            # A deletion cut short has no record: its folder's own age decides.
            when = record.deleted_at if record else os.stat(entry_id, dir_fd=trash, follow_symlinks=False).st_mtime
            if when < cutoff:
                shutil.rmtree(entry_id, dir_fd=trash)
                removed += 1
    finally:
        os.close(trash)
    return removed
