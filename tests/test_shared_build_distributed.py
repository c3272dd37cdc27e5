"""One build per image: ten sockets ask for the pre-render of one new exposure at once; real workers (two
pool processes, so that two builds could run side by side), Redis and PostgreSQL. One build runs, every
socket follows its progress and gets exactly one result, and inotify proves no tile was written twice."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group

from apps.files.grants import grant
from apps.files.services import Right
from apps.jobs.models import Job
from apps.workspaces.models import Workspace
from tests.fswatch import MovedIn
from tests.test_distributed import collect, open_socket
from workers.imaging import RenderParams, default_cuts, describe, file_identity
from workers.imaging.cache import plane_dir, tile_path
from workers.imaging.synthetic import write_decam_like

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

USERS = 9  # and one more socket of the last user, through a link of their own: ten sockets


def tile_folders(image: Path, cache_dir: Path) -> list[Path]:
    """Every folder the default pre-render writes tiles into, made ahead so that inotify can watch them.

    The cuts are computed here (and stored in the cache, where the build finds them) to know the folders'
    names: the rendering key of the default tiles."""
    identity = file_identity(image)
    folders = []
    for info in describe(image, cache_dir=cache_dir)["hdus"]:
        if not (info["is_image"] or info["kind"] == "mosaic"):
            continue
        lo, hi = default_cuts(image, hdu=info["index"], plane=0, cache_dir=cache_dir)["zscale"]
        key = RenderParams(stretch="linear", lo=lo, hi=hi, cmap="gray", invert=False, fmt="png").key()
        for level in range(info["levels"]):
            folder = tile_path(plane_dir(cache_dir, identity, info["index"], 0), key, level, 0, 0, "png").parent
            folder.mkdir(parents=True, exist_ok=True)
            folders.append(folder)
    return folders


def setup_users(make_user: Any, data_root: Path) -> list[Any]:
    astro = Group.objects.create(name="astro")
    users = [make_user(f"user{n}") for n in range(USERS)]
    for user in users:
        user.groups.add(astro)
    grant("shared", astro, [Right.READ])
    # The last user also reaches it through a link in their home: the same file, the same build.
    (data_root / f"home/user{USERS - 1}").mkdir(parents=True, exist_ok=True)
    (data_root / f"home/user{USERS - 1}/tonight.fits").symlink_to(data_root / "shared/new.fits")
    return users


async def test_ten_sockets_asking_for_one_new_exposure_share_one_build(start_worker, make_user, settings):
    data_root, cache_dir = Path(settings.TOYZ_DATA_ROOT), Path(settings.TOYZ_CACHE_DIR)
    (data_root / "shared").mkdir()
    image = write_decam_like(data_root / "shared/new.fits", seed=11, n_ccds=4, ccd_shape=(2048, 1024))
    users = await database_sync_to_async(setup_users)(make_user, data_root)
    start_worker("render", concurrency=2, queues="prerender,bulk")
    watch = MovedIn(tile_folders(image, cache_dir))

    sockets = []
    for n, user in enumerate([*users, users[-1]]):
        workspace = await database_sync_to_async(Workspace.objects.create)(owner=user, name=f"ws{n}")
        sockets.append(await open_socket(user, workspace))
    paths = ["shared/new.fits"] * USERS + [f"home/user{USERS - 1}/tonight.fits"]
    # All at once, as ten users opening the exposure the moment it lands.
    await asyncio.gather(
        *(
            socket.send_json_to({"type": "job", "id": 40 + n, "fn": "imaging.prerender", "params": {"path": path}})
            for n, (socket, path) in enumerate(zip(sockets, paths, strict=True))
        )
    )
    answers = await asyncio.gather(*(collect(socket, 40 + n, timeout=300) for n, socket in enumerate(sockets)))

    results = []
    for progress, result in answers:
        assert result["status"] == "ok", result
        results.append(result["result"])
        # Each followed the build: the queued notice, then the build's own steps up to its end.
        built = [p for p in progress if p["total"] > 0]
        assert built and built[-1]["done"] == built[-1]["total"], progress
    assert all(r == results[0] for r in results) and results[0]["skipped"] is False
    assert results[0]["path"] == "shared/new.fits"  # a link resolves to its target's client path
    for socket in sockets:
        assert await socket.receive_nothing(timeout=0.5), "a second result"
        await socket.disconnect()

    jobs = await database_sync_to_async(list)(Job.objects.filter(fn="imaging.prerender"))
    leaders = [job for job in jobs if job.leader_id is None]
    assert len(jobs) == 10 and len(leaders) == 1
    assert leaders[0].attempts == 1
    assert all(job.leader_id == leaders[0].pk and job.attempts == 0 for job in jobs if job is not leaders[0])
    assert {job.status for job in jobs} == {Job.Status.DONE}

    writes = watch.collect()
    watch.close()
    tiles = [p for p in writes if p.suffix == ".png"]
    assert len(tiles) == results[0]["tiles"]
    assert max(writes[p] for p in tiles) == 1, [p for p in tiles if writes[p] > 1][:5]
