"""The memory-mapped float levels (``L<k>.npy``) kept open per process."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

#: Mapped levels kept open per process.
NPY_CACHE_MAX: Final = 64
_npy_lock = threading.Lock()
_npy_cache: LRUCache[str, npt.NDArray[Any]] = LRUCache(maxsize=NPY_CACHE_MAX)


def load_npy(path: Path) -> npt.NDArray[Any] | None:
    """Return the memory-mapped ``.npy`` at ``path``, or None when it does not exist.

    Opened arrays are kept in a small process-wide LRU; cache files never change once written
    (their folder is named after the source file's identity), so a cached map stays valid.
    """
    key = str(path)
    with _npy_lock:
        known = _npy_cache.get(key)
    if known is not None:
        return known
    try:
        arr: npt.NDArray[Any] = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        # Missing, or unreadable (e.g. a foreign file): treat as missing so it is (re)built.
        return None
    with _npy_lock:
        _npy_cache[key] = arr
    return arr


def mapped_levels() -> list[str]:
    """The paths of the levels mapped now, least recently used first."""
    with _npy_lock:
        return list(_npy_cache)


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
