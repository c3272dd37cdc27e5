"""What one process learnt of a file, kept for the others: its layout (HDUs, data offsets, compression
tiles) and its mosaic's placement, by file identity.

A process that has not opened a file yet would parse every header through astropy before its first tile
(63 headers of a DECam exposure: tens of milliseconds at best, and far more on a busy machine). With a
store given to :func:`share_descriptions` (the application passes its cache: Redis in the distributed mode),
the first process to open a file leaves what the tile path needs there, and the others read pixels at
once, parsing headers only when one is asked for. Entries are keyed by the file's identity (real path,
size, modification time), so a changed file never meets its old layout. No Django here: the store is any
object with ``get`` and ``set``.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Final, Protocol

logger = logging.getLogger(__name__)

#: Bumped whenever what is stored changes shape: entries of another version are never read.
VERSION: Final = 1


class DescriptionStore(Protocol):
    """A key-value store shared by processes (Django's cache fits): values are plain data."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


_store: DescriptionStore | None = None
_store_lock = threading.Lock()


def share_descriptions(store: DescriptionStore | None) -> None:
    """Keep file layouts in ``store`` from now on (None: each process parses its files itself)."""
    global _store
    with _store_lock:
        _store = store


def _key(kind: str, identity: str) -> str:
    return f"toyz:described:{VERSION}:{kind}:{identity}"


def recall(kind: str, identity: str) -> Any:
    """The ``kind`` entry ("file", "mosaic") of a file identity, or None (no store, none kept, store down)."""
    store = _store
    if store is None:
        return None
    try:
        return store.get(_key(kind, identity))
    except Exception:  # a store that fails only costs the parsing it would have saved
        logger.warning("Could not read the shared description of %s", identity, exc_info=True)
        return None


def keep(kind: str, identity: str, value: Any) -> None:
    """Leave the ``kind`` entry of a file identity for the other processes."""
    store = _store
    if store is None:
        return
    try:
        store.set(_key(kind, identity), value)
    except Exception:
        logger.warning("Could not keep the shared description of %s", identity, exc_info=True)
