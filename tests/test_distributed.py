"""The distributed mode end to end: the real ASGI app, Redis (broker, results, channel layer),
PostgreSQL, and a real `celery worker` process running the jobs."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from apps.jobs.models import Job
from apps.workspaces.models import Workspace
from conftest import write_wcs_image

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def open_socket(user: Any, workspace: Workspace) -> WebsocketCommunicator:
    from toyz_site.asgi import application

    client = Client()
    await database_sync_to_async(client.force_login)(user)
    headers = [
        (b"origin", b"http://127.0.0.1"),
        (b"host", b"127.0.0.1"),
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
    ]
    socket = WebsocketCommunicator(application, f"/ws/workspaces/{workspace.pk}/", headers=headers)
    connected, _ = await socket.connect(timeout=10)
    assert connected
    assert (await socket.receive_json_from(timeout=10))["event"] == "workspace"
    return socket


async def collect(
    socket: WebsocketCommunicator, job_id: int, timeout: float = 60
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    progress = []
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        if message.get("id") != job_id:
            continue
        if message["type"] == "progress":
            progress.append(message)
        else:
            return progress, message


@pytest.fixture
def owner_and_workspace(make_user):
    alice = make_user("alice")
    return alice, Workspace.objects.create(owner=alice, name="Distributed")


async def test_jobs_run_in_the_worker_process_and_answer_through_redis(
    celery_worker: subprocess.Popen[bytes], owner_and_workspace, settings
):
    alice, workspace = owner_and_workspace
    assert "RedisChannelLayer" in settings.CHANNEL_LAYERS["default"]["BACKEND"]
    write_wcs_image(Path(settings.TOYZ_DATA_ROOT) / "home/alice/m13.fits", (600, 700))
    socket = await open_socket(alice, workspace)
    await socket.send_json_to(
        {"type": "job", "id": 1, "fn": "imaging.describe", "params": {"path": "home/alice/m13.fits"}}
    )
    progress, result = await collect(socket, 1)
    assert result["status"] == "ok", result
    assert result["result"]["hdus"][0]["width"] == 700
    # The client hears at once that its job waits for a worker.
    assert progress[0]["message"] == "Queued; waiting for a worker."
    job = await database_sync_to_async(Job.objects.get)(fn="imaging.describe")
    assert job.status == Job.Status.DONE
    # The task ran in the worker process, not in this one.
    log = celery_worker.log_path.read_text()  # type: ignore[attr-defined]
    assert f"toyz.run_job[{job.pk}]" in log
    await socket.disconnect()


async def test_prerender_in_the_worker_reports_progress_and_fills_the_shared_cache(
    celery_worker, owner_and_workspace, settings
):
    alice, workspace = owner_and_workspace
    write_wcs_image(Path(settings.TOYZ_DATA_ROOT) / "home/alice/big.fits", (1500, 1200))
    socket = await open_socket(alice, workspace)
    watcher = await open_socket(alice, workspace)
    await socket.send_json_to(
        {"type": "job", "id": 2, "fn": "imaging.prerender", "params": {"path": "home/alice/big.fits"}}
    )
    progress, result = await collect(socket, 2, timeout=120)
    assert result["status"] == "ok", result
    assert progress and progress[-1]["done"] == progress[-1]["total"]
    assert [p["done"] for p in progress] == sorted(p["done"] for p in progress)
    event = await watcher.receive_json_from(timeout=10)
    assert event["event"] == "prerender.ready" and event["path"] == "home/alice/big.fits"
    assert list(Path(settings.TOYZ_CACHE_DIR).rglob("*.npy")), "the worker wrote no pyramid levels"
    assert list(Path(settings.TOYZ_CACHE_DIR).rglob("*.png")), "the worker wrote no tiles"
    await socket.disconnect()
    await watcher.disconnect()


async def test_the_worker_rechecks_rights_and_reports_bad_files(
    celery_worker, owner_and_workspace, settings, make_user
):
    alice, workspace = owner_and_workspace
    (Path(settings.TOYZ_DATA_ROOT) / "home/alice/broken.fits").write_bytes(
        b"SIMPLE  =                    T" + b" " * 50
    )
    socket = await open_socket(alice, workspace)
    await socket.send_json_to(
        {"type": "job", "id": 3, "fn": "imaging.describe", "params": {"path": "home/alice/broken.fits"}}
    )
    _, result = await collect(socket, 3)
    assert result["status"] == "error" and result["error"]["code"] == "unreadable"
    await socket.disconnect()


async def test_the_worker_rechecks_rights_itself(celery_worker, owner_and_workspace, make_user):
    alice, workspace = owner_and_workspace
    await database_sync_to_async(make_user)("bob")
    # A job row that never passed the socket's checks (as if forged) is refused by the worker.
    job = await database_sync_to_async(Job.objects.create)(
        user=alice, workspace=workspace, fn="files.list", params={"path": "home/bob"}
    )
    from workers.tasks import run_job

    def run() -> None:
        run_job.apply_async(args=(str(job.pk), 99, "nobody-listens-here"), task_id=str(job.pk)).get(timeout=30)

    await database_sync_to_async(run)()
    job = await database_sync_to_async(Job.objects.get)(pk=job.pk)
    assert job.status == Job.Status.ERROR and job.error_code == "forbidden"


async def test_an_idle_socket_on_the_real_server_stays_open_and_still_runs_jobs(
    asgi_server: str, celery_worker, owner_and_workspace
):
    import websockets
    from websockets.asyncio.client import connect

    alice, workspace = owner_and_workspace
    client = Client()
    await database_sync_to_async(client.force_login)(alice)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    async with connect(
        f"ws://{asgi_server}/ws/workspaces/{workspace.pk}/",
        origin=websockets.Origin("http://127.0.0.1"),
        additional_headers={"Cookie": cookie},
    ) as socket:
        assert json.loads(await socket.recv(decode=True))["event"] == "workspace"
        # Idle, as a user reading an image is: nothing comes, and the server must not hang up.
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(socket.recv(), timeout=15)
        await socket.send(json.dumps({"type": "job", "id": 7, "fn": "files.list", "params": {"path": "home/alice"}}))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), timeout=60))
            if message["type"] == "result":
                break
        assert message["id"] == 7 and message["status"] == "ok", message
