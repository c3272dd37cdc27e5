"""What every write inside the data root shares: safe names, folders held open by descriptor, renames
that never overwrite, OS errors as sentences, and the event that tells open file browsers to list again.

A write is always made relative to a folder descriptor (``dir_fd``) whose identity was checked against
the resolver's own stat of that folder, so a folder swapped for a symlink after the permission check
cannot redirect the write; new names are created with ``O_EXCL`` / ``mkdir`` / ``renameat2(NOREPLACE)``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import Literal

from apps import events
from apps.files.permissions import Right, User, has_right
from apps.files.resolver import TRASH_FOLDER, ResolvedPath, check_right, data_root, resolve
from apps.files.listing import Entry, to_readers
from workers.errors import ToyzError
from workers.imaging import is_openable

#: Most filesystems (ext4, XFS, btrfs) hold names of at most 255 bytes.
MAX_NAME_BYTES = 255
#: A folder larger than this cannot be renamed or deleted from the browser (each entry's rights are checked).
MAX_SUBTREE_ENTRIES = 20_000
# Unicode's line and paragraph separators break lines like control characters do.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


@events.event_kind
class FolderChanged(events.Event):
    """Something was added, renamed, deleted or restored in a folder: file browsers showing it list it again."""

    event: Literal["folder.changed"] = "folder.changed"
    path: str


def announce(folder: ResolvedPath) -> None:
    """Tell every open workspace whose user may read `folder` that its entries changed."""
    to_readers(folder, FolderChanged(path=folder.client))


def clean_name(raw: object) -> str:
    """A new file or folder name from a client, in Unicode NFC; a sentence saying what to change otherwise."""
    if not isinstance(raw, str):
        raise ToyzError("bad_name", "A name must be text.")
    name = unicodedata.normalize("NFC", raw)
    if not name.strip():
        raise ToyzError("bad_name", "A name cannot be empty.")
    if name in (".", ".."):
        raise ToyzError("bad_name", f"{name!r} is not a name a file can have; pick another.")
    if "/" in name or "\\" in name:
        raise ToyzError("bad_name", "A name cannot contain / or \\; pick a name without them.")
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in name):
        raise ToyzError("bad_name", "A name cannot contain control characters or line breaks; pick another.")
    if name.startswith("."):
        raise ToyzError("bad_name", "A name cannot start with a dot (such files are hidden); pick another.")
    if name != name.strip():
        raise ToyzError("bad_name", "A name cannot start or end with a space.")
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate: no file name can hold it.
        raise ToyzError("bad_name", "That name holds characters no file name can hold; pick another.") from None
    if len(encoded) > MAX_NAME_BYTES:
        raise ToyzError("bad_name", f"A name can be at most {MAX_NAME_BYTES} bytes long; pick a shorter one.")
    return name


def writable_folder(user: User, raw: object) -> ResolvedPath:
    """The folder `raw` names (symlinks followed), which the user may write in."""
    folder = resolve(user, raw, Right.WRITE)
    if not folder.is_dir:
        raise ToyzError("bad_path", "That is a file, not a folder.")
    return folder


def require_write(user: User, folder: ResolvedPath, name: str) -> PurePosixPath:
    """The client path of `name` in `folder`, if the user may write it (a grant may narrow a single entry)."""
    client = PurePosixPath(folder.client, name)
    # The resolver's refusal: a name a none grant hides answers as a missing one would.
    check_right(user, client, Right.WRITE)
    return client


def split_entry(raw: object) -> tuple[str, str]:
    """An existing entry's client path as (its folder, its own name), its last part not followed if a link.

    Hidden names (the trash, unfinished uploads) are as unknown as missing ones.
    """
    if not isinstance(raw, str):
        raise ToyzError("bad_path", "A path must be a string.")
    parent, _, name = raw.rstrip("/").rpartition("/")
    if name in ("", ".", "..") or "\x00" in name:
        raise ToyzError("bad_path", "That path names no file or folder inside a folder.")
    if name.startswith("."):
        raise ToyzError("not_found", "No such file or folder.")
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate: no file has such a name (the resolver says the same of a whole path).
        raise ToyzError("bad_path", "That path is not valid.") from None
    if len(encoded) > MAX_NAME_BYTES:
        raise ToyzError("not_found", "No such file or folder.")
    return parent, name


@contextmanager
def open_folder(folder: ResolvedPath) -> Iterator[int]:
    """A descriptor of `folder`, checked to be the very folder the resolver examined."""
    expected = folder.stat_result
    try:
        fd = os.open(folder.real, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        raise ToyzError("bad_path", "That folder changed while the server was opening it; try again.") from None
    try:
        st = os.fstat(fd)
        if expected is None or (st.st_dev, st.st_ino) != (expected.st_dev, expected.st_ino):
            raise ToyzError("bad_path", "That folder changed while the server was opening it; try again.")
        yield fd
    finally:
        os.close(fd)


def still_in_place(fd: int, folder: ResolvedPath) -> bool:
    """Whether the folder open as `fd` is still where the resolver found it (not moved out of the root meanwhile)."""
    try:
        return Path(f"/proc/self/fd/{fd}").readlink() == folder.real
    except OSError:
        return True  # no /proc: the descriptor's identity check at opening is all there is


def lstat_in(fd: int, name: str) -> os.stat_result | None:
    """The entry `name` of the folder `fd` itself (a link not followed), or None."""
    try:
        return os.stat(name, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def open_trash() -> int:
    """A descriptor of the trash folder at the top of the data root, made private on first use."""
    root = data_root()
    try:
        (root / TRASH_FOLDER).mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise os_error(exc, "the trash") from None
    try:
        return os.open(root / TRASH_FOLDER, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise os_error(exc, "the trash") from None


# --- renames that never overwrite ------------------------------------------------------------------

_RENAME_NOREPLACE = 1
_libc = ctypes.CDLL(None, use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None)
# Errors meaning "this system or filesystem has no renameat2 (or no NOREPLACE)", where the fallback runs.
_UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})


def rename_noreplace(src_fd: int, src: str, dst_fd: int, dst: str) -> None:
    """Rename `src` (in folder `src_fd`) to `dst` (in folder `dst_fd`); FileExistsError if `dst` exists.

    renameat2(RENAME_NOREPLACE) does it atomically; where the filesystem lacks it, a file is hard-linked
    then unlinked (also atomic against a concurrent same name), and a folder is renamed after a check.
    """
    if _renameat2 is not None:
        if _renameat2(src_fd, os.fsencode(src), dst_fd, os.fsencode(dst), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in _UNSUPPORTED:
            raise OSError(code, os.strerror(code), dst)  # OSError picks FileExistsError etc. from the code
    st = os.stat(src, dir_fd=src_fd, follow_symlinks=False)
    if not stat.S_ISDIR(st.st_mode):
        os.link(src, dst, src_dir_fd=src_fd, dst_dir_fd=dst_fd, follow_symlinks=False)
        os.unlink(src, dir_fd=src_fd)
        return
    if lstat_in(dst_fd, dst) is not None:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), dst)
    os.rename(src, dst, src_dir_fd=src_fd, dst_dir_fd=dst_fd)


def os_error(exc: OSError, name: str) -> ToyzError:
    """The sentence for an OS error met while writing `name`."""
    if isinstance(exc, FileExistsError) or exc.errno == errno.ENOTEMPTY:
        return ToyzError("exists", f"{name} already exists here; pick another name.")
    if exc.errno == errno.EISDIR:
        return ToyzError("exists", f"A folder named {name} is already here; pick another name.")
    if isinstance(exc, FileNotFoundError):
        return ToyzError("not_found", f"{name} is no longer there; refresh the folder.")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ToyzError("no_space", "The disk is full; ask an admin to make room.")
    if exc.errno == errno.ENAMETOOLONG:
        return ToyzError("bad_name", "That name is too long for this disk; pick a shorter one.")
    if exc.errno == errno.EXDEV:
        return ToyzError("unsupported", "That folder is on another disk than the trash; ask an admin to remove it.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ToyzError("forbidden", "The server itself may not write there; ask an admin.")
    return ToyzError("internal", "The server could not write there; tell an admin.")


def unlink_quietly(fd: int, name: str) -> None:
    # Already gone, or not removable: a leftover hidden temporary file harms nobody.
    with suppress(OSError):
        os.unlink(name, dir_fd=fd)


# --- entries -------------------------------------------------------------------------------------


def entry_in(folder: ResolvedPath, fd: int, name: str) -> Entry:
    """The listing entry of `name` in the open `folder`."""
    try:
        info = os.stat(name, dir_fd=fd)
    except OSError:
        info = os.stat(name, dir_fd=fd, follow_symlinks=False)
    is_dir = stat.S_ISDIR(info.st_mode)
    return Entry(
        name=name,
        path=PurePosixPath(folder.client, name).as_posix(),
        kind="dir" if is_dir else "file",
        size=0 if is_dir else info.st_size,
        mtime=info.st_mtime,
        openable=not is_dir and is_openable(name),
    )


def require_subtree_write(user: User, client: PurePosixPath, fd: int, name: str) -> None:
    """Refuse to move a folder unless the user may write everything inside it (a grant may hide a subfolder)."""
    st = lstat_in(fd, name)
    if st is None or not stat.S_ISDIR(st.st_mode):
        return
    top = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
    count = 0
    try:
        for dirpath, dirnames, filenames, _ in os.fwalk(dir_fd=top, follow_symlinks=False):
            base = client if dirpath == "." else client / dirpath
            for entry in (*dirnames, *filenames):
                count += 1
                if count > MAX_SUBTREE_ENTRIES:
                    raise ToyzError(
                        "too_large",
                        f"That folder holds more than {MAX_SUBTREE_ENTRIES} entries; ask an admin to move it on the server.",
                    )
                if not has_right(user, base / entry, Right.WRITE):
                    raise ToyzError(
                        "forbidden", "That folder holds things you may not change; ask an admin to grant them."
                    )
    finally:
        os.close(top)
