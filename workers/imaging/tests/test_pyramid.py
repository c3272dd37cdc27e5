"""The pyramid: level counts, NaN-aware binning, lazily built levels, tile regions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from workers.errors import ToyzError
from workers.imaging import render_tile
from workers.imaging.pyramid import bin2x2, level_shape, tile_counts
from workers.imaging.reading import level_count, opened, select_plane


@pytest.mark.parametrize(
    ("width", "height", "levels"),
    [(1, 1, 1), (256, 10, 1), (257, 10, 2), (512, 512, 2), (513, 3, 3), (300, 500, 2), (4096, 2048, 5)],
)
def test_level_count_follows_the_formula(width, height, levels):
    assert level_count(width, height) == levels
    top = level_shape(width, height, levels - 1)
    assert max(top) <= 256


def test_binning_is_a_nan_aware_mean():
    data = np.array(
        [
            [1.0, 3.0, np.nan, np.nan],
            [5.0, 7.0, np.nan, 8.0],
        ],
        np.float32,
    )
    np.testing.assert_array_equal(bin2x2(data), [[4.0, 8.0]])
    all_nan = np.full((2, 2), np.nan, np.float32)
    assert np.isnan(bin2x2(all_nan)).all()


def test_binning_ignores_infinities():
    data = np.array([[1.0, np.inf], [-np.inf, 3.0]], np.float32)
    np.testing.assert_array_equal(bin2x2(data), [[2.0]])


def test_binning_averages_a_trailing_odd_row_and_column_alone():
    data = np.arange(15, dtype=np.float32).reshape(3, 5)
    out = bin2x2(data)
    assert out.shape == (2, 3) and out.dtype == np.float32
    expected = np.array(
        [
            [(0 + 1 + 5 + 6) / 4, (2 + 3 + 7 + 8) / 4, (4 + 9) / 2],
            [(10 + 11) / 2, (12 + 13) / 2, 14.0],
        ]
    )
    np.testing.assert_allclose(out, expected)


def _nanmean_2x2(data: np.ndarray) -> np.ndarray:
    h, w = data.shape
    padded = np.full((h + h % 2, w + w % 2), np.nan)
    padded[:h, :w] = np.where(np.isfinite(data), data, np.nan)
    blocks = padded.reshape(padded.shape[0] // 2, 2, padded.shape[1] // 2, 2)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean: np.ndarray = np.nanmean(blocks, axis=(1, 3))
    return mean


@pytest.mark.parametrize("shape", [(64, 48), (63, 47)])
def test_binning_of_finite_data_is_the_plain_mean(shape):
    data = np.random.default_rng(4).normal(1000.0, 50.0, shape).astype(np.float32)
    out = bin2x2(data)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, _nanmean_2x2(data), rtol=1e-6)


@pytest.mark.parametrize("shape", [(64, 48), (63, 47)])
def test_binning_of_data_with_a_few_blanks_is_still_nan_aware(shape):
    rng = np.random.default_rng(5)
    data = rng.normal(1000.0, 50.0, shape).astype(np.float32)
    data[rng.random(shape) < 0.05] = np.nan
    data[3, 4], data[10, 11], data[0:2, 0:2] = np.inf, -np.inf, np.nan
    out = bin2x2(data)
    assert out.dtype == np.float32 and np.isnan(out[0, 0])
    np.testing.assert_allclose(out, _nanmean_2x2(data), rtol=1e-6)


def test_binning_keeps_colour_bands_apart():
    data = np.zeros((2, 2, 3), np.float32)
    data[..., 0] = 10
    data[..., 2] = np.array([[0, 4], [8, np.nan]])
    np.testing.assert_allclose(bin2x2(data), [[[10, 0, 4]]])


def test_levels_are_built_lazily_from_the_level_below(write_fits, cache_dir):
    rng = np.random.default_rng(3)
    data = rng.normal(0, 1, (700, 600)).astype(np.float32)
    data[100:140, 50:90] = np.nan
    path = write_fits("img.fits", data)
    with opened(path) as f:
        src = select_plane(f, 0, 0)
        assert src.levels == 3
        from workers.imaging.pyramid import level_array, read_tile

        top = level_array(f, src, 2, cache_dir)  # builds L1 then L2
        np.testing.assert_allclose(top, bin2x2(bin2x2(data)), rtol=1e-6)
        assert sorted(p.name for p in src.folder(cache_dir).glob("L*.npy")) == ["L1.npy", "L2.npy"]
        edge = read_tile(f, src, 1, 1, 1, cache_dir)  # level 1 is 300×350: the last tile is partial
        np.testing.assert_allclose(edge[: 350 - 256, : 300 - 256], bin2x2(data)[256:, 256:], rtol=1e-6)
        assert np.isnan(edge[350 - 256 :, :]).all() and np.isnan(edge[:, 300 - 256 :]).all()


def test_small_strips_bin_the_same_as_whole_images(write_fits, cache_dir, monkeypatch):
    from workers.imaging import pyramid

    monkeypatch.setattr(pyramid, "STRIP_BYTES", 3 * 601 * 4)  # a few rows per strip
    data = np.random.default_rng(4).normal(0, 1, (513, 601)).astype(np.float32)
    path = write_fits("odd.fits", data)
    with opened(path) as f:
        src = select_plane(f, 0, 0)
        level1 = pyramid.level_array(f, src, 1, cache_dir)
    np.testing.assert_allclose(level1, bin2x2(data), rtol=1e-6)


def test_tile_grid_and_out_of_range_requests(write_fits, cache_dir, make_params):
    path = write_fits("img.fits", np.zeros((300, 600), np.float32))
    assert tile_counts(600, 300, 0) == (3, 2) and tile_counts(600, 300, 1) == (2, 1)
    assert tile_counts(600, 300, 2) == (1, 1)
    for level, x, y in ((3, 0, 0), (-1, 0, 0), (0, 3, 0), (0, 0, 2), (1, 2, 0), (0, -1, 0)):
        with pytest.raises(ToyzError) as err:
            render_tile(path, hdu=0, plane=0, level=level, x=x, y=y, params=make_params(), cache_dir=cache_dir)
        assert err.value.code == "bad_params"


def test_concurrent_first_requests_build_each_level_once_and_agree(
    write_fits, cache_dir, make_params, decode, monkeypatch
):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from workers.imaging import pyramid

    builds: list[int] = []
    lock = threading.Lock()
    real_write = pyramid._write_binned

    def counting_write(read, src, level, target, rows=None):
        with lock:
            builds.append(level)
        # A slow build keeps the other requests waiting on it rather than finishing before they ask.
        time.sleep(0.05)
        real_write(read, src, level, target, rows)

    monkeypatch.setattr(pyramid, "_write_binned", counting_write)
    data = np.random.default_rng(5).normal(0, 1, (1100, 900)).astype(np.float32)
    path = write_fits("img.fits", data)
    p = make_params(-3, 3)
    jobs = [(level, 0, 0) for level in (1, 2, 3)] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        tiles = list(
            pool.map(
                lambda job: render_tile(
                    path, hdu=0, plane=0, level=job[0], x=job[1], y=job[2], params=p, cache_dir=cache_dir
                ),
                jobs,
            )
        )
    assert sorted(builds) == [1, 2, 3]
    for level in (1, 2, 3):
        pictures = [decode(t) for t, job in zip(tiles, jobs, strict=True) if job[0] == level]
        for picture in pictures[1:]:
            np.testing.assert_allclose(picture, pictures[0], atol=0)
        # Level k of 900×1100 is ceil(900 / 2^k) × ceil(1100 / 2^k) pixels; the rest is padding.
        width, height = -(-900 // 2**level), -(-1100 // 2**level)
        alpha = pictures[0][..., 3]
        assert (alpha[256 - min(height, 256) :, : min(width, 256)] == 255).all()
        assert (alpha[: 256 - min(height, 256)] == 0).all() and (alpha[:, min(width, 256) :] == 0).all()
    leftovers = [p.name for p in cache_dir.rglob("*.tmp")]
    assert leftovers == []


def test_a_compressed_hdu_is_binned_band_by_band_into_the_same_level_and_sampled_from_its_bands(
    tmp_path, cache_dir, monkeypatch
):
    from workers.imaging import reading
    from workers.imaging.pyramid import level_array
    from workers.imaging.synthetic import write_decam_like

    path = write_decam_like(tmp_path / "two.fits.fz", n_ccds=2, ccd_shape=(601, 300), seed=2, compress=True)
    with opened(path) as f:
        src = select_plane(f, 1, 0)
        whole = reading.read_region(f, src, 0, src.height, 0, src.width)  # straight from the file
        cold = reading.read_sample(f, src, cache_dir, target=5000)  # nothing decompressed yet
        level1 = level_array(f, src, 1, cache_dir)  # 601 rows: bands of 256, 256 and a last odd 89

        def no_more_decompression(*args):
            raise AssertionError("the sample decompressed rows again")

        monkeypatch.setattr(reading, "read_region", no_more_decompression)
        warm = reading.read_sample(f, src, cache_dir, target=5000)  # from the bands just decompressed
    np.testing.assert_array_equal(level1, bin2x2(whole))
    np.testing.assert_array_equal(warm, cold)
