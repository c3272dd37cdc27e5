"""Job durations and outcomes, counted where every web process can read them.

Jobs run in Celery workers on any node (or in the embedded pool of the one server process), while
Prometheus scrapes the web processes. So the runner adds each finished run to a Redis hash (one
`HINCRBY` pipeline per job) in the distributed mode, or to this process's memory in the embedded
mode, and the metrics endpoint turns the counts into histograms when it is scraped. The counts only
grow: they are Prometheus counters, across restarts of any process.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Protocol

from apps.monitoring import redis_client

logger = logging.getLogger(__name__)

KEY = "toyz:metrics:jobs"
#: Upper bounds (seconds) of the run-time buckets: a readout's milliseconds to a night's half hour.
DURATION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, math.inf)
#: Upper bounds of the queue-wait buckets (submitted to started).
WAIT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, math.inf)
#: What a run ended as: a result, a ToyzError (bad input, no right, not found...), cancelled, over its
#: time limit, an unexpected exception, or a transient error handed back for a retry.
OUTCOMES = ("ok", "error", "cancelled", "timeout", "failed", "retried")

DURATION = "duration"
WAIT = "wait"
_SEP = "\t"


def field(kind: str, fn: str, outcome: str, part: str) -> str:
    """A counter's name in the hash: a bucket's index or "sum" of one (kind, fn, outcome) series."""
    return _SEP.join((kind, fn, outcome, part))


def parse_field(name: str) -> tuple[str, str, str, str] | None:
    """The (kind, fn, outcome, part) of a counter's name; None for a name not made by `field`."""
    parts = name.split(_SEP)
    if len(parts) != 4 or parts[0] not in (DURATION, WAIT):
        return None
    return parts[0], parts[1], parts[2], parts[3]


def _bucket(value: float, bounds: tuple[float, ...]) -> int:
    return next(i for i, bound in enumerate(bounds) if value <= bound)


def increments(fn: str, outcome: str, seconds: float, waited: float | None) -> dict[str, float]:
    """What one finished run adds: a bucket count and the sum, for its run time and (first runs) its wait."""
    # Tab separates the parts; registered names never hold one, but a bad row must not split a field.
    fn = fn.replace(_SEP, " ")
    seconds = max(seconds, 0.0)
    out = {
        field(DURATION, fn, outcome, str(_bucket(seconds, DURATION_BUCKETS))): 1.0,
        field(DURATION, fn, outcome, "sum"): seconds,
    }
    if waited is not None:
        waited = max(waited, 0.0)
        out[field(WAIT, fn, "", str(_bucket(waited, WAIT_BUCKETS)))] = 1.0
        out[field(WAIT, fn, "", "sum")] = waited
    return out


class _LocalStore:
    """The embedded mode's counts: this process runs every job and answers every scrape."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: defaultdict[str, float] = defaultdict(float)

    def add(self, values: Mapping[str, float]) -> None:
        with self._lock:
            for name, value in values.items():
                self._counts[name] += value

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            return dict(self._counts)


LOCAL = _LocalStore()


class Run(Protocol):
    """One finished run, as `record_many` reads it."""

    @property
    def fn(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def seconds(self) -> float: ...
    @property
    def waited(self) -> float | None: ...


def record(fn: str, outcome: str, seconds: float, waited: float | None = None) -> None:
    """Count one finished run of `fn`. Never raises: metrics must not fail a job."""
    _add(increments(fn, outcome, seconds, waited), fn)


def record_many(runs: Iterable[Run]) -> None:
    """Count several finished runs in one Redis round trip (the in-server quick jobs). Never raises."""
    total: defaultdict[str, float] = defaultdict(float)
    for run in runs:
        for name, value in increments(run.fn, run.outcome, run.seconds, run.waited).items():
            total[name] += value
    if total:
        _add(total, "quick jobs")


def _add(values: Mapping[str, float], what: str) -> None:
    client = redis_client.client()
    if client is None:
        LOCAL.add(values)
        return
    try:
        pipe = client.pipeline(transaction=False)
        for name, value in values.items():
            if name.endswith(f"{_SEP}sum"):
                pipe.hincrbyfloat(KEY, name, value)
            else:
                pipe.hincrby(KEY, name, int(value))
        pipe.execute()
    except Exception:
        logger.warning("Could not count a run of %s in the job metrics", what, exc_info=True)


def snapshot() -> dict[str, float]:
    """Every counter so far (raises on a Redis error: the scrape reports it)."""
    client = redis_client.client()
    if client is None:
        return LOCAL.snapshot()
    raw: dict[bytes | str, bytes | str] = client.hgetall(KEY)
    return {(n.decode() if isinstance(n, bytes) else n): float(v) for n, v in raw.items()}
