"""The Prometheus metrics: what the web processes count, and what a scrape reads from Redis.

Counted in the web processes (`apps.monitoring.middleware`): HTTP requests by view, method and
status, and their durations; pyramid tiles by their `X-Toyz-Cache` answer (hit: a file already in
the cache; miss: rendered for this request), with their durations. With TOYZ_METRICS_DIR set, each
process writes its counts to files there (prometheus_client's multiprocess mode) and a scrape of any
one process adds up all of this node's.

Read at scrape time (`ClusterCollector`): the length of each Celery queue (the broker's Redis lists),
the tasks delivered to workers and not yet acknowledged, the live workers per queue (their
heartbeats), and job durations and outcomes (`apps.monitoring.jobstats`). These are the same from
every web process of every node.
"""

from __future__ import annotations

import functools
import logging
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from apps.monitoring import heartbeats, jobstats, redis_client
from apps.monitoring.health import routed_queues
from apps.monitoring.multiprocess import multiprocess_dir

logger = logging.getLogger(__name__)

HTTP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, math.inf)
TILE_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, math.inf)

HTTP_REQUESTS = Counter(
    "toyz_http_requests", "HTTP requests answered, by view (URL name), method and status.", ["view", "method", "status"]
)
HTTP_SECONDS = Histogram(
    "toyz_http_request_duration_seconds",
    "Time to answer an HTTP request other than a tile, by view.",
    ["view"],
    buckets=HTTP_BUCKETS,
)
TILE_SECONDS = Histogram(
    "toyz_tile_duration_seconds",
    "Time to answer a pyramid tile request in Django, by its X-Toyz-Cache answer (hit, miss, or none).",
    ["cache"],
    buckets=TILE_BUCKETS,
)
TILE_CACHE = Counter(
    "toyz_tile_cache",
    "Tile responses by X-Toyz-Cache: hit (a file already in the cache) or miss (rendered).",
    ["result"],
)


# `labels()` validates and locks on every call; a series' child is looked up once (the label sets are few).
@functools.cache
def http_requests(view: str, method: str, status: int) -> Any:
    return HTTP_REQUESTS.labels(view, method, str(status))


@functools.cache
def http_seconds(view: str) -> Any:
    return HTTP_SECONDS.labels(view)


@functools.cache
def tile_seconds(cache: str) -> Any:
    return TILE_SECONDS.labels(cache)


@functools.cache
def tile_cache(result: str) -> Any:
    return TILE_CACHE.labels(result)


#: The broker's defaults for a queue's priority lists (kombu's Redis transport).
_PRIORITY_STEPS = (0, 3, 6, 9)
_PRIORITY_SEP = "\x06\x16"


def queue_lists(queue: str, options: Mapping[str, Any]) -> list[str]:
    """The Redis lists that hold `queue`'s waiting messages: kombu keeps one per priority step."""
    prefix = str(options.get("global_keyprefix", ""))
    sep = str(options.get("sep", _PRIORITY_SEP))
    steps = options.get("priority_steps", _PRIORITY_STEPS)
    return [f"{prefix}{queue}"] + [f"{prefix}{queue}{sep}{step}" for step in steps if step]


def job_families(counts: Mapping[str, float]) -> list[Metric]:
    """`jobstats` counters as two histograms: run time by function and outcome, queue wait by function."""
    series: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
    for name, value in counts.items():
        parsed = jobstats.parse_field(name)
        if parsed is not None:  # a field some other version wrote is skipped, not a failed scrape
            kind, fn, outcome, part = parsed
            series[(kind, fn, outcome)][part] = value
    duration = HistogramMetricFamily(
        "toyz_job_duration_seconds", "Run time of finished jobs, by function and outcome.", labels=["fn", "outcome"]
    )
    wait = HistogramMetricFamily(
        "toyz_job_wait_seconds", "Time from submission to a job's first start, by function.", labels=["fn"]
    )
    for (kind, fn, outcome), parts in sorted(series.items()):
        bounds = jobstats.DURATION_BUCKETS if kind == jobstats.DURATION else jobstats.WAIT_BUCKETS
        cumulative, buckets = 0.0, []
        for i, bound in enumerate(bounds):
            cumulative += parts.get(str(i), 0.0)
            buckets.append(("+Inf" if math.isinf(bound) else repr(bound), cumulative))
        if kind == jobstats.DURATION:
            duration.add_metric([fn, outcome], buckets, parts.get("sum", 0.0))
        elif kind == jobstats.WAIT:
            wait.add_metric([fn], buckets, parts.get("sum", 0.0))
    return [duration, wait]


class ClusterCollector(Collector):
    """What no one process counts: queues, workers and jobs, read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        client = redis_client.client()
        up = GaugeMetricFamily("toyz_metrics_redis_up", "1 when this scrape could read Redis, 0 when not.")
        try:
            counts = jobstats.snapshot()
            if client is not None:
                yield from self._queues(client)
        except Exception:
            logger.warning("The metrics could not read Redis", exc_info=True)
            up.add_metric([], 0.0)
            yield up
            return
        if client is not None:
            up.add_metric([], 1.0)
            yield up
        yield from job_families(counts)

    def _queues(self, client: Any) -> Iterator[Metric]:
        options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
        queues = sorted(set(routed_queues()) | set(heartbeats.known_queues(client)))
        pipe = client.pipeline(transaction=False)
        for queue in queues:
            for name in queue_lists(queue, options):
                pipe.llen(name)
        pipe.hlen(f"{options.get('global_keyprefix', '')}{options.get('unacked_key', 'unacked')}")
        lengths = pipe.execute()
        per_queue = len(queue_lists("q", options))
        waiting = GaugeMetricFamily("toyz_queue_length", "Tasks waiting in each Celery queue.", labels=["queue"])
        for i, queue in enumerate(queues):
            waiting.add_metric([queue], float(sum(lengths[i * per_queue : (i + 1) * per_queue])))
        yield waiting
        yield GaugeMetricFamily(
            "toyz_queue_unacked", "Tasks delivered to workers and not yet acknowledged (reserved or running).",
            value=float(lengths[-1]),
        )  # fmt: skip
        alive = GaugeMetricFamily(
            "toyz_workers", "Celery workers consuming each queue that were seen in the last 30 s.", labels=["queue"]
        )
        for queue, count in heartbeats.alive(client, queues).items():
            alive.add_metric([queue], float(count))
        yield alive


def exposition() -> bytes:
    """The text a scrape gets: this node's processes' counters (or this process's) and the cluster's."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # its __init__ lacks annotations
        local = generate_latest(registry)
    else:
        local = generate_latest(REGISTRY)
    cluster = CollectorRegistry()
    cluster.register(ClusterCollector())
    return local + generate_latest(cluster)
