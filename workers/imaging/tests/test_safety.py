"""Files that change under us, decompression bombs, compressed streams, messages, warnings."""

from __future__ import annotations

import bz2
import gzip
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from workers.errors import ToyzError
from workers.imaging import RenderParams, build_pyramid, clear_caches, describe, raw_tile, render_tile

REPO = Path(__file__).resolve().parents[3]


def run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


TRUNCATE_WHILE_OPEN = """
    import sys
    from pathlib import Path
    from workers.errors import ToyzError
    from workers.imaging import RenderParams, render_tile
    from workers.imaging.pyramid import read_tile
    from workers.imaging.reading import opened, select_plane

    path, cache = Path(sys.argv[1]), Path(sys.argv[2])
    with opened(path) as f:
        src = select_plane(f, 0, 0)
        read_tile(f, src, 0, 0, 0, cache)
        with open(path, "r+b") as fh:
            fh.truncate(2880 + 4000)  # the header and a few rows stay
        try:
            read_tile(f, src, 0, 1, 1, cache)
            print("read")
        except ToyzError as exc:
            print("same file:", exc.code, exc.message)
    try:
        params = RenderParams("linear", 0.0, 1.0, "gray", False, "png")
        render_tile(path, hdu=0, plane=0, level=0, x=1, y=1, params=params, cache_dir=cache)
        print("rendered")
    except ToyzError as exc:
        print("reopened:", exc.code, exc.message)
"""


def test_a_file_truncated_while_open_gives_an_error_not_a_crash(write_fits, cache_dir):
    path = write_fits("img.fits", np.ones((600, 600), np.float32))
    done = run_python(TRUNCATE_WHILE_OPEN, str(path), str(cache_dir))
    # SIGBUS would end the process with -7 and no output.
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "same file: unreadable The file changed or is truncated; reopen it."
    assert lines[1].startswith("reopened: bad_hdu") and "truncated" in lines[1]


def test_a_file_rewritten_in_place_is_read_again(write_fits, tile):
    path = write_fits("img.fits", np.zeros((50, 50), np.float32))
    assert tile(path, lo=0, hi=1)[255, 0, 0] == 0
    offset = 2880
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(np.ones((50, 50), ">f4").tobytes())
    os.utime(path, ns=(10**9, 10**9))  # a distinct mtime even on coarse filesystems
    assert tile(path, lo=0, hi=1)[255, 0, 0] == 255


def test_narrow_and_wide_regions_read_the_same_pixels(tmp_path, cache_dir):
    from workers.imaging import files
    from workers.imaging.reading import opened, read_level0, select_plane

    data = np.random.default_rng(1).normal(0, 1, (300, 5000)).astype(np.float64)
    path = tmp_path / "wide.fits"
    fits.PrimaryHDU(data).writeto(path)
    with opened(path) as f:
        src = select_plane(f, 0, 0)
        narrow = read_level0(f, src, cache_dir, 10, 266, 4000, 4100)  # row by row
        assert 100 * files.ROW_BY_ROW_RATIO < 5000
        wide = read_level0(f, src, cache_dir, 10, 266, 0, 5000)  # one read
        one = read_level0(f, src, cache_dir, 7, 8, 4999, 5000)
    np.testing.assert_array_equal(narrow, data[10:266, 4000:4100].astype(np.float32))
    np.testing.assert_array_equal(wide, data[10:266].astype(np.float32))
    assert one[0, 0] == np.float32(data[7, 4999])


def test_cube_planes_are_read_at_their_offset(write_fits, cache_dir):
    from workers.imaging.reading import opened, read_level0, select_plane

    cube = np.arange(3 * 20 * 30, dtype=np.int32).reshape(3, 20, 30)
    path = write_fits("cube.fits", cube)
    with opened(path) as f:
        got = read_level0(f, select_plane(f, 0, 2), cache_dir, 5, 9, 3, 11)
    np.testing.assert_array_equal(got, cube[2, 5:9, 3:11])


# --- size caps --------------------------------------------------------------------------------


def test_an_image_claiming_too_many_pixels_is_refused_as_too_large(tmp_path, cache_dir):
    header = fits.Header([("SIMPLE", True), ("BITPIX", 8), ("NAXIS", 2), ("NAXIS1", 70000), ("NAXIS2", 70000)])
    path = tmp_path / "huge.fits"
    path.write_bytes(header.tostring().encode())  # no data at all: only the header's claim
    d = describe(path, hdu=0, cache_dir=cache_dir)
    assert "70000×70000" in (d["hdus"][0]["problem"] or "") and not d["hdus"][0]["is_image"]
    with pytest.raises(ToyzError) as err:
        raw_tile(path, hdu=0, plane=0, level=0, x=0, y=0, cache_dir=cache_dir)
    assert err.value.code == "too_large" and "smaller images" in err.value.message


@pytest.fixture
def one_big_compression_tile(tmp_path: Path) -> Path:
    """A 4000×4000 image compressed as one gzip tile (a few tens of KB on disk)."""
    rows = (np.arange(4000) % 1000).astype(np.int16)
    data = np.ascontiguousarray(np.broadcast_to(rows[:, None], (4000, 4000)))
    path = tmp_path / "bomb.fits.fz"
    hdu = fits.CompImageHDU(data, compression_type="GZIP_1", tile_shape=(4000, 4000))
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    assert path.stat().st_size < 100_000
    return path


def test_one_large_compression_tile_is_read_with_bounded_memory(one_big_compression_tile, cache_dir):
    import tracemalloc

    tracemalloc.start()
    try:
        d = describe(one_big_compression_tile, cache_dir=cache_dir)
        build_pyramid(one_big_compression_tile, hdu=1, cache_dir=cache_dir)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    lo, hi = d["cuts"]["minmax"]
    assert lo < 10 and hi > 990
    # The tile decompresses to 32 MB of int16 (64 MB as float32): a few copies at most.
    assert peak < 300 * 2**20


def test_compression_tiles_beyond_the_cap_are_refused(one_big_compression_tile, cache_dir, monkeypatch):
    from workers.imaging import hdus

    monkeypatch.setattr(hdus, "MAX_COMPRESSION_TILE_PIXELS", 2**20)
    d = describe(one_big_compression_tile, hdu=1, cache_dir=cache_dir)
    assert "16,000,000 pixels" in (d["hdus"][1]["problem"] or "") and d["cuts"] == {}
    with pytest.raises(ToyzError) as err:
        render_tile(one_big_compression_tile, hdu=1, plane=0, level=0, x=0, y=0, params=_params(), cache_dir=cache_dir)
    assert err.value.code == "too_large"


def test_samples_and_levels_read_at_most_a_strip_per_call(tmp_path, cache_dir, monkeypatch):
    from workers.imaging import files, reading

    monkeypatch.setattr(reading, "STRIP_PIXELS", 64 * 64)
    sizes: list[int] = []
    original = files.OpenedFile.section

    def counting(self, hdu, lead, y0, y1, x0, x1, step=1):
        sizes.append((y1 - y0) * (x1 - x0))
        return original(self, hdu, lead, y0, y1, x0, x1, step)

    monkeypatch.setattr(files.OpenedFile, "section", counting)
    data = np.random.default_rng(2).normal(0, 1, (600, 900)).astype(np.float32)
    path = tmp_path / "tiles.fits.fz"
    hdu = fits.CompImageHDU(data, compression_type="GZIP_1", tile_shape=(16, 32))
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    describe(path, cache_dir=cache_dir)
    build_pyramid(path, hdu=1, cache_dir=cache_dir)
    # Samples and levels read strips of at most STRIP_PIXELS; a level-0 tile is one read of at
    # most 256×256 (the whole image would be 540,000).
    tiles = {h * w for h in (256, 600 % 256) for w in (256, 900 % 256)}
    assert sizes and max(sizes) <= 256 * 256
    assert max(size for size in sizes if size not in tiles) <= 64 * 64


# --- compressed streams -------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "compress"), [(".gz", gzip.compress), (".bz2", bz2.compress)])
def test_gzip_and_bzip2_fits_files_open_and_render(write_fits, tmp_path, tile, suffix, compress):
    data = np.random.default_rng(3).normal(100, 10, (300, 400)).astype(np.float32)
    plain = write_fits("img.fits", data)
    packed = tmp_path / f"img.fits{suffix}"
    packed.write_bytes(compress(plain.read_bytes()))
    d = describe(packed, cache_dir=tmp_path / "c")
    assert d["hdus"][0]["is_image"] and d["hdus"][0]["problem"] is None
    assert d["cuts"]["minmax"] == describe(plain, cache_dir=tmp_path / "c")["cuts"]["minmax"]
    for level, x in ((0, 1), (0, 0), (1, 0)):
        np.testing.assert_array_equal(
            tile(packed, level=level, x=x, lo=80, hi=120), tile(plain, level=level, x=x, lo=80, hi=120)
        )


def test_a_truncated_gzip_file_is_unreadable_not_a_crash(write_fits, tmp_path, cache_dir):
    plain = write_fits("img.fits", np.random.default_rng(4).normal(0, 1, (300, 300)).astype(np.float32))
    packed = tmp_path / "img.fits.gz"
    whole = gzip.compress(plain.read_bytes())
    packed.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ToyzError) as err:
        describe(packed, cache_dir=cache_dir)
        render_tile(packed, hdu=0, plane=0, level=0, x=1, y=1, params=_params(), cache_dir=cache_dir)
    assert err.value.code == "unreadable"


# --- messages and warnings ------------------------------------------------------------------------


def _params() -> RenderParams:
    return RenderParams("linear", 0.0, 1.0, "gray", False, "png")


def test_a_level_that_cannot_be_stored_is_reported_without_server_paths(write_fits, cache_dir, monkeypatch):
    from workers.imaging import pyramid

    path = write_fits("img.fits", np.ones((600, 600), np.float32))
    monkeypatch.setattr(pyramid, "load_npy", lambda target: None)
    with pytest.raises(ToyzError) as err:
        raw_tile(path, hdu=0, plane=0, level=1, x=0, y=0, cache_dir=cache_dir)
    assert err.value.code == "unreadable"
    assert str(cache_dir) not in err.value.message and "/" not in err.value.message


def test_the_core_never_swaps_warning_filters_per_call():
    sources = (REPO / "workers/imaging").glob("*.py")
    offenders = [p.name for p in sources if "catch_warnings(" in p.read_text()]
    assert offenders == []


def test_odd_headers_and_wcs_warn_nobody(write_fits, cache_dir):
    import warnings

    header = fits.Header({"CTYPE1": "RA---XYZ", "CTYPE2": "DEC--XYZ", "CRVAL1": 1.0, "CRVAL2": 2.0})
    path = write_fits("odd.fits", np.ones((5, 5), np.float32), header)
    clear_caches()
    # record=True keeps the filters in force (pytest's recwarn would show every warning).
    with warnings.catch_warnings(record=True) as log:
        describe(path, cache_dir=cache_dir)
    assert [str(w.message) for w in log] == []


def test_strided_sections_through_fitsio_and_astropy_match_astropy(tmp_path, cache_dir):
    import gzip

    from workers.imaging import files
    from workers.imaging.synthetic import write_decam_like

    packed = write_decam_like(tmp_path / "m.fits.fz", n_ccds=2, ccd_shape=(64, 32), compress=True)
    stream = tmp_path / "m.fits.fz.gz"  # inside a gzip stream astropy decompresses the tiles
    stream.write_bytes(gzip.compress(packed.read_bytes()))
    with fits.open(packed) as hdul:
        expected = [hdul[i].data[y0:y1:step, 5:25] for i, y0, y1, step in ((1, 10, 20, 1), (2, 3, 64, 7))]
    for path in (packed, stream):
        with files.opened(path) as f:
            assert bool(f.by_cfitsio) == (path == packed)
            got = [f.section(1, (), 10, 20, 5, 25), f.section(2, (), 3, 64, 5, 25, step=7)]
        for a, b in zip(got, expected, strict=True):
            np.testing.assert_array_equal(np.asarray(a, np.float32), b)


def test_floats_packed_without_quantization_are_read_as_astropy_wrote_them(tmp_path, cache_dir):
    from workers.imaging import files

    # astropy's RICE without quantization: cfitsio would return the integers' bits as floats.
    data = np.arange(12 * 10, dtype=np.float32).reshape(12, 10) / 7
    path = tmp_path / "q0.fits.fz"
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data, quantize_level=0.0)]).writeto(path)
    with files.opened(path) as f:
        np.testing.assert_array_equal(f.section(1, (), 0, 12, 0, 10), fits.getdata(path, 1))


def test_a_path_whose_folder_became_a_symlink_is_refused(tmp_path, cache_dir):
    """A folder swapped for a symlink after the caller checked the path must not be followed."""
    (tmp_path / "mine").mkdir()
    (tmp_path / "theirs").mkdir()
    fits.PrimaryHDU(np.ones((8, 8), np.float32)).writeto(tmp_path / "theirs" / "a.fits")
    checked = tmp_path / "mine" / "a.fits"  # what the caller resolved while "mine" was a folder
    (tmp_path / "mine").rmdir()
    os.symlink(tmp_path / "theirs", tmp_path / "mine")
    with pytest.raises(ToyzError) as info:
        describe(checked, cache_dir=cache_dir)
    assert info.value.code == "unreadable" and "moved" in info.value.message


def test_cfitsio_never_reads_a_file_name_as_a_filter(tmp_path, cache_dir):
    from workers.imaging import files

    # cfitsio would read "t.fits.fz[0]" as extension 0 of t.fits.fz, another file.
    wanted = np.full((8, 8), 1.0, np.float32)
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(wanted)]).writeto(tmp_path / "t.fits.fz[0]")
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(wanted * 7)]).writeto(tmp_path / "t.fits.fz")
    with files.opened(tmp_path / "t.fits.fz[0]") as f:
        np.testing.assert_array_equal(f.section(1, (), 0, 8, 0, 8), wanted)


def test_packed_integers_keep_their_blank_pixels_blank(tmp_path, cache_dir):
    from workers.imaging import pixel_at

    data = np.arange(64, dtype=np.int16).reshape(8, 8)
    data[2, 3] = -999
    hdu = fits.CompImageHDU(data, header=fits.Header({"BLANK": -999}), compression_type="RICE_1")
    path = tmp_path / "blank.fits.fz"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    assert pixel_at(path, hdu=1, plane=0, x=3.5, y=2.5, cache_dir=cache_dir)["value"] is None
    assert pixel_at(path, hdu=1, plane=0, x=4.5, y=2.5, cache_dir=cache_dir)["value"] == 20.0


def test_decompression_errors_never_name_the_server_path(tmp_path, cache_dir, monkeypatch):
    from workers.imaging import files

    path = tmp_path / "secret-folder" / "p.fits.fz"
    path.parent.mkdir()
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(np.ones((8, 8), np.float32))]).writeto(path)

    def failing(name):
        raise OSError(f"failed to open the following file: (ffopen)\n{path}")

    import fitsio  # type: ignore[import-untyped]

    monkeypatch.setattr(fitsio, "FITS", failing)
    with files.opened(path) as f, pytest.raises(ToyzError) as err:
        f.section(1, (), 0, 8, 0, 8)
    assert err.value.code == "unreadable" and "secret-folder" not in err.value.message


def test_a_packed_header_claiming_millions_of_axes_is_a_damaged_hdu(tmp_path, cache_dir):
    path = tmp_path / "axes.fits.fz"
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(np.ones((8, 8), np.float32))]).writeto(path)
    with fits.open(path, mode="update", disable_image_compression=True) as hdul:
        hdul[1].header["ZNAXIS"] = 20_000_000
    d = describe(path, hdu=0, cache_dir=cache_dir)
    assert "damaged" in (d["hdus"][1]["problem"] or "") and not d["hdus"][1]["is_image"]
