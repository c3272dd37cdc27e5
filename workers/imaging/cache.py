"""File identity, the layout of the pyramid cache, and atomic writes.

Layout (see ``docs/architecture.md``)::

    <cache_dir>/<identity>/hdu<H>-p<N>/L<k>.npy
    <cache_dir>/<identity>/hdu<H>-p<N>/cuts.json
    <cache_dir>/<identity>/hdu<H>-p<N>/render/<params-key>/<k>/<tx>_<ty>.<fmt>
    <cache_dir>/<identity>/.last_used        (touched when read, for eviction)

Every file is written under a temporary name in its final folder and renamed into place with
:func:`os.replace`, so readers never see a partial file and two processes writing the same file
at once both succeed (the last rename wins; the contents are equal).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, TypedDict

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

logger = logging.getLogger(__name__)

if sys.platform != "win32":
    import fcntl


def file_identity(path: Path) -> str:
    """Return a short hex digest that changes whenever the file changes.

    Parameters
    ----------
    path : Path
        The file. Symlinks are followed.

    Returns
    -------
    str
        32 hex characters derived from the real path, the size in bytes and the modification
        time in nanoseconds.

    Raises
    ------
    ToyzError
        ``not_found`` if the file does not exist, ``unreadable`` if it is a folder or cannot be
        examined.
    """
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        raise ToyzError("not_found", f"{Path(path).name}: no such file") from None
    except OSError as exc:
        raise ToyzError("unreadable", f"{Path(path).name}: cannot examine the file ({exc.strerror})") from None
    if not Path(real).is_file():
        raise ToyzError("unreadable", f"{Path(path).name} is not a file; choose a file")
    return stat_identity(real, st)


def stat_identity(real: str, st: os.stat_result) -> str:
    """The :func:`file_identity` of the file at real path ``real`` whose ``stat`` is ``st``."""
    text = f"{real}\0{st.st_size}\0{st.st_mtime_ns}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def plane_dir(cache_dir: Path, identity: str, hdu: int, plane: int) -> Path:
    """Return the cache folder of one (file, HDU, plane); it is not created."""
    return Path(cache_dir) / identity / f"hdu{hdu}-p{plane}"


def level_path(folder: Path, level: int) -> Path:
    """Return the path of the float level ``level`` inside a plane folder."""
    return folder / f"L{level}.npy"


def tile_path(folder: Path, params_key: str, level: int, tx: int, ty: int, fmt: str) -> Path:
    """Return the path of a pre-rendered tile inside a plane folder."""
    return folder / "render" / params_key / str(level) / f"{tx}_{ty}.{fmt}"


def _temp_name(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename."""
    tmp = _temp_name(target)
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_json(target: Path, obj: Any) -> None:
    """Write ``obj`` as strict JSON (no NaN) to ``target`` atomically."""
    atomic_write_bytes(target, json.dumps(obj, allow_nan=False).encode())


class NpyRows:
    """A ``.npy`` file written row band after row band, in order (see :func:`atomic_npy`)."""

    def __init__(self, fh: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> None:
        self._fh = fh
        self.shape = shape
        self.dtype = dtype
        self.rows = 0

    def append(self, rows: npt.NDArray[Any]) -> None:
        """Write the next ``len(rows)`` rows (converted to the file's dtype)."""
        if rows.shape[1:] != self.shape[1:] or self.rows + rows.shape[0] > self.shape[0]:
            raise ValueError(f"rows of shape {rows.shape} do not continue an array of shape {self.shape}")
        self._fh.write(np.ascontiguousarray(rows, dtype=self.dtype).data)
        self.rows += rows.shape[0]


@contextlib.contextmanager
def atomic_npy(target: Path, shape: tuple[int, ...], dtype: npt.DTypeLike) -> Iterator[NpyRows]:
    """Yield a :class:`NpyRows` whose ``.npy`` appears at ``target`` when the block ends.

    The rows go to a temporary file with plain writes (no memory map: ``msync`` of a mapped file
    waits for the disk, 0.1 s per DECam CCD); if the block raises or leaves rows unwritten, the
    file is removed and ``target`` is left untouched.
    """
    tmp = _temp_name(target)
    kind = np.dtype(dtype)
    try:
        with tmp.open("wb") as fh:
            header = {"descr": np.lib.format.dtype_to_descr(kind), "fortran_order": False, "shape": shape}
            np.lib.format.write_array_header_1_0(fh, header)
            out = NpyRows(fh, shape, kind)
            yield out
        if out.rows != shape[0]:
            raise ValueError(f"{out.rows} rows written of {shape[0]}")
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# How long a builder waits for another's lock on one level before building it too: a lock can outlive
# its holder on a shared filesystem (an NFSv3 client node that died keeps its locks until it comes back),
# and building twice is safe thanks to the rename, only wasteful. A level takes seconds to build.
LOCK_WAIT_SECONDS: Final = 120.0


def _wait_for_lock(fd: int, wait: float) -> bool:
    """Take an exclusive ``flock`` on ``fd`` within ``wait`` seconds; False if its holder kept it."""
    deadline = time.monotonic() + wait
    pause = 0.01
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, 0.25)


@contextlib.contextmanager
def build_lock(target: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``<target>.lock`` (threads and processes).

    Only one builder computes a level at a time; the others wait and then find the file. Where
    ``flock`` is missing, or another holder keeps the lock longer than ``wait`` seconds (a lock
    left on a shared filesystem by a node that died), the block runs unlocked, which is still safe
    thanks to the rename.
    """
    if sys.platform == "win32":  # pragma: no cover
        yield
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_file = target.with_name(target.name + ".lock")
    with lock_file.open("a+b") as fh:
        locked = _wait_for_lock(fh.fileno(), wait)
        if not locked:
            logger.warning("%s stayed locked for %.0f s; building it without the lock", lock_file, wait)
        try:
            yield
        finally:
            if locked:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


_NPY_CACHE_MAX = 64
_npy_lock = threading.Lock()
_npy_cache: OrderedDict[str, npt.NDArray[Any]] = OrderedDict()


def load_npy(path: Path) -> npt.NDArray[Any] | None:
    """Return the memory-mapped ``.npy`` at ``path``, or None when it does not exist.

    Opened arrays are kept in a small process-wide LRU; cache files never change once written
    (their folder is named after the source file's identity), so a cached map stays valid.
    """
    key = str(path)
    with _npy_lock:
        known = _npy_cache.get(key)
        if known is not None:
            _npy_cache.move_to_end(key)
            return known
    try:
        arr: npt.NDArray[Any] = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        # Missing, or unreadable (e.g. a foreign file): treat as missing so it is (re)built.
        return None
    with _npy_lock:
        _npy_cache[key] = arr
        while len(_npy_cache) > _NPY_CACHE_MAX:
            _npy_cache.popitem(last=False)
    return arr


def forget_npy(folder: Path) -> None:
    """Drop the memory-mapped levels of one plane folder from the LRU (they are unmapped once
    no longer referenced, which gives their resident pages back); they are mapped again when
    next read."""
    prefix = str(Path(folder) / "x")[:-1]
    with _npy_lock:
        for key in [k for k in _npy_cache if k.startswith(prefix)]:
            del _npy_cache[key]


def clear_npy_cache() -> None:
    """Forget every memory-mapped level (they close when no longer referenced)."""
    with _npy_lock:
        _npy_cache.clear()


# --- size limit and least-recently-used eviction -------------------------------------------------

#: Name of the file whose modification time says when an identity folder was last read.
LAST_USED: Final = ".last_used"
#: ``.last_used`` is touched at most this often per folder and process (seconds).
TOUCH_EVERY: Final = 60.0
_IDENTITY = re.compile(r"[0-9a-f]{32}")
_touch_lock = threading.Lock()
_touched: dict[str, float] = {}


def touch_used(cache_dir: Path, identity: str) -> None:
    """Record that the cache folder of ``identity`` is in use (at most once a minute)."""
    folder = Path(cache_dir) / identity
    key = str(folder)
    now = time.monotonic()
    with _touch_lock:
        last = _touched.get(key)
        if last is not None and now - last < TOUCH_EVERY:
            return
        if len(_touched) > 10_000:
            _touched.clear()
        _touched[key] = now
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LAST_USED).touch()
    except OSError:
        pass  # a read-only or full cache must not break reading


class EvictionSummary(TypedDict):
    """What :func:`evict_cache` did; sizes in bytes."""

    bytes_before: int
    bytes_after: int
    removed: list[str]
    busy: list[str]
    tmp_removed: int
    locks_removed: int


def _try_lock(path: Path) -> int | None:
    """Return a descriptor holding a non-blocking exclusive lock on ``path``, or None if held."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _scan(folder: Path, now: float, stale_after: float, summary: EvictionSummary) -> tuple[int, float]:
    """Return (bytes, last use) of an identity folder, removing stale temporaries and locks."""
    total = 0
    newest = 0.0
    for current, _, names in os.walk(folder):
        for name in names:
            path = Path(current) / name
            try:
                st = path.stat()
            except OSError:
                continue
            stale = now - st.st_mtime > stale_after
            if name.endswith(".tmp") and stale:
                # A writer killed before its rename; live writers finish in well under an hour.
                path.unlink(missing_ok=True)
                summary["tmp_removed"] += 1
                continue
            if name.endswith(".lock") and stale and path.with_name(name[: -len(".lock")]).exists():
                # The file it guarded exists, so a builder that still gets this lock finds it built.
                fd = _try_lock(path)
                if fd is not None:
                    try:
                        path.unlink(missing_ok=True)
                        summary["locks_removed"] += 1
                    finally:
                        os.close(fd)
                    continue
            total += st.st_size
            newest = max(newest, st.st_mtime)
    try:
        last = (folder / LAST_USED).stat().st_mtime
    except OSError:
        last = newest or folder.stat().st_mtime
    return total, last


def _remove_unless_busy(folder: Path) -> bool:
    """Delete an identity folder unless one of its build locks is held; True when deleted."""
    held: list[int] = []
    try:
        for lock in folder.rglob("*.lock"):
            fd = _try_lock(lock)
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
