"""Generic events: a path's event reaches only the sockets whose user may read it (decided by each
socket from the audience the event carries, with no database query), and the socket's JSON Schema."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Literal

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import Group
from django.db.backends.utils import CursorWrapper

from apps import events
from apps.events import Audience
from apps.files.permissions import readers
from apps.files.resolver import ResolvedPath
from apps.files.services import to_readers
from apps.workspaces import consumers
from apps.workspaces.messages import socket_schema
from apps.workspaces.models import Workspace
from apps.workspaces.tests.test_socket import opened

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@events.event_kind
class Pinged(events.Event):
    event: Literal["test.pinged"] = "test.pinged"
    n: int


@pytest.fixture
def people(make_user) -> dict[str, Any]:
    alice, bob, carol, root = make_user("alice"), make_user("bob"), make_user("carol"), make_user("root", admin=True)
    observers = Group.objects.create(name="observers")
    bob.groups.add(observers)
    return {"alice": alice, "bob": bob, "carol": carol, "root": root, "observers": observers}


async def sockets(connect, people: dict[str, Any]) -> dict[str, Any]:
    opened_sockets = {}
    for name in ("alice", "bob", "carol", "root"):
        workspace = await database_sync_to_async(Workspace.objects.create)(owner=people[name], name=name)
        opened_sockets[name] = await opened(connect, people[name], workspace)
    return opened_sockets


async def heard(socket) -> list[dict[str, Any]]:
    received = []
    while not await socket.receive_nothing(timeout=0.3):
        received.append(await socket.receive_json_from())
    return received


async def test_a_paths_event_reaches_only_its_readers(connect, people, data_root):
    socks = await sockets(connect, people)
    path = ResolvedPath(client="home/alice/m13.fits", real=data_root / "home/alice/m13.fits")
    await database_sync_to_async(to_readers)(path, Pinged(n=1))
    expected = [{"type": "event", "event": "test.pinged", "n": 1}]
    assert await heard(socks["alice"]) == expected and await heard(socks["root"]) == expected
    assert await heard(socks["bob"]) == [] and await heard(socks["carol"]) == []


async def test_a_group_in_the_audience_lets_its_members_hear(connect, people):
    socks = await sockets(connect, people)
    audience = Audience(groups=frozenset({people["observers"].pk}), admins=False)
    await database_sync_to_async(events.send_to_group)(
        events.READERS_GROUP, events.event_message(Pinged(n=2), audience=audience)
    )
    assert await heard(socks["bob"]) == [{"type": "event", "event": "test.pinged", "n": 2}]
    for name in ("alice", "carol", "root"):
        assert await heard(socks[name]) == [], name


async def test_to_user_and_to_workspace_reach_their_sockets(connect, people):
    socks = await sockets(connect, people)
    await database_sync_to_async(events.to_user)(people["carol"].pk, Pinged(n=3))
    assert await heard(socks["carol"]) == [{"type": "event", "event": "test.pinged", "n": 3}]
    assert await heard(socks["alice"]) == []
    workspace = await database_sync_to_async(Workspace.objects.get)(name="bob")
    await database_sync_to_async(events.to_workspace)(workspace.pk, Pinged(n=4))
    assert await heard(socks["bob"]) == [{"type": "event", "event": "test.pinged", "n": 4}]
    assert await heard(socks["carol"]) == []


async def test_delivering_events_asks_the_database_nothing(connect, people, monkeypatch):
    # Only the periodic access re-check may query; keep it out of this test's few seconds.
    monkeypatch.setattr(consumers, "ACCESS_RECHECK_SECONDS", 3600.0)
    socks = await sockets(connect, people)
    audience = await database_sync_to_async(readers)(PurePosixPath("home/alice/m13.fits"))
    messages = [events.event_message(Pinged(n=n), audience=audience) for n in range(20)]
    queries: list[str] = []
    real = CursorWrapper._execute_with_wrappers  # type: ignore[attr-defined]

    def counted(self: Any, sql: str, *args: Any, **kwargs: Any) -> Any:
        queries.append(sql)  # every thread's queries, the consumers' included
        return real(self, sql, *args, **kwargs)

    monkeypatch.setattr(CursorWrapper, "_execute_with_wrappers", counted)
    layer = get_channel_layer()
    for message in messages:
        await layer.group_send(events.READERS_GROUP, message)
    assert [m["n"] for m in await heard(socks["alice"])] == list(range(20))
    assert [m["n"] for m in await heard(socks["root"])] == list(range(20))
    assert await heard(socks["bob"]) == []
    assert queries == []
    # The counter does count: a query made now is seen.
    await database_sync_to_async(lambda: Workspace.objects.count())()
    assert queries


async def test_the_socket_schema_lists_every_message(people):
    schema = socket_schema()
    client = {ref["$ref"].rsplit("/", 1)[1] for ref in schema["client"]["oneOf"]}
    server = {ref["$ref"].rsplit("/", 1)[1] for ref in schema["server"]["oneOf"]}
    assert client == {
        "JobRequest",
        "CancelRequest",
        "ViewMessage",
        "SelectionMessage",
        "LayoutMessage",
        "SourcesMessage",
        "PresenceMessage",
    }
    assert {"Progress", "OkResult", "ErrorResult", "ErrorMessage", "WorkspaceOpened", "PrerenderReady"} <= server
    assert {"ViewEvent", "SelectionEvent", "LayoutEvent", "SourcesEvent", "SourcesSaved"} <= server
    # The selection state is one type for the socket, the saved sources and the REST bodies.
    assert schema["$defs"]["SelectionEvent"]["properties"]["state"]["anyOf"][0] == {"$ref": "#/$defs/SelectionState"}
    assert schema["$defs"]["SourceSpec"]["properties"]["current"]["anyOf"][0] == {"$ref": "#/$defs/SelectionState"}
    assert {"BoxSelection", "LassoSelection", "CombinedSelection", "NotSelection"} <= set(schema["$defs"])
    ready = schema["$defs"]["PrerenderReady"]
    assert ready["properties"]["event"]["const"] == "prerender.ready"
    assert set(ready["properties"]) == {"type", "event", "path", "hdu"}
    assert schema["$defs"]["LayoutEvent"]["properties"]["from"]["type"] == "string"
    tile = schema["$defs"]["LayoutMessage"]["properties"]["tiles"]
    assert tile["maxItems"] == 200
