"""Folder grants on open workspace sockets: a grant withdrawn refuses the very next job on the path, one
given works at once, and path events reach exactly the users the grants let read the path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group

from apps.files import grants
from apps.files.permissions import Right
from apps.files.resolver import confine
from apps.files.services import to_readers
from apps.imaging.jobs import PrerenderReady
from apps.workspaces.models import Workspace
from apps.workspaces.tests.test_socket import opened, run_job
from conftest import write_wcs_image

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def night(data_root: Path) -> Path:
    folder = data_root / "nights" / "n1"
    (folder / "secret").mkdir(parents=True)
    write_wcs_image(folder / "a.fits", (64, 96))
    write_wcs_image(folder / "secret" / "b.fits", (64, 96))
    return folder


@pytest.fixture
def team(make_user: Any) -> dict[str, Any]:
    """bob and carol in the group observers, each with a workspace of their own."""
    observers = Group.objects.create(name="observers")
    people: dict[str, Any] = {"observers": observers}
    for name in ("bob", "carol"):
        user = make_user(name)
        user.groups.add(observers)
        people[name] = user
        people[f"{name}_workspace"] = Workspace.objects.create(owner=user, name=f"{name}'s")
    return people


async def job(socket: WebsocketCommunicator, job_id: int, fn: str, path: str) -> dict[str, Any]:
    _, result = await run_job(socket, job_id, fn, {"path": path}, timeout=30)
    return result


def refused(result: dict[str, Any]) -> bool:
    # A path a none grant hides is refused as a missing one would be (not_found), others as forbidden.
    return bool(result["status"] == "error" and result["error"]["code"] in ("forbidden", "not_found"))


async def test_a_revoked_grant_refuses_the_next_job_on_an_open_socket(connect, night, team):
    observers = team["observers"]
    await database_sync_to_async(grants.grant)("nights/n1", observers, [Right.READ])
    socket = await opened(connect, team["bob"], team["bob_workspace"])
    listed = await job(socket, 1, "files.list", "nights/n1")
    assert listed["status"] == "ok" and [e["name"] for e in listed["result"]["entries"]] == ["secret", "a.fits"]
    assert (await job(socket, 2, "imaging.describe", "nights/n1/a.fits"))["status"] == "ok"

    await database_sync_to_async(grants.revoke)("nights/n1", observers)
    assert refused(await job(socket, 3, "files.list", "nights/n1"))
    assert refused(await job(socket, 4, "imaging.describe", "nights/n1/a.fits"))


async def test_leaving_the_group_refuses_the_next_job_too(connect, night, team):
    await database_sync_to_async(grants.grant)("nights/n1", team["observers"], [Right.READ])
    socket = await opened(connect, team["bob"], team["bob_workspace"])
    assert (await job(socket, 1, "imaging.describe", "nights/n1/a.fits"))["status"] == "ok"
    await database_sync_to_async(team["bob"].groups.remove)(team["observers"])
    assert refused(await job(socket, 2, "imaging.describe", "nights/n1/a.fits"))


async def test_a_grant_given_while_the_socket_is_open_works_at_once(connect, night, team):
    socket = await opened(connect, team["bob"], team["bob_workspace"])
    assert refused(await job(socket, 1, "files.list", "nights/n1"))
    assert refused(await job(socket, 2, "imaging.describe", "nights/n1/a.fits"))
    await database_sync_to_async(grants.grant)("nights/n1", team["observers"], [Right.READ])
    assert (await job(socket, 3, "files.list", "nights/n1"))["status"] == "ok"
    assert (await job(socket, 4, "imaging.describe", "nights/n1/a.fits"))["status"] == "ok"
    # A none grant on a subfolder given meanwhile hides it at once, the rest stays.
    await database_sync_to_async(grants.grant)("nights/n1/secret", team["bob"], [])
    listed = await job(socket, 5, "files.list", "nights/n1")
    assert [e["name"] for e in listed["result"]["entries"]] == ["a.fits"]
    assert refused(await job(socket, 6, "imaging.describe", "nights/n1/secret/b.fits"))


async def received_events(socket: WebsocketCommunicator) -> list[dict[str, Any]]:
    """Every event waiting on the socket (stops after a short silence)."""
    out = []
    while not await socket.receive_nothing(timeout=0.5):
        message = await socket.receive_json_from()
        if message.get("type") == "event":
            out.append(message)
    return out


async def test_a_path_event_reaches_a_group_member_who_may_read_and_not_one_with_a_none_grant(
    connect, night, team, make_user
):
    def share() -> Any:
        grants.grant("nights/n1", team["observers"], [Right.READ])
        # carol is an observer too, but kept out of the secret subfolder.
        grants.grant("nights/n1/secret", team["carol"], [])
        dave = make_user("dave")  # in no group
        return dave, Workspace.objects.create(owner=dave, name="dave's")

    dave, daves = await database_sync_to_async(share)()
    bob = await opened(connect, team["bob"], team["bob_workspace"])
    carol = await opened(connect, team["carol"], team["carol_workspace"])
    stranger = await opened(connect, dave, daves)

    def announce(path: str) -> None:
        # As a finished pyramid announces itself (imaging.jobs.announce_ready), from the server's side.
        located = confine(path)
        to_readers(located, PrerenderReady(path=located.client, hdu=None))

    await database_sync_to_async(announce)("nights/n1/secret/b.fits")
    expected = {"type": "event", "event": "prerender.ready", "path": "nights/n1/secret/b.fits", "hdu": None}
    assert await received_events(bob) == [expected]
    assert await received_events(carol) == []
    assert await received_events(stranger) == []

    await database_sync_to_async(announce)("nights/n1/a.fits")
    assert [e["path"] for e in await received_events(carol)] == ["nights/n1/a.fits"]
    assert await received_events(stranger) == []

    assert [e["path"] for e in await received_events(bob)] == ["nights/n1/a.fits"]

    # Once the group's grant is withdrawn, its members hear nothing more of the folder.
    await database_sync_to_async(grants.revoke)("nights/n1", team["observers"])
    await database_sync_to_async(announce)("nights/n1/a.fits")
    assert await received_events(bob) == []
    assert await received_events(carol) == []
