"""Listing the images of watched folders, and telling when each has stopped changing. No database here.

One scan walks the folders with :func:`os.scandir` (one ``stat`` per image file; names first, so other
files cost nothing but their directory entry): a few milliseconds per thousand files on a local disk
(``make bench-watch``). Polling rather than inotify, because the night's files often arrive on network
filesystems (NFS, CIFS, Lustre) that give no inotify events for writes made on other hosts.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from workers.imaging import is_openable
from workers.imaging.cache import version_identity


class Seen(NamedTuple):
    """An image file as one scan saw it: its path relative to the data root, its real path and its ``stat``.

    A tuple: a poll makes one per image file, thousands of them.
    """

    client: str
    real: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @property
    def identity(self) -> str:
        """The cache's identity of the file (``workers.imaging.cache.stat_identity``)."""
        return version_identity(self.real, self.size, self.mtime_ns)

    @property
    def version(self) -> tuple[int, int]:
        """What the identity depends on besides the path: equal versions, equal identities."""
        return (self.size, self.mtime_ns)

    @property
    def state(self) -> tuple[int, int, int, int]:
        """What must stay the same while a file settles (ctime too: a writer may set mtime back)."""
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode)


def seen_from(real: str, client: str, st: os.stat_result) -> Seen:
    return Seen(client, real, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


@dataclass
class Scan:
    """One scan: the image files by client path, and what was passed over with the reason (logged once)."""

    files: dict[str, Seen] = field(default_factory=dict)
    passed_over: dict[str, str] = field(default_factory=dict)


def _client(real: str, root: str) -> str | None:
    """``real`` relative to ``root``, or None when it lies outside."""
    if real == root:
        return ""
    return real[len(root) + 1 :] if real.startswith(root + os.sep) else None


def scan(folders: Sequence[Path], root: Path) -> Scan:
    """The image files (by name, :func:`workers.imaging.is_openable`) in ``folders`` and below them.

    Hidden names (a leading ".": temporary files of copies in progress, the trash) are left out. A
    symlink to a file inside the root counts under the file's real path; a symlink that leads out of
    the root and a symlink to a folder (never followed: loops, and the same files twice) are passed over.
    Folders and files that vanish while they are listed are simply not there this time.
    """
    found = Scan()
    root_text = str(root)
    stack = [str(folder) for folder in folders]
    visited: set[str] = set()
    while stack:
        current = stack.pop()
        if current in visited:
            continue  # nested watched folders
        visited.add(current)
        prefix = _client(current, root_text)
        if prefix is None:
            continue
        prefix = f"{prefix}/" if prefix else ""
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except FileNotFoundError:
            continue
        except OSError as exc:
            found.passed_over[current] = f"cannot be listed by the watcher ({exc.strerror})"
            continue
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                continue
            try:
                if entry.is_symlink():
                    _symlink(entry, root_text, found)
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif is_openable(name) and entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    client = prefix + name
                    found.files[client] = Seen(
                        client, entry.path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino
                    )
            except FileNotFoundError:
                continue
    return found


def _symlink(entry: os.DirEntry[str], root: str, found: Scan) -> None:
    real = os.path.realpath(entry.path)
    client = _client(real, root)
    if client is None:
        found.passed_over[entry.path] = f"is a symlink out of the data root (to {real}); it is never taken"
        return
    try:
        st = os.stat(real)
    except OSError:
        return  # dangling for now
    if stat.S_ISDIR(st.st_mode):
        found.passed_over[entry.path] = "is a symlink to a folder, which is not followed; watch the folder itself"
    elif stat.S_ISREG(st.st_mode) and is_openable(entry.name) and not Path(real).name.startswith("."):
        found.files.setdefault(client, seen_from(real, client, st))


class Settler:
    """Tells when files have kept their size, mtime, ctime and inode for ``settle_seconds``.

    Every file must be seen unchanged for the whole settle time by this process, even after a restart
    (a file's mtime alone cannot prove it: copies may set it back, and network filesystems' clocks differ).
    """

    def __init__(self, settle_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.settle_seconds = settle_seconds
        self.clock = clock
        self._since: dict[str, tuple[tuple[int, int, int, int], float]] = {}

    def settled(self, candidates: Iterable[Seen]) -> list[Seen]:
        """Those of ``candidates`` unchanged for the settle time; files not among them are forgotten."""
        now = self.clock()
        ready: list[Seen] = []
        since: dict[str, tuple[tuple[int, int, int, int], float]] = {}
        for seen in candidates:
            previous = self._since.get(seen.client)
            first = previous[1] if previous is not None and previous[0] == seen.state else now
            since[seen.client] = (seen.state, first)
            if now - first >= self.settle_seconds:
                ready.append(seen)
        self._since = since
        return ready

    def restart(self, seen: Seen) -> None:
        """Start ``seen``'s settle time again (it changed while it was checked)."""
        self._since.pop(seen.client, None)

    def waiting(self) -> int:
        """How many files are settling."""
        return len(self._since)
