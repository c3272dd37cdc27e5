"""Live co-viewing through the real ASGI app: presence, relayed views, and versioned layouts."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from guardian.shortcuts import assign_perm

from apps import events
from apps.workspaces import presence
from apps.workspaces.models import Workspace

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def tile(tile_id: str, x: int = 0, **state: Any) -> dict[str, Any]:
    return {"id": tile_id, "kind": "image", "x": x, "y": 0, "w": 6, "h": 5, "state": state}


async def opened(connect: Any, user: Any, workspace: Workspace, *, watch: bool = True) -> WebsocketCommunicator:
    """A socket of `user` on `workspace`, past its hello; with `watch`, past its first presence list too."""
    socket: WebsocketCommunicator = await connect(user, workspace)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["event"] == "workspace"
    if watch:
        await socket.send_json_to({"type": "presence"})
        assert (await socket.receive_json_from())["event"] == "presence"
    return socket


async def next_event(socket: WebsocketCommunicator, kind: str, timeout: float = 5) -> dict[str, Any]:
    """The next event of `kind`, skipping others (presence lists come whenever someone joins)."""
    while True:
        message: dict[str, Any] = await socket.receive_json_from(timeout=timeout)
        if message.get("event") == kind:
            return message


def names(event: dict[str, Any]) -> dict[str, int]:
    return {person["user"]: person["pages"] for person in event["people"]}


@pytest.fixture
def share(make_user: Any, workspace: Workspace) -> Any:
    def give(name: str, *rights: str) -> Any:
        user = make_user(name)
        for right in rights:
            assign_perm(f"workspaces.{right}_workspace", user, workspace)
        return user

    return give


# --- presence ---------------------------------------------------------------------------------------


async def test_presence_lists_who_joins_and_who_leaves(connect, workspace, share):
    bob = await database_sync_to_async(share)("bob", "view")
    alice = await opened(connect, workspace.owner, workspace)
    bob_socket = await opened(connect, bob, workspace)
    # Bob learns from Alice's answer that she was there; Alice hears of Bob's join.
    assert names(await next_event(alice, "presence")) == {"alice": 1, "bob": 1}
    seen_by_bob = await next_event(bob_socket, "presence")
    assert names(seen_by_bob) == {"alice": 1, "bob": 1}
    assert {p["user"]: p["may_change"] for p in seen_by_bob["people"]} == {"alice": True, "bob": False}
    await bob_socket.disconnect()
    assert names(await next_event(alice, "presence")) == {"alice": 1}


async def test_a_user_with_two_pages_is_listed_once_with_the_count(connect, workspace):
    first = await opened(connect, workspace.owner, workspace)
    second = await opened(connect, workspace.owner, workspace, watch=False)
    assert names(await next_event(first, "presence")) == {"alice": 2}
    await second.disconnect()
    assert names(await next_event(first, "presence")) == {"alice": 1}


async def test_a_socket_that_does_not_ask_hears_no_presence(connect, workspace, share):
    bob = await database_sync_to_async(share)("bob", "view")
    quiet = await opened(connect, workspace.owner, workspace, watch=False)
    await opened(connect, bob, workspace)
    assert await quiet.receive_nothing(timeout=0.3)


async def test_the_sockets_of_a_dead_process_expire(connect, workspace, settings):
    settings.TOYZ_PRESENCE_REFRESH_SECONDS = 0.1  # an entry expires after 0.3 s without news
    alice = await opened(connect, workspace.owner, workspace)
    # A socket of another server process joins, then that process dies without a word.
    layer = get_channel_layer()
    ghost = presence.announcement(presence.JOIN, "ghost-channel", presence.Entry("carol", "Carol C", True))
    await layer.group_send(events.workspace_group(workspace.pk), ghost)
    assert names(await next_event(alice, "presence")) == {"alice": 1, "carol": 1}
    assert names(await next_event(alice, "presence", timeout=5)) == {"alice": 1}


async def test_a_refreshing_socket_does_not_expire(connect, workspace, share, settings):
    settings.TOYZ_PRESENCE_REFRESH_SECONDS = 0.1  # an entry expires after 0.3 s without news
    bob = await database_sync_to_async(share)("bob", "view")
    alice = await opened(connect, workspace.owner, workspace)
    await opened(connect, bob, workspace)
    assert names(await next_event(alice, "presence")) == {"alice": 1, "bob": 1}
    # Ten expiry periods of refreshes: nobody leaves Alice's list.
    assert await alice.receive_nothing(timeout=3)


# --- views -------------------------------------------------------------------------------------------


async def test_a_view_reaches_every_other_page_but_not_its_sender(connect, workspace, share):
    bob = await database_sync_to_async(share)("bob", "view")
    alice = await opened(connect, workspace.owner, workspace, watch=False)
    alice_too = await opened(connect, workspace.owner, workspace, watch=False)
    bob_socket = await opened(connect, bob, workspace, watch=False)
    view = {"type": "view", "tile": "t1", "state": {"path": "home/alice/m13.fits", "cmap": "viridis", "center": [5, 6]}}
    await alice.send_json_to(view)
    expected = {"type": "event", "event": "view", "from": "alice", "tile": "t1", "state": view["state"]}
    assert await next_event(bob_socket, "view") == expected
    assert await next_event(alice_too, "view") == expected
    assert await alice.receive_nothing(timeout=0.3)


async def test_a_view_only_user_sees_views_but_sends_none(connect, workspace, share):
    bob = await database_sync_to_async(share)("bob", "view")
    alice = await opened(connect, workspace.owner, workspace, watch=False)
    bob_socket = await opened(connect, bob, workspace, watch=False)
    await bob_socket.send_json_to({"type": "view", "tile": "t1", "state": {"center": [1, 2]}})
    refused = await bob_socket.receive_json_from()
    assert refused["type"] == "error" and refused["error"]["code"] == "forbidden"
    assert "view" in refused["error"]["message"]
    assert await alice.receive_nothing(timeout=0.3)
    await alice.send_json_to({"type": "view", "tile": "t1", "state": {"center": [3, 4]}})
    assert (await next_event(bob_socket, "view"))["state"] == {"center": [3, 4]}


# --- layout versions ----------------------------------------------------------------------------------


async def test_the_hello_carries_the_layout_version(connect, workspace):
    workspace.version = 7
    await database_sync_to_async(workspace.save)()
    socket = await connect(workspace.owner, workspace)
    await socket.connect()
    assert (await socket.receive_json_from())["version"] == 7


async def test_each_save_bumps_the_version(connect, workspace):
    alice = await opened(connect, workspace.owner, workspace, watch=False)
    for version in (1, 2, 3):
        await alice.send_json_to({"type": "layout", "tiles": [tile("a", x=version)], "version": version - 1})
        reply = await next_event(alice, "layout.saved")
        assert (reply["version"], reply["base"], reply["merged"]) == (version, version - 1, False)
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.version == 3 and saved.layout == [tile("a", x=3)]


async def test_a_stale_change_is_merged_onto_the_newer_one_and_everyone_sees_it(connect, workspace, share):
    bob = await database_sync_to_async(share)("bob", "view", "change")
    alice = await opened(connect, workspace.owner, workspace, watch=False)
    bob_socket = await opened(connect, bob, workspace, watch=False)
    # Both start from version 0 with tiles a and b; Alice moves a, Bob (not having heard) recolours b.
    await alice.send_json_to({"type": "layout", "tiles": [tile("a"), tile("b", x=6)], "version": 0})
    assert (await next_event(alice, "layout.saved"))["version"] == 1
    await next_event(bob_socket, "layout")
    await alice.send_json_to(
        {"type": "layout", "tiles": [tile("a", x=3), tile("b", x=6)], "version": 1, "changed": ["a"], "removed": []}
    )
    await bob_socket.send_json_to(
        {
            "type": "layout",
            "tiles": [tile("a"), tile("b", x=6, cmap="magma")],
            "version": 1,
            "changed": ["b"],
            "removed": [],
        }
    )
    merged = [tile("a", x=3), tile("b", x=6, cmap="magma")]
    reply = await next_event(bob_socket, "layout.saved")
    assert reply == {"type": "event", "event": "layout.saved", "version": 3, "base": 1, "merged": True, "tiles": merged}
    told = await next_event(alice, "layout")
    assert told["tiles"] == merged and told["from"] == "bob"
    assert (told["version"], told["base"], told["merged"], told["changed"]) == (3, 1, True, ["b"])
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.layout == merged and saved.version == 3


async def test_a_stale_whole_layout_replaces_the_newer_one_and_says_so(connect, workspace, share):
    bob = await database_sync_to_async(share)("bob", "view", "change")
    alice = await opened(connect, workspace.owner, workspace, watch=False)
    bob_socket = await opened(connect, bob, workspace, watch=False)
    await alice.send_json_to({"type": "layout", "tiles": [tile("a"), tile("b", x=6)], "version": 0})
    await next_event(alice, "layout.saved")
    # Bob, still at version 0, sends a layout without saying what he changed: the last writer wins.
    await bob_socket.send_json_to({"type": "layout", "tiles": [tile("c")], "version": 0})
    told = await next_event(alice, "layout")
    assert told["tiles"] == [tile("c")]
    assert (told["version"], told["base"], told["merged"]) == (2, 0, False)
    assert (told["changed"], sorted(told["removed"])) == (["c"], ["a", "b"])


async def test_a_removed_tile_stays_removed_and_a_new_one_joins_in_a_merge(connect, workspace):
    alice = await opened(connect, workspace.owner, workspace, watch=False)
    await alice.send_json_to({"type": "layout", "tiles": [tile("a"), tile("b", x=6)], "version": 0})
    await next_event(alice, "layout.saved")
    await alice.send_json_to({"type": "layout", "tiles": [tile("a"), tile("b", x=6), tile("c")], "version": 1})
    await next_event(alice, "layout.saved")
    # A change based on version 1 that removes a and adds d keeps c, which version 2 added.
    await alice.send_json_to(
        {"type": "layout", "tiles": [tile("b", x=6), tile("d")], "version": 1, "changed": ["d"], "removed": ["a"]}
    )
    reply = await next_event(alice, "layout.saved")
    assert reply["merged"] and reply["tiles"] == [tile("b", x=6), tile("c"), tile("d")]


@pytest.mark.parametrize(
    "message",
    [
        {"type": "layout", "tiles": [], "version": "3"},
        {"type": "layout", "tiles": [], "version": -1},
        {"type": "layout", "tiles": [], "version": 1, "changed": "a"},
        {"type": "layout", "tiles": [], "version": 1, "removed": [3]},
    ],
)
async def test_a_bad_version_or_tile_list_gets_a_sentence(connect, workspace, message):
    alice = await opened(connect, workspace.owner, workspace, watch=False)
    await alice.send_json_to(message)
    reply = await alice.receive_json_from()
    assert reply["type"] == "error" and reply["error"]["code"] == "bad_message"
    assert "version" in reply["error"]["message"]


async def test_a_view_only_user_cannot_change_the_layout_but_sees_it_live(connect, workspace, share):
    bob = await database_sync_to_async(share)("bob", "view")
    alice = await opened(connect, workspace.owner, workspace, watch=False)
    bob_socket = await opened(connect, bob, workspace, watch=False)
    await bob_socket.send_json_to({"type": "layout", "tiles": [tile("x")], "version": 0})
    assert (await bob_socket.receive_json_from())["error"]["code"] == "forbidden"
    await alice.send_json_to({"type": "layout", "tiles": [tile("a")], "version": 0})
    seen = await next_event(bob_socket, "layout")
    assert seen["tiles"] == [tile("a")] and seen["version"] == 1
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.layout == [tile("a")] and saved.version == 1


async def test_a_changed_right_shows_in_the_presence_lists_at_once(connect, workspace, share):
    bob = await database_sync_to_async(share)("bob", "view")
    alice = await opened(connect, workspace.owner, workspace)
    bob_socket = await opened(connect, bob, workspace)
    await next_event(alice, "presence")
    await database_sync_to_async(assign_perm)("workspaces.change_workspace", bob, workspace)
    for socket in (alice, bob_socket):
        while True:
            people = {p["user"]: p["may_change"] for p in (await next_event(socket, "presence"))["people"]}
            if people.get("bob"):
                break
