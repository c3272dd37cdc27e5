"""The write right: uploads, new folders and renames inside the data root (deletion is `apps.files.trash`).

Every folder is resolved with the write right (`resolve(user, path, Right.WRITE)`) and every new name
checked with `has_right`; the grants behind them decide. Nothing ever overwrites unless the client says
so: an upload is streamed into a hidden temporary file of the target folder and then renamed into place
(``renameat2(NOREPLACE)``, or ``rename`` when the user chose to replace), so readers never see half a file.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import BinaryIO, Protocol

from django.conf import settings

from apps.files import fsops, grants
from apps.files.listing import Entry
from apps.files.permissions import User
from apps.files.resolver import ResolvedPath
from workers.errors import ToyzError

CHUNK_BYTES = 1024 * 1024
#: Unfinished uploads are hidden files (the listing hides dot-names; clients cannot name them).
TEMP_PREFIX = ".toyz-upload-"


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


def max_upload_bytes() -> int:
    return int(settings.TOYZ_UPLOAD_MAX_BYTES)


def too_large() -> ToyzError:
    limit = max_upload_bytes() // 1024**2
    return ToyzError("too_large", f"Files larger than {limit} MB cannot be uploaded here; ask an admin.")


def upload(user: User, raw_folder: object, raw_name: object, body: Readable, *, length: int | None,
           replace: bool = False) -> Entry:  # fmt: skip
    """Write the bytes of `body` as file `raw_name` of folder `raw_folder`.

    `length` is the size the client announced (Content-Length); the body is refused as soon as it
    passes the size limit, and a body shorter than announced (an interrupted upload) leaves nothing.
    An existing file is replaced only when `replace` is true; a folder never is.
    """
    name = fsops.clean_name(raw_name)
    if length is not None and length > max_upload_bytes():
        raise too_large()
    folder = fsops.writable_folder(user, raw_folder)
    fsops.require_write(user, folder, name)
    with fsops.open_folder(folder) as fd:
        _refuse_existing(fd, name, replace=replace)
        if length is not None and _free_bytes(fd) < length:
            raise ToyzError("no_space", "There is not enough room on the disk for that file; ask an admin.")
        entry = _write_into_place(folder, fd, name, lambda out: _copy(body, out, length), replace=replace)
    fsops.announce(folder)
    return entry


def create_file(user: User, raw_folder: object, raw_name: object, write: Callable[[BinaryIO], None]) -> Entry:
    """Make the new file `raw_name` in `raw_folder` from what `write(out)` writes, never over an existing name.

    For files the server makes (an exported table): the folder is resolved with the write right and the
    name checked like an upload's; `write` fills a hidden temporary file of the folder, which is renamed
    into place whole (``renameat2(NOREPLACE)``: ``exists`` if the name was taken meanwhile), and the
    folder's readers are told. Whatever `write` raises leaves nothing behind.
    """
    name = fsops.clean_name(raw_name)
    folder = fsops.writable_folder(user, raw_folder)
    fsops.require_write(user, folder, name)
    with fsops.open_folder(folder) as fd:
        _refuse_existing(fd, name, replace=False)
        entry = _write_into_place(folder, fd, name, lambda out: _fill(out, write), replace=False)
    fsops.announce(folder)
    return entry


def _write_into_place(folder: ResolvedPath, fd: int, name: str, fill: Callable[[int], None], *,
                      replace: bool) -> Entry:  # fmt: skip
    """Fill a hidden temporary file of the open folder `fd` with `fill(out)`, then rename it to `name`.

    `fill` receives the open file descriptor and owns it (closes it). The rename never overwrites unless
    `replace`; whatever fails leaves nothing behind, and a folder that moved away meanwhile (out of the
    root, perhaps) gets the new file taken back. Returns the new entry; the caller announces the folder.
    """
    temp = TEMP_PREFIX + secrets.token_hex(8)
    try:
        out = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=fd)
    except OSError as exc:
        raise fsops.os_error(exc, name) from None
    try:
        fill(out)
        if replace:
            os.rename(temp, name, src_dir_fd=fd, dst_dir_fd=fd)
        else:
            fsops.rename_noreplace(fd, temp, fd, name)
    except OSError as exc:
        fsops.unlink_quietly(fd, temp)
        raise fsops.os_error(exc, name) from None
    except BaseException:
        fsops.unlink_quietly(fd, temp)
        raise
    if not fsops.still_in_place(fd, folder):
        fsops.unlink_quietly(fd, name)
        raise ToyzError("bad_path", "That folder moved while the file was written; try again.")
    return fsops.entry_in(folder, fd, name)


def _fill(out: int, write: Callable[[BinaryIO], None]) -> None:
    """Let `write` fill the open file `out`, then fsync it."""
    with os.fdopen(out, "wb", closefd=True) as file:
        write(file)
        file.flush()
        os.fsync(file.fileno())


def _refuse_existing(fd: int, name: str, *, replace: bool) -> None:
    existing = fsops.lstat_in(fd, name)
    if existing is None:
        return
    if stat.S_ISDIR(existing.st_mode):
        raise ToyzError("exists", f"A folder named {name} is already here; pick another name.")
    if not replace:
        raise ToyzError("exists", f"{name} already exists here. Replace it, or upload under another name.")


def _free_bytes(fd: int) -> int:
    info = os.fstatvfs(fd)
    return info.f_bavail * info.f_frsize


def _copy(body: Readable, out: int, length: int | None) -> None:
    """Copy `body` into the open file `out`, counting bytes against the limit; fsync before returning."""
    limit = max_upload_bytes()
    written = 0
    with os.fdopen(out, "wb", closefd=True) as file:
        while chunk := body.read(CHUNK_BYTES):
            written += len(chunk)
            if written > limit or (length is not None and written > length):
                raise too_large()
            file.write(chunk)
        file.flush()
        os.fsync(file.fileno())
    if length is not None and written != length:
        raise ToyzError("bad_request", "The upload was cut short; try again.")


def make_folder(user: User, raw_folder: object, raw_name: object) -> Entry:
    """Create folder `raw_name` inside `raw_folder`; an existing name is an `exists` error."""
    name = fsops.clean_name(raw_name)
    folder = fsops.writable_folder(user, raw_folder)
    fsops.require_write(user, folder, name)
    with fsops.open_folder(folder) as fd:
        try:
            os.mkdir(name, 0o755, dir_fd=fd)
        except OSError as exc:
            raise fsops.os_error(exc, name) from None
        if not fsops.still_in_place(fd, folder):
            os.rmdir(name, dir_fd=fd)
            raise ToyzError("bad_path", "That folder moved while the server was writing; try again.")
        entry = fsops.entry_in(folder, fd, name)
    fsops.announce(folder)
    return entry


def rename(user: User, raw_path: object, raw_name: object) -> Entry:
    """Rename the file or folder `raw_path` to `raw_name` in the same folder, never over an existing name.

    A symlink is renamed itself, not what it points to.
    """
    parent, old = fsops.split_entry(raw_path)
    name = fsops.clean_name(raw_name)
    folder = fsops.writable_folder(user, parent)
    source = fsops.require_write(user, folder, old)
    fsops.require_write(user, folder, name)
    with fsops.open_folder(folder) as fd:
        if fsops.lstat_in(fd, old) is None:
            raise ToyzError("not_found", "No such file or folder.")
        if name == old:
            return fsops.entry_in(folder, fd, name)
        fsops.require_subtree_write(user, source, fd, old)
        target = PurePosixPath(folder.client) / name
        grants.check_free(target.as_posix())
        grants.check_move((PurePosixPath(folder.client) / old).as_posix(), target.as_posix())
        try:
            fsops.rename_noreplace(fd, old, fd, name)
        except OSError as exc:
            raise fsops.os_error(exc, name) from None
        if not fsops.still_in_place(fd, folder):
            fsops.rename_noreplace(fd, name, fd, old)
            raise ToyzError("bad_path", "That folder moved while the server was writing; try again.")
        # The grants on it and below it follow, so that a "none" grant inside it still hides what it hid.
        grants.follow_move((PurePosixPath(folder.client) / old).as_posix(), target.as_posix())
        entry = fsops.entry_in(folder, fd, name)
    fsops.announce(folder)
    return entry
