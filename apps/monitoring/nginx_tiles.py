"""Tiles that nginx answered itself, counted from its tile log when /metrics is scraped.

A signed tile URL (`/ts/`) is checked and sent by nginx with no Django request, and the bytes of an
X-Accel-Redirect (`/_toyz_cache/`) leave from nginx too, so no web process sees them end. nginx writes a
line for each of those requests into a log of their own (`TOYZ_NGINX_TILE_LOG`; `log_format toyz_tiles`
in deploy/nginx.conf, a fixed format of space-free fields):

    <msec> <request id> <via: signed|accel> <status> <request time, s> <X-Toyz-Cache or -> <bytes>

At each scrape the answering web process reads the lines added since the last scrape of any web process
of this node and adds them to its counters; prometheus_client's multiprocess mode sums every process's,
so each line is counted once whichever process reads it. Where the log was read up to (its inode and
offset) lives beside the counters in TOYZ_METRICS_DIR, under a file lock, and is forgotten with them at
a restart; a process without that folder keeps it in memory. The first scrape starts at the log's end.
A rotated log (renamed, nginx reopened) is finished from its `.1` name when it is still there, then the
new one read from its start; a log truncated in place is read again from its start.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from prometheus_client import Counter, Histogram

from apps.monitoring.multiprocess import multiprocess_dir

logger = logging.getLogger(__name__)

#: How nginx sent the tile: a signed URL it checked itself, or a redirect Django answered with.
ROUTES: Final = frozenset({"signed", "accel"})
#: X-Toyz-Cache as nginx sent it: hit (a file on disk), miss (Django rendered it), "-" (none: a refusal).
CACHE_ANSWERS: Final = frozenset({"hit", "miss", "-"})
BUCKETS: Final = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, math.inf)
_FIELDS: Final = 7
#: At most this much of the log is read per scrape (a scrape must stay quick); the rest waits for the next.
_MAX_READ: Final = 64 * 1024 * 1024
_STATE_NAME: Final = "nginx-tiles.json"

NGINX_TILES = Counter(
    "toyz_nginx_tiles",
    "Tile requests that nginx answered (signed URLs, X-Accel-Redirect), by route, status and X-Toyz-Cache.",
    ["via", "status", "cache"],
)
NGINX_TILE_SECONDS = Histogram(
    "toyz_nginx_tile_duration_seconds",
    "nginx's time for a tile request (its $request_time), by route.",
    ["via"],
    buckets=BUCKETS,
)


@dataclass(frozen=True)
class Position:
    """Where the tile log was read up to: the file (inode) and the offset after its last whole line."""

    inode: int
    offset: int


@dataclass(frozen=True)
class TileLine:
    """One parsed line of the tile log."""

    via: str
    status: str
    seconds: float
    cache: str


def parse_line(line: bytes) -> TileLine | None:
    """A line of the tile log, or None for one that is not of its format (skipped, never a failed scrape)."""
    parts = line.split()
    if len(parts) != _FIELDS:
        return None
    via, status, seconds, cache = (p.decode("ascii", "replace") for p in parts[2:6])
    if via not in ROUTES or not (len(status) == 3 and status.isdigit()):
        return None
    try:
        elapsed = float(seconds)
    except ValueError:
        return None
    return TileLine(via, status, elapsed, cache if cache in CACHE_ANSWERS else "other")


def _whole_lines(path: Path, offset: int) -> tuple[list[bytes], int]:
    """The whole lines of ``path`` from ``offset`` on (a line nginx is still writing waits), and the new offset."""
    with path.open("rb") as log:
        log.seek(offset)
        data = log.read(_MAX_READ)
    end = data.rfind(b"\n") + 1
    return data[:end].splitlines(), offset + end


def read_new(path: Path, position: Position | None) -> tuple[list[bytes], Position | None]:
    """The lines added to the log at ``path`` since ``position``, and where the next read starts."""
    try:
        found = path.stat()
    except FileNotFoundError:
        # Not made yet, or moved and not yet made again: the next file is read from its start.
        return [], position or Position(0, 0)
    if position is None:
        return [], Position(found.st_ino, found.st_size)
    lines: list[bytes] = []
    if found.st_ino != position.inode:
        # Rotated: finish the old file when it is still beside the new one, then the new one from its start.
        old = path.with_name(path.name + ".1")
        with contextlib.suppress(OSError):
            if old.stat().st_ino == position.inode:
                lines, _ = _whole_lines(old, position.offset)
        position = Position(found.st_ino, 0)
    elif found.st_size < position.offset:
        position = Position(found.st_ino, 0)  # truncated in place (logrotate's copytruncate)
    new, offset = _whole_lines(path, position.offset)
    return lines + new, Position(position.inode, offset)


def count(lines: list[bytes]) -> int:
    """Add the tile lines to this process's counters; how many were tile lines."""
    counted = 0
    for raw in lines:
        line = parse_line(raw)
        if line is None:
            continue
        NGINX_TILES.labels(line.via, line.status, line.cache).inc()
        NGINX_TILE_SECONDS.labels(line.via).observe(line.seconds)
        counted += 1
    return counted


_memory_lock = threading.Lock()
_memory_position: Position | None = None


@contextlib.contextmanager
def _shared_position(folder: str) -> Iterator[dict[str, Any]]:
    # The web processes of a node share one position: a file beside their counters, one reader at a time.
    with (Path(folder) / _STATE_NAME).open("a+") as state:
        fcntl.flock(state, fcntl.LOCK_EX)
        state.seek(0)
        try:
            raw = json.loads(state.read() or "null")
            held = {"position": Position(int(raw["inode"]), int(raw["offset"])) if raw else None}
        except (ValueError, KeyError, TypeError):
            held = {"position": None}
        yield held
        position = held["position"]
        state.seek(0)
        state.truncate()
        if position is not None:
            state.write(json.dumps({"inode": position.inode, "offset": position.offset}))


@contextlib.contextmanager
def _memory_position_held() -> Iterator[dict[str, Any]]:
    global _memory_position
    with _memory_lock:
        held = {"position": _memory_position}
        yield held
        _memory_position = held["position"]


def catch_up() -> None:
    """Count what nginx logged since the last scrape (nothing when TOYZ_NGINX_TILE_LOG is unset). Never raises."""
    path = getattr(settings, "TOYZ_NGINX_TILE_LOG", None)
    if not path:
        return
    folder = multiprocess_dir()
    try:
        with _shared_position(folder) if folder else _memory_position_held() as held:
            lines, held["position"] = read_new(Path(path), held["position"])
            count(lines)
    except OSError:
        logger.warning("Could not read nginx's tile log %s", path, exc_info=True)
