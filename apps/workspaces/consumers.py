"""The workspace socket: jobs, their progress and results, and events shared by a workspace's clients."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar, cast

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model

from apps.files.permissions import Right, User
from apps.files.resolver import resolve
from apps.jobs import registry, transports
from apps.jobs.messages import error_message, error_result, progress_message
from apps.jobs.models import Job
from apps.workspaces.models import Workspace
from apps.workspaces.permissions import can_change, can_view
from apps.workspaces.services import clean_event, clean_layout
from workers.errors import ToyzError

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def db(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`database_sync_to_async` with its types (channels ships none)."""
    return cast(Callable[P, Awaitable[R]], database_sync_to_async(func))


MAX_MESSAGE_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_CLIENT_ID = 2**53 - 1
MAX_PENDING = 256
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# How stale a socket's view of its user's access may get when no signal tells it (a bulk update,
# another process's in-memory layer): every message after that re-reads it from the database.
ACCESS_RECHECK_SECONDS = 10.0


def _workspace_access(user: User, workspace_id: int) -> tuple[Workspace | None, bool]:
    """The workspace if `user` may view it (else None), and whether they may change it."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None or not can_view(user, workspace):
        return None, False
    return workspace, can_change(user, workspace)


_load_workspace = db(_workspace_access)


@db
def _current_access(user_id: int, workspace_id: int) -> tuple[User | None, bool, bool]:
    """The user as the database has them now (None if gone or deactivated), may view, may change."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None, False, False
    workspace, may_change = _workspace_access(user, workspace_id)
    return user, workspace is not None, may_change


@db
def _create_job(user: User, workspace_id: int, fn: Any, params: Any) -> tuple[str, bool]:
    # Same check as the runner makes, so that bad requests fail at once, before anything queues.
    spec, _ = registry.prepare(user, fn, params)
    assert user.pk is not None  # the consumer admits only logged-in users
    job = Job.objects.create(user_id=int(user.pk), workspace_id=workspace_id, fn=spec.name, params=params or {})
    return str(job.pk), spec.heavy


@db
def _may_read(user: User, path: Any) -> bool:
    try:
        resolve(user, path, Right.READ, must_exist=False)
    except ToyzError:
        return False
    return True


@db
def _save_layout(workspace_id: int, tiles: list[dict[str, Any]]) -> None:
    workspace = Workspace.objects.get(pk=workspace_id)
    workspace.layout = tiles
    workspace.save(update_fields=["layout", "updated"])


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON, and the database refuses them in a saved layout.
    raise ValueError(f"{name} is not allowed")


def _depth(value: Any) -> int:
    """How deeply a decoded JSON value nests (iteratively: the point is to refuse deep ones)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


class WorkspaceConsumer(AsyncJsonWebsocketConsumer):
    """One per open workspace page."""

    workspace_id: int
    group: str
    user_group: str
    may_change: bool
    user: User
    access_checked: float  # time.monotonic() of the last check of the user's access
    revoked: bool = False

    async def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        workspace, self.may_change = await _load_workspace(user, self.scope["url_route"]["kwargs"]["workspace_id"])
        if workspace is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user, self.access_checked = user, time.monotonic()
        self.workspace_id = workspace.pk
        self.group = transports.workspace_group(workspace.pk)
        self.user_group = transports.user_group(int(user.pk))
        self.pending: dict[int, str] = {}  # client job id → job uuid, until its one result is sent
        self.heavy_jobs: set[str] = set()  # the pending jobs that outlive the socket
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(transports.PRERENDER_GROUP, self.channel_name)
        await self.channel_layer.group_add(self.user_group, self.channel_name)
        await self.accept()
        await self.send_json(
            {
                "type": "event",
                "event": "workspace",
                "name": workspace.name,
                "tiles": workspace.layout,
                "may_change": self.may_change,
            }
        )

    async def disconnect(self, code: int) -> None:
        await self._leave_groups()
        # Nobody is left to read the answers; long builds go on, since their work is the cache.
        for job_id in list(getattr(self, "pending", {}).values()):
            if job_id not in self.heavy_jobs:
                await db(transports.cancel)(job_id)

    async def _leave_groups(self) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(transports.PRERENDER_GROUP, self.channel_name)
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    async def _still_allowed(self, *, now: bool = False) -> bool:
        """Whether the user may still use this workspace; if not, the socket closes (an open socket
        must not outlive a deactivation or a withdrawn share). Cheap: the database is asked at most
        every ACCESS_RECHECK_SECONDS, or at once when a signal says the access changed."""
        if self.revoked:
            return False
        if not now and time.monotonic() - self.access_checked < ACCESS_RECHECK_SECONDS:
            return True
        assert self.user.pk is not None  # set in connect, for logged-in users only
        user, may_view, self.may_change = await _current_access(int(self.user.pk), self.workspace_id)
        self.access_checked = time.monotonic()
        if user is not None and may_view:
            self.user = user
            return True
        self.revoked = True
        await self._leave_groups()
        await self.close(code=CLOSE_UNAUTHENTICATED if user is None else CLOSE_FORBIDDEN)
        return False

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not await self._still_allowed():
            return
        if text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            await self.send_json(error_message("bad_message", "Messages must be JSON text under 1 MB."))
            return
        try:
            content = json.loads(text_data, parse_constant=_refuse_constant)
        except (ValueError, RecursionError):
            await self.send_json(error_message("bad_message", "That message is not valid JSON."))
            return
        if _depth(content) > MAX_DEPTH:
            await self.send_json(error_message("bad_message", f"Messages may nest at most {MAX_DEPTH} levels."))
            return
        try:
            await self.receive_json(content)
        except Exception:
            # Whatever went wrong, this client gets a sentence and the socket stays open.
            logger.exception(
                "Workspace %s: message of type %r failed",
                getattr(self, "workspace_id", None),
                content.get("type") if isinstance(content, dict) else None,
            )
            await self.send_json(error_message("internal", "The server could not handle that message; it was logged."))

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        handler = self._handlers().get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self.send_json(error_message("bad_message", "Unknown or missing message type."))
            return
        try:
            await handler(content)
        except ToyzError as exc:
            await self.send_json(error_message(exc.code, exc.message))

    def _handlers(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[None]]]:
        return {
            "job": self.handle_job,
            "cancel": self.handle_cancel,
            "view": self.handle_relay,
            "selection": self.handle_relay,
            "layout": self.handle_layout,
        }

    @staticmethod
    def _client_id(content: dict[str, Any]) -> int:
        value = content.get("id")
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_CLIENT_ID:
            raise ToyzError("bad_message", "A job message needs an integer id.")
        return value

    async def handle_job(self, content: dict[str, Any]) -> None:
        client_id = self._client_id(content)
        if client_id in self.pending:
            # Not a result: the running job with this id still owes its own one result.
            await self.send_json(error_message("duplicate_id", f"Job {client_id} is still running; use a new id."))
            return
        if len(self.pending) >= MAX_PENDING:
            await self.send_json(
                error_result(client_id, "too_many_jobs", "Too many jobs at once; wait for some to finish.")
            )
            return
        try:
            job_id, heavy = await _create_job(self.user, self.workspace_id, content.get("fn"), content.get("params"))
        except ToyzError as exc:
            await self.send_json(error_result(client_id, exc.code, exc.message))
            return
        self.pending[client_id] = job_id
        if heavy:
            self.heavy_jobs.add(job_id)
        if transports.distributed():
            # Until a worker picks it up the job is only queued: say so (first, so it never follows
            # the result), since no worker may be running.
            await self.send_json(progress_message(client_id, 0, 0, "Queued; waiting for a worker."))
        await database_sync_to_async(transports.dispatch, thread_sensitive=False)(
            job_id, client_id, self.channel_name, asyncio.get_running_loop(), heavy=heavy
        )

    async def handle_cancel(self, content: dict[str, Any]) -> None:
        client_id = self._client_id(content)
        job_id = self.pending.pop(client_id, None)
        if job_id is None:
            return  # already finished: its result was sent
        self.heavy_jobs.discard(job_id)
        await database_sync_to_async(transports.cancel)(job_id)
        await self.send_json(error_result(client_id, "cancelled", "The job was cancelled."))

    async def handle_relay(self, content: dict[str, Any]) -> None:
        payload = {
            "type": "event",
            "event": content["type"],
            "from": self.user.get_username(),
            **clean_event(content),
        }
        await self.channel_layer.group_send(
            self.group, {"type": "workspace.event", "payload": payload, "sender": self.channel_name}
        )

    async def handle_layout(self, content: dict[str, Any]) -> None:
        if not self.may_change:
            raise ToyzError("forbidden", "You can view this workspace but not change it.")
        tiles = clean_layout(content.get("tiles"))
        await _save_layout(self.workspace_id, tiles)
        payload = {"type": "event", "event": "layout", "from": self.user.get_username(), "tiles": tiles}
        await self.channel_layer.group_send(
            self.group, {"type": "workspace.event", "payload": payload, "sender": self.channel_name}
        )

    # Channel-layer handlers ("job.message", "workspace.event", "prerender.ready" and "access.check").

    async def job_message(self, event: dict[str, Any]) -> None:
        message = event["message"]
        client_id = message.get("id")
        if self.pending.get(client_id) != event.get("job"):
            return  # cancelled, or a repeat from a retried task: the client has its one result
        if message.get("type") == "result":
            self.heavy_jobs.discard(self.pending.pop(client_id))
        await self.send_json(message)

    async def workspace_event(self, event: dict[str, Any]) -> None:
        if event.get("sender") == self.channel_name or not await self._still_allowed():
            return
        await self.send_json(event["payload"])

    async def prerender_ready(self, event: dict[str, Any]) -> None:
        # Sent to every socket of every workspace: only users who may read the file hear of it.
        payload = event["payload"]
        if await self._still_allowed() and await _may_read(self.user, payload.get("path")):
            await self.send_json(payload)

    async def access_check(self, event: dict[str, Any]) -> None:
        # The user was saved, deleted or regrouped, or this workspace's shares changed.
        await self._still_allowed(now=True)
