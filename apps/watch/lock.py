"""One watcher per deployment: a lock that a second watcher finds taken, so no file is submitted twice.

Distributed mode: a Redis key (``SET NX`` with an expiry, renewed at every poll; whoever holds it is
written in it), so that watchers on different nodes exclude each other, and a watcher that died frees it
within ``ttl`` seconds. Embedded mode: an ``flock`` on ``<TOYZ_VAR_DIR>/watch.lock`` (one host, one
database file), released by the kernel when the process ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Final, Protocol

import redis
from django.conf import settings

REDIS_KEY: Final = "toyz:watch:lock"
# Renew only a lock that is still ours; release likewise.
_RENEW: Final = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
)
_RELEASE: Final = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


def holder_name() -> str:
    """Who holds the lock, as a second watcher is told."""
    since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"the watcher on {socket.gethostname()} (pid {os.getpid()}, since {since})"


class WatchLock(Protocol):
    def acquire(self) -> str | None:
        """Take the lock: None when taken, else who holds it."""

    def renew(self) -> bool:
        """Keep the lock another ``ttl``; False when it is no longer ours."""

    def release(self) -> None: ...


class RedisLock:
    """The lock of the distributed mode (see the module's docstring)."""

    def __init__(self, url: str, ttl_seconds: float) -> None:
        self.client = redis.Redis.from_url(url)
        self.ttl_ms = int(ttl_seconds * 1000)
        # Unique even for two watchers of one host and pid (containers): what renewing compares.
        self.token = f"{secrets.token_hex(8)} {holder_name()}"

    def acquire(self) -> str | None:
        if self.client.set(REDIS_KEY, self.token, nx=True, px=self.ttl_ms):
            return None
        holder = self.client.get(REDIS_KEY)
        if not isinstance(holder, bytes):
            return "another watcher (it has just stopped; try again)"
        return holder.decode().partition(" ")[2]

    def renew(self) -> bool:
        return bool(self.client.eval(_RENEW, 1, REDIS_KEY, self.token, self.ttl_ms))

    def release(self) -> None:
        with contextlib.suppress(redis.RedisError):
            self.client.eval(_RELEASE, 1, REDIS_KEY, self.token)


class FileLock:
    """The lock of the embedded mode (see the module's docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def acquire(self) -> str | None:
        fh = self.path.open("a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another watcher"
            fh.close()
            return holder
        fh.seek(0)
        fh.truncate()
        fh.write(holder_name())
        fh.flush()
        self._fh = fh
        return None

    def renew(self) -> bool:
        return self._fh is not None

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the descriptor drops the flock
            self._fh = None


def watch_lock(ttl_seconds: float) -> WatchLock:
    """The lock of this deployment's mode."""
    if settings.TOYZ_REDIS_URL:
        return RedisLock(settings.TOYZ_REDIS_URL, ttl_seconds)
    return FileLock(Path(settings.VAR_DIR) / "watch.lock")
