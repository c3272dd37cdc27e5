"""Typed events pushed to open workspace sockets: one way each to reach a workspace, a user, or
everyone allowed to read a path.

An event is a pydantic model (a subclass of `Event` naming its kind); on the wire it is
``{"type": "event", "event": <kind>, ...its fields}``. `apps.files.services.to_readers` computes a path's
audience once, when it sends (`apps.files.permissions.readers`), and the audience travels with the event:
each socket decides from its own user's id, groups and admin flag, with no database query.

These functions work from any thread: a Celery worker and the Redis layer, or a thread of the
embedded pool, whose in-memory layer lives on the server's loop (`delivered_on`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from pydantic import BaseModel, ConfigDict

logger = logging.getLogger(__name__)

#: Every workspace socket joins it; each forwards a path's event only if its user is in the audience.
READERS_GROUP = "readers"
#: The channel-layer message type of an event; the consumer's handler is `toyz_event`.
EVENT_MESSAGE = "toyz.event"
#: The channel-layer message type asking sockets to re-read their user's access; handler `access_check`.
ACCESS_CHECK_MESSAGE = "access.check"

E = TypeVar("E", bound="Event")


class Audience(BaseModel):
    """Who may hear of a path: user ids, group ids, and whether admins may. Computed once when an
    event is sent and carried with it, so that each socket decides from its own user alone."""

    model_config = ConfigDict(frozen=True)

    users: frozenset[int] = frozenset()
    groups: frozenset[int] = frozenset()
    admins: bool = True

    def admits(self, user_id: int, group_ids: frozenset[int], is_admin: bool) -> bool:
        """Whether a user with this id, these groups and this admin flag is in the audience."""
        return (is_admin and self.admins) or user_id in self.users or not self.groups.isdisjoint(group_ids)


def workspace_group(workspace_id: int) -> str:
    """Every open socket of one workspace."""
    return f"workspace-{workspace_id}"


def user_group(user_id: int) -> str:
    """Every open workspace socket of one user."""
    return f"user-{user_id}"


class Event(BaseModel):
    """A server → client event. Subclasses add ``event: Literal["<kind>"] = "<kind>"`` and their fields,
    and register with `event_kind` so that the socket's JSON Schema lists them."""

    # Defaults such as ``type`` and ``event`` are always sent: the schema says so, and the client narrows on them.
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    type: Literal["event"] = "event"


#: Every registered event kind, for the socket's JSON Schema.
EVENT_KINDS: list[type[Event]] = []


def event_kind(cls: type[E]) -> type[E]:
    """Class decorator: list an event model in the socket's schema."""
    if cls not in EVENT_KINDS:
        EVENT_KINDS.append(cls)
    return cls


# --- delivery -------------------------------------------------------------------------------------

_local = threading.local()
_server_loop: asyncio.AbstractEventLoop | None = None


def serve_on(loop: asyncio.AbstractEventLoop) -> None:
    """Record the server's event loop (where the in-memory layer lives); sockets call it on connect."""
    global _server_loop
    _server_loop = loop


def server_loop() -> asyncio.AbstractEventLoop | None:
    """The server's event loop if one was recorded and still runs."""
    return _server_loop if _server_loop is not None and _server_loop.is_running() else None


@contextmanager
def delivered_on(loop: asyncio.AbstractEventLoop | None) -> Iterator[None]:
    """Within this block, this thread's sends are handed to `loop` (a pool thread of the embedded mode)."""
    previous = getattr(_local, "loop", None)
    _local.loop = loop
    try:
        yield
    finally:
        _local.loop = previous


def _deliver(send: Callable[..., Awaitable[None]], *args: Any) -> None:
    """Run a channel-layer send from sync code; a failure is logged, never raised (an event must not fail a job)."""
    loop = getattr(_local, "loop", None)
    try:
        if loop is not None and loop.is_running():
            # The in-memory layer's queues belong to the server's loop: hand the send to it.
            future = asyncio.run_coroutine_threadsafe(_call(send, *args), loop)
            future.result(timeout=30)
        else:
            async_to_sync(send)(*args)
    except Exception:
        logger.warning("Could not deliver a message to %s", args[0] if args else "?", exc_info=True)


async def _call(send: Callable[..., Awaitable[None]], *args: Any) -> None:
    await send(*args)


def _layer() -> Any:
    layer = get_channel_layer()
    assert layer is not None, "CHANNEL_LAYERS is configured in both modes"
    return layer


def send_to_channel(channel: str, message: dict[str, Any]) -> None:
    """Send a channel-layer message to one socket (a job's progress and result go this way)."""
    _deliver(_layer().send, channel, message)


def send_to_group(group: str, message: dict[str, Any]) -> None:
    """Send a channel-layer message to every socket of a group."""
    _deliver(_layer().group_send, group, message)


def event_message(event: Event, *, audience: Audience | None = None, sender: str | None = None) -> dict[str, Any]:
    """The channel-layer message carrying `event` (and who may hear it; which socket sent it, not to echo)."""
    return {
        "type": EVENT_MESSAGE,
        "payload": event.model_dump(mode="json", by_alias=True),
        "audience": None if audience is None else audience.model_dump(mode="json"),
        "sender": sender,
    }


# --- the three ways to push an event ----------------------------------------------------------------


def to_workspace(workspace_id: int, event: Event) -> None:
    """Push `event` to every open socket of a workspace (whose users may all view it)."""
    send_to_group(workspace_group(workspace_id), event_message(event))


def to_user(user_id: int, event: Event) -> None:
    """Push `event` to every open workspace socket of one user."""
    send_to_group(user_group(user_id), event_message(event))


def to_audience(audience: Audience, event: Event) -> None:
    """Push `event` to every open workspace socket whose user is in `audience`.

    For everyone allowed to read a path, `apps.files.services.to_readers` computes the audience.
    """
    send_to_group(READERS_GROUP, event_message(event, audience=audience))
