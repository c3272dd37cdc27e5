"""How a job reaches a runner and how its messages come back.

Embedded mode (no TOYZ_REDIS_URL): a thread pool inside the server, messages handed to the
server's event loop. Distributed mode: a Celery task; messages through the Redis channel layer.
The consumer receives both as `job.message` events on its channel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from apps.jobs.runner import execute, request_cancel

_executor: ThreadPoolExecutor | None = None


def workspace_group(workspace_id: int) -> str:
    return f"workspace-{workspace_id}"


def _executor_pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=settings.TOYZ_EMBEDDED_WORKERS, thread_name_prefix="toyz-job")
    return _executor


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

    def send(self, job_id: str, message: dict[str, Any]) -> None:
        layer = get_channel_layer()
        assert layer is not None
        self._run(layer.send(self.reply_channel, {"type": "job.message", "job": job_id, "message": message}))

    def group(self, workspace_id: int, payload: dict[str, Any]) -> None:
        layer = get_channel_layer()
        assert layer is not None
        self._run(layer.group_send(workspace_group(workspace_id), {"type": "workspace.event", "payload": payload}))


def distributed() -> bool:
    return bool(settings.TOYZ_REDIS_URL)


def dispatch(job_id: str, client_id: int, reply_channel: str, loop: asyncio.AbstractEventLoop) -> None:
    """Start the job. Called from the consumer; returns at once."""
    if distributed():
        from workers.tasks import run_job

        run_job.apply_async(args=(job_id, client_id, reply_channel), task_id=job_id)
    else:
        _executor_pool().submit(execute, job_id, client_id, ChannelReporter(reply_channel, loop))


def cancel(job_id: str) -> None:
    request_cancel(job_id)
    if distributed():
        from toyz_site.celery import app

        # A queued task is dropped by the workers; a running one stops at its next progress report.
        app.control.revoke(job_id)
