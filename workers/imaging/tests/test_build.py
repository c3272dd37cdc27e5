"""build_pyramid(): progress, idempotence, and tiles equal to those computed on demand."""

from __future__ import annotations

import numpy as np
import pytest

from workers.imaging import ImagingError, RenderParams, build_pyramid, default_cuts, render_tile
from workers.imaging.api import clear_caches
from workers.imaging.mosaic import mosaic_of, tiles_with_data
from workers.imaging.reading import opened
from workers.imaging.synthetic import write_decam_like


@pytest.fixture
def mosaic(tmp_path):
    return write_decam_like(tmp_path / "mosaic.fits.fz", n_ccds=3, ccd_shape=(600, 300), seed=2, compress=True)


def test_progress_is_monotonic_and_ends_at_the_total(mosaic, cache_dir):
    calls: list[tuple[int, int, str]] = []
    summary = build_pyramid(mosaic, hdu=None, cache_dir=cache_dir, progress=lambda d, t, m: calls.append((d, t, m)))
    assert summary["hdus"] == [1, 2, 3, -1] and summary["levels"] == 3
    # Per CCD: 300×600 → level 0 has 2×3 tiles, level 1 1×2, level 2 1×1; then the mosaic's.
    with opened(mosaic) as f:
        m = mosaic_of(f)
        assert m is not None
        mosaic_tiles = sum(len(tiles_with_data(m, level)) for level in range(m.levels))
    assert summary["tiles"] == 3 * (6 + 2 + 1) + mosaic_tiles
    done = [d for d, _, _ in calls]
    totals = {t for _, t, _ in calls}
    assert len(totals) == 1 and done == sorted(done) and done[-1] == totals.pop()
    assert len(calls) >= 4 and all(isinstance(m, str) and m for _, _, m in calls)


def test_compressed_sources_get_a_level_0_file(mosaic, cache_dir):
    build_pyramid(mosaic, hdu=2, cache_dir=cache_dir)
    names = sorted(p.name for p in cache_dir.glob("*/hdu2-p0/L*.npy"))
    assert names == ["L0.npy", "L1.npy", "L2.npy"]


def test_prerendered_tiles_equal_tiles_rendered_on_demand(mosaic, cache_dir, tmp_path, decode):
    build_pyramid(mosaic, hdu=1, cache_dir=cache_dir)
    lo, hi = default_cuts(mosaic, hdu=1, plane=0, cache_dir=cache_dir)["zscale"]
    params = RenderParams("linear", lo, hi, "gray", False, "png")
    elsewhere = tmp_path / "other-cache"
    for level, x, y in ((0, 0, 0), (0, 1, 2), (1, 0, 1), (2, 0, 0)):
        cached = render_tile(mosaic, hdu=1, plane=0, level=level, x=x, y=y, params=params, cache_dir=cache_dir)
        clear_caches()
        direct = render_tile(mosaic, hdu=1, plane=0, level=level, x=x, y=y, params=params, cache_dir=elsewhere)
        np.testing.assert_array_equal(decode(cached), decode(direct))


def test_prerendered_tiles_are_served_from_the_cache(mosaic, cache_dir):
    build_pyramid(mosaic, hdu=1, cache_dir=cache_dir)
    lo, hi = default_cuts(mosaic, hdu=1, plane=0, cache_dir=cache_dir)["zscale"]
    params = RenderParams("linear", lo, hi, "gray", False, "png")
    [target] = cache_dir.glob(f"*/hdu1-p0/render/{params.key()}/1/0_1.png")
    target.write_bytes(b"marker")
    assert render_tile(mosaic, hdu=1, plane=0, level=1, x=0, y=1, params=params, cache_dir=cache_dir) == b"marker"


def test_a_second_build_skips_everything(mosaic, cache_dir):
    build_pyramid(mosaic, hdu=None, cache_dir=cache_dir)
    stamps = {p: p.stat().st_mtime_ns for p in cache_dir.rglob("*") if p.is_file() and p.suffix != ".lock"}
    calls: list[int] = []
    build_pyramid(mosaic, hdu=None, cache_dir=cache_dir, progress=lambda d, t, m: calls.append(d))
    after = {p: p.stat().st_mtime_ns for p in cache_dir.rglob("*") if p.is_file() and p.suffix != ".lock"}
    assert after == stamps and calls[-1] == 1 + 3 * (3 + 9) - 1 + 17  # 17 mosaic tiles


def test_custom_parameters_and_single_hdus(write_fits, cache_dir):
    path = write_fits("img.fits", np.random.default_rng(1).normal(0, 1, (300, 300)).astype(np.float32))
    params = RenderParams("asinh", -1, 5, "viridis", True, "webp")
    summary = build_pyramid(path, hdu=0, cache_dir=cache_dir, params=params)
    assert summary == {"hdus": [0], "levels": 2, "tiles": 4 + 1}
    assert len(list(cache_dir.glob(f"*/hdu0-p0/render/{params.key()}/*/*.webp"))) == 5
    assert not list(cache_dir.glob("*/hdu0-p0/L0.npy"))  # uncompressed: level 0 is read in place


def test_files_without_images_cannot_be_built(tmp_path, cache_dir):
    from astropy.io import fits

    path = tmp_path / "empty.fits"
    fits.PrimaryHDU().writeto(path)
    with pytest.raises(ImagingError) as err:
        build_pyramid(path, hdu=None, cache_dir=cache_dir)
    assert err.value.code == "not_an_image"
    with pytest.raises(ImagingError) as err:
        build_pyramid(path, hdu=0, cache_dir=cache_dir)
    assert err.value.code == "bad_hdu"
