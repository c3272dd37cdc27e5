"""Keeping the pyramid cache in bounds: last-use stamps, eviction and leftover temporaries."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Final, TypedDict

from cachetools import TTLCache

from .locks import try_lock

#: Name of the file whose modification time says when an identity folder was last read.
LAST_USED: Final = ".last_used"
#: ``.last_used`` is touched at most this often per folder and process (seconds).
TOUCH_EVERY: Final = 60.0
#: Eviction walks the whole cache: once one has run (in any process, on any node sharing the
#: cache), later calls within this many seconds do nothing.
EVICTION_INTERVAL_SECONDS: Final = 60
#: The file whose modification time says when the last throttled eviction ran (its text: how long it took).
EVICTION_STAMP: Final = ".last-eviction"
#: Walks are spaced by at least this many times the last walk's duration.
WALK_SHARE_FACTOR: Final = 20
#: A temporary file this much older than the longest task may be left by a killed builder.
ORPHAN_GRACE_SECONDS: Final = 120
_IDENTITY = re.compile(r"[0-9a-f]{32}")
_touch_lock = threading.Lock()
# The folders touched in the last minute: their next touch is skipped.
_touched: TTLCache[str, bool] = TTLCache(maxsize=10_000, ttl=TOUCH_EVERY, timer=time.monotonic)


def touch_used(cache_dir: Path, identity: str) -> None:
    """Record that the cache folder of ``identity`` is in use (at most once a minute)."""
    folder = Path(cache_dir) / identity
    key = str(folder)
    with _touch_lock:
        if key in _touched:
            return
        _touched[key] = True
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LAST_USED).touch()
    except OSError:
        pass  # a read-only or full cache must not break reading


def forget_touches() -> None:
    """Forget which folders were touched (as a fresh process would)."""
    with _touch_lock:
        _touched.clear()


class EvictionSummary(TypedDict):
    """What :func:`evict_cache` did; sizes in bytes."""

    bytes_before: int
    bytes_after: int
    removed: list[str]
    busy: list[str]
    tmp_removed: int
    locks_removed: int


def _scan(folder: Path, now: float, stale_after: float, summary: EvictionSummary) -> tuple[int, float]:
    """Return (bytes, last use) of an identity folder, removing stale temporaries and locks."""
    total = 0
    newest = 0.0
    # os.scandir and its entries rather than Path objects: a night's cache holds a million files
    # and this walk ran at 24 µs a file; each entry's stat is the only system call per file.
    pending = [str(folder)]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                st = entry.stat()
            except OSError:
                continue
            name = entry.name
            stale = now - st.st_mtime > stale_after
            if stale and name.endswith(".tmp"):
                # A writer killed before its rename; live writers finish in well under an hour.
                Path(entry.path).unlink(missing_ok=True)
                summary["tmp_removed"] += 1
                continue
            if stale and name.endswith(".lock") and _remove_stale_lock(Path(entry.path)):
                summary["locks_removed"] += 1
                continue
            total += st.st_size
            newest = max(newest, st.st_mtime)
    try:
        last = (folder / LAST_USED).stat().st_mtime
    except OSError:
        last = newest or folder.stat().st_mtime
    return total, last


def _remove_stale_lock(path: Path) -> bool:
    """Remove a stale ``.lock`` whose result exists and that nobody holds; True when removed."""
    if not path.with_name(path.name[: -len(".lock")]).exists():
        return False
    # The file it guarded exists, so a builder that still gets this lock finds it built.
    fd = try_lock(path)
    if fd is None:
        return False
    try:
        path.unlink(missing_ok=True)
    finally:
        os.close(fd)
    return True


def _remove_unless_busy(folder: Path) -> bool:
    """Delete an identity folder unless one of its build locks is held; True when deleted."""
    held: list[int] = []
    try:
        for lock in folder.rglob("*.lock"):
            fd = try_lock(lock)
            if fd is None:
                return False
            held.append(fd)
        # Renamed away under the locks: readers see the whole pyramid vanish at once.
        doomed = folder.with_name(f".{folder.name}.evicting-{uuid.uuid4().hex}")
        try:
            folder.rename(doomed)
        except OSError:
            return False
    finally:
        for fd in held:
            os.close(fd)
    shutil.rmtree(doomed, ignore_errors=True)
    return True


def evict_cache(
    cache_dir: Path, max_bytes: int, *, idle_seconds: float = 600.0, stale_after: float = 3600.0
) -> EvictionSummary:
    """Shrink the pyramid cache below ``max_bytes`` by removing least recently used files' folders.

    Parameters
    ----------
    cache_dir : Path
        Root of the pyramid cache (``TOYZ_CACHE_DIR``).
    max_bytes : int
        Size limit, in bytes of file contents.
    idle_seconds : float
        Folders used (``.last_used``) more recently than this are never removed.
    stale_after : float
        Age in seconds after which ``*.tmp`` files (writers that died) and ``.lock`` files whose
        result exists and that nobody holds are removed.

    Returns
    -------
    EvictionSummary
        Sizes before and after, the identities removed, those skipped because a build holds a
        lock, and how many temporary and lock files were cleaned up.

    Notes
    -----
    Whole identity folders go, oldest last use first. A folder whose build lock is held is
    skipped; the others are renamed away while their locks are held, then deleted. Processes
    that still map a removed level keep reading it (the file lives until unmapped).
    """
    root = Path(cache_dir)
    summary = EvictionSummary(bytes_before=0, bytes_after=0, removed=[], busy=[], tmp_removed=0, locks_removed=0)
    now = time.time()
    folders: list[tuple[float, int, Path]] = []
    try:
        entries = list(root.iterdir())
    except FileNotFoundError:
        return summary
    for entry in entries:
        if entry.name.startswith(".") and ".evicting-" in entry.name:
            shutil.rmtree(entry, ignore_errors=True)  # an earlier eviction interrupted mid-way
            continue
        if not (_IDENTITY.fullmatch(entry.name) and entry.is_dir()):
            continue
        size, last = _scan(entry, now, stale_after, summary)
        folders.append((last, size, entry))
    total = sum(size for _, size, _ in folders)
    summary["bytes_before"] = total
    for last, size, folder in sorted(folders, key=lambda item: item[0]):
        if total <= max_bytes:
            break
        if now - last < idle_seconds:
            break  # every later folder is more recent still
        if _remove_unless_busy(folder):
            total -= size
            summary["removed"].append(folder.name)
        else:
            summary["busy"].append(folder.name)
    summary["bytes_after"] = total
    return summary


def keep_in_bounds(cache_dir: Path, max_bytes: int) -> EvictionSummary | None:
    """Evict as :func:`evict_cache` does, unless an eviction ran recently (in any process sharing
    the cache): in the last :data:`EVICTION_INTERVAL_SECONDS`, or in the last
    :data:`WALK_SHARE_FACTOR` times as long as that walk took.

    Every finished pre-render calls this (a night's per-CCD tasks, thousands of them); the
    stamp :data:`EVICTION_STAMP` in the cache records when the last walk ended (its modification
    time) and how long it took (its text, in seconds). A cache of a million files takes seconds
    to walk: spacing the walks by their own length keeps them to a twentieth of one process's
    time however large the cache grows (a 100-exposure night's walks took a sixth of it).

    Returns
    -------
    EvictionSummary or None
        None when the walk was skipped.
    """
    root = Path(cache_dir)
    stamp = root / EVICTION_STAMP
    with contextlib.suppress(OSError):
        age = time.time() - stamp.stat().st_mtime
        if age < EVICTION_INTERVAL_SECONDS or age < WALK_SHARE_FACTOR * _last_walk_seconds(stamp):
            return None
    root.mkdir(parents=True, exist_ok=True)
    stamp.touch()  # taken: other processes skip their walk from now on
    start = time.monotonic()
    summary = evict_cache(root, max_bytes)
    with contextlib.suppress(OSError):
        stamp.write_text(f"{time.monotonic() - start:.3f}")
    return summary


def _last_walk_seconds(stamp: Path) -> float:
    """How long the last walk took, as its stamp says (0 when it does not say)."""
    try:
        return max(0.0, float(stamp.read_text().strip() or 0))
    except (OSError, ValueError):
        return 0.0


def sweep_orphans(folder: Path, longest_task_seconds: float) -> int:
    """Delete the temporary files that killed builders left behind (hidden ``.*.tmp`` below ``folder``).

    Only those older than ``longest_task_seconds`` (plus :data:`ORPHAN_GRACE_SECONDS`) go, so
    no running writer loses its file. Returns how many were deleted.
    """
    oldest = time.time() - (longest_task_seconds + ORPHAN_GRACE_SECONDS)
    removed = 0
    for leftover in Path(folder).rglob(".*.tmp"):
        try:
            if leftover.stat().st_mtime < oldest:
                leftover.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # renamed into place or swept by another process meanwhile
    return removed
