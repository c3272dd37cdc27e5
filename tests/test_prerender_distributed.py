"""`manage.py toyz_prerender` against real workers: tasks queued in Redis, built by `celery worker`
processes, and nothing lost when a worker is killed in the middle of an exposure."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from numpy.testing import assert_array_equal
from PIL import Image

from apps.jobs.models import Job
from tests.conftest import wait_for
from tests.slow_build import slow_tiles
from workers.imaging import build_pyramid, file_identity
from workers.imaging.synthetic import write_decam_like

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SMALL = {"n_ccds": 4, "ccd_shape": (256, 128)}
BIG = {"n_ccds": 16, "ccd_shape": (2048, 2048)}
#: A worker building BIG (1,360 tiles) spends at least 7 s on it, however fast the machine: it is caught midway.
SLOW_BIG = slow_tiles(0.005)


@pytest.fixture
def admin(make_user) -> Any:
    return make_user("root", admin=True)


def prerender(*args: str) -> str:
    out = io.StringIO()
    call_command("toyz_prerender", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def jobs_finished(count: int) -> bool:
    finished = Job.objects.filter(fn="imaging.prerender", status__in=[Job.Status.DONE, Job.Status.ERROR])
    return finished.count() >= count


def assert_complete_and_consistent(image: Path, cache_dir: Path, reference_cache: Path) -> None:
    """Every final-named file in the file's cache is whole, and each tile equals a clean build's."""
    identity = file_identity(image)
    built = cache_dir / identity
    assert (built / "prerendered-all.json").exists()
    build_pyramid(image, hdu=None, cache_dir=reference_cache)
    expected = sorted(p.relative_to(reference_cache / identity) for p in (reference_cache / identity).rglob("*.png"))
    found = sorted(p.relative_to(built) for p in built.rglob("*.png") if not p.name.startswith("."))
    assert found == expected
    for relative in expected:
        with Image.open(built / relative) as got, Image.open(reference_cache / identity / relative) as want:
            assert_array_equal(np.asarray(got.convert("RGBA")), np.asarray(want.convert("RGBA")))
    for level in built.rglob("L*.npy"):
        assert (
            np.load(level, mmap_mode="r").shape
            == np.load(reference_cache / identity / level.relative_to(built), mmap_mode="r").shape
        )


def test_queued_files_are_built_by_the_worker_process(celery_worker, admin, settings):
    night = Path(settings.TOYZ_DATA_ROOT) / "night-queued"
    night.mkdir()
    for seed in (1, 2, 3):
        write_decam_like(night / f"e{seed}.fits", seed=seed, **SMALL)  # type: ignore[arg-type]

    out = prerender("night-queued", "--no-wait")
    assert "Queued 3 files" in out
    # One task per CCD, then one per file (its mosaic and its completion marker).
    assert (
        sorted(Job.objects.values_list("params__hdu", flat=True), key=str)
        == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4] + [None] * 3
    )
    wait_for(lambda: jobs_finished(15), 120, "the worker to build 3 files")
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}
    log = celery_worker.log_path.read_text()
    assert all(f"toyz.run_bulk_job[{job.pk}]" in log for job in Job.objects.all())
    assert len(list(Path(settings.TOYZ_CACHE_DIR).glob("*/prerendered-all.json"))) >= 3
    assert len(list(Path(settings.TOYZ_CACHE_DIR).glob("*/prerendered-hdu[1-4].json"))) >= 12

    # Waiting for the workers: a new file is built, the others are found complete.
    write_decam_like(night / "e4.fits", seed=4, **SMALL)  # type: ignore[arg-type]
    out = prerender("night-queued")
    assert "4 files: 1 built, 3 already complete, 0 failed" in out
    assert Job.objects.count() == 20
    # One task per file on request.
    write_decam_like(night / "e5.fits", seed=5, **SMALL)  # type: ignore[arg-type]
    out = prerender("night-queued", "--tasks", "per-file")
    assert "5 files: 1 built, 4 already complete, 0 failed" in out
    assert Job.objects.count() == 21


def test_a_killed_pool_process_loses_nothing(start_worker, admin, settings, tmp_path):
    celery_worker = start_worker("test", concurrency=2, **SLOW_BIG)
    image = big_file(Path(settings.TOYZ_DATA_ROOT), "night-kill", seed=4)
    prerender("night-kill", "--no-wait", "--tasks", "per-file")
    job = Job.objects.get()
    wait_for(lambda: midway(job), 120, "the build to be under way")
    from toyz_site.celery import app

    active = app.control.inspect(timeout=2).active() or {}
    pids = [task["worker_pid"] for tasks in active.values() for task in tasks if task["id"] == str(job.pk)]
    assert pids, active
    os.kill(pids[0], signal.SIGKILL)

    wait_for(lambda: jobs_finished(1), 300, "the task to be redelivered and finish")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, (job.error_code, job.error_message)
    log = celery_worker.log_path.read_text()
    assert "SIGKILL" in log
    assert log.count(f"toyz.run_bulk_job[{job.pk}] received") >= 2, "the task was not delivered again"
    assert_complete_and_consistent(image, Path(settings.TOYZ_CACHE_DIR), tmp_path / "reference")


def big_file(data_root: Path, folder: str, seed: int) -> Path:
    (data_root / folder).mkdir()
    return write_decam_like(data_root / folder / "big.fits", seed=seed, **BIG)  # type: ignore[arg-type]


def midway(job: Job) -> bool:
    job.refresh_from_db()
    return job.status == Job.Status.RUNNING and 0 < job.done < job.total // 2


@pytest.mark.asyncio
async def test_open_workspaces_hear_when_a_queued_file_is_ready(celery_worker, admin, settings, make_user):
    from channels.db import database_sync_to_async

    from apps.workspaces.models import Workspace
    from tests.test_distributed import open_socket

    night = Path(settings.TOYZ_DATA_ROOT) / "night-events"
    night.mkdir()
    write_decam_like(night / "e1.fits", seed=7, **SMALL)  # type: ignore[arg-type]
    workspace = await database_sync_to_async(Workspace.objects.create)(owner=admin, name="Watching")
    bob = await database_sync_to_async(make_user)("bob")
    bobs = await database_sync_to_async(Workspace.objects.create)(owner=bob, name="Bob's")
    watcher = await open_socket(admin, workspace)
    stranger = await open_socket(bob, bobs)
    await database_sync_to_async(prerender)("night-events", "--no-wait")
    # Each CCD's task says its HDU is ready, then the file's task says the whole file is.
    events = [await watcher.receive_json_from(timeout=60) for _ in range(5)]
    ready = {"type": "event", "event": "prerender.ready", "path": "night-events/e1.fits"}
    assert sorted(events, key=lambda e: str(e["hdu"])) == [{**ready, "hdu": h} for h in (1, 2, 3, 4, None)]
    assert await stranger.receive_nothing(timeout=1)
    await watcher.disconnect()
    await stranger.disconnect()
