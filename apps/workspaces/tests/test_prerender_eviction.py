"""A pre-render that takes the cache over TOYZ_CACHE_MAX_BYTES makes room by evicting the least
recently used *other* pyramids, never the one it has just built."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from apps.workspaces.consumers import db
from workers.imaging import build_pyramid, file_identity
from workers.imaging.cache import LAST_USED

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

HOUR = 3600


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def last_used_hours_ago(folder: Path, hours: float) -> None:
    stamp = time.time() - hours * HOUR
    (folder / LAST_USED).touch()
    os.utime(folder / LAST_USED, (stamp, stamp))


@pytest.fixture
def older_pyramids(sample_fits, cache_dir: Path) -> dict[str, str]:
    """Two images of Alice's whose pyramids were last looked at 5 hours and 1 hour ago."""
    identities = {}
    for name, hours in (("oldest", 5), ("recent", 1)):
        path = sample_fits(f"home/alice/{name}.fits")
        build_pyramid(path, hdu=None, cache_dir=cache_dir)
        identities[name] = file_identity(path)
        last_used_hours_ago(cache_dir / identities[name], hours)
    return identities


async def prerender_over_the_socket(connect, workspace, path: str) -> dict[str, Any]:
    socket = await connect(workspace.owner, workspace)
    assert (await socket.connect())[0]
    await socket.receive_json_from()
    await socket.send_json_to({"type": "job", "id": 1, "fn": "imaging.prerender", "params": {"path": path}})
    while (message := await socket.receive_json_from(timeout=60))["type"] != "result":
        pass
    assert message["status"] == "ok", message
    result: dict[str, Any] = message
    return result


async def test_a_prerender_over_the_limit_evicts_the_least_recently_used_other_pyramids(
    connect, workspace, older_pyramids, sample_fits, cache_dir: Path, settings
):
    sizes = {name: folder_size(cache_dir / identity) for name, identity in older_pyramids.items()}
    # Room for two pyramids of this size, not three.
    settings.TOYZ_CACHE_MAX_BYTES = sizes["recent"] + sizes["oldest"] * 3 // 2
    new = sample_fits("home/alice/tonight.fits")
    await prerender_over_the_socket(connect, workspace, "home/alice/tonight.fits")
    left = {p.name for p in cache_dir.iterdir() if p.is_dir()}
    assert left == {older_pyramids["recent"], file_identity(new)}
    assert sum(folder_size(cache_dir / name) for name in left) <= settings.TOYZ_CACHE_MAX_BYTES


async def test_the_pyramid_just_built_stays_even_when_it_alone_is_over_the_limit(
    connect, workspace, older_pyramids, sample_fits, cache_dir: Path, settings
):
    settings.TOYZ_CACHE_MAX_BYTES = 1
    new = sample_fits("home/alice/tonight.fits")
    await prerender_over_the_socket(connect, workspace, "home/alice/tonight.fits")
    assert {p.name for p in cache_dir.iterdir() if p.is_dir()} == {file_identity(new)}
    marker = cache_dir / file_identity(new) / "prerendered-all.json"
    assert marker.exists()

    @db
    def prerendered() -> bool:
        from apps.files.permissions import Right
        from apps.files.resolver import resolve
        from apps.imaging import services

        return services.is_prerendered(resolve(workspace.owner, "home/alice/tonight.fits", Right.READ), None)

    assert await prerendered()
