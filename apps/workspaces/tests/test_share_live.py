"""Shares changed from the app reach open sockets at once: a lowered right turns the page read-only
(an ``access`` event), a raised one editable, a withdrawn one closes the socket; a rename is heard too."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group

from apps.workspaces import sharing
from apps.workspaces.consumers import db
from apps.workspaces.models import Workspace

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

TILES = [{"id": "a", "kind": "image", "x": 0, "y": 0, "w": 6, "h": 5, "state": {}}]


async def opened(connect: Any, user: Any, workspace: Workspace) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    socket: WebsocketCommunicator = await connect(user, workspace)
    connected, _ = await socket.connect()
    assert connected
    hello = await socket.receive_json_from()
    assert hello["event"] == "workspace"
    return socket, hello


@db
def give(owner: Any, workspace: Workspace, kind: str, name: str, right: str | None) -> None:
    sharing.set_share(owner, workspace.pk, kind, name, right)  # type: ignore[arg-type]  # literals, by the tests


@pytest.fixture
def bob(make_user: Any) -> Any:
    return make_user("bob")


async def test_lowering_change_to_view_makes_the_open_page_read_only_at_once(connect, workspace, bob):
    owner = workspace.owner
    await give(owner, workspace, "user", "bob", "change")
    socket, hello = await opened(connect, bob, workspace)
    assert hello["may_change"] is True
    await give(owner, workspace, "user", "bob", "view")
    assert await socket.receive_json_from(timeout=5) == {"type": "event", "event": "access", "may_change": False}
    # And the server holds to it: the layout is refused with a sentence.
    await socket.send_json_to({"type": "layout", "tiles": TILES})
    answer = await socket.receive_json_from()
    assert answer["type"] == "error" and answer["error"]["code"] == "forbidden"


async def test_raising_view_to_change_makes_the_open_page_editable(connect, workspace, bob):
    owner = workspace.owner
    await give(owner, workspace, "user", "bob", "view")
    socket, hello = await opened(connect, bob, workspace)
    assert hello["may_change"] is False
    await give(owner, workspace, "user", "bob", "change")
    assert await socket.receive_json_from(timeout=5) == {"type": "event", "event": "access", "may_change": True}
    await socket.send_json_to({"type": "layout", "tiles": TILES})
    assert (await socket.receive_json_from())["event"] == "layout.saved"
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.layout == TILES


async def test_a_change_that_keeps_may_change_sends_nothing(connect, workspace, bob):
    owner = workspace.owner
    await give(owner, workspace, "user", "bob", "change")
    socket, _ = await opened(connect, bob, workspace)
    await give(owner, workspace, "user", "bob", "share")
    assert await socket.receive_nothing(timeout=0.5)


async def test_withdrawing_the_share_closes_the_open_socket(connect, workspace, bob):
    owner = workspace.owner
    await give(owner, workspace, "user", "bob", "change")
    socket, _ = await opened(connect, bob, workspace)
    alice, _ = await opened(connect, owner, workspace)
    await give(owner, workspace, "user", "bob", None)
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
    # The owner's socket stays open and hears nothing of it.
    assert await alice.receive_nothing(timeout=0.3)


async def test_lowering_a_groups_right_reaches_its_members_sockets(connect, workspace, bob):
    owner = workspace.owner

    @db
    def observers() -> None:
        bob.groups.add(Group.objects.create(name="observers"))

    await observers()
    await give(owner, workspace, "group", "observers", "change")
    socket, hello = await opened(connect, bob, workspace)
    assert hello["may_change"] is True
    await give(owner, workspace, "group", "observers", "view")
    assert await socket.receive_json_from(timeout=5) == {"type": "event", "event": "access", "may_change": False}
    await give(owner, workspace, "group", "observers", None)
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}


async def test_a_rename_reaches_every_open_page(connect, workspace, bob):
    await give(workspace.owner, workspace, "user", "bob", "view")
    socket, _ = await opened(connect, bob, workspace)
    await database_sync_to_async(sharing.rename)(workspace.owner, workspace.pk, "Night 1, reduced")
    assert await socket.receive_json_from(timeout=5) == {
        "type": "event",
        "event": "workspace.renamed",
        "name": "Night 1, reduced",
    }


async def test_deleting_the_workspace_closes_its_sockets(connect, workspace, bob):
    await give(workspace.owner, workspace, "user", "bob", "view")
    socket, _ = await opened(connect, bob, workspace)
    await database_sync_to_async(sharing.delete)(workspace.owner, workspace.pk)
    assert await socket.receive_output(timeout=5) == {"type": "websocket.close", "code": 4403}
