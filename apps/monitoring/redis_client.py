"""The Redis client of the health checks, the metrics and the job statistics (the distributed mode's Redis)."""

from __future__ import annotations

import functools

import redis
from django.conf import settings

#: Seconds a health probe or a scrape waits for Redis before calling it unavailable.
TIMEOUT_SECONDS = 2.0


@functools.cache
def _client(url: str) -> redis.Redis:
    # One pool per process and URL; short timeouts, so that a dead Redis makes a probe fail, not hang.
    return redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)


def client() -> redis.Redis | None:
    """The client for TOYZ_REDIS_URL, or None in the embedded mode."""
    url = settings.TOYZ_REDIS_URL
    return _client(url) if url else None
