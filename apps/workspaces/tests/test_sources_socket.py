"""The workspace's data sources and live selections over the socket: saved, relayed, checked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from guardian.shortcuts import assign_perm

from apps.workspaces.models import Workspace

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

BOX = {"kind": "box", "x": "g - r", "y": "r", "x0": 0.1, "x1": 1.2, "y0": 14, "y1": 18}
SOURCE = {
    "id": "s1",
    "kind": "file",
    "path": "home/alice/cat.vot",
    "table": 0,
    "name": "Catalogue",
    "derived": [{"name": "colour", "expr": "g - r"}],
    "selections": [{"name": "red ones", "state": {"kind": "expr", "expr": "g - r > 1"}}],
    "current": None,
}
# As stored: the defaults of the selection states filled in.
STORED_BOX = {**BOX, "x0": 0.1, "x1": 1.2, "y0": 14.0, "y1": 18.0, "xscale": "linear", "yscale": "linear"}


async def opened(connect: Any, user: Any, workspace: Workspace) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    socket: WebsocketCommunicator = await connect(user, workspace)
    connected, _ = await socket.connect()
    assert connected
    hello = await socket.receive_json_from()
    assert hello["event"] == "workspace"
    return socket, hello


@pytest.fixture
def viewer(make_user: Any, workspace: Workspace) -> Any:
    """Carol may view Alice's workspace but not change it."""
    carol = make_user("carol")
    assign_perm("workspaces.view_workspace", carol, workspace)
    return carol


async def test_saved_sources_are_relayed_acknowledged_and_sent_on_connect(connect, workspace):
    first, _ = await opened(connect, workspace.owner, workspace)
    second, _ = await opened(connect, workspace.owner, workspace)
    await first.send_json_to({"type": "sources", "sources": [{**SOURCE, "current": BOX}]})
    assert await first.receive_json_from() == {"type": "event", "event": "sources.saved"}
    relayed = await second.receive_json_from()
    assert relayed["event"] == "sources" and relayed["from"] == "alice"
    assert relayed["sources"] == [{**SOURCE, "current": STORED_BOX}]
    _, hello = await opened(connect, workspace.owner, workspace)
    assert hello["sources"] == relayed["sources"]


async def test_a_source_gets_its_defaults_when_saved(connect, workspace):
    socket, _ = await opened(connect, workspace.owner, workspace)
    await socket.send_json_to({"type": "sources", "sources": [{"id": "n", "kind": "headers", "path": "night"}]})
    assert (await socket.receive_json_from())["event"] == "sources.saved"
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.sources == [
        {
            "id": "n",
            "kind": "headers",
            "path": "night",
            "table": 0,
            "name": "",
            "derived": [],
            "selections": [],
            "current": None,
        }
    ]


@pytest.mark.parametrize(
    ("sources", "words"),
    [
        ("nope", "sources must be a list"),
        ([{**SOURCE, "kind": "sql"}], "sources.0.kind"),
        ([{**SOURCE, "table": "0"}], "sources.0.table"),
        ([{**SOURCE, "secret": 1}], "sources.0.secret is not part of a source"),
        ([SOURCE, SOURCE], "an id of its own"),
        ([{**SOURCE, "id": f"s{i}"} for i in range(51)], "at most 50"),
        ([{**SOURCE, "current": {**BOX, "x0": "1"}}], "x0 must be a finite number"),
        (
            [{**SOURCE, "selections": [{"name": "a", "state": {"kind": "lasso", "x": "a", "y": "b", "points": []}}]}],
            "points must hold at least 3",
        ),
        ([{**SOURCE, "name": "a\x00b"}], "NUL"),
        (
            [{**SOURCE, "id": f"s{i}", "current": {"kind": "rows", "rows": list(range(2000))}} for i in range(10)],
            "under 64 KB",
        ),
    ],
)
async def test_bad_sources_are_refused_with_a_sentence_and_nothing_is_saved(connect, workspace, sources, words):
    socket, _ = await opened(connect, workspace.owner, workspace)
    other, _ = await opened(connect, workspace.owner, workspace)
    await socket.send_json_to({"type": "sources", "sources": sources})
    reply = await socket.receive_json_from()
    assert reply["type"] == "error" and reply["error"]["code"] == "bad_message"
    assert words in reply["error"]["message"]
    assert await other.receive_nothing(timeout=0.2)
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.sources == []


async def test_a_viewer_cannot_change_the_sources(connect, workspace, viewer):
    alice, _ = await opened(connect, workspace.owner, workspace)
    carol, hello = await opened(connect, viewer, workspace)
    assert hello["may_change"] is False and hello["sources"] == []
    await carol.send_json_to({"type": "sources", "sources": [SOURCE]})
    assert (await carol.receive_json_from())["error"]["code"] == "forbidden"
    assert await alice.receive_nothing(timeout=0.2)


async def test_a_selection_is_relayed_to_the_others_with_its_defaults(connect, workspace, viewer):
    alice, _ = await opened(connect, workspace.owner, workspace)
    carol, _ = await opened(connect, viewer, workspace)
    await alice.send_json_to({"type": "selection", "source": "s1", "state": BOX, "origin": "plot-1"})
    assert await carol.receive_json_from() == {
        "type": "event",
        "event": "selection",
        "from": "alice",
        "source": "s1",
        "state": STORED_BOX,
        "origin": "plot-1",
    }
    assert await alice.receive_nothing(timeout=0.2)  # no echo
    await alice.send_json_to({"type": "selection", "source": "s1", "state": None})
    cleared = await carol.receive_json_from()
    assert cleared["state"] is None and cleared["origin"] == ""


async def test_a_large_row_selection_travels(connect, workspace):
    alice, _ = await opened(connect, workspace.owner, workspace)
    bob, _ = await opened(connect, workspace.owner, workspace)
    rows = {"kind": "rows", "rows": list(range(0, 1_000_000, 10))}
    await alice.send_json_to({"type": "selection", "source": "s1", "state": rows, "origin": "t"})
    assert (await bob.receive_json_from(timeout=5))["state"] == rows


async def test_a_viewers_selection_stays_theirs(connect, workspace, viewer):
    alice, _ = await opened(connect, workspace.owner, workspace)
    carol, _ = await opened(connect, viewer, workspace)
    await carol.send_json_to({"type": "selection", "source": "s1", "state": BOX, "origin": "p"})
    assert (await carol.receive_json_from())["error"]["code"] == "forbidden"
    assert await alice.receive_nothing(timeout=0.2)


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ({"source": "s1", "state": {"kind": "circle"}}, "kind must be one of"),
        ({"source": "s1", "state": {**BOX, "y1": None}}, "y1 must be a finite number"),
        ({"source": "s1", "state": {"kind": "not", "of": [BOX, BOX]}}, "of may hold at most 1"),
        ({"source": "s1", "state": {"kind": "rows", "rows": [1, 2.5]}}, "rows.1 must be a whole number"),
        ({"source": "s1", "state": {"kind": "range", "column": "x", "lo": True}}, "lo must be a finite number"),
        ({"source": 5, "state": None}, "source as a string"),
        ({"state": None}, "source as a string"),
        ({"source": "s1"}, "state is missing"),
        ({"source": "s1", "state": None, "tile": "x"}, "source, state and origin only"),
    ],
)
async def test_a_malformed_selection_gets_a_sentence_and_is_not_relayed(connect, workspace, message, words):
    alice, _ = await opened(connect, workspace.owner, workspace)
    other, _ = await opened(connect, workspace.owner, workspace)
    await alice.send_json_to({"type": "selection", **message})
    reply = await alice.receive_json_from()
    assert reply["type"] == "error" and reply["error"]["code"] == "bad_message"
    assert words in reply["error"]["message"], reply
    assert await other.receive_nothing(timeout=0.2)


async def test_a_deeply_nested_selection_is_refused(connect, workspace):
    state: dict[str, Any] = {"kind": "expr", "expr": "a > 1"}
    for _ in range(15):
        state = {"kind": "not", "of": [state]}
    alice, _ = await opened(connect, workspace.owner, workspace)
    await alice.send_to(text_data=json.dumps({"type": "selection", "source": "s", "state": state}))
    reply = await alice.receive_json_from()
    assert reply["error"]["code"] == "bad_message"
