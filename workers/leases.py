"""Leases on the tasks a live worker holds, so that Redis gives back only a dead worker's tasks.

Celery's Redis transport keeps each delivered, unacknowledged message in a sorted set scored by
its delivery time; every live worker periodically re-queues the entries older than the
visibility timeout. The transport never refreshes that score while the task runs, so a short
timeout alone would hand a long task to a second worker. This consumer step re-scores, several
times per timeout, every message this worker has reserved, scheduled or is running: a worker that
dies (its node lost, its processes killed) stops renewing, and its tasks come back within one
visibility timeout plus one restore sweep.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from celery import bootsteps
from celery.worker import state

logger = logging.getLogger(__name__)

# Renewals per visibility timeout: a main process held up for a renewal or two keeps its leases.
RENEWALS_PER_TIMEOUT = 4


def held_delivery_tags(requests: Iterable[Any]) -> list[str]:
    """The broker delivery tags of `requests` (Celery requests), skipping any without a message."""
    tags = []
    for request in requests:
        tag = getattr(getattr(request, "message", None), "delivery_tag", None)
        if tag is not None:
            tags.append(str(tag))
    return tags


def renew(channel: Any, tags: list[str], now: float) -> None:
    """Re-score `tags` in the transport's unacked index at `now`.

    ``XX`` only updates entries that are still there: a tag acknowledged (or already re-queued)
    meanwhile must not come back as unacknowledged.
    """
    if not tags:
        return
    with channel.conn_or_acquire() as client:
        # The transport's own client adds any global key prefix to the key.
        client.zadd(channel.unacked_index_key, dict.fromkeys(tags, now), xx=True)


class LeaseRenewal(bootsteps.StartStopStep):
    """Consumer step: renew the leases of this worker's tasks every visibility timeout / 4."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self._timer_entry: Any = None

    def start(self, parent: Any) -> None:
        options = parent.app.conf.broker_transport_options or {}
        timeout = options.get("visibility_timeout")
        if not timeout:
            return  # not the Redis transport's lease model: nothing to renew
        interval = max(float(timeout) / RENEWALS_PER_TIMEOUT, 0.5)
        self._timer_entry = parent.timer.call_repeatedly(interval, self._renew, (parent,), priority=5)

    def stop(self, parent: Any) -> None:
        if self._timer_entry is not None:
            self._timer_entry.cancel()
            self._timer_entry = None

    shutdown = stop

    def _renew(self, parent: Any) -> None:
        consumer = getattr(parent, "task_consumer", None)
        channel = getattr(consumer, "channel", None)
        if channel is None or not hasattr(channel, "unacked_index_key"):
            return  # between reconnections, or a transport without an unacked index
        # Tasks waiting for their countdown (retries) are held too; the type stubs lack that set.
        scheduled = getattr(state, "scheduled_requests", ())
        held = {*state.reserved_requests, *state.active_requests, *scheduled}
        try:
            renew(channel, held_delivery_tags(held), time.time())
        except Exception:
            # A broker hiccup: the next renewal comes well before the lease runs out.
            logger.warning("Could not renew the leases of %d tasks", len(held), exc_info=True)
