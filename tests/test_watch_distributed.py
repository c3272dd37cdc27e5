"""`manage.py toyz_watch` as a real process, with a real `celery worker`, PostgreSQL and Redis: a file written
slowly in chunks is taken only once it is whole, then pre-rendered by the worker; a changed file is
pre-rendered again; a restarted watcher takes nothing twice; nothing outside the data root is ever taken;
a second watcher is refused; open workspaces hear `prerender.ready`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.jobs.models import Job
from apps.watch.models import WatchedFile
from deploy.processes import start_group, stop_group, wait_ready
from tests.conftest import wait_for
from workers.imaging import file_identity
from workers.imaging.cache import is_prerendered
from workers.imaging.completeness import check_complete
from workers.imaging.synthetic import write_decam_like

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SMALL: dict[str, Any] = {"n_ccds": 4, "ccd_shape": (256, 128)}
SETTLE = 2.0


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user("root", admin=True)


Watch = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def start_watcher(service_env: dict[str, str], tmp_path: Path) -> Iterator[Watch]:
    """`start(folders, name="watcher", wait=True)`: `manage.py toyz_watch` on the test's database and Redis, in its
    own process group; with `wait`, returns once it watches. Its log is ``process.log_path``."""
    started: list[subprocess.Popen[bytes]] = []

    def start(folders: str, name: str = "watcher", wait: bool = True) -> subprocess.Popen[bytes]:
        log_path = tmp_path / f"{name}.log"
        env = {**service_env, "TOYZ_WATCH_FOLDERS": folders, "TOYZ_LOG_LEVEL": "INFO"}
        process = start_group(
            [sys.executable, "manage.py", "toyz_watch", "--poll", "0.5", "--settle", str(SETTLE)], log_path, env
        )
        process.log_path = log_path  # type: ignore[attr-defined]
        started.append(process)
        if wait:
            wait_ready(process, log_path, "Watching ", 60, f"{name} to start")
        return process

    yield start
    for process in started:
        stop_group(process, 30)


def own_jobs(path: str) -> list[Job]:
    """A file's own pre-render jobs (its HDUs' jobs are queued before each)."""
    return list(Job.objects.filter(fn="imaging.prerender", params__path=path, params__hdu=None))


def built(path: str, identity: str) -> bool:
    row = WatchedFile.objects.filter(path=path).first()
    return row is not None and row.identity == identity and row.outcome == WatchedFile.Outcome.BUILT


def log_of(process: subprocess.Popen[bytes]) -> str:
    return Path(process.log_path).read_text()  # type: ignore[attr-defined]


def write_slowly(source: bytes, target: Path, cuts: list[tuple[int, float]], check: Callable[[], None]) -> None:
    """Write ``source`` to ``target`` up to each cut, pausing after each for its seconds and then calling
    ``check``; then the rest."""
    with target.open("wb") as fh:
        written = 0
        for cut, pause in cuts:
            fh.write(source[written:cut])
            fh.flush()
            written = cut
            time.sleep(pause)
            check()
        fh.write(source[written:])


def test_files_are_taken_only_when_whole_then_pre_rendered_and_again_when_changed(
    celery_worker: Any, admin: Any, settings: Any, start_watcher: Watch, tmp_path: Path
) -> None:
    data_root, cache_dir = Path(settings.TOYZ_DATA_ROOT), Path(settings.TOYZ_CACHE_DIR)
    night = data_root / "night-watch"
    night.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    write_decam_like(outside / "secret.fits", seed=9, **SMALL)
    (night / "secret.fits").symlink_to(outside / "secret.fits")
    watcher = start_watcher("night-watch")

    source = write_decam_like(tmp_path / "e1.fits", seed=1, **SMALL).read_bytes()
    block = 2880
    mid_data = len(source) // 2 // block * block  # whole blocks: only the FITS structure tells
    target = night / "e1.fits"

    def nothing_taken_yet() -> None:
        assert not own_jobs("night-watch/e1.fits"), "a file was taken while it was being written"

    # Quick chunks (each pause shorter than the settle time), then a stall longer than it mid-file.
    cuts = [(len(source) * k // 10, 0.4) for k in range(1, 5)] + [(mid_data, 2.5 * SETTLE)]
    write_slowly(source, target, cuts, nothing_taken_yet)
    first = file_identity(target)
    wait_for(lambda: built("night-watch/e1.fits", first), 180, "e1.fits to be pre-rendered")
    assert is_prerendered(cache_dir, first, None)
    assert len(own_jobs("night-watch/e1.fits")) == 1
    # Split as toyz_prerender splits: one job per CCD, then the file's.
    assert Job.objects.filter(params__path="night-watch/e1.fits").count() == 1 + SMALL["n_ccds"]
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.DONE}
    log = log_of(watcher)
    # The stall was seen and reported once: the file stopped changing but did not read whole.
    (tmp_path / "stalled.fits").write_bytes(source[:mid_data])
    stalled = check_complete(tmp_path / "stalled.fits").reason
    assert stalled.startswith("ends inside the data of HDU")
    assert log.count(f"Incomplete: night-watch/e1.fits has not changed for {SETTLE:g} s but it {stalled}.") == 1, log
    assert log.count("symlink out of the data root") == 1
    assert "Pre-rendered: night-watch/e1.fits" in log
    worker_log = celery_worker.log_path.read_text()
    assert all(f"toyz.run_bulk_job[{job.pk}]" in worker_log for job in Job.objects.all())

    # Rewritten in place with other pixels: a new identity, pre-rendered again.
    write_decam_like(target, seed=2, **SMALL)
    second = file_identity(target)
    assert second != first
    wait_for(lambda: built("night-watch/e1.fits", second), 180, "the changed e1.fits to be pre-rendered")
    assert is_prerendered(cache_dir, second, None)
    assert len(own_jobs("night-watch/e1.fits")) == 2

    # Nothing outside the data root was taken, by any name.
    assert not Job.objects.filter(params__path__contains="secret").exists()
    assert not WatchedFile.objects.filter(path__contains="secret").exists()
    assert not any(p.name == file_identity(outside / "secret.fits") for p in cache_dir.iterdir())


def test_a_restarted_watcher_catches_up_and_a_second_one_is_refused(
    celery_worker: Any, admin: Any, settings: Any, start_watcher: Watch, tmp_path: Path
) -> None:
    night = Path(settings.TOYZ_DATA_ROOT) / "night-restart"
    night.mkdir()
    write_decam_like(night / "e1.fits", seed=1, **SMALL)
    watcher = start_watcher("night-restart")
    first = file_identity(night / "e1.fits")
    wait_for(lambda: built("night-restart/e1.fits", first), 180, "e1.fits to be pre-rendered")

    # One watcher per deployment (the Redis lock), and settings that cannot work, refused with a sentence.
    second = start_watcher("night-restart", name="second", wait=False)
    assert second.wait(timeout=60) == 1
    assert "Another watcher is running: the watcher on " in log_of(second)
    outside = start_watcher(str(tmp_path), name="outside", wait=False)
    assert outside.wait(timeout=60) == 1
    assert f"TOYZ_WATCH_FOLDERS: {tmp_path} is outside the data root" in log_of(outside)
    assert "Traceback" not in log_of(second) + log_of(outside)

    os.killpg(watcher.pid, signal.SIGTERM)
    assert watcher.wait(timeout=60) == 0
    assert log_of(watcher).rstrip().endswith("Stopped.")
    write_decam_like(night / "e2.fits", seed=2, **SMALL)  # lands while no watcher runs
    again = start_watcher("night-restart", name="again")
    assert "1 files already handled" in log_of(again)
    wait_for(
        lambda: built("night-restart/e2.fits", file_identity(night / "e2.fits")), 180, "e2.fits to be pre-rendered"
    )
    time.sleep(3 * SETTLE)  # time enough to take e1.fits again, were it to
    assert [len(own_jobs(f"night-restart/e{n}.fits")) for n in (1, 2)] == [1, 1]


@pytest.mark.asyncio
async def test_open_workspaces_hear_when_a_watched_file_is_ready(
    celery_worker: Any, admin: Any, settings: Any, start_watcher: Watch, make_user: Any
) -> None:
    from channels.db import database_sync_to_async

    from apps.workspaces.models import Workspace
    from tests.test_distributed import open_socket

    night = Path(settings.TOYZ_DATA_ROOT) / "watched-night-events"
    night.mkdir()
    workspace = await database_sync_to_async(Workspace.objects.create)(owner=admin, name="Watching")
    bob = await database_sync_to_async(make_user)("bob")
    bobs = await database_sync_to_async(Workspace.objects.create)(owner=bob, name="Bob's")
    viewer = await open_socket(admin, workspace)
    stranger = await open_socket(bob, bobs)
    await database_sync_to_async(start_watcher)("watched-night-events")
    write_decam_like(night / "e1.fits", seed=7, **SMALL)
    ready: list[dict[str, Any]] = []
    while not any(event["hdu"] is None for event in ready):
        event = await viewer.receive_json_from(timeout=120)
        if event.get("event") == "prerender.ready":
            ready.append(event)
    assert {e["path"] for e in ready} == {"watched-night-events/e1.fits"}
    assert sorted(e["hdu"] for e in ready if e["hdu"] is not None) == [1, 2, 3, 4]
    assert await stranger.receive_nothing(timeout=1)  # bob may not read it
    await viewer.disconnect()
    await stranger.disconnect()


def test_the_redis_lock_admits_one_holder_and_tells_a_holder_that_lost_it(redis_url: str) -> None:
    import redis

    from apps.watch.lock import REDIS_KEY, RedisLock

    first, second = RedisLock(redis_url, ttl_seconds=5), RedisLock(redis_url, ttl_seconds=5)
    assert first.acquire() is None
    try:
        assert second.acquire() == first.token.partition(" ")[2]  # who holds it, as the refused watcher says
        assert second.token != first.token
        assert first.renew() and not second.renew()
        client = redis.Redis.from_url(redis_url)
        assert 4000 < int(client.pttl(REDIS_KEY)) <= 5000
        # Expired while its holder was stuck, and taken by another: the first must stop.
        client.delete(REDIS_KEY)
        assert second.acquire() is None
        assert not first.renew()
        first.release()  # releases nothing of the second's
        assert client.get(REDIS_KEY) == second.token.encode()
    finally:
        second.release()
        first.release()
    assert redis.Redis.from_url(redis_url).get(REDIS_KEY) is None
