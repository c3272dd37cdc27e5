"""The workspace socket: jobs, their progress and results, and events shared by a workspace's clients."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar, cast

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps import events
from apps.accounts.services import User
from apps.http import load_client_json
from apps.jobs import services as jobs
from apps.jobs.services import error_message, error_result, progress_message
from apps.workspaces import presence, services
from apps.workspaces.messages import (
    MAX_CLIENT_ID,
    RELAYED_EVENTS,
    AccessChanged,
    CancelRequest,
    JobRequest,
    LayoutEvent,
    LayoutMessage,
    LayoutSaved,
    PresenceMessage,
    SelectionMessage,
    SourcesEvent,
    SourcesMessage,
    SourcesSaved,
    ViewMessage,
    WorkspaceOpened,
    parse_client_message,
)
from apps.workspaces.models import Workspace
from apps.workspaces.permissions import can_change, can_view
from workers.errors import ToyzError

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")


def db(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`database_sync_to_async` with its types (channels ships none)."""
    return cast(Callable[P, Awaitable[R]], database_sync_to_async(func))


MAX_PENDING = 256
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
# How stale a socket's view of its user's access may get when no signal tells it (a bulk update,
# another process's in-memory layer): every message after that re-reads it from the database.
ACCESS_RECHECK_SECONDS = 10.0
__all__ = ["MAX_CLIENT_ID", "WorkspaceConsumer"]


def _workspace_access(user: User, workspace_id: int) -> tuple[Workspace | None, bool]:
    """The workspace if `user` may view it (else None), and whether they may change it."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None or not can_view(user, workspace):
        return None, False
    return workspace, can_change(user, workspace)


_load_workspace = db(_workspace_access)


def _group_ids(user: User) -> frozenset[int]:
    """The user's groups, which the socket keeps to decide who hears a path's events."""
    return frozenset(Group.objects.filter(user__pk=int(user.pk or 0)).values_list("pk", flat=True))


_load_group_ids = db(_group_ids)


@db
def _current_access(user_id: int, workspace_id: int) -> tuple[User | None, frozenset[int], bool, bool]:
    """The user as the database has them now (None if gone or deactivated), their groups, may view, may change."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None, frozenset(), False, False
    workspace, may_change = _workspace_access(user, workspace_id)
    return user, _group_ids(user), workspace is not None, may_change


class WorkspaceConsumer(AsyncJsonWebsocketConsumer):
    """One per open workspace page."""

    workspace_id: int
    group: str
    user_group: str
    may_change: bool
    user: User
    # Who the user is, for the events of paths: kept here and refreshed with the access check,
    # so that deciding whether an event is for this socket asks no database.
    user_id: int
    group_ids: frozenset[int]
    is_admin: bool
    access_checked: float  # time.monotonic() of the last check of the user's access
    revoked: bool = False
    # Who else has the workspace open (apps/workspaces/presence.py); sent to the client once it asks.
    presence_book: presence.PresenceBook | None = None
    presence_wanted: bool = False
    presence_beat: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        workspace, self.may_change = await _load_workspace(user, self.scope["url_route"]["kwargs"]["workspace_id"])
        if workspace is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self._remember(user, await _load_group_ids(user))
        self.workspace_id = workspace.pk
        self.group = events.workspace_group(workspace.pk)
        self.user_group = events.user_group(self.user_id)
        self.pending: dict[int, str] = {}  # client job id → job uuid, until its one result is sent
        self.heavy_jobs: set[str] = set()  # the pending jobs that outlive the socket
        # Held while a job is submitted: its answer, delivered straight from this process, waits for it.
        self.job_lock = asyncio.Lock()
        # The embedded pool's threads hand their messages to this loop, where the in-memory layer lives.
        events.serve_on(asyncio.get_running_loop())
        for group in self._groups():
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        # Before the hello, so that a client that hears it finds this socket done with connecting.
        await self._join_presence()
        hello = WorkspaceOpened(
            name=workspace.name,
            tiles=workspace.layout,
            may_change=self.may_change,
            version=workspace.version,
            sources=workspace.sources,
        )
        await self.send_json(hello.model_dump(mode="json"))

    def _remember(self, user: User, group_ids: frozenset[int]) -> None:
        assert user.pk is not None  # logged-in users only
        self.user, self.user_id, self.group_ids = user, int(user.pk), group_ids
        self.is_admin = bool(getattr(user, "is_superuser", False))
        self.access_checked = time.monotonic()

    def _groups(self) -> list[str]:
        return [self.group, events.READERS_GROUP, self.user_group]

    async def disconnect(self, code: int) -> None:
        await self._leave_presence()
        await self._leave_groups()
        # Nobody is left to read the answers; long builds go on, since their work is the cache.
        for job_id in list(getattr(self, "pending", {}).values()):
            if job_id not in self.heavy_jobs:
                await db(jobs.cancel)(job_id)

    async def _leave_groups(self) -> None:
        if hasattr(self, "group"):
            for group in self._groups():
                await self.channel_layer.group_discard(group, self.channel_name)

    async def _still_allowed(self, *, now: bool = False) -> bool:
        """Whether the user may still use this workspace; if not, the socket closes (an open socket
        must not outlive a deactivation or a withdrawn share). Cheap: the database is asked at most
        every ACCESS_RECHECK_SECONDS, or at once when a signal says the access changed."""
        if self.revoked:
            return False
        if not now and time.monotonic() - self.access_checked < ACCESS_RECHECK_SECONDS:
            return True
        had_change = self.may_change
        user, group_ids, may_view, self.may_change = await _current_access(self.user_id, self.workspace_id)
        self.access_checked = time.monotonic()
        if user is not None and may_view:
            self._remember(user, group_ids)
            if self.may_change != had_change:
                # A share given or lowered: the page turns editable or read-only at once.
                await self.send_json(AccessChanged(may_change=self.may_change).model_dump(mode="json"))
                await self._announce()  # the presence lists say "view only" or not
            return True
        self.revoked = True
        await self._leave_presence()
        await self._leave_groups()
        await self.close(code=CLOSE_UNAUTHENTICATED if user is None else CLOSE_FORBIDDEN)
        return False

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not await self._still_allowed():
            return
        try:
            content = load_client_json(text_data, code="bad_message", what="Messages")
        except ToyzError as exc:
            await self.send_json(error_message(exc.code, exc.message).wire())
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
            await self.send_json(
                error_message("internal", "The server could not handle that message; it was logged.").wire()
            )

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        try:
            message = parse_client_message(content)
            if isinstance(message, JobRequest):
                await self.handle_job(message)
            elif isinstance(message, CancelRequest):
                await self.handle_cancel(message)
            elif isinstance(message, LayoutMessage):
                await self.handle_layout(message)
            elif isinstance(message, SourcesMessage):
                await self.handle_sources(message)
            elif isinstance(message, PresenceMessage):
                await self.handle_presence()
            else:
                await self.handle_relay(message)
        except ToyzError as exc:
            await self.send_json(error_message(exc.code, exc.message).wire())

    async def handle_job(self, request: JobRequest) -> None:
        client_id = request.id
        if client_id in self.pending:
            # Not a result: the running job with this id still owes its own one result.
            await self.send_json(
                error_message("duplicate_id", f"Job {client_id} is still running; use a new id.").wire()
            )
            return
        if len(self.pending) >= MAX_PENDING:
            refused = error_result(client_id, "too_many_jobs", "Too many jobs at once; wait for some to finish.")
            await self.send_json(refused.wire())
            return
        submit = database_sync_to_async(jobs.submit, thread_sensitive=False)
        async with self.job_lock:
            try:
                job = await submit(
                    self.user,
                    request.fn,
                    request.params,
                    workspace_id=self.workspace_id,
                    reply_to=self.channel_name,
                    client_id=client_id,
                    loop=asyncio.get_running_loop(),
                    deliver=self.direct_job_message,
                )
            except ToyzError as exc:
                await self.send_json(error_result(client_id, exc.code, exc.message).wire())
                return
            # The job's own messages wait in this socket's queue (or for the lock) until this block ends.
            self.pending[client_id] = str(job.pk)
        if jobs.is_heavy(job.fn):
            self.heavy_jobs.add(str(job.pk))
        if job.queue:
            # Until a worker picks it up the job is only queued: say so, since no worker may be running.
            await self.send_json(progress_message(client_id, 0, 0, "Queued; waiting for a worker.").wire())

    async def handle_cancel(self, request: CancelRequest) -> None:
        job_id = self.pending.pop(request.id, None)
        if job_id is None:
            return  # already finished: its result was sent
        self.heavy_jobs.discard(job_id)
        await database_sync_to_async(jobs.cancel)(job_id)
        await self.send_json(error_result(request.id, "cancelled", "The job was cancelled.").wire())

    async def handle_relay(self, message: ViewMessage | SelectionMessage) -> None:
        if isinstance(message, ViewMessage) and not self.may_change:
            # A view-only user's pans would move the viewers of those who may change the workspace.
            raise ToyzError("forbidden", "You can view this workspace but not change it: your view stays yours.")
        if isinstance(message, SelectionMessage) and not self.may_change:
            # Their page selects for them alone; the others' plots must not follow a viewer's lasso.
            raise ToyzError("forbidden", "You can view this workspace but not change it: your selection stays yours.")
        event = RELAYED_EVENTS[message.type].model_validate({**message.content(), "from": self.user.get_username()})
        await self.channel_layer.group_send(self.group, events.event_message(event, sender=self.channel_name))

    async def handle_layout(self, message: LayoutMessage) -> None:
        if not self.may_change:
            raise ToyzError("forbidden", "You can view this workspace but not change it.")
        saved = await db(services.save_layout)(
            self.workspace_id, message.tiles, base=message.version, changed=message.changed, removed=message.removed
        )
        event = LayoutEvent.model_validate(
            {
                "from": self.user.get_username(),
                "tiles": saved.tiles,
                "version": saved.version,
                "base": saved.base,
                "merged": saved.merged,
                "changed": saved.changed,
                "removed": saved.removed,
            }
        )
        await self.channel_layer.group_send(self.group, events.event_message(event, sender=self.channel_name))
        # The sender learns its new version; after a merge, also the layout everyone now sees.
        reply = LayoutSaved(
            version=saved.version, base=saved.base, merged=saved.merged, tiles=saved.tiles if saved.merged else None
        )
        await self.send_json(reply.model_dump(mode="json"))

    async def handle_sources(self, message: SourcesMessage) -> None:
        if not self.may_change:
            raise ToyzError("forbidden", "You can view this workspace but not change its sources.")
        saved = await db(services.save_sources)(self.workspace_id, message.sources)
        event = SourcesEvent.model_validate({"from": self.user.get_username(), "sources": saved})
        await self.channel_layer.group_send(self.group, events.event_message(event, sender=self.channel_name))
        await self.send_json(SourcesSaved().model_dump(mode="json"))

    # Presence: see apps/workspaces/presence.py.

    def _me(self) -> presence.Entry:
        user = self.user
        full_name = getattr(user, "get_full_name", lambda: "")()
        return presence.Entry(user.get_username(), str(full_name or user.get_username()), self.may_change)

    async def _join_presence(self) -> None:
        self.presence_book = presence.PresenceBook(self.channel_name, self._me(), time.monotonic())
        await self.channel_layer.group_send(self.group, presence.announcement(presence.JOIN, *self._my_entry()))
        self.presence_beat = asyncio.create_task(self._beat())

    def _my_entry(self) -> tuple[str, presence.Entry]:
        return self.channel_name, self._me()

    async def _leave_presence(self) -> None:
        if self.presence_beat is not None:
            self.presence_beat.cancel()
            self.presence_beat = None
        if self.presence_book is not None:
            self.presence_book = None
            await self.channel_layer.group_send(self.group, presence.announcement(presence.LEAVE, *self._my_entry()))

    async def _beat(self) -> None:
        """Every refresh period: say this socket is still here, and drop those not heard of for three periods."""
        while True:
            await asyncio.sleep(presence.refresh_seconds())
            book = self.presence_book
            if book is None:
                return
            await self._announce()
            if book.expire(time.monotonic(), presence.expiry_seconds()):
                await self._send_presence()

    async def _announce(self) -> None:
        """Tell the workspace's sockets (and this page) that this socket is here, as it is now."""
        book = self.presence_book
        if book is None:
            return
        me = self._me()
        if book.update_me(me, time.monotonic()):
            await self._send_presence()
        try:
            await self.channel_layer.group_send(self.group, presence.announcement(presence.HERE, self.channel_name, me))
        except Exception:
            logger.warning("Workspace %s: could not refresh presence", self.workspace_id, exc_info=True)

    async def handle_presence(self) -> None:
        self.presence_wanted = True
        await self._send_presence()

    async def _send_presence(self) -> None:
        if self.presence_wanted and self.presence_book is not None and not self.revoked:
            await self.send_json(self.presence_book.event().model_dump(mode="json"))

    async def presence_join(self, message: dict[str, Any]) -> None:
        book = self.presence_book
        if book is None or message.get("channel") == self.channel_name:
            return
        changed = book.heard(message, time.monotonic())
        # Answered to the newcomer alone, which learns who was there before it.
        try:
            await self.channel_layer.send(message["channel"], presence.announcement(presence.HERE, *self._my_entry()))
        except Exception:
            # A full or vanished channel must not take this socket down; the next refresh tells it anyway.
            logger.warning("Workspace %s: could not answer a join", self.workspace_id, exc_info=True)
        if changed:
            await self._send_presence()

    async def presence_here(self, message: dict[str, Any]) -> None:
        if self.presence_book is not None and self.presence_book.heard(message, time.monotonic()):
            await self._send_presence()

    async def presence_leave(self, message: dict[str, Any]) -> None:
        if self.presence_book is not None and self.presence_book.left(message.get("channel")):
            await self._send_presence()

    # Channel-layer handlers ("job.message", "toyz.event", "access.check" and presence's above).

    async def direct_job_message(self, event: dict[str, Any]) -> None:
        """A message of a quick job that ran in this process (`runner.run_now`), handed over without the layer."""
        async with self.job_lock:
            await self.job_message(event)

    async def job_message(self, event: dict[str, Any]) -> None:
        message = event["message"]
        client_id = message.get("id")
        if self.pending.get(client_id) != event.get("job"):
            return  # cancelled, or a repeat from a retried task: the client has its one result
        if message.get("type") == "result":
            self.heavy_jobs.discard(self.pending.pop(client_id))
        await self.send_json(message)

    async def toyz_event(self, event: dict[str, Any]) -> None:
        if event.get("sender") == self.channel_name or not await self._still_allowed():
            return
        # A path's event names who may hear of it: decided here, from what this socket knows of its user.
        audience = event.get("audience")
        if audience is not None and not events.Audience.model_validate(audience).admits(
            self.user_id, self.group_ids, self.is_admin
        ):
            return
        await self.send_json(event["payload"])

    async def access_check(self, event: dict[str, Any]) -> None:
        # The user was saved, deleted or regrouped, or this workspace's shares changed.
        await self._still_allowed(now=True)
