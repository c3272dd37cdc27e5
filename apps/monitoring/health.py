"""The checks behind /healthz: can this web process serve, and is there anyone to run jobs?

Each check answers ``{"ok": bool, "ms": float, ...}``; a failure says what failed in a fixed word
("unavailable", "timeout", "not writable", "no live worker"), never an exception's text, a path or a
host name: the endpoint is anonymous, and load balancers only need the verdict. Workers are counted
per queue, not named (`celery -A toyz_site inspect ping` names them for an operator).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from apps.monitoring import heartbeats, redis_client

logger = logging.getLogger(__name__)

#: Seconds one check may take before it counts as failed (the probe answers within about this).
CHECK_TIMEOUT_SECONDS = 3.0

Check = dict[str, Any]


class CheckFailed(Exception):
    """A check's verdict: `reason` is one of the fixed words the endpoint may show."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def routed_queues() -> list[str]:
    """The queues this deployment's tasks go to: TOYZ_HEALTH_QUEUES, else those Celery's settings name."""
    explicit = getattr(settings, "TOYZ_HEALTH_QUEUES", None)
    if explicit is not None:
        return list(explicit)
    declared = getattr(settings, "CELERY_TASK_QUEUES", None)
    if declared:
        return sorted({str(getattr(q, "name", q)) for q in declared})
    routes = getattr(settings, "CELERY_TASK_ROUTES", None)
    if isinstance(routes, Mapping):
        named = {str(r["queue"]) for r in routes.values() if isinstance(r, Mapping) and "queue" in r}
        if named:
            return sorted(named)
    return [str(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery"))]


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_redis() -> Check:
    client = redis_client.client()
    assert client is not None
    client.ping()
    return {}


def check_cache_folder(folder: Path) -> Check:
    # A hidden .tmp name: never served, and swept by the cache's own clean-up if a crash leaves it.
    probe = folder / f".healthz-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
        probe.unlink()
    except OSError:
        raise CheckFailed("not writable") from None
    return {}


def check_workers(queues: Iterable[str]) -> Check:
    client = redis_client.client()
    assert client is not None
    counts = heartbeats.alive(client, queues)
    if any(n == 0 for n in counts.values()):
        raise CheckFailed("no live worker", queues=counts)
    return {"queues": counts}


async def _timed(name: str, check: Callable[[], Awaitable[Check]]) -> Check:
    started = time.perf_counter()
    try:
        details = await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
        result: Check = {"ok": True, **details}
    except CheckFailed as failed:
        result = {"ok": False, "error": failed.reason, **failed.details}
    except TimeoutError:
        result = {"ok": False, "error": "timeout"}
    except Exception:
        # The operator finds the cause in the log; the anonymous caller only the verdict.
        logger.warning("Health check %s failed", name, exc_info=True)
        result = {"ok": False, "error": "unavailable"}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


async def run_checks() -> dict[str, Any]:
    """Every check at once; ``{"status": "ok" | "fail", "mode": ..., "checks": {name: result}}``."""
    distributed = bool(settings.TOYZ_REDIS_URL)
    cache_folder = Path(settings.TOYZ_CACHE_DIR)
    # The database in Django's thread for this request's sync code; the rest in plain threads.
    checks: dict[str, Callable[[], Awaitable[Check]]] = {
        "database": sync_to_async(check_database),
        "cache": sync_to_async(lambda: check_cache_folder(cache_folder), thread_sensitive=False),
    }
    if distributed:
        queues = routed_queues()
        checks["redis"] = sync_to_async(check_redis, thread_sensitive=False)
        checks["workers"] = sync_to_async(lambda: check_workers(queues), thread_sensitive=False)
    results = dict(zip(checks, await asyncio.gather(*(_timed(n, c) for n, c in checks.items())), strict=True))
    if not distributed:
        # The embedded pool lives in this process: if this answers, so can it.
        results["workers"] = {"ok": True, "embedded": True, "ms": 0.0}
    healthy = all(r["ok"] for r in results.values())
    return {
        "status": "ok" if healthy else "fail",
        "mode": "distributed" if distributed else "embedded",
        "checks": results,
    }
