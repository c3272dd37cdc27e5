"""render_tile() end to end: row order, padding, compressed and scaled data, stale files."""

from __future__ import annotations

import os

import matplotlib
import numpy as np
import pytest
from astropy.io import fits
from astropy.visualization import LinearStretch, ManualInterval

from workers.errors import ToyzError
from workers.imaging import (
    RenderParams,
    TileAddress,
    clear_caches,
    default_cuts,
    describe,
    fetch_tile,
    file_identity,
    render_tile,
)


def gradient(height: int, width: int) -> np.ndarray:
    """Values rise with y: row j holds j (so the top of a correct picture is brightest)."""
    return np.repeat(np.arange(height, dtype=np.float32)[:, None], width, axis=1)


#: Tiles use 255 colours of the map: one palette step (255 / 254 grey levels), plus the one
#: level of matplotlib's own 256-entry table of the map.
GREY_ATOL = 255 / 254 + 1


def linear_grey(data: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The grey level (0..255) of a linear stretch from lo to hi on matplotlib's gray map, by
    astropy's own interval and stretch."""
    normalised = LinearStretch()(ManualInterval(lo, hi)(data), clip=True)
    grey: np.ndarray = matplotlib.colormaps["gray"](normalised)[..., 0] * 255
    return grey


def test_the_first_row_of_a_tile_is_its_highest_y(write_fits, tile):
    path = write_fits("grad.fits", gradient(256, 256))
    pixels = tile(path, lo=0, hi=255)
    grey = pixels[..., 0].astype(int)
    assert grey[0, 0] == 255 and grey[255, 0] == 0
    assert (np.diff(grey[:, 7]) <= 0).all()  # brightness falls down the picture


def test_edge_tiles_are_padded_with_transparent_pixels(write_fits, tile):
    path = write_fits("small.fits", gradient(100, 300))
    right = tile(path, x=1, lo=0, hi=100)
    # Level 0 is 300×100: tile (1, 0) holds columns 256..299 and rows 0..99 at the picture bottom.
    assert (right[:156, :, 3] == 0).all() and (right[:, 44:, 3] == 0).all()
    assert (right[156:, :44, 3] == 255).all()


def test_nan_and_infinities_are_transparent(write_fits, tile):
    data = np.ones((10, 10), np.float32)
    data[0, 0], data[0, 1], data[0, 2] = np.nan, np.inf, -np.inf
    pixels = tile(write_fits("bad.fits", data), lo=0, hi=2)
    bottom = pixels[255]  # y = 0 is the last picture row
    assert bottom[:3, 3].tolist() == [0, 0, 0] and bottom[3, 3] == 255


@pytest.mark.parametrize("compressed", ["m13_rice.fits", "m13_gzip.fits", "m13_hcomp.fits", "m13_plio.fits"])
def test_tiles_of_a_compressed_file_equal_those_of_the_uncompressed_one(astropy_compressed, tile, compressed):
    plain = astropy_compressed / "m13.fits"
    packed = astropy_compressed / compressed
    if not packed.exists():
        pytest.skip(f"{compressed} not installed")
    with fits.open(plain) as a, fits.open(packed) as b:
        if not np.array_equal(a[0].data, b[1].data):
            pytest.skip(f"{compressed} is lossy")
    for level in (0, 1):
        expected = tile(plain, hdu=0, level=level, lo=100, hi=2000, stretch="asinh")
        got = tile(packed, hdu=1, level=level, lo=100, hi=2000, stretch="asinh")
        np.testing.assert_allclose(got, expected, atol=0)


def test_compressed_tiles_match_astropy_pixels(astropy_fits, cache_dir, decode, make_params):
    path = astropy_fits / "comp.fits"
    with fits.open(path) as hdul:
        data = hdul[1].data.astype(np.float64)
    lo, hi = float(data.min()), float(data.max())
    raw = render_tile(path, hdu=1, plane=0, level=0, x=1, y=0, params=make_params(lo, hi), cache_dir=cache_dir)
    grey = decode(raw)[..., 0].astype(float)
    # Tile (1, 0) holds columns 256..439 of the 440-wide image; its first row is the highest y.
    np.testing.assert_allclose(grey[:, :184], linear_grey(data[:256, 256:440], lo, hi)[::-1], atol=GREY_ATOL)


def test_bzero_integers_render_like_the_same_float_values(tmp_path, tile):
    values = np.random.default_rng(0).integers(0, 65535, (200, 300)).astype(np.uint16)
    ints = tmp_path / "ints.fits"
    fits.PrimaryHDU(values).writeto(ints)
    with fits.open(ints) as hdul:
        assert hdul[0].header["BZERO"] == 32768 and hdul[0].header["BITPIX"] == 16
    floats = tmp_path / "floats.fits"
    fits.PrimaryHDU(values.astype(np.float32)).writeto(floats)
    for level in (0, 1):
        np.testing.assert_allclose(
            tile(ints, level=level, lo=1000, hi=60000), tile(floats, level=level, lo=1000, hi=60000)
        )


def test_bscale_and_blank_are_applied(tmp_path, tile):
    raw = np.array([[0, 1], [2, -32768]], ">i2")
    cards = [("SIMPLE", True), ("BITPIX", 16), ("NAXIS", 2), ("NAXIS1", 2), ("NAXIS2", 2)]
    header = fits.Header([*cards, ("BSCALE", 2.0), ("BZERO", 10.0), ("BLANK", -32768)])
    path = tmp_path / "scaled.fits"
    # Written by hand: astropy drops BSCALE/BZERO from integer arrays it is given.
    path.write_bytes(header.tostring().encode() + raw.tobytes().ljust(2880, b"\0"))
    pixels = tile(path, lo=10, hi=14)
    # Physical values 10, 12 (bottom row) and 14, BLANK (top row); grey 0, 128, 255.
    assert pixels[255, :2, 0].tolist() == [0, 128] and pixels[254, 0, 0] == 255 and pixels[254, 1, 3] == 0


def test_cube_planes_render_their_own_pixels(write_fits, tile):
    cube = np.stack([np.full((20, 20), k, np.float32) for k in range(3)])
    path = write_fits("cube.fits", cube)
    greys = [int(tile(path, plane=k, lo=0, hi=2)[255, 0, 0]) for k in range(3)]
    assert greys == [0, 128, 255]
    with pytest.raises(ToyzError) as err:
        tile(path, plane=3)
    assert err.value.code == "bad_plane"


def test_a_file_changed_on_disk_gets_a_new_identity_and_new_tiles(write_fits, tile, cache_dir):
    from workers.imaging import build_pyramid

    path = write_fits("img.fits", np.zeros((50, 50), np.float32))
    before = file_identity(path)
    build_pyramid(path, hdu=0, cache_dir=cache_dir)
    assert tile(path, lo=0, hi=1)[255, 0, 0] == 0
    fits.PrimaryHDU(np.ones((50, 50), np.float32)).writeto(path, overwrite=True)
    os.utime(path, ns=(10**9, 10**9))  # a distinct mtime even on coarse filesystems
    assert file_identity(path) != before
    assert tile(path, lo=0, hi=1)[255, 0, 0] == 255  # not the stale cached picture
    assert describe(path, cache_dir=cache_dir)["identity"] == file_identity(path)


def test_the_identity_follows_symlinks_and_size(tmp_path, write_fits):
    path = write_fits("a.fits", np.zeros((5, 5), np.float32))
    link = tmp_path / "link.fits"
    link.symlink_to(path)
    assert file_identity(link) == file_identity(path)
    with pytest.raises(ToyzError) as err:
        file_identity(tmp_path / "missing.fits")
    assert err.value.code == "not_found"


def test_a_link_swapped_for_a_file_while_examined_is_a_toyz_error(tmp_path, write_fits, monkeypatch):
    path = write_fits("a.fits", np.zeros((5, 5), np.float32))
    link = tmp_path / "swap.fits"
    link.symlink_to(path)
    real_readlink = os.readlink

    def swap_then_readlink(name, *args, **kwargs):
        # The race, made deterministic: realpath saw a link, and a file is there when it reads it.
        if os.fspath(name) == str(link) and link.is_symlink():
            link.unlink()
            link.write_bytes(b"y")
        return real_readlink(name, *args, **kwargs)

    monkeypatch.setattr(os, "readlink", swap_then_readlink)
    with pytest.raises(ToyzError) as err:
        file_identity(link)
    assert err.value.code == "unreadable"


def test_multi_extension_tiles_use_their_own_hdu(astropy_fits, tile):
    path = astropy_fits / "test0.fits"
    with fits.open(path) as hdul:
        first, second = hdul[1].data.astype(float), hdul[2].data.astype(float)
    lo, hi = float(min(first.min(), second.min())), float(max(first.max(), second.max()))
    for hdu, data in ((1, first), (2, second)):
        grey = tile(path, hdu=hdu, lo=lo, hi=hi)[216:, :40, 0].astype(float)
        np.testing.assert_allclose(grey, linear_grey(data, lo, hi)[::-1], atol=GREY_ATOL)
    with pytest.raises(ToyzError) as err:
        tile(path, hdu=0)
    assert err.value.code == "bad_hdu" and "no data" in err.value.message


def test_tiles_survive_the_process_caches_being_emptied(write_fits, tile):
    path = write_fits("img.fits", gradient(600, 600))
    first = tile(path, level=1, lo=0, hi=600)
    clear_caches()
    np.testing.assert_array_equal(tile(path, level=1, lo=0, hi=600), first)


def test_jpeg_and_webp_tiles_decode_to_the_png_pixels(write_fits, tile):
    path = write_fits("grad.fits", gradient(256, 256))
    png = tile(path, lo=0, hi=255)
    np.testing.assert_array_equal(tile(path, lo=0, hi=255, fmt="webp"), png)
    np.testing.assert_allclose(tile(path, lo=0, hi=255, fmt="jpg")[..., :3], png[..., :3], atol=6)


def test_one_tile_request_examines_its_file_once(write_fits, cache_dir, monkeypatch):
    from workers.imaging import build_pyramid, cache, files, tiles

    path = write_fits("once.fits", gradient(600, 600))
    seen: list[object] = []

    def counting(target):
        seen.append(target)
        return cache.examine(target)

    monkeypatch.setattr(tiles, "examine", counting)
    monkeypatch.setattr(files, "examine", counting)
    where = TileAddress(hdu=0, plane=0, level=0, x=1, y=1)
    # Without lo/hi: the cuts come from the same opened file, which is not examined again.
    fresh = fetch_tile(path, where, RenderParams.create(), allow_preview=False, cache_dir=cache_dir)
    assert len(seen) == 1 and fresh.identity == file_identity(path) and not fresh.preview
    assert fresh.media_type == "image/png"
    build_pyramid(path, hdu=0, cache_dir=cache_dir)
    seen.clear()
    stored = fetch_tile(path, where, RenderParams.create(), allow_preview=True, cache_dir=cache_dir)
    assert len(seen) == 1 and stored.data == fresh.data
    seen.clear()
    raw = fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir)
    assert len(seen) == 1 and raw.media_type == "application/octet-stream" and len(raw.data) == 256 * 256 * 4


def test_missing_cuts_are_the_zscale_cuts(write_fits, cache_dir, decode):
    path = write_fits("cuts.fits", gradient(300, 300))
    lo, hi = default_cuts(path, hdu=0, plane=0, cache_dir=cache_dir)["zscale"]
    where = TileAddress(hdu=0, plane=0, level=0, x=0, y=0)
    explicit = fetch_tile(path, where, RenderParams.create(lo=lo, hi=hi), allow_preview=False, cache_dir=cache_dir)
    only_hi = fetch_tile(path, where, RenderParams.create(hi=hi), allow_preview=False, cache_dir=cache_dir)
    np.testing.assert_allclose(decode(only_hi.data), decode(explicit.data))
    other = fetch_tile(path, where, RenderParams.create(lo=lo, hi=lo + 1), allow_preview=False, cache_dir=cache_dir)
    assert not np.array_equal(decode(other.data), decode(explicit.data))


def test_a_tile_on_disk_names_its_file_and_is_read_only_when_asked(write_fits, cache_dir):
    from workers.imaging import build_pyramid

    path = write_fits("disk.fits", gradient(600, 600))
    where = TileAddress(hdu=0, plane=0, level=0, x=1, y=0)
    lo, hi = default_cuts(path, hdu=0, plane=0, cache_dir=cache_dir)["zscale"]
    given, implicit = RenderParams.create(lo=lo, hi=hi), RenderParams.create()
    rendered = fetch_tile(path, where, given, allow_preview=False, cache_dir=cache_dir, load=False)
    # Nothing on disk yet: rendered now, with its bytes whatever `load` says.
    assert (rendered.file, rendered.cached) == (None, False) and rendered.data
    build_pyramid(path, hdu=0, cache_dir=cache_dir)
    for params in (given, implicit):  # found before opening the file, and after filling in the cuts
        stored = fetch_tile(path, where, params, allow_preview=False, cache_dir=cache_dir)
        assert stored.cached and stored.file is not None and stored.file.is_relative_to(cache_dir)
        assert stored.data == stored.file.read_bytes() == rendered.data
        unread = fetch_tile(path, where, params, allow_preview=False, cache_dir=cache_dir, load=False)
        assert (unread.data, unread.file, unread.cached, unread.key) == (b"", stored.file, True, stored.key)
    raw = fetch_tile(path, where, None, allow_preview=False, cache_dir=cache_dir, load=False)
    assert (raw.file, raw.cached) == (None, False) and len(raw.data) == 256 * 256 * 4
