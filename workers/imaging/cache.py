"""File identity, the layout of the pyramid cache, and atomic writes.

Layout (see ``docs/architecture.md``)::

    <cache_dir>/<identity>/hdu<H>-p<N>/L<k>.npy
    <cache_dir>/<identity>/hdu<H>-p<N>/cuts.json
    <cache_dir>/<identity>/hdu<H>-p<N>/render/<params-key>/<k>/<tx>_<ty>.<fmt>

Every file is written under a temporary name in its final folder and renamed into place with
:func:`os.replace`, so readers never see a partial file and two processes writing the same file
at once both succeed (the last rename wins; the contents are equal).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import ImagingError

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
    ImagingError
        ``not_found`` if the file does not exist, ``unreadable`` if it is a folder or cannot be
        examined.
    """
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
    except FileNotFoundError:
        raise ImagingError("not_found", f"{Path(path).name}: no such file") from None
    except OSError as exc:
        raise ImagingError("unreadable", f"{Path(path).name}: cannot examine the file ({exc.strerror})") from None
    if not Path(real).is_file():
        raise ImagingError("unreadable", f"{Path(path).name} is not a file; choose a file")
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


@contextlib.contextmanager
def atomic_npy(target: Path, shape: tuple[int, ...], dtype: npt.DTypeLike) -> Iterator[npt.NDArray[Any]]:
    """Yield a writable memory-mapped ``.npy`` that appears at ``target`` when the block ends.

    The array is written to a temporary file; if the block raises, the file is removed and
    ``target`` is left untouched.
    """
    tmp = _temp_name(target)
    try:
        arr = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=shape)
        yield arr
        arr.flush()
        del arr
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def build_lock(target: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``<target>.lock`` (threads and processes).

    Only one builder computes a level at a time; the others wait and then find the file. Where
    ``flock`` is missing the block runs unlocked, which is still safe thanks to the rename.
    """
    if sys.platform == "win32":  # pragma: no cover
        yield
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_file = target.with_name(target.name + ".lock")
    with lock_file.open("a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
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


def clear_npy_cache() -> None:
    """Forget every memory-mapped level (they close when no longer referenced)."""
    with _npy_lock:
        _npy_cache.clear()
