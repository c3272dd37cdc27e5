"""Which Celery workers are alive, per queue: each worker says so every few seconds.

A worker's consumer step (`workers.heartbeat`) adds its node name to one sorted set per queue it
consumes, scored by Redis's own clock (so clocks of different nodes never disagree); the health
check and the metrics count the members seen within `ALIVE_SECONDS`. Only counts leave this module's
readers: node names stay in Redis (`celery inspect ping` lists them for an operator).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: How often a worker says it is alive.
BEAT_SECONDS = 10
#: A worker silent for longer (three missed beats) is counted as gone.
ALIVE_SECONDS = 3 * BEAT_SECONDS
#: Members silent for this long are dropped (a worker renamed or retired long ago).
FORGET_SECONDS = 24 * 3600
PREFIX = "toyz:workers:"
#: The set of every queue name a worker has beaten for: what the metrics report besides the settings' queues.
QUEUES_KEY = "toyz:worker-queues"


def key(queue: str) -> str:
    """The sorted set of the workers consuming `queue`."""
    return f"{PREFIX}{queue}"


def redis_now(client: Any) -> float:
    """Redis's clock, in seconds: the one clock every node's beats and every check compare."""
    seconds, micros = client.time()
    return float(seconds) + float(micros) / 1e6


def beat(client: Any, node: str, queues: Iterable[str]) -> None:
    """Record that worker `node` is alive and consumes `queues`."""
    now = redis_now(client)
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        pipe.sadd(QUEUES_KEY, queue)
        pipe.zadd(key(queue), {node: now})
        pipe.zremrangebyscore(key(queue), "-inf", now - FORGET_SECONDS)
        pipe.expire(key(queue), FORGET_SECONDS)
    pipe.expire(QUEUES_KEY, FORGET_SECONDS)
    pipe.execute()


def leave(client: Any, node: str, queues: Iterable[str]) -> None:
    """Forget worker `node` at once (a clean shutdown), rather than after `ALIVE_SECONDS`."""
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        pipe.zrem(key(queue), node)
    pipe.execute()


def alive(client: Any, queues: Iterable[str]) -> dict[str, int]:
    """How many workers consuming each of `queues` were seen within `ALIVE_SECONDS`."""
    names = list(queues)
    since = redis_now(client) - ALIVE_SECONDS
    pipe = client.pipeline(transaction=False)
    for queue in names:
        pipe.zcount(key(queue), since, "+inf")
    return dict(zip(names, (int(n) for n in pipe.execute()), strict=True))


def known_queues(client: Any) -> list[str]:
    """Every queue some worker has consumed lately (whether or not one is alive now)."""
    return sorted(name.decode() for name in client.smembers(QUEUES_KEY))
