"""Sharing a workspace (django-guardian object permissions, given in the admin): who may open it,
and what a user who may view but not change it can do."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.test import Client
from guardian.shortcuts import assign_perm, remove_perm

from apps.workspaces.consumers import db
from apps.workspaces.models import Workspace

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

TILES = [{"id": "a", "kind": "image", "x": 0, "y": 0, "w": 6, "h": 5, "state": {"path": "home/alice/m13.fits"}}]


@db
def share(workspace: Workspace, who: Any, *perms: str) -> None:
    for perm in perms:
        assign_perm(f"workspaces.{perm}", who, workspace)


@db
def page_status(user: Any, workspace: Workspace) -> int:
    client = Client()
    client.force_login(user)
    return int(client.get(f"/workspaces/{workspace.pk}/").status_code)


# What a first layout event says of its version: the first save, of every tile, on the layout as it was.
SAVED_AS_FIRST = {"version": 1, "base": 0, "merged": False, "changed": ["a"], "removed": []}


@db
def saved_layout(workspace: Workspace) -> Any:
    return Workspace.objects.get(pk=workspace.pk).layout


async def open_as(connect, user, workspace) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    socket = await connect(user, workspace)
    connected, code = await socket.connect()
    assert connected, f"refused with close code {code}"
    return socket, await socket.receive_json_from()


async def result_of(socket: WebsocketCommunicator, client_id: int) -> dict[str, Any]:
    """The one result of job ``client_id`` (its progress messages skipped)."""
    while (message := await socket.receive_json_from(timeout=20))["type"] != "result" or message["id"] != client_id:
        pass
    result: dict[str, Any] = message
    return result


async def test_a_user_the_workspace_is_shared_with_can_open_it(connect, workspace, make_user):
    bob = await database_sync_to_async(make_user)("bob")
    await share(workspace, bob, "view_workspace")
    assert await page_status(bob, workspace) == 200
    _, hello = await open_as(connect, bob, workspace)
    assert hello["event"] == "workspace" and hello["name"] == "Night 1" and hello["may_change"] is False


async def test_sharing_with_a_group_lets_its_members_in(connect, workspace, make_user):
    bob = await database_sync_to_async(make_user)("bob")

    @db
    def observers() -> Group:
        group = Group.objects.create(name="observers")
        bob.groups.add(group)
        return group

    await share(workspace, await observers(), "view_workspace")
    assert await page_status(bob, workspace) == 200
    _, hello = await open_as(connect, bob, workspace)
    assert hello["may_change"] is False


async def test_users_it_is_not_shared_with_cannot_open_it(connect, workspace, make_user):
    carol = await database_sync_to_async(make_user)("carol")
    # A right on some other workspace gives nothing on this one.
    other = await database_sync_to_async(Workspace.objects.create)(owner=workspace.owner, name="Other")
    await share(other, carol, "view_workspace", "change_workspace")
    assert await page_status(carol, workspace) == 404
    socket = await connect(carol, workspace)
    connected, code = await socket.connect()
    assert not connected and code == 4403


async def test_a_revoked_share_closes_the_door_to_new_sockets(connect, workspace, make_user):
    bob = await database_sync_to_async(make_user)("bob")
    await share(workspace, bob, "view_workspace")
    await open_as(connect, bob, workspace)
    await database_sync_to_async(remove_perm)("workspaces.view_workspace", bob, workspace)
    socket = await connect(bob, workspace)
    connected, code = await socket.connect()
    assert not connected and code == 4403


async def test_a_viewer_cannot_save_the_layout_and_is_told_why(connect, workspace, make_user):
    bob = await database_sync_to_async(make_user)("bob")
    await share(workspace, bob, "view_workspace")
    owner, _ = await open_as(connect, workspace.owner, workspace)
    viewer, _ = await open_as(connect, bob, workspace)
    await viewer.send_json_to({"type": "layout", "tiles": TILES})
    answer = await viewer.receive_json_from()
    assert answer["type"] == "error" and answer["error"]["code"] == "forbidden"
    assert "view" in answer["error"]["message"]
    assert await saved_layout(workspace) == []
    assert await owner.receive_nothing(timeout=0.2)  # nothing was relayed to the others
    # The socket stays open: the viewer still runs jobs on what they may read.
    await viewer.send_json_to({"type": "job", "id": 1, "fn": "files.list", "params": {"path": "home/bob"}})
    result = await result_of(viewer, 1)
    assert result["status"] == "ok", result


async def test_a_viewer_sees_the_owners_layout_changes(connect, workspace, make_user):
    bob = await database_sync_to_async(make_user)("bob")
    await share(workspace, bob, "view_workspace")
    owner, _ = await open_as(connect, workspace.owner, workspace)
    viewer, _ = await open_as(connect, bob, workspace)
    await owner.send_json_to({"type": "layout", "tiles": TILES})
    assert await viewer.receive_json_from() == {
        "type": "event",
        "event": "layout",
        "from": "alice",
        "tiles": TILES,
        **SAVED_AS_FIRST,
    }


async def test_a_user_given_change_may_save_the_layout(connect, workspace, make_user):
    bob = await database_sync_to_async(make_user)("bob")
    await share(workspace, bob, "view_workspace", "change_workspace")
    editor, hello = await open_as(connect, bob, workspace)
    assert hello["may_change"] is True
    owner, _ = await open_as(connect, workspace.owner, workspace)
    await editor.send_json_to({"type": "layout", "tiles": TILES})
    assert await owner.receive_json_from() == {
        "type": "event",
        "event": "layout",
        "from": "bob",
        "tiles": TILES,
        **SAVED_AS_FIRST,
    }
    assert await saved_layout(workspace) == TILES


async def test_sharing_a_workspace_shares_no_files(connect, workspace, make_user, data_root):
    (data_root / "home/alice/private.fits").write_bytes(b"x")
    bob = await database_sync_to_async(make_user)("bob")
    await share(workspace, bob, "view_workspace", "change_workspace")
    viewer, _ = await open_as(connect, bob, workspace)
    await viewer.send_json_to({"type": "job", "id": 2, "fn": "files.list", "params": {"path": "home/alice"}})
    result = await result_of(viewer, 2)
    assert result["status"] == "error" and result["error"]["code"] == "forbidden"
