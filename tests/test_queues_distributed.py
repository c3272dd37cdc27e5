"""The queues keep users ahead of the night: real workers on Redis, one for the interactive queue and one
for `prerender,bulk`, as deploy/README.md runs them. Order is asserted from the Job rows' timestamps, never
from wall-clock durations."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.core.management import call_command

from apps.jobs.models import Job
from apps.workspaces.models import Workspace
from conftest import write_wcs_image
from tests.conftest import wait_for
from tests.slow_build import slow_tiles
from tests.test_distributed import collect, open_socket
from workers.imaging.synthetic import write_decam_like

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

#: Files of the night: each takes the render worker seconds, a readout takes it milliseconds.
NIGHT_FILES = 5
NIGHT_FILE = {"n_ccds": 4, "ccd_shape": (2048, 2048)}


def lay_night(data_root: Path) -> list[Path]:
    """One exposure, hard-linked under several names: each is a new file to the cache (its real path differs)."""
    night = data_root / "night"
    night.mkdir()
    first = write_decam_like(night / "e0.fits", seed=3, **NIGHT_FILE)  # type: ignore[arg-type]
    files = [first]
    for index in range(1, NIGHT_FILES):
        os.link(first, night / f"e{index}.fits")
        files.append(night / f"e{index}.fits")
    return files


def bulk_jobs() -> list[Job]:
    return list(Job.objects.filter(queue="bulk").order_by("created"))


def night_running() -> bool:
    jobs = bulk_jobs()
    return any(job.status == Job.Status.RUNNING and job.done > 0 for job in jobs)


@pytest.fixture
def night_workers(start_worker: Any) -> dict[str, Any]:
    return {
        "interactive": start_worker("interactive", queues="interactive"),
        # 10 ms a tile: each night file (340 tiles) takes 3.4 s at least, so the night outlasts the questions.
        "render": start_worker("render", queues="prerender,bulk", **slow_tiles(0.01)),
    }


async def test_a_readout_and_users_prerenders_go_ahead_of_the_night(night_workers, make_user, settings):
    data_root = Path(settings.TOYZ_DATA_ROOT)
    admin = await database_sync_to_async(make_user)("root", admin=True)
    alice = await database_sync_to_async(make_user)("alice")
    bob = await database_sync_to_async(make_user)("bob")
    lay_night(data_root)
    write_wcs_image(data_root / "home/alice/m13.fits", (300, 400))
    write_wcs_image(data_root / "home/alice/m42.fits", (900, 1100), seed=2)
    write_wcs_image(data_root / "home/bob/m31.fits", (900, 1100), seed=3)
    alices = await database_sync_to_async(Workspace.objects.create)(owner=alice, name="Alice's")
    bobs = await database_sync_to_async(Workspace.objects.create)(owner=bob, name="Bob's")
    assert admin.is_superuser

    # The night: one bulk task per file, queued in Redis for the render worker.
    out = io.StringIO()
    await database_sync_to_async(call_command)(
        "toyz_prerender", "night", "--no-wait", "--tasks", "per-file", stdout=out, stderr=io.StringIO()
    )
    assert f"Queued {NIGHT_FILES} files" in out.getvalue()
    await database_sync_to_async(wait_for)(night_running, 120, "the night's first file to be under way")
    first = next(job for job in await database_sync_to_async(bulk_jobs)() if job.status == Job.Status.RUNNING)

    # While the night runs: a readout (in the server process: TOYZ_INLINE_JOBS) and a description, which
    # the interactive worker answers.
    socket = await open_socket(alice, alices)
    pixel = {"path": "home/alice/m13.fits", "hdu": 0, "x": 10.5, "y": 20.5}
    await socket.send_json_to({"type": "job", "id": 1, "fn": "imaging.pixel", "params": pixel})
    _, result = await collect(socket, 1)
    assert result["status"] == "ok" and result["result"]["value"] is not None, result
    await socket.send_json_to(
        {"type": "job", "id": 3, "fn": "imaging.describe", "params": {"path": "home/alice/m13.fits"}}
    )
    _, described = await collect(socket, 3)
    assert described["status"] == "ok", described
    readout = await database_sync_to_async(Job.objects.get)(fn="imaging.describe")
    night = await database_sync_to_async(bulk_jobs)()
    queued = [job for job in night if job.status == Job.Status.QUEUED]
    assert queued, "the night was over before the readout answered"
    # It did not wait for the file being built when it was asked, let alone for the queued ones.
    running_now = next(job for job in night if job.pk == first.pk)
    assert running_now.status == Job.Status.RUNNING and running_now.finished is None
    assert readout.worker.startswith("interactive-")

    # Two users ask for pre-renders in their viewers while the night's files wait: theirs go first.
    other = await open_socket(bob, bobs)
    await socket.send_json_to(
        {"type": "job", "id": 2, "fn": "imaging.prerender", "params": {"path": "home/alice/m42.fits"}}
    )
    await other.send_json_to(
        {"type": "job", "id": 7, "fn": "imaging.prerender", "params": {"path": "home/bob/m31.fits"}}
    )
    # Both are recorded once each socket says its job is queued.
    assert (await socket.receive_json_from(timeout=30))["id"] == 2
    assert (await other.receive_json_from(timeout=30))["id"] == 7
    waiting = {job.pk for job in await database_sync_to_async(bulk_jobs)() if job.status == Job.Status.QUEUED}
    assert waiting, "no bulk file was left waiting when the users asked"
    _, mine = await collect(socket, 2, timeout=300)
    _, bobs_result = await collect(other, 7, timeout=300)
    assert mine["status"] == "ok" and bobs_result["status"] == "ok", (mine, bobs_result)

    users = await database_sync_to_async(list)(Job.objects.filter(queue="prerender"))
    night = await database_sync_to_async(bulk_jobs)()
    later = [job for job in night if job.pk in waiting]
    for user_job in users:
        assert user_job.worker.startswith("render-")
        # Every bulk file still waiting when they asked started after both users' pre-renders (or not yet).
        assert all(job.started is None or job.started > user_job.started for job in later), (user_job, later)
    await socket.disconnect()
    await other.disconnect()
    # The rest of the night is not this test's business.
    for job in night:
        if job.status == Job.Status.QUEUED:
            await database_sync_to_async(_cancel)(str(job.pk))


def _cancel(job_id: str) -> None:
    from apps.jobs.services import cancel

    cancel(job_id)
