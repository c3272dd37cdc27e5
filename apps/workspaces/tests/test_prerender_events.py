"""Pre-rendering a folder over the socket, and "ready" events reaching every workspace that may see the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async

from apps.workspaces.models import Workspace
from apps.workspaces.tests.test_socket import opened, run_job
from workers.imaging.synthetic import write_decam_like

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def alices_night(data_root: Path, workspace: Workspace) -> Path:
    folder = data_root / "home/alice/night"
    (folder / "deeper").mkdir(parents=True)
    write_decam_like(folder / "a.fits", n_ccds=4, ccd_shape=(256, 128), seed=1)
    write_decam_like(folder / "b.fits", n_ccds=4, ccd_shape=(256, 128), seed=2)
    write_decam_like(folder / "deeper/c.fits", n_ccds=4, ccd_shape=(256, 128), seed=3)
    (folder / "broken.fits").write_bytes(b"SIMPLE  =                    T" + b" " * 50)
    return folder


async def events(socket) -> list[dict[str, Any]]:
    """Every message waiting on the socket (stops after a short silence)."""
    received = []
    while not await socket.receive_nothing(timeout=0.5):
        received.append(await socket.receive_json_from())
    return received


async def test_a_folder_is_prerendered_with_progress_events_and_one_result(
    connect, workspace, alices_night, make_user, cache_dir
):
    alice = workspace.owner
    other = await database_sync_to_async(Workspace.objects.create)(owner=alice, name="Night 2")
    bob = await database_sync_to_async(make_user)("bob")
    bobs = await database_sync_to_async(Workspace.objects.create)(owner=bob, name="Bob's")
    socket = await opened(connect, alice, workspace)
    elsewhere = await opened(connect, alice, other)
    stranger = await opened(connect, bob, bobs)

    params = {"path": "home/alice/night", "recursive": True}
    progress, result = await run_job(socket, 1, "imaging.prerender_folder", params, timeout=60)

    assert result["status"] == "ok", result
    summary = result["result"]
    assert summary["files"] == 4 and summary["built"] == 3 and summary["skipped"] == 0 and summary["failed"] == 1
    assert summary["failures"][0]["path"] == "home/alice/night/broken.fits"
    assert summary["failures"][0]["code"] == "unreadable"
    assert progress and all(p["total"] == 4 for p in progress)
    done = [p["done"] for p in progress]
    assert done == sorted(done) and done[-1] == 4
    assert any("home/alice/night/a.fits" in p["message"] for p in progress)
    assert len(list(cache_dir.glob("*/prerendered-all.json"))) == 3

    ready = {
        "home/alice/night/a.fits",
        "home/alice/night/b.fits",
        "home/alice/night/deeper/c.fits",
    }
    seen = [m for m in await events(elsewhere) if m.get("event") == "prerender.ready"]
    assert {m["path"] for m in seen} == ready and len(seen) == 3
    assert seen[0] == {"type": "event", "event": "prerender.ready", "path": seen[0]["path"], "hdu": None}
    # Bob may not read Alice's files: he never hears of them.
    assert await events(stranger) == []

    _, again = await run_job(socket, 2, "imaging.prerender_folder", params, timeout=30)
    assert again["result"]["skipped"] == 3 and again["result"]["built"] == 0


async def test_only_the_folders_own_files_without_recursive(connect, workspace, alices_night):
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "imaging.prerender_folder", {"path": "home/alice/night"}, timeout=60)
    assert result["result"]["files"] == 3 and result["result"]["built"] == 2


@pytest.mark.parametrize(
    ("user", "path", "code"),
    [
        ("bob", "home/alice/night", "forbidden"),
        ("alice", "../..", "outside_root"),
        ("alice", "home/alice/night/a.fits", "bad_path"),
        ("alice", "home/alice/nowhere", "not_found"),
    ],
)
async def test_bad_folders_are_refused(connect, workspace, alices_night, make_user, user, path, code):
    runner = workspace.owner
    where = workspace
    if user == "bob":
        runner = await database_sync_to_async(make_user)("bob")
        where = await database_sync_to_async(Workspace.objects.create)(owner=runner, name="Bob's")
    socket = await opened(connect, runner, where)
    _, result = await run_job(socket, 1, "imaging.prerender_folder", {"path": path})
    assert result["status"] == "error" and result["error"]["code"] == code


async def test_a_single_files_ready_event_reaches_other_workspaces(connect, workspace, sample_fits):
    sample_fits("home/alice/one.fits", shape=(300, 400))
    other = await database_sync_to_async(Workspace.objects.create)(owner=workspace.owner, name="Other")
    socket = await opened(connect, workspace.owner, workspace)
    elsewhere = await opened(connect, workspace.owner, other)
    _, result = await run_job(socket, 1, "imaging.prerender", {"path": "home/alice/one.fits"}, timeout=60)
    assert result["status"] == "ok" and result["result"]["skipped"] is False
    assert await elsewhere.receive_json_from(timeout=5) == {
        "type": "event",
        "event": "prerender.ready",
        "path": "home/alice/one.fits",
        "hdu": None,
    }
