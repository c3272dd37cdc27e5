"""Build locks: one builder per level at a time, across threads, processes and nodes."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

logger = logging.getLogger(__name__)

if sys.platform != "win32":
    import fcntl

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


def try_lock(path: Path) -> int | None:
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
