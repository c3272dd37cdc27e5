"""The workspace socket in the matrix: jobs over the socket follow the grants for every user, crafted paths
escape nowhere, a revoked grant or a deactivation takes effect on an already-open socket, nobody opens
another user's workspace, and nobody cancels another user's job."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from apps.workspaces.models import Workspace
from tests.security.conftest import (
    REFUSALS,
    TARGETS,
    Scene,
    expected_rights,
    forbidden_tokens,
    make_scene,
    missing_sibling,
    snapshot,
    values_for,
)
from tests.security.corpus import crafted_paths
from tests.security.discovery import job_targets
from tests.security.test_matrix import JOBS, needed_right
from toyz_site.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def socket_scene(tmp_path, settings, make_user, fast_passwords) -> Scene:
    scene = make_scene(tmp_path, settings, make_user)
    for name in ("bob", "carol", "dave", "root"):
        scene.extra[name] = Workspace.objects.create(owner=scene.users[name], name=f"{name}'s")
    return scene


def _cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest_asyncio.fixture
async def connect() -> AsyncIterator[Callable[..., Any]]:
    opened: list[WebsocketCommunicator] = []

    async def open_socket(user: Any | None, workspace_id: int, *, cookie: bytes | None = None) -> WebsocketCommunicator:
        headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
        if cookie is None and user is not None:
            cookie = await database_sync_to_async(_cookie)(user)
        if cookie is not None:
            headers.append((b"cookie", cookie))
        socket = WebsocketCommunicator(application, f"/ws/workspaces/{workspace_id}/", headers=headers)
        opened.append(socket)
        return socket

    yield open_socket
    for socket in opened:
        await socket.disconnect()


async def opened(connect: Any, user: Any, workspace: Workspace) -> WebsocketCommunicator:
    socket: WebsocketCommunicator = await connect(user, workspace.pk)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from(timeout=5))["event"] == "workspace"
    return socket


async def results(socket: WebsocketCommunicator, ids: set[int], timeout: float = 60) -> dict[int, dict[str, Any]]:
    """Read messages until each job id has its result; every message's text is kept under the id (-1: events)."""
    found: dict[int, dict[str, Any]] = {}
    texts: dict[int, list[str]] = {}
    while not ids <= set(found):
        message = await socket.receive_json_from(timeout=timeout)
        texts.setdefault(message.get("id", -1), []).append(json.dumps(message, ensure_ascii=False))
        if message.get("type") == "result":
            found[message["id"]] = {**message, "texts": texts.get(message["id"], [])}
        assert message.get("type") != "error" or message["error"]["code"] != "internal", message
    return found


def _check_result(result: dict[str, Any], tokens: set[str], asked: str, where: str) -> dict[str, Any] | None:
    for text in result["texts"]:
        shown = [t for t in tokens if t in text and t not in asked]
        assert not shown, f"{where}: the socket shows {shown}: {text[:300]}"
    if result["status"] == "ok":
        return None
    error = dict(result["error"])
    assert error["code"] not in ("internal", "job_failed"), f"{where}: {error}"
    assert len(error["message"]) > 10 and " " in error["message"], f"{where}: {error}"
    return error


async def test_jobs_over_the_socket_follow_the_grants_for_every_user(socket_scene, connect):
    scene = socket_scene
    for user in ("bob", "carol", "dave", "root"):
        socket = await opened(connect, scene.users[user], scene.extra[user])
        asked: dict[int, tuple[str, str, str, bool]] = {}
        next_id = 1
        for fn in JOBS:
            job = next(j for j in job_targets() if j.name == fn)
            right = needed_right(job.path_fields)
            for target in TARGETS.values():
                for path in (target, missing_sibling(target)):
                    for values in values_for(job.fields, path):
                        await socket.send_json_to({"type": "job", "id": next_id, "fn": fn, "params": values})
                        allowed = right is not None and right in expected_rights(user, target)
                        asked[next_id] = (fn, target, path, allowed)
                        next_id += 1
        answers = await results(socket, set(asked))
        tokens = forbidden_tokens(user)
        refusals: dict[tuple[str, str], list[tuple[str, dict[str, Any] | None]]] = {}
        for client_id, (fn, target, path, allowed) in asked.items():
            where = f"{fn} over the socket as {user} on {path}"
            error = _check_result(answers[client_id], tokens, path, where)
            if allowed and path == target:
                assert error is None or error["code"] not in REFUSALS, f"{where}: refused: {error}"
            elif not allowed:
                assert error is not None and error["code"] in REFUSALS, f"{where}: not refused"
                refusals.setdefault((fn, target), []).append((path, error))
        # A refused path and a missing one next to it get the same answer.
        for (fn, target), pair in refusals.items():
            codes = {(e["code"], e["message"]) for _, e in pair if e is not None}
            assert len(codes) == 1, f"{fn} as {user} on {target}: {pair}"


async def test_no_crafted_path_escapes_through_a_job_over_the_socket(socket_scene, connect):
    scene = socket_scene
    corpus = crafted_paths(scene.root, scene.outside)
    before = await database_sync_to_async(snapshot)(scene.base)
    for user in ("root", "bob"):
        socket = await opened(connect, scene.users[user], scene.extra[user])
        asked: dict[int, str] = {}
        for fn in JOBS:
            job = next(j for j in job_targets() if j.name == fn)
            for raw in corpus:
                params = next(values_for(job.fields, raw, names=True))
                asked[len(asked) + 1] = raw
                await socket.send_json_to({"type": "job", "id": len(asked), "fn": fn, "params": params})
        answers = await results(socket, set(asked), timeout=120)
        tokens = forbidden_tokens(user)
        for client_id, raw in asked.items():
            _check_result(answers[client_id], tokens, raw, f"socket job {client_id} as {user} with {raw[:80]!r}")
    assert await database_sync_to_async(snapshot)(scene.base) == before


async def test_nobody_opens_another_users_workspace_socket(socket_scene, connect):
    scene = socket_scene
    for user in ("bob", "carol", "dave"):
        for workspace_id in (scene.workspace.pk, 999_999):
            socket = await connect(scene.users[user], workspace_id)
            connected, code = await socket.connect()
            assert not connected and code == 4403, (user, workspace_id, code)
    # erin's session was opened before she was deactivated: it is worth nothing now.
    for erin in (False, True):
        cookie = f"sessionid={scene.clients['erin'].cookies['sessionid'].value}".encode() if erin else None
        socket = await connect(None, scene.workspace.pk, cookie=cookie)
        connected, code = await socket.connect()
        assert not connected and code == 4401


async def test_a_revoked_grant_takes_effect_at_once_on_an_open_socket(socket_scene, connect):
    from apps.files import grants

    scene = socket_scene
    bob = await opened(connect, scene.users["bob"], scene.extra["bob"])
    root = await opened(connect, scene.users["root"], scene.extra["root"])
    night = TARGETS["night_file"]

    async def ask(socket: WebsocketCommunicator, client_id: int, fn: str, path: str) -> dict[str, Any]:
        await socket.send_json_to({"type": "job", "id": client_id, "fn": fn, "params": {"path": path}})
        return (await results(socket, {client_id}))[client_id]

    assert (await ask(bob, 1, "imaging.describe", night))["status"] == "ok"
    # While bob may read it, a finished pyramid of the file reaches his socket.
    assert (await ask(root, 1, "imaging.prerender", night))["status"] == "ok"
    ready = await bob.receive_json_from(timeout=5)
    assert ready["event"] == "prerender.ready" and ready["path"] == night

    await database_sync_to_async(grants.revoke)("shared/night", scene.observers)
    refused = await ask(bob, 2, "imaging.describe", night)
    assert refused["status"] == "error" and refused["error"]["code"] in REFUSALS
    listing = await ask(bob, 3, "files.list", "shared")
    assert [e["name"] for e in listing["result"]["entries"]] == ["listonly", "rw"]
    # ... and a pyramid finished afterwards no longer does.
    assert (await ask(root, 2, "imaging.prerender", night))["status"] == "ok"
    assert await bob.receive_nothing(timeout=0.5)


async def test_a_deactivated_user_is_closed_out_of_an_open_socket(socket_scene, connect):
    scene = socket_scene
    bob_user = scene.users["bob"]
    bob = await opened(connect, bob_user, scene.extra["bob"])

    def deactivate() -> None:
        bob_user.is_active = False
        bob_user.save()

    await database_sync_to_async(deactivate)()
    assert await bob.receive_output(timeout=5) == {"type": "websocket.close", "code": 4401}
    await bob.send_json_to({"type": "job", "id": 1, "fn": "files.list", "params": {"path": "shared/night"}})
    assert await bob.receive_nothing(timeout=0.5)


async def test_nobody_cancels_another_users_job(socket_scene, connect, monkeypatch):
    from apps.jobs import services as job_services
    from apps.jobs.models import Job

    scene = socket_scene
    # Jobs stay queued (none starts), so a wrongful cancel would show on the row.
    monkeypatch.setattr(job_services, "_start", lambda *args: None)
    alice = await opened(connect, scene.users["alice"], scene.workspace)
    await alice.send_json_to({"type": "job", "id": 7, "fn": "files.list", "params": {"path": "home/alice"}})
    await alice.receive_nothing(timeout=0.3)
    job = await database_sync_to_async(Job.objects.get)(user=scene.users["alice"], workspace=scene.workspace)
    for user in ("bob", "root"):
        socket = await opened(connect, scene.users[user], scene.extra[user])
        await socket.send_json_to({"type": "cancel", "id": 7})
        assert await socket.receive_nothing(timeout=0.3)
    await database_sync_to_async(job.refresh_from_db)()
    assert job.status == Job.Status.QUEUED
    # Her own cancel works: the check above could see a cancel.
    await alice.send_json_to({"type": "cancel", "id": 7})
    assert (await alice.receive_json_from(timeout=5))["error"]["code"] == "cancelled"
    await database_sync_to_async(job.refresh_from_db)()
    assert job.status == Job.Status.CANCELLED


def _junk(scene: Scene) -> list[Any]:
    """Values of every JSON kind, crafted paths among them, for each field of each socket message."""
    corpus = crafted_paths(scene.root, scene.outside)
    tile = {"id": "a", "kind": "image", "x": 0, "y": 0, "w": 1, "h": 1, "state": {"path": "home/bob/out/x"}}
    return [
        *corpus[::10],
        None,
        True,
        -1,
        2**63,
        1.5,
        "",
        [],
        {},
        {"path": "../outside"},
        [tile],
        [{**tile, "x": -5}],
        [tile] * 201,
        "x" * 5000,
        [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
    ]


async def test_every_socket_message_takes_crafted_input_without_crashing_or_leaking(socket_scene, connect):
    from apps.workspaces.messages import socket_schema

    scene = socket_scene
    schema = socket_schema()
    bob = await opened(connect, scene.users["bob"], scene.extra["bob"])
    watcher = await opened(connect, scene.users["root"], scene.extra["bob"])
    sent = 0
    for ref in schema["client"]["oneOf"]:
        definition = schema["$defs"][ref["$ref"].rsplit("/", 1)[-1]]
        kind = definition["properties"]["type"]["const"]
        fields = [name for name in definition["properties"] if name != "type"]
        if definition.get("additionalProperties"):
            fields.append("path")
        for name in fields:
            for value in _junk(scene):
                sent += 1
                base: dict[str, Any] = {"type": kind}
                if "id" in definition["properties"]:
                    base["id"] = sent
                if kind == "job":
                    base.update(fn="files.list", params={"path": "home/bob"})
                await bob.send_json_to({**base, name: value})
    # Whatever came back (and whatever the other client of the workspace heard) is no crash and no leak.
    # An error may echo what was sent (an unknown function's name): those words are no leak.
    echoed = json.dumps(_junk(scene))
    tokens = {t for t in forbidden_tokens("bob") if t not in echoed}
    for socket in (bob, watcher):
        # (receive_nothing waits without cancelling the application, as a timed-out receive would.)
        while not await socket.receive_nothing(timeout=1):
            message = await socket.receive_json_from()
            text = json.dumps(message)
            assert not [t for t in tokens if t in text], text[:300]
            error = message.get("error") or {}
            assert error.get("code") not in ("internal", "job_failed"), message
    # The socket still works.
    await bob.send_json_to({"type": "job", "id": 10**9, "fn": "files.list", "params": {"path": "shared/night"}})
    answer = (await results(bob, {10**9}))[10**9]
    assert answer["status"] == "ok" and "confidential-5e2d" not in json.dumps(answer)
    assert sent > 100
