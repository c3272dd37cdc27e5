"""build_pyramid(): progress, idempotence, and tiles equal to those computed on demand."""

from __future__ import annotations

import os

import numpy as np
import pytest

from workers.errors import ToyzError
from workers.imaging import RenderParams, build, build_pyramid, cache, clear_caches, default_cuts, render_tile, tiles
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
        # Its levels 0 and 1 are made when asked: only level 2 (its top) is pre-rendered.
        assert m.levels == 3
        mosaic_tiles = len(tiles_with_data(m, 2))
    assert summary["tiles"] == 3 * (6 + 2 + 1) + mosaic_tiles
    done = [d for d, _, _ in calls]
    totals = {t for _, t, _ in calls}
    assert len(totals) == 1 and done == sorted(done) and done[-1] == totals.pop()
    assert len(calls) >= 4 and all(isinstance(m, str) and m for _, _, m in calls)


def test_tile_compressed_sources_are_read_in_place_and_streams_get_a_level_0_file(mosaic, cache_dir, tmp_path):
    import gzip

    build_pyramid(mosaic, hdu=2, cache_dir=cache_dir)
    names = sorted(p.name for p in cache_dir.glob("*/hdu2-p0/L*.npy"))
    assert names == ["L1.npy", "L2.npy"]  # level 0 stays in the .fz: a cache 4× smaller
    stream = tmp_path / "stream.fits.gz"  # a gzip stream cannot be sliced: decompressed once
    stream.write_bytes(gzip.compress(mosaic.read_bytes()))
    build_pyramid(stream, hdu=2, cache_dir=cache_dir)
    assert len(list(cache_dir.glob("*/hdu2-p0/L0.npy"))) == 1


def test_each_band_of_a_packed_hdu_is_decompressed_once_per_build(mosaic, cache_dir, monkeypatch):
    from workers.imaging import files

    rows: list[int] = []
    original = files.OpenedFile.section

    def counting(self, hdu, lead, y0, y1, x0, x1, step=1):
        rows.append(y1 - y0)
        return original(self, hdu, lead, y0, y1, x0, x1, step)

    monkeypatch.setattr(files.OpenedFile, "section", counting)
    clear_caches()
    build_pyramid(mosaic, hdu=2, cache_dir=cache_dir, params=RenderParams("linear", 0, 1, "gray", False, "png"))
    # Level 1 reads the 600 rows once (in 256-row bands); the level-0 tiles find them cached.
    assert sum(rows) == 600 and max(rows) == 256


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
    first: list[tuple[int, int]] = []
    build_pyramid(mosaic, hdu=None, cache_dir=cache_dir, progress=lambda d, t, m: first.append((d, t)))
    stamps = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache_dir.rglob("*") if p.suffix != ".lock"}
    again: list[tuple[int, int]] = []
    build_pyramid(mosaic, hdu=None, cache_dir=cache_dir, progress=lambda d, t, m: again.append((d, t)))
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache_dir.rglob("*") if p.suffix != ".lock"}
    assert after == stamps  # no file written, renamed into place, added or removed
    # Progress still ends full, at the first build's total.
    assert again[-1] == first[-1] and again[-1][0] == again[-1][1]


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
    with pytest.raises(ToyzError) as err:
        build_pyramid(path, hdu=None, cache_dir=cache_dir)
    assert err.value.code == "not_an_image"
    with pytest.raises(ToyzError) as err:
        build_pyramid(path, hdu=0, cache_dir=cache_dir)
    assert err.value.code == "bad_hdu"


def test_prerendered_tiles_are_served_without_opening_the_file(mosaic, cache_dir, monkeypatch):
    build_pyramid(mosaic, hdu=None, cache_dir=cache_dir)
    lo, hi = default_cuts(mosaic, hdu=1, plane=0, cache_dir=cache_dir)["zscale"]
    params = RenderParams("linear", lo, hi, "gray", False, "png")
    mlo, mhi = default_cuts(mosaic, hdu=-1, plane=0, cache_dir=cache_dir)["zscale"]
    mparams = RenderParams("linear", mlo, mhi, "gray", False, "png")
    expected = render_tile(mosaic, hdu=1, plane=0, level=1, x=0, y=1, params=params, cache_dir=cache_dir)
    expected_mosaic = render_tile(mosaic, hdu=-1, plane=0, level=2, x=0, y=0, params=mparams, cache_dir=cache_dir)
    clear_caches()

    def refuse(path, **_):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(tiles, "opened", refuse)
    assert render_tile(mosaic, hdu=1, plane=0, level=1, x=0, y=1, params=params, cache_dir=cache_dir) == expected
    got = render_tile(mosaic, hdu=-1, plane=0, level=2, x=0, y=0, params=mparams, cache_dir=cache_dir)
    assert got == expected_mosaic
    with pytest.raises(AssertionError, match="opened"):  # the mosaic's level 0 is made when asked
        render_tile(mosaic, hdu=-1, plane=0, level=0, x=0, y=0, params=mparams, cache_dir=cache_dir)
    with pytest.raises(AssertionError, match="opened"):  # not pre-rendered: the file is needed
        render_tile(mosaic, hdu=1, plane=0, level=1, x=0, y=1, params=mparams, cache_dir=cache_dir)


def test_a_changed_file_never_gets_the_stale_prerendered_tile(mosaic, cache_dir):
    build_pyramid(mosaic, hdu=1, cache_dir=cache_dir)
    lo, hi = default_cuts(mosaic, hdu=1, plane=0, cache_dir=cache_dir)["zscale"]
    params = RenderParams("linear", lo, hi, "gray", False, "png")
    [target] = cache_dir.glob(f"*/hdu1-p0/render/{params.key()}/0/0_0.png")
    target.write_bytes(b"stale")
    assert render_tile(mosaic, hdu=1, plane=0, level=0, x=0, y=0, params=params, cache_dir=cache_dir) == b"stale"
    write_decam_like(mosaic, n_ccds=3, ccd_shape=(600, 300), seed=3, compress=True)
    stat = mosaic.stat()
    os.utime(mosaic, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    fresh = render_tile(mosaic, hdu=1, plane=0, level=0, x=0, y=0, params=params, cache_dir=cache_dir)
    assert fresh != b"stale" and fresh.startswith(b"\x89PNG")


def test_building_unmaps_each_source_once_done(mosaic, cache_dir, monkeypatch):
    calls: list[tuple[str, list[str]]] = []
    original = cache.forget_npy

    def recording(folder):
        calls.append((str(folder), cache.mapped_levels()))
        original(folder)

    monkeypatch.setattr(build, "forget_npy", recording)
    build_pyramid(mosaic, hdu=None, cache_dir=cache_dir)
    # Levels of HDUs 1-3, then their tiles, then the mosaic's tiles (which need every CCD).
    assert [folder.rsplit("/", 1)[1] for folder, _ in calls] == ["hdu1-p0", "hdu2-p0", "hdu3-p0"] * 3
    for folder, mapped in calls[:6]:  # while one image plane is built, only its own levels are mapped
        assert mapped and all(key.startswith(folder + "/") for key in mapped)
    assert not cache.mapped_levels()
