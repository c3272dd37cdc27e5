"""Co-viewing across two real server processes on the Redis channel layer: presence, views and
layout versions reach the sockets of the other process, and the pages of a process that dies leave
the others' presence lists once they expire."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from guardian.shortcuts import assign_perm

from apps.workspaces.models import Workspace
from tests.conftest import ROOT, free_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def start_server(service_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[str], tuple[str, Any]]]:
    """Start uvicorn processes on the test's database and Redis, presence refreshed every second;
    `start(name)` returns the address and the process."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> tuple[str, Any]:
        port = free_port()
        log = tmp_path / f"{name}.log"
        env = {**service_env, "TOYZ_PRESENCE_REFRESH_SECONDS": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--no-access-log", "--lifespan", "off"],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(process)

        def listening() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        wait_for(lambda: process.poll() is not None or listening(), 60, f"the server {name}")
        assert process.poll() is None, log.read_text()
        return f"127.0.0.1:{port}", process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def cookie_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


class Page:
    """A workspace socket to a real server, as a page holds it."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, address: str, workspace: Workspace, user: Any) -> tuple[Page, dict[str, Any]]:
        from websockets.asyncio.client import connect

        cookie = await database_sync_to_async(cookie_of)(user)
        ws = await connect(
            f"ws://{address}/ws/workspaces/{workspace.pk}/",
            additional_headers={"Cookie": cookie},
            origin=f"http://{address}",  # type: ignore[arg-type]
        )
        page = cls(ws)
        hello = await page.next("workspace")
        await page.send({"type": "presence"})
        return page, hello

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def next(self, kind: str, timeout: float = 20) -> dict[str, Any]:
        """The next event of `kind`, skipping the others."""

        async def wait() -> dict[str, Any]:
            while True:
                message: dict[str, Any] = json.loads(await self.ws.recv())
                if message.get("event") == kind:
                    return message

        return await asyncio.wait_for(wait(), timeout)

    async def people(self, wanted: set[str], timeout: float = 20) -> None:
        """Wait for a presence list of exactly these users."""
        while {person["user"] for person in (await self.next("presence", timeout))["people"]} != wanted:
            pass


@pytest.fixture
def shared(make_user: Any) -> tuple[Any, Any, Workspace]:
    alice, bob = make_user("alice"), make_user("bob")
    workspace = Workspace.objects.create(owner=alice, name="Shared")
    assign_perm("workspaces.view_workspace", bob, workspace)
    assign_perm("workspaces.change_workspace", bob, workspace)
    return alice, bob, workspace


async def test_two_processes_share_presence_views_and_layout_versions(start_server, shared):
    alice, bob, workspace = shared
    (first, _), (second, _) = start_server("first"), start_server("second")
    alice_page, _ = await Page.open(first, workspace, alice)
    bob_page, _ = await Page.open(second, workspace, bob)
    await alice_page.people({"alice", "bob"})
    await bob_page.people({"alice", "bob"})

    state = {"path": "home/alice/m13.fits", "cmap": "viridis", "center": [100.5, 200.25], "resolution": 0.5}
    await alice_page.send({"type": "view", "tile": "t1", "state": state})
    view = await bob_page.next("view")
    assert (view["from"], view["tile"], view["state"]) == ("alice", "t1", state)

    tile = {"id": "t1", "kind": "image", "x": 0, "y": 0, "w": 6, "h": 5, "state": state}
    await bob_page.send({"type": "layout", "tiles": [tile], "version": 0, "changed": ["t1"], "removed": []})
    assert (await bob_page.next("layout.saved"))["version"] == 1
    layout = await alice_page.next("layout")
    assert (layout["from"], layout["version"], layout["tiles"]) == ("bob", 1, [tile])


async def test_the_pages_of_a_dead_process_leave_the_list(start_server, shared):
    alice, bob, workspace = shared
    (first, _), (second, doomed) = start_server("first"), start_server("second")
    alice_page, _ = await Page.open(first, workspace, alice)
    await Page.open(second, workspace, bob)
    await alice_page.people({"alice", "bob"})
    # The whole process goes at once: its sockets say no goodbye.
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=20)
    await alice_page.people({"alice"}, timeout=30)
