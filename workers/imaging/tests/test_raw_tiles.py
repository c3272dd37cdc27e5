"""Raw tiles in the cache: stored gzip-compressed when first sent (``store_raw``), found there by the
next request without opening the image, the same values as a tile read from the levels, never a
preview, counted by eviction; a pre-render stores those of the coarse levels only."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pytest

from workers.imaging import TileAddress, build_pyramid, evict_cache, fetch_tile, file_identity, raw_tile
from workers.imaging.build import RAW_PRERENDER_FROM_LEVEL
from workers.imaging.cache import plane_dir, raw_tile_path
from workers.imaging.pyramid import tile_counts
from workers.imaging.synthetic import write_decam_like


def noisy(height: int, width: int, seed: int = 1) -> np.ndarray:
    """Float noise with blanks: what compresses worst, and NaN that must stay NaN."""
    data = np.random.default_rng(seed).normal(100.0, 15.0, (height, width)).astype(np.float32)
    data[10:20, 30:40] = np.nan
    return data


def values(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, "<f4").reshape(256, 256)


def stored_tiles(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.rglob("raw/*/*.raw.gz") if not p.name.startswith("."))


def test_a_raw_tile_stored_on_a_miss_is_found_by_the_next_request_with_the_same_values(write_fits, cache_dir):
    path = write_fits("noise.fits", noisy(300, 500))
    where = TileAddress(hdu=0, plane=0, level=0, x=1, y=0)
    today = fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir)
    assert today.encoding is None and not today.cached and not stored_tiles(cache_dir)

    sent = fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir, store_raw=True)
    # Sent compressed as stored (a miss: read from the levels now), and the same floats as today's answer.
    assert sent.encoding == "gzip" and not sent.cached and sent.key == "raw"
    target = raw_tile_path(plane_dir(cache_dir, file_identity(path), 0, 0), 0, 1, 0)
    assert stored_tiles(cache_dir) == [target] and target.read_bytes() == sent.data
    np.testing.assert_array_equal(values(gzip.decompress(target.read_bytes())), values(today.data))
    np.testing.assert_array_equal(values(today.data)[::-1][:, :244], noisy(300, 500)[:256, 256:500])

    found = fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir)
    assert (found.file, found.encoding, found.data, found.identity) == (target, "gzip", sent.data, today.identity)
    unread = fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir, load=False)
    assert unread.file == target and unread.data == b""
    # The convenience function gives the values, however they are kept.
    assert raw_tile(path, hdu=0, plane=0, level=0, x=1, y=0, cache_dir=cache_dir) == today.data


def test_a_changed_file_never_finds_the_raw_tiles_of_its_former_contents(write_fits, cache_dir):
    path = write_fits("noise.fits", noisy(300, 300, seed=1))
    where = TileAddress(hdu=0, plane=0, level=0, x=0, y=0)
    fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir, store_raw=True)
    write_fits("noise.fits", noisy(300, 300, seed=2))
    os.utime(path, ns=(1, 1))
    again = fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir)
    assert not again.cached
    np.testing.assert_array_equal(values(again.data)[::-1], noisy(300, 300, seed=2)[:256, :256])


def test_a_mosaic_preview_is_never_stored(tmp_path, cache_dir, monkeypatch):
    from workers.imaging import pyramid

    monkeypatch.setattr(pyramid, "PREVIEW_MIN_LEVEL", 1)  # the test CCDs have three levels
    path = write_decam_like(tmp_path / "p.fits", n_ccds=4, ccd_shape=(512, 256), seed=5)
    where = TileAddress(hdu=-1, plane=0, level=2, x=0, y=0)
    preview = fetch_tile(path, where, None, allow_preview=True, cache_dir=cache_dir, store_raw=True)
    assert preview.preview and preview.encoding is None and not stored_tiles(cache_dir)
    real = fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir, store_raw=True)
    assert not real.preview and real.encoding == "gzip" and len(stored_tiles(cache_dir)) == 1
    # Once stored, a request that would take a preview gets the real tile from the disk.
    again = fetch_tile(path, where, None, allow_preview=True, cache_dir=cache_dir)
    assert again.cached and not again.preview and again.data == real.data


def test_eviction_counts_and_removes_stored_raw_tiles(write_fits, cache_dir):
    path = write_fits("noise.fits", noisy(300, 500))
    for x in (0, 1):
        fetch_tile(path, TileAddress(0, 0, 0, x, 0), None, allow_preview=False, cache_dir=cache_dir, store_raw=True)
    stored = stored_tiles(cache_dir)
    raw_bytes = sum(p.stat().st_size for p in stored)
    assert len(stored) == 2 and raw_bytes > 256 * 256 * 4  # float noise hardly compresses
    others = sum(p.stat().st_size for p in cache_dir.rglob("*") if p.is_file() and p not in stored)
    summary = evict_cache(cache_dir, others + raw_bytes - 1, idle_seconds=0)
    assert summary["bytes_before"] == others + raw_bytes
    assert summary["removed"] == [file_identity(path)] and not stored_tiles(cache_dir)


def test_a_prerender_stores_the_raw_tiles_of_the_coarse_levels_only(write_fits, cache_dir, tmp_path):
    first = RAW_PRERENDER_FROM_LEVEL[0]
    width = 256 * 2 ** (first + 1)  # levels 0 .. first + 1
    path = write_fits("wide.fits", noisy(200, width))
    build_pyramid(path, hdu=0, cache_dir=cache_dir)
    folder = plane_dir(cache_dir, file_identity(path), 0, 0)
    expected = [
        raw_tile_path(folder, level, x, y)
        for level in range(first, first + 2)
        for x in range(tile_counts(width, 200, level)[0])
        for y in range(tile_counts(width, 200, level)[1])
    ]
    assert stored_tiles(cache_dir) == sorted(expected)
    for target in expected:
        level, (x, y) = int(target.parent.name), (int(n) for n in target.name.split(".")[0].split("_"))
        # Read from the levels of a cache of its own: what a request would have been sent without them.
        where = TileAddress(0, 0, level, x, y)
        read_now = fetch_tile(path, where, None, allow_preview=False, cache_dir=tmp_path / "another-cache")
        np.testing.assert_array_equal(values(gzip.decompress(target.read_bytes())), values(read_now.data))


@pytest.mark.parametrize("store_raw", [False, True])
def test_a_colour_picture_has_no_raw_tiles_stored_or_not(tmp_path, cache_dir, store_raw):
    from PIL import Image

    from workers.errors import ToyzError

    picture = tmp_path / "photo.png"
    Image.fromarray(np.zeros((40, 60, 3), np.uint8)).save(picture)
    with pytest.raises(ToyzError) as err:
        fetch_tile(
            picture, TileAddress(0, 0, 0, 0, 0), None, allow_preview=False, cache_dir=cache_dir, store_raw=store_raw
        )
    assert err.value.code == "unsupported" and not stored_tiles(cache_dir)
