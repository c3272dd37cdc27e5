"""The workspace socket through the real ASGI app, in the embedded mode (jobs in the server's pool)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.jobs import registry
from apps.jobs.models import Job
from apps.workspaces.models import Workspace

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def opened(connect, user, workspace) -> WebsocketCommunicator:
    socket = await connect(user, workspace)
    connected, _ = await socket.connect()
    assert connected
    hello = await socket.receive_json_from()
    assert hello["event"] == "workspace"
    return socket


async def run_job(
    socket: WebsocketCommunicator, job_id: int, fn: str, params: Any, timeout: float = 20
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Send a job and collect its progress messages and its result."""
    await socket.send_json_to({"type": "job", "id": job_id, "fn": fn, "params": params})
    progress = []
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        if message.get("id") != job_id:
            continue
        if message["type"] == "progress":
            progress.append(message)
        else:
            return progress, message


async def test_anonymous_users_are_turned_away(connect, workspace):
    socket = await connect(None, workspace)
    connected, code = await socket.connect()
    assert not connected and code == 4401


async def test_other_users_cannot_open_a_workspace(connect, workspace, make_user):
    bob = await database_sync_to_async(make_user)("bob")
    socket = await connect(bob, workspace)
    connected, code = await socket.connect()
    assert not connected and code == 4403


async def test_a_foreign_origin_is_refused(connect, workspace):
    socket = await connect(workspace.owner, workspace, origin=b"http://evil.example")
    connected, _ = await socket.connect()
    assert not connected


async def test_the_socket_opens_with_the_saved_layout(connect, workspace):
    workspace.layout = [{"id": "t1", "kind": "image", "x": 0, "y": 0, "w": 6, "h": 4, "state": {"path": "a.fits"}}]
    await database_sync_to_async(workspace.save)()
    socket = await connect(workspace.owner, workspace)
    await socket.connect()
    hello = await socket.receive_json_from()
    assert hello == {
        "type": "event",
        "event": "workspace",
        "name": "Night 1",
        "tiles": workspace.layout,
        "may_change": True,
        "version": 0,
        "sources": [],
    }


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1, 2]",
        '{"type": 3}',
        '{"type": "nope"}',
        '{"type": "job", "fn": "files.list"}',
        '{"type": "job", "id": true, "fn": "files.list"}',
        '{"type": "job", "id": -1}',
    ],
)
async def test_malformed_messages_get_an_error_and_the_socket_keeps_serving(connect, workspace, raw):
    socket = await opened(connect, workspace.owner, workspace)
    await socket.send_to(text_data=raw)
    reply = await socket.receive_json_from()
    assert reply["type"] == "error" and reply["error"]["code"] == "bad_message"
    _, result = await run_job(socket, 1, "files.list", {"path": "home/alice"})
    assert result["status"] == "ok"


@pytest.mark.parametrize(
    ("fn", "params", "code"),
    [
        ("os.system", {}, "unknown_function"),
        ("files.list", {"path": 5}, "bad_path"),
        ("files.list", {"nope": 1}, "bad_params"),
        ("files.list", [], "bad_params"),
        ("files.list", {"path": "../../etc"}, "outside_root"),
        ("imaging.describe", {}, "bad_params"),
        ("imaging.pixel", {"path": "home/alice", "x": "1", "y": 2}, "bad_params"),
    ],
)
async def test_bad_jobs_get_exactly_one_error_result(connect, workspace, fn, params, code):
    socket = await opened(connect, workspace.owner, workspace)
    progress, result = await run_job(socket, 7, fn, params)
    assert progress == []
    assert result["status"] == "error" and result["error"]["code"] == code
    assert await socket.receive_nothing(timeout=0.2)


async def test_files_list_runs_as_a_job(connect, workspace, data_root: Path):
    (data_root / "home/alice/m13.fits").write_bytes(b"SIMPLE")
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "files.list", {"path": ""})
    assert [e["name"] for e in result["result"]["entries"]] == ["home"]
    _, result = await run_job(socket, 2, "files.list", {"path": "home/alice"})
    assert [e["name"] for e in result["result"]["entries"]] == ["m13.fits"]
    job = await database_sync_to_async(Job.objects.get)(fn="files.list", params={"path": "home/alice"})
    assert job.status == Job.Status.DONE


async def test_describe_and_pixel_run_as_jobs(connect, workspace, sample_fits):
    sample_fits("home/alice/m13.fits", shape=(300, 500))
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "imaging.describe", {"path": "home/alice/m13.fits"})
    description = result["result"]
    assert description["path"] == "home/alice/m13.fits"
    assert description["hdus"][0]["width"] == 500 and description["hdus"][0]["has_wcs"]
    _, result = await run_job(
        socket, 2, "imaging.pixel", {"path": "home/alice/m13.fits", "hdu": 0, "x": 250.5, "y": 150.5}
    )
    pixel = result["result"]
    assert pixel["inside"] and pixel["col"] == 250 and pixel["row"] == 150
    assert pixel["ra"] == pytest.approx(250.42, abs=0.01) and pixel["dec"] == pytest.approx(36.46, abs=0.01)


async def test_a_broken_file_is_an_error_not_a_crash(connect, workspace, data_root: Path):
    (data_root / "home/alice/fake.fits").write_text("this is not FITS at all\n" * 10)
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "imaging.describe", {"path": "home/alice/fake.fits"})
    assert result["status"] == "error"
    assert result["error"]["code"] == "unreadable"
    assert "Traceback" not in result["error"]["message"]


async def test_prerender_reports_progress_then_one_result_and_tells_the_workspace(
    connect, workspace, sample_fits, make_user
):
    sample_fits("home/alice/big.fits", shape=(1100, 1300))
    socket = await opened(connect, workspace.owner, workspace)
    watcher = await opened(connect, workspace.owner, workspace)
    progress, result = await run_job(socket, 3, "imaging.prerender", {"path": "home/alice/big.fits"}, timeout=60)
    assert result["status"] == "ok", result
    assert progress, "expected progress messages"
    done = [p["done"] for p in progress]
    assert done == sorted(done) and progress[-1]["done"] == progress[-1]["total"]
    assert await socket.receive_nothing(timeout=0.3)
    event = await watcher.receive_json_from(timeout=5)
    assert event == {"type": "event", "event": "prerender.ready", "path": "home/alice/big.fits", "hdu": None}


async def test_an_unexpected_failure_is_reported_without_a_traceback(connect, workspace, monkeypatch):
    def explode(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise ZeroDivisionError("secret internals")

    monkeypatch.setitem(registry._REGISTRY, "test.explode", registry.JobSpec("test.explode", "boom", explode))
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "test.explode", {})
    assert result["error"]["code"] == "job_failed"
    assert "secret" not in result["error"]["message"]
    _, again = await run_job(socket, 2, "files.list", {"path": "home/alice"})
    assert again["status"] == "ok"


async def test_cancel_gives_one_cancelled_result_and_stops_the_job(connect, workspace, monkeypatch):
    started = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        for i in range(400):
            ctx.progress(i, 400, "working")
            if i == 1:
                loop.call_soon_threadsafe(started.set)
            import time

            time.sleep(0.01)
        return {"finished": True}

    monkeypatch.setitem(registry._REGISTRY, "test.slow", registry.JobSpec("test.slow", "slow", slow))
    socket = await opened(connect, workspace.owner, workspace)
    await socket.send_json_to({"type": "job", "id": 5, "fn": "test.slow", "params": {}})
    await asyncio.wait_for(started.wait(), 10)
    await socket.send_json_to({"type": "job", "id": 5, "fn": "test.slow", "params": {}})
    while (duplicate := await socket.receive_json_from())["type"] == "progress":
        pass
    assert duplicate["type"] == "error" and duplicate["error"]["code"] == "duplicate_id"
    await socket.send_json_to({"type": "cancel", "id": 5})
    while (message := await socket.receive_json_from())["type"] == "progress":
        pass
    assert message["status"] == "error" and message["error"]["code"] == "cancelled"
    await asyncio.sleep(1.0)
    leftovers = []
    while not await socket.receive_nothing(timeout=0.1):
        leftovers.append(await socket.receive_json_from())
    assert all(m["type"] == "progress" for m in leftovers) and len(leftovers) <= 1
    job = await database_sync_to_async(Job.objects.get)(fn="test.slow")
    assert job.status == Job.Status.CANCELLED


async def test_layout_is_saved_and_reaches_the_other_clients(connect, workspace):
    first = await opened(connect, workspace.owner, workspace)
    second = await opened(connect, workspace.owner, workspace)
    tiles = [
        {
            "id": "a",
            "kind": "image",
            "x": 0,
            "y": 0,
            "w": 6,
            "h": 5,
            "state": {"path": "home/alice/m13.fits", "cmap": "viridis"},
        }
    ]
    await first.send_json_to({"type": "layout", "tiles": tiles, "version": 0})
    event = await second.receive_json_from()
    assert event == {
        "type": "event",
        "event": "layout",
        "from": "alice",
        "tiles": tiles,
        "version": 1,
        "base": 0,
        "merged": False,
        "changed": ["a"],
        "removed": [],
    }
    # The sender is told its new version, and hears nothing of its own layout.
    saved_reply = await first.receive_json_from()
    assert saved_reply == {
        "type": "event",
        "event": "layout.saved",
        "version": 1,
        "base": 0,
        "merged": False,
        "tiles": None,
    }
    assert await first.receive_nothing(timeout=0.2)
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.layout == tiles and saved.version == 1


async def test_a_bad_layout_is_refused_and_nothing_is_saved(connect, workspace):
    socket = await opened(connect, workspace.owner, workspace)
    await socket.send_json_to({"type": "layout", "tiles": [{"id": "a", "kind": "image", "x": "0"}]})
    assert (await socket.receive_json_from())["error"]["code"] == "bad_message"
    saved = await database_sync_to_async(Workspace.objects.get)(pk=workspace.pk)
    assert saved.layout == []


async def test_a_layout_without_tiles_is_told_so(connect, workspace):
    socket = await opened(connect, workspace.owner, workspace)
    await socket.send_json_to({"type": "layout"})
    error = (await socket.receive_json_from())["error"]
    assert error["code"] == "bad_message" and error["message"].startswith("tiles must be a list")


async def test_view_events_are_relayed_to_the_others(connect, workspace):
    first = await opened(connect, workspace.owner, workspace)
    second = await opened(connect, workspace.owner, workspace)
    await first.send_json_to({"type": "view", "tile": "a", "center": [10, 20], "resolution": 2})
    assert await second.receive_json_from() == {
        "type": "event",
        "event": "view",
        "from": "alice",
        "tile": "a",
        "center": [10, 20],
        "resolution": 2,
    }


@pytest.mark.parametrize(
    "raw",
    [
        '{"type": "view", "x": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"type": "view", "x": ' + "[" * 40 + "]" * 40 + "}",
        '{"type": "layout", "tiles": [{"id": "a", "kind": "image", "x": 0, "y": 0, "w": 1, "h": 1, "state": {"lo": NaN}}]}',
    ],
)
async def test_hostile_json_gets_an_error_and_the_socket_stays_open(connect, workspace, raw):
    socket = await opened(connect, workspace.owner, workspace)
    await socket.send_to(text_data=raw)
    assert (await socket.receive_json_from())["error"]["code"] == "bad_message"
    _, result = await run_job(socket, 1, "files.list", {"path": "home/alice"})
    assert result["status"] == "ok"


async def test_an_impossible_path_is_an_error_not_a_dropped_socket(connect, workspace):
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "imaging.describe", {"path": "home/alice/" + "x" * 300 + ".fits"})
    assert result["error"]["code"] == "bad_path"


async def test_an_unexpected_error_in_a_handler_keeps_the_socket_open(connect, workspace, monkeypatch):
    from apps.jobs import services

    def broken(*args: Any) -> None:
        raise RuntimeError("broker down")

    monkeypatch.setattr(services, "_start", broken)
    socket = await opened(connect, workspace.owner, workspace)
    await socket.send_json_to({"type": "job", "id": 1, "fn": "files.list", "params": {}})
    reply = await socket.receive_json_from()
    assert reply["type"] == "error" and reply["error"]["code"] == "internal"
    assert "broker" not in reply["error"]["message"]


async def test_closing_the_page_cancels_its_quick_jobs(connect, workspace, monkeypatch):
    import threading

    release = threading.Event()

    def waits(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
        release.wait(10)
        return {}

    monkeypatch.setitem(registry._REGISTRY, "test.waits", registry.JobSpec("test.waits", "waits", waits))
    socket = await opened(connect, workspace.owner, workspace)
    await socket.send_json_to({"type": "job", "id": 1, "fn": "test.waits", "params": {}})
    await asyncio.sleep(0.3)
    await socket.disconnect()
    release.set()
    for _ in range(50):
        job = await database_sync_to_async(Job.objects.get)(fn="test.waits")
        if job.status not in (Job.Status.QUEUED, Job.Status.RUNNING):
            break
        await asyncio.sleep(0.1)
    assert job.status == Job.Status.CANCELLED


async def test_prerender_builds_the_plane_of_a_cube_that_is_shown(connect, workspace, data_root: Path, cache_dir: Path):
    import numpy as np
    from astropy.io import fits

    cube = np.arange(3 * 300 * 300, dtype=np.float32).reshape(3, 300, 300)
    fits.PrimaryHDU(cube).writeto(data_root / "home/alice/cube.fits")
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "imaging.prerender", {"path": "home/alice/cube.fits", "hdu": 0, "plane": 2})
    assert result["status"] == "ok", result
    assert list(cache_dir.glob("*/hdu0-p2/L1.npy")) and not list(cache_dir.glob("*/hdu0-p0/L1.npy"))
