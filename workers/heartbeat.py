"""Heartbeats: a live worker says so every few seconds, per queue it consumes, for /healthz and the metrics.

A consumer step, like the lease renewal: it starts once the worker consumes its queues, beats at
once and then every `BEAT_SECONDS` from the worker's main process (its timer), and on a clean
shutdown takes the worker off the lists at once. A worker that dies simply stops beating and is
counted out after `ALIVE_SECONDS`. Its pool processes may be busy for hours: the main process beats.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import bootsteps

from apps.monitoring import heartbeats, redis_client

logger = logging.getLogger(__name__)


def consumed_queues(parent: Any) -> list[str]:
    """The names of the queues the worker's task consumer takes tasks from now."""
    consumer = getattr(parent, "task_consumer", None)
    return sorted({queue.name for queue in getattr(consumer, "queues", ())})


class Heartbeat(bootsteps.StartStopStep):
    """Consumer step: record this worker as alive for each queue it consumes, every `BEAT_SECONDS`."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self._timer_entry: Any = None
        self._queues: list[str] = []

    def start(self, parent: Any) -> None:
        if redis_client.client() is None:
            return  # the embedded mode has no Celery workers to count
        self._beat(parent)
        self._timer_entry = parent.timer.call_repeatedly(heartbeats.BEAT_SECONDS, self._beat, (parent,), priority=5)

    def stop(self, parent: Any) -> None:
        if self._timer_entry is None:
            return
        self._timer_entry.cancel()
        self._timer_entry = None
        client = redis_client.client()
        try:
            if client is not None and self._queues:
                heartbeats.leave(client, parent.hostname, self._queues)
        except Exception:
            logger.warning("Could not take %s off the live workers", parent.hostname, exc_info=True)

    shutdown = stop

    def _beat(self, parent: Any) -> None:
        client = redis_client.client()
        queues = consumed_queues(parent)
        if client is None or not queues:
            return
        try:
            # Queues a control command cancelled since the last beat are left at once.
            gone = sorted(set(self._queues) - set(queues))
            if gone:
                heartbeats.leave(client, parent.hostname, gone)
            heartbeats.beat(client, parent.hostname, queues)
            self._queues = queues
        except Exception:
            # Redis away for a moment: the next beat comes well before the worker counts as gone.
            logger.warning("Could not record %s as alive", parent.hostname, exc_info=True)
