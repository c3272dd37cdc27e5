"""The cache size limit: least-recently-used identity folders go first, busy ones never."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from workers.imaging import build_pyramid, file_identity, render_tile
from workers.imaging.cache import (
    EVICTION_INTERVAL_SECONDS,
    EVICTION_STAMP,
    LAST_USED,
    build_lock,
    evict_cache,
    eviction,
    forget_touches,
    keep_in_bounds,
    sweep_orphans,
    touch_used,
)

HOUR = 3600.0


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def age(path: Path, seconds: float) -> None:
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


@pytest.fixture
def three_pyramids(write_fits, cache_dir) -> list[str]:
    """Three files with built pyramids, last used 3, 2 and 1 hours ago."""
    identities = []
    for n, hours in enumerate((3, 2, 1)):
        data = np.random.default_rng(n).normal(0, 1, (600, 600)).astype(np.float32)
        path = write_fits(f"img{n}.fits", data)
        build_pyramid(path, hdu=0, cache_dir=cache_dir)
        identity = file_identity(path)
        age(cache_dir / identity / LAST_USED, hours * HOUR)
        identities.append(identity)
    return identities


def test_the_least_recently_used_folders_go_first_until_under_the_limit(three_pyramids, cache_dir):
    oldest, middle, newest = three_pyramids
    sizes = {i: folder_size(cache_dir / i) for i in three_pyramids}
    limit = sizes[newest] + sizes[middle] // 2
    summary = evict_cache(cache_dir, limit)
    assert summary["removed"] == [oldest, middle]
    assert summary["bytes_before"] == sum(sizes.values())
    assert summary["bytes_after"] == sizes[newest] <= limit
    assert sorted(p.name for p in cache_dir.iterdir()) == [newest]


def test_nothing_is_removed_under_the_limit(three_pyramids, cache_dir):
    summary = evict_cache(cache_dir, 10**12)
    assert summary["removed"] == [] and len(list(cache_dir.iterdir())) == 3


def test_recently_used_folders_are_kept_even_over_the_limit(three_pyramids, cache_dir):
    oldest, middle, newest = three_pyramids
    age(cache_dir / middle / LAST_USED, 60)
    summary = evict_cache(cache_dir, 0, idle_seconds=600)
    assert summary["removed"] == [oldest, newest]
    assert [p.name for p in cache_dir.iterdir()] == [middle]


def test_a_folder_whose_build_lock_is_held_is_skipped(three_pyramids, cache_dir):
    oldest, middle, _ = three_pyramids
    target = next((cache_dir / oldest).rglob("L1.npy"))
    with build_lock(target):
        summary = evict_cache(cache_dir, 0)
    assert summary["busy"] == [oldest] and oldest not in summary["removed"]
    assert (cache_dir / oldest).is_dir() and not (cache_dir / middle).exists()


def test_reading_a_tile_marks_its_folder_used(three_pyramids, cache_dir, write_fits, make_params):
    oldest = three_pyramids[0]
    path = next(p for p in cache_dir.parent.glob("img*.fits") if file_identity(p) == oldest)
    forget_touches()  # as in a fresh process
    render_tile(path, hdu=0, plane=0, level=0, x=0, y=0, params=make_params(), cache_dir=cache_dir)
    assert time.time() - (cache_dir / oldest / LAST_USED).stat().st_mtime < 60
    summary = evict_cache(cache_dir, 0, idle_seconds=600)
    assert oldest not in summary["removed"] and (cache_dir / oldest).is_dir()


def test_last_used_is_touched_at_most_once_a_minute(cache_dir):
    forget_touches()
    touch_used(cache_dir, "a" * 32)
    marker = cache_dir / ("a" * 32) / LAST_USED
    age(marker, HOUR)
    before = marker.stat().st_mtime
    touch_used(cache_dir, "a" * 32)
    assert marker.stat().st_mtime == before


def test_stale_temporaries_and_orphan_locks_are_cleaned_safely(three_pyramids, cache_dir):
    folder = next((cache_dir / three_pyramids[2]).glob("hdu0-p0"))
    stale_tmp, fresh_tmp = folder / ".L1.npy.abc.tmp", folder / ".L2.npy.def.tmp"
    stale_tmp.write_bytes(b"x")
    fresh_tmp.write_bytes(b"x")
    age(stale_tmp, 2 * HOUR)
    done_lock, waiting_lock = folder / "L1.npy.lock", folder / "L9.npy.lock"
    done_lock.touch()
    waiting_lock.touch()  # nothing built yet: a builder may be about to take it
    for lock in (done_lock, waiting_lock):
        age(lock, 2 * HOUR)
    summary = evict_cache(cache_dir, 10**12)
    assert summary["tmp_removed"] == 1 and not stale_tmp.exists() and fresh_tmp.exists()
    assert summary["locks_removed"] >= 1 and not done_lock.exists() and waiting_lock.exists()


def test_a_held_stale_lock_is_not_removed(three_pyramids, cache_dir):
    target = next((cache_dir / three_pyramids[2]).rglob("L1.npy"))
    with build_lock(target):
        age(target.with_name("L1.npy.lock"), 2 * HOUR)
        evict_cache(cache_dir, 10**12)
        assert target.with_name("L1.npy.lock").exists()


def test_a_missing_cache_is_empty(tmp_path):
    summary = evict_cache(tmp_path / "nowhere", 0)
    assert summary["bytes_before"] == summary["bytes_after"] == 0 and summary["removed"] == []


def test_eviction_walks_the_cache_at_most_once_a_minute(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    walks: list[tuple[Path, int]] = []
    monkeypatch.setattr(eviction, "evict_cache", lambda where, limit: walks.append((where, limit)))
    keep_in_bounds(root, 123)
    keep_in_bounds(root, 123)  # a night's next task, seconds later
    assert walks == [(root, 123)]
    stamp = root / EVICTION_STAMP
    age(stamp, EVICTION_INTERVAL_SECONDS + 1)
    keep_in_bounds(root, 123)
    assert len(walks) == 2


def test_only_temporaries_older_than_the_longest_task_are_swept(tmp_path):
    folder = tmp_path / ("a" * 32) / "hdu0-p0"
    folder.mkdir(parents=True)
    old, young, visible = folder / ".L1.npy.x.tmp", folder / ".L2.npy.y.tmp", folder / "L1.npy"
    for path in (old, young, visible):
        path.write_bytes(b"")
    age(old, 600 + 121)
    age(visible, 600 + 121)
    age(young, 600 + 60)
    assert sweep_orphans(folder.parent, 600) == 1
    assert not old.exists() and young.exists() and visible.exists()


def test_a_long_walk_spaces_the_next_ones_by_its_length(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    walks: list[Path] = []
    monkeypatch.setattr(eviction, "evict_cache", lambda where, limit: walks.append(where))
    keep_in_bounds(root, 123)
    stamp = root / EVICTION_STAMP
    assert len(walks) == 1 and float(stamp.read_text()) < 1.0  # the stamp says how long the walk took
    stamp.write_text("30.000")  # as a walk of a cache of a million files leaves it
    # A minute later the next walk is not due: 20 times 30 s must pass first.
    age(stamp, EVICTION_INTERVAL_SECONDS + 1)
    keep_in_bounds(root, 123)
    assert len(walks) == 1
    age(stamp, eviction.WALK_SHARE_FACTOR * 30 + 1)
    keep_in_bounds(root, 123)
    assert len(walks) == 2
