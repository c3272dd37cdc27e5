"""An open workspace socket does not outlive its user's access: deactivation, deletion, a withdrawn
share or a left group close it, and nothing it sends afterwards is relayed or saved."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm, remove_perm

from apps.workspaces import consumers
from apps.workspaces.models import Workspace

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

TILES = [{"id": "a", "kind": "image", "x": 0, "y": 0, "w": 6, "h": 5, "state": {"path": "home/bob/x.fits"}}]


async def opened(connect: Any, user: Any, workspace: Workspace) -> WebsocketCommunicator:
    socket: WebsocketCommunicator = await connect(user, workspace)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["event"] == "workspace"
    return socket


@pytest.fixture
def bob(make_user: Any, workspace: Workspace) -> Any:
    """Alice shares her workspace with Bob, who may view and change it."""
    bob = make_user("bob")
    assign_perm("workspaces.view_workspace", bob, workspace)
    assign_perm("workspaces.change_workspace", bob, workspace)
    return bob


async def assert_closed(socket: WebsocketCommunicator, code: int) -> None:
    output = await socket.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": code}


async def assert_nothing_gets_through(
    bob_socket: WebsocketCommunicator, alice: WebsocketCommunicator, workspace: Workspace
) -> None:
    """What a closed-out socket still sends reaches nobody and changes nothing."""
    await bob_socket.send_json_to({"type": "view", "tile": "a", "center": [1, 2], "resolution": 1})
    await bob_socket.send_json_to({"type": "layout", "tiles": TILES})
    assert await alice.receive_nothing(timeout=0.3)
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.layout == []


async def test_deactivating_a_user_closes_their_open_sockets(connect, workspace, bob):
    alice = await opened(connect, workspace.owner, workspace)
    bob_socket = await opened(connect, bob, workspace)

    def deactivate() -> None:
        bob.is_active = False
        bob.save()

    await database_sync_to_async(deactivate)()
    await assert_closed(bob_socket, 4401)
    await assert_nothing_gets_through(bob_socket, alice, workspace)


async def test_deleting_a_user_closes_their_open_sockets(connect, workspace, bob):
    alice = await opened(connect, workspace.owner, workspace)
    bob_socket = await opened(connect, bob, workspace)
    await database_sync_to_async(bob.delete)()
    await assert_closed(bob_socket, 4401)
    await assert_nothing_gets_through(bob_socket, alice, workspace)


async def test_a_deactivation_no_signal_announced_is_noticed_on_the_next_message(connect, workspace, bob, monkeypatch):
    # A bulk update (or another process's in-memory layer) sends no signal: the periodic re-check catches it.
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 0.0)
    alice = await opened(connect, workspace.owner, workspace)
    bob_socket = await opened(connect, bob, workspace)
    model = type(bob)
    await database_sync_to_async(model.objects.filter(pk=bob.pk).update)(is_active=False)
    await bob_socket.send_json_to({"type": "view", "tile": "a", "center": [1, 2], "resolution": 1})
    await assert_closed(bob_socket, 4401)
    await assert_nothing_gets_through(bob_socket, alice, workspace)


async def test_withdrawing_the_share_closes_the_socket(connect, workspace, bob):
    alice = await opened(connect, workspace.owner, workspace)
    bob_socket = await opened(connect, bob, workspace)

    def unshare() -> None:
        remove_perm("workspaces.change_workspace", bob, workspace)
        remove_perm("workspaces.view_workspace", bob, workspace)

    await database_sync_to_async(unshare)()
    await assert_closed(bob_socket, 4403)
    await assert_nothing_gets_through(bob_socket, alice, workspace)


async def test_losing_the_change_right_stops_layout_saves_at_once(connect, workspace, bob):
    bob_socket = await opened(connect, bob, workspace)
    await database_sync_to_async(remove_perm)("workspaces.change_workspace", bob, workspace)
    # The page is told at once (it turns read-only), and the server holds to it.
    lowered = await bob_socket.receive_json_from(timeout=5)
    assert lowered == {"type": "event", "event": "access", "may_change": False}
    await bob_socket.send_json_to({"type": "layout", "tiles": TILES})
    reply = await bob_socket.receive_json_from(timeout=5)
    assert reply["type"] == "error" and reply["error"]["code"] == "forbidden"
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.layout == []


async def test_leaving_the_group_that_shared_the_workspace_closes_the_socket(connect, workspace, make_user):
    def carol_in_team() -> Any:
        carol = make_user("carol")
        team = Group.objects.create(name="team")
        assign_perm("workspaces.view_workspace", team, workspace)
        carol.groups.add(team)
        return carol, team

    carol, team = await database_sync_to_async(carol_in_team)()
    alice = await opened(connect, workspace.owner, workspace)
    carol_socket = await opened(connect, carol, workspace)
    await database_sync_to_async(team.user_set.remove)(carol)
    await assert_closed(carol_socket, 4403)
    await carol_socket.send_json_to({"type": "view", "tile": "a", "center": [1, 2], "resolution": 1})
    assert await alice.receive_nothing(timeout=0.3)


async def test_a_login_elsewhere_does_not_disturb_open_sockets(connect, workspace, bob):
    bob_socket = await opened(connect, bob, workspace)
    await database_sync_to_async(bob.save)(update_fields=["last_login"])
    await bob_socket.send_json_to({"type": "view", "tile": "a", "center": [1, 2], "resolution": 1})
    assert await bob_socket.receive_nothing(timeout=0.3)
