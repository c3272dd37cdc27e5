"""How a job reaches a runner and how its messages come back.

Embedded mode (no TOYZ_REDIS_URL): a thread pool inside the server, messages handed to the
server's event loop. Distributed mode: a Celery task; messages through the Redis channel layer.
The consumer receives both as `job.message` events on its channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from apps.jobs.messages import ServerMessage
from apps.jobs.runner import execute, request_cancel

logger = logging.getLogger(__name__)

_executors: dict[bool, ThreadPoolExecutor] = {}


# Every workspace socket joins it; each socket forwards an event only if its user may read the path.
PRERENDER_GROUP = "prerender"


def workspace_group(workspace_id: int) -> str:
    return f"workspace-{workspace_id}"


def user_group(user_id: int) -> str:
    """Every open workspace socket of one user: told to re-check access when the user changes."""
    return f"user-{user_id}"


def _executor_pool(heavy: bool) -> ThreadPoolExecutor:
    # Long builds get their own threads, so they never hold up browsing, describing and readout.
    if heavy not in _executors:
        _executors[heavy] = ThreadPoolExecutor(
            max_workers=settings.TOYZ_EMBEDDED_WORKERS, thread_name_prefix="toyz-build" if heavy else "toyz-job"
        )
    return _executors[heavy]


class ChannelReporter:
    """Sends job messages through the channel layer (from a worker process or a pool thread)."""

    def __init__(self, reply_channel: str, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.reply_channel = reply_channel
        self.loop = loop

    def _run(self, coro: Coroutine[Any, Any, None]) -> None:
        if self.loop is None:

            async def wait() -> None:
                await coro

            async_to_sync(wait)()
        else:
            # The in-memory layer lives on the server's loop: hand the send to it.
            asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def send(self, job_id: str, message: ServerMessage) -> None:
        layer = get_channel_layer()
        assert layer is not None
        self._deliver(layer.send(self.reply_channel, {"type": "job.message", "job": job_id, "message": message}))

    def group(self, workspace_id: int, payload: dict[str, Any]) -> None:
        layer = get_channel_layer()
        assert layer is not None
        self._deliver(layer.group_send(workspace_group(workspace_id), {"type": "workspace.event", "payload": payload}))

    def _deliver(self, coro: Coroutine[Any, Any, None]) -> None:
        # A client that went away (full or expired channel, server loop gone) must not fail the job.
        try:
            self._run(coro)
        except Exception:
            logger.warning("Could not deliver a job message to %s", self.reply_channel, exc_info=True)

    def prerender_ready(self, payload: dict[str, Any]) -> None:
        layer = get_channel_layer()
        assert layer is not None
        self._deliver(layer.group_send(PRERENDER_GROUP, {"type": "prerender.ready", "payload": payload}))


class RecordingReporter:
    """For jobs nobody watches over a socket (`toyz_prerender`): the Job row is the record.

    `on_message` sees each progress and result message (the command draws its bar from them);
    "ready" events still reach open workspaces, but only through a channel layer that the
    server shares, i.e. in the distributed mode.
    """

    def __init__(self, on_message: Callable[[str, ServerMessage], None] | None = None) -> None:
        self.on_message = on_message

    def send(self, job_id: str, message: ServerMessage) -> None:
        if self.on_message is not None:
            self.on_message(job_id, message)

    def group(self, workspace_id: int, payload: dict[str, Any]) -> None:
        pass  # these jobs belong to no workspace

    def prerender_ready(self, payload: dict[str, Any]) -> None:
        if distributed():
            ChannelReporter("").prerender_ready(payload)


def distributed() -> bool:
    return bool(settings.TOYZ_REDIS_URL)


def dispatch(
    job_id: str, client_id: int, reply_channel: str, loop: asyncio.AbstractEventLoop, *, heavy: bool = False
) -> None:
    """Start the job. Called from the consumer; returns at once."""
    if distributed():
        from workers.tasks import run_job

        run_job.apply_async(args=(job_id, client_id, reply_channel), task_id=job_id)
    else:
        _executor_pool(heavy).submit(execute, job_id, client_id, ChannelReporter(reply_channel, loop))


def cancel(job_id: str) -> None:
    request_cancel(job_id)
    if distributed():
        from toyz_site.celery import app

        # A queued task is dropped by the workers; a running one stops at its next progress report.
        app.control.revoke(job_id)
