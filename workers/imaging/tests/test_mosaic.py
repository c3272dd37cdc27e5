"""The focal-plane mosaic (hdu = -1): placement by DETSEC or WCS, lazy tiles, readout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from workers.errors import ToyzError
from workers.imaging import RenderParams, build_pyramid, clear_caches, describe, pixel_at, raw_tile, render_tile
from workers.imaging.mosaic import mosaic_of
from workers.imaging.pyramid import bin2x2, level_shape, tile_counts
from workers.imaging.reading import opened
from workers.imaging.synthetic import tan_header, write_decam_like

CCD_SHAPE = (256, 128)


@pytest.fixture
def decam(tmp_path) -> Path:
    return write_decam_like(tmp_path / "decam.fits", n_ccds=4, ccd_shape=CCD_SHAPE, seed=4)


def detsec_origin(header) -> tuple[int, int]:
    x1, _, y1, _ = (int(v) for v in header["DETSEC"].strip("[]").replace(",", ":").split(":"))
    return x1 - 1, y1 - 1


def placed_by_detsec(path: Path) -> np.ndarray:
    """The whole level-0 mosaic built by hand: every CCD at its DETSEC, NaN elsewhere."""
    with fits.open(path) as hdul:
        ccds = [(detsec_origin(h.header), h.data.astype(np.float32)) for h in hdul[1:]]
    width = max(x + d.shape[1] for (x, _), d in ccds)
    height = max(y + d.shape[0] for (_, y), d in ccds)
    whole = np.full((height, width), np.nan, np.float32)
    for (x, y), data in ccds:
        whole[y : y + data.shape[0], x : x + data.shape[1]] = data
    return whole


def raw(path: Path, cache_dir: Path, level: int, x: int, y: int, hdu: int = -1) -> np.ndarray:
    data = raw_tile(path, hdu=hdu, plane=0, level=level, x=x, y=y, cache_dir=cache_dir)
    return np.frombuffer(data, "<f4").reshape(256, 256)[::-1]  # row 0 = lowest y again


def assemble(path: Path, cache_dir: Path, level: int, hdu: int = -1) -> np.ndarray:
    """A whole mosaic level from its raw tiles."""
    d = describe(path, hdu=hdu, cache_dir=cache_dir)
    info = next(h for h in d["hdus"] if h["index"] == hdu)
    w, h = level_shape(info["width"], info["height"], level)
    nx, ny = tile_counts(info["width"], info["height"], level)
    whole = np.vstack([np.hstack([raw(path, cache_dir, level, x, y, hdu) for x in range(nx)]) for y in range(ny)])
    return whole[:h, :w]


def test_the_mosaic_is_listed_first_with_its_ccds(decam, cache_dir):
    d = describe(decam, cache_dir=cache_dir)
    mosaic = d["hdus"][0]
    expected = placed_by_detsec(decam)
    assert mosaic == {
        "index": -1, "name": "MOSAIC", "kind": "mosaic", "shape": list(expected.shape), "dtype": "float32",
        "is_image": True, "compressed": False, "has_wcs": True, "width": expected.shape[1],
        "height": expected.shape[0], "planes": 1, "bands": 1, "levels": mosaic["levels"], "problem": None, "ccds": 4,
    }  # fmt: skip
    assert d["hdu"] == -1  # an exposure with DETSEC opens on its focal plane
    assert [h["index"] for h in d["hdus"]] == [-1, 0, 1, 2, 3, 4]
    json.dumps(d, allow_nan=False)


def test_describing_the_mosaic_gives_cuts_over_every_ccd_and_the_primary_header(decam, cache_dir):
    d = describe(decam, hdu=-1, cache_dir=cache_dir)
    assert d["hdu"] == -1 and any("DECam-like" in card for card in d["header"])
    lo, hi = d["cuts"]["minmax"]
    whole = placed_by_detsec(decam)
    assert np.nanmin(whole) == lo and np.nanmax(whole) == hi  # small enough to be sampled whole
    assert list(cache_dir.glob("*/hdu-1-p0/cuts.json"))


def test_ccds_are_placed_at_their_detsec(decam):
    with opened(decam) as f:
        m = mosaic_of(f)
        assert m is not None and m.method == "detsec"
        with fits.open(decam) as hdul:
            assert [(c.x0, c.y0) for c in m.ccds] == [detsec_origin(h.header) for h in hdul[1:]]


@pytest.mark.parametrize("level", [0, 1, 2])
def test_mosaic_tiles_are_the_ccd_pixels_placed_at_their_detsec(decam, cache_dir, level):
    # Offsets and sizes of this layout are multiples of 4: every level bins exactly.
    expected = placed_by_detsec(decam)
    for _ in range(level):
        expected = bin2x2(expected)
    np.testing.assert_array_equal(assemble(decam, cache_dir, level), expected)


def test_coarse_levels_come_from_each_ccds_own_pyramid(tmp_path, cache_dir):
    # 512×1024 CCDs have levels 0-2 of their own; the mosaic's levels 3 and 4 bin their top level.
    path = write_decam_like(tmp_path / "big.fits", n_ccds=4, ccd_shape=(1024, 512), seed=5)
    expected = placed_by_detsec(path)
    assert describe(path, hdu=-1, cache_dir=cache_dir)["hdus"][0]["levels"] == 5
    for level in range(5):
        np.testing.assert_array_equal(assemble(path, cache_dir, level), expected)
        expected = bin2x2(expected)
    assert sorted(p.name for p in cache_dir.glob("*/hdu1-p0/L*.npy")) == ["L1.npy", "L2.npy"]


def test_a_level_0_tile_spanning_two_ccds_holds_both(decam, cache_dir):
    with fits.open(decam) as hdul:
        (x1, _), (x2, _) = detsec_origin(hdul[2].header), detsec_origin(hdul[3].header)
        left, right = hdul[2].data, hdul[3].data
    assert x1 // 256 == 0 and x2 // 256 == 1  # CCDs 2 and 3 both reach tile (1, 0)
    tile = raw(decam, cache_dir, 0, 1, 0)
    np.testing.assert_array_equal(tile[:256, : x1 + 128 - 256], left[:, 256 - x1 :])
    np.testing.assert_array_equal(tile[:256, x2 - 256 : x2 - 256 + 128], right)
    assert np.isnan(tile[:, x1 + 128 - 256 : x2 - 256]).all()  # the gap between them


def test_the_generators_detsec_agrees_with_its_wcs(decam):
    """Every CCD's WCS puts a focal-plane point on the same sky point: stars continue across CCDs."""
    with fits.open(decam) as hdul:
        whole = placed_by_detsec(decam)
        centre = (whole.shape[1] / 2 + 0.5, whole.shape[0] / 2 + 0.5)
        plane = WCS(tan_header(centre, (150.1, 2.2), 0.263 / 3600))
        for h in hdul[1:]:
            x0, y0 = detsec_origin(h.header)
            ccd = WCS(h.header).all_pix2world([[10.0, 20.0]], 0)[0]
            np.testing.assert_allclose(ccd, plane.all_pix2world([[x0 + 10.0, y0 + 20.0]], 0)[0], atol=1e-10)


def test_the_readout_names_the_ccd_and_its_pixel(decam):
    with fits.open(decam) as hdul:
        x0, y0 = detsec_origin(hdul[3].header)
        value = float(hdul[3].data[20, 10])
        sky = WCS(hdul[3].header).all_pix2world([[10.25, 20.499]], 0)[0]
    got = pixel_at(decam, hdu=-1, plane=0, x=x0 + 10.75, y=y0 + 21.0)
    assert got["ccd"] == {"hdu": 3, "name": "N1", "col": 10, "row": 21}
    assert got["value"] == float(fits.getdata(decam, 3)[21, 10])
    got = pixel_at(decam, hdu=-1, plane=0, x=x0 + 10.75, y=y0 + 20.999)
    assert got["ccd"] == {"hdu": 3, "name": "N1", "col": 10, "row": 20} and got["value"] == value
    assert got["ra"] == pytest.approx(sky[0], abs=1e-9) and got["dec"] == pytest.approx(sky[1], abs=1e-9)
    gap = pixel_at(decam, hdu=-1, plane=0, x=x0 - 2.5, y=y0 + 20.5)
    assert gap["inside"] and gap["ccd"] is None and gap["value"] is None and gap["ra"] is None
    plain = pixel_at(decam, hdu=3, plane=0, x=10.5, y=20.5)
    assert "ccd" not in plain and plain["value"] == value


def test_flipped_detsec_ranges_flip_the_data(decam, tmp_path, cache_dir):
    flipped = tmp_path / "flipped.fits"
    with fits.open(decam) as hdul:
        out = [fits.PrimaryHDU(header=hdul[0].header)]
        for n, h in enumerate(hdul[1:]):
            header = h.header.copy()
            data = h.data
            if n % 2:
                x0, y0 = detsec_origin(header)
                header["DETSEC"] = f"[{x0 + 128}:{x0 + 1},{y0 + 256}:{y0 + 1}]"  # both axes reversed
                data = data[::-1, ::-1]
            out.append(fits.ImageHDU(data, header))
        fits.HDUList(out).writeto(flipped)
    for level in (0, 1, 2):
        np.testing.assert_array_equal(assemble(flipped, cache_dir, level), assemble(decam, cache_dir, level))
    with fits.open(decam) as hdul:
        x0, y0 = detsec_origin(hdul[2].header)
        value = float(hdul[2].data[5, 7])
    got = pixel_at(flipped, hdu=-1, plane=0, x=x0 + 7.5, y=y0 + 5.5)
    assert got["value"] == value and got["ccd"] == {"hdu": 2, "name": "S2", "col": 128 - 1 - 7, "row": 256 - 1 - 5}


def test_datasec_leaves_the_overscan_out(decam, tmp_path, cache_dir):
    path = tmp_path / "overscan.fits"
    with fits.open(decam) as hdul:
        out = [fits.PrimaryHDU(header=hdul[0].header)]
        for h in hdul[1:]:
            header = h.header.copy()
            header["DATASEC"] = "[11:138,1:256]"
            data = np.hstack([np.full((256, 10), 9999.0, np.float32), h.data])  # 10 overscan columns
            out.append(fits.ImageHDU(data, header))
        fits.HDUList(out).writeto(path)
    np.testing.assert_array_equal(assemble(path, cache_dir, 0), placed_by_detsec(decam))
    assert describe(path, hdu=-1, cache_dir=cache_dir)["cuts"]["minmax"][1] == np.nanmax(placed_by_detsec(decam))
    with fits.open(decam) as hdul:
        x0, y0 = detsec_origin(hdul[1].header)
    got = pixel_at(path, hdu=-1, plane=0, x=x0 + 0.5, y=y0 + 0.5)
    assert got["ccd"] == {"hdu": 1, "name": "S1", "col": 10, "row": 0} and got["value"] != 9999.0


def without(path: Path, target: Path, *keys: str) -> Path:
    with fits.open(path) as hdul:
        out = [fits.PrimaryHDU(header=hdul[0].header)]
        for h in hdul[1:]:
            header = h.header.copy()
            for key in keys:
                header.remove(key, ignore_missing=True)
            out.append(fits.ImageHDU(h.data, header))
        fits.HDUList(out).writeto(target)
    return target


def test_without_detsec_the_wcs_places_the_ccds(decam, tmp_path, cache_dir):
    path = without(decam, tmp_path / "wcs.fits", "DETSEC", "DATASEC")
    with opened(path) as f, opened(decam) as g:
        m, by_detsec = mosaic_of(f), mosaic_of(g)
        assert m is not None and by_detsec is not None and m.method == "wcs"
        for a, b in zip(m.ccds, by_detsec.ccds, strict=True):
            assert abs(a.x0 - b.x0) <= 1 and abs(a.y0 - b.y0) <= 1 and not a.flip_x and not a.flip_y
    assert describe(path, cache_dir=cache_dir)["hdus"][0]["has_wcs"]
    np.testing.assert_array_equal(assemble(path, cache_dir, 0), placed_by_detsec(decam))


def test_wcs_placement_flips_ccds_stored_mirrored(decam, tmp_path, cache_dir):
    path = tmp_path / "mirrored.fits"
    with fits.open(decam) as hdul:
        out = [fits.PrimaryHDU(header=hdul[0].header)]
        for n, h in enumerate(hdul[1:]):
            header = h.header.copy()
            header.remove("DETSEC")
            data = h.data
            if n % 2:  # stored right to left, with a WCS that says so
                width = data.shape[1]
                data = data[:, ::-1]
                header["CRPIX1"] = width + 1 - header["CRPIX1"]
                header["CDELT1"] = -header["CDELT1"]
            out.append(fits.ImageHDU(data, header))
        fits.HDUList(out).writeto(path)
    with opened(path) as f:
        m = mosaic_of(f)
        assert m is not None and m.method == "wcs" and [c.flip_x for c in m.ccds] == [False, True, False, True]
    np.testing.assert_array_equal(assemble(path, cache_dir, 0), placed_by_detsec(decam))


def test_compressed_mosaics_build_and_serve_prerendered_tiles(tmp_path, cache_dir, decode):
    path = write_decam_like(tmp_path / "decam.fits.fz", n_ccds=4, ccd_shape=CCD_SHAPE, seed=4, compress=True)
    summary = build_pyramid(path, hdu=-1, cache_dir=cache_dir)
    assert summary["hdus"] == [-1] and summary["tiles"] > 0
    assert not list(cache_dir.glob("*/hdu1-p0/render"))  # only the mosaic's tiles are rendered
    # 128×256 is a single level, read in place from the .fz: no level file.
    assert not list(cache_dir.glob("*/hdu1-p0/L*.npy"))
    lo, hi = describe(path, hdu=-1, cache_dir=cache_dir)["cuts"]["zscale"]
    params = RenderParams("linear", lo, hi, "gray", False, "png")
    assert len(list(cache_dir.glob(f"*/hdu-1-p0/render/{params.key()}/*/*.png"))) == summary["tiles"]
    cached = render_tile(path, hdu=-1, plane=0, level=1, x=0, y=0, params=params, cache_dir=cache_dir)
    clear_caches()
    direct = render_tile(path, hdu=-1, plane=0, level=1, x=0, y=0, params=params, cache_dir=tmp_path / "other")
    np.testing.assert_array_equal(decode(cached), decode(direct))


def test_files_without_a_mosaic_refuse_hdu_minus_one(write_fits, tmp_path, cache_dir):
    path = tmp_path / "mixed.fits"
    fits.HDUList(
        [fits.PrimaryHDU(), fits.ImageHDU(np.ones((8, 8), np.float32)), fits.ImageHDU(np.ones((8, 8), np.int16))]
    ).writeto(path)
    d = describe(path, cache_dir=cache_dir)
    assert [h["index"] for h in d["hdus"]] == [0, 1, 2]  # floats and integers do not make a mosaic
    with pytest.raises(ToyzError) as err:
        pixel_at(path, hdu=-1, plane=0, x=1, y=1)
    assert err.value.code == "bad_hdu" and "mosaic" in err.value.message


def test_the_mosaic_has_one_plane(decam, cache_dir):
    with pytest.raises(ToyzError) as err:
        describe(decam, hdu=-1, plane=1, cache_dir=cache_dir)
    assert err.value.code == "bad_plane"


# --- previews: the coarse levels of a mosaic before its CCDs are built ---------------------------


@pytest.fixture
def previews_from_level_1(monkeypatch):
    from workers.imaging import pyramid

    monkeypatch.setattr(pyramid, "PREVIEW_MIN_LEVEL", 1)  # the test CCDs have two or three levels


@pytest.mark.parametrize("compress", [False, True])
def test_a_preview_tile_stands_in_for_the_real_one_and_stores_nothing(
    tmp_path, cache_dir, previews_from_level_1, compress
):
    from workers.imaging import tile_needs_building

    path = write_decam_like(tmp_path / "p.fits", n_ccds=4, ccd_shape=(512, 256), seed=5, compress=compress)
    where = {"hdu": -1, "plane": 0, "level": 2, "x": 0, "y": 0, "cache_dir": cache_dir}
    assert describe(path, hdu=-1, cache_dir=cache_dir)["preview"]
    assert not describe(path, hdu=1, cache_dir=cache_dir)["preview"]
    assert tile_needs_building(path, **where)
    quick = np.frombuffer(raw_tile(path, preview=True, **where), "<f4")
    assert not list(cache_dir.glob("*/hdu[0-9]*/L*.npy"))  # nothing built, nothing stored
    assert tile_needs_building(path, **where)
    real = np.frombuffer(raw_tile(path, **where), "<f4")
    assert not tile_needs_building(path, **where)
    # The same footprint (CCDs and gaps), and values like the binned ones: the first row of
    # each 4×4 block, averaged, against the whole block (noisier: a quarter of the pixels).
    np.testing.assert_array_equal(np.isfinite(quick), np.isfinite(real))
    both = np.isfinite(real)
    assert np.corrcoef(quick[both], real[both])[0, 1] > 0.6  # 0.81 here: the stars agree
    assert abs(np.median(quick[both]) - np.median(real[both])) < 0.05 * np.std(real[both])
    # Once built, asking for a preview gives the real tile.
    np.testing.assert_array_equal(np.frombuffer(raw_tile(path, preview=True, **where), "<f4"), real)
    build_pyramid(path, hdu=-1, cache_dir=cache_dir)
    assert not describe(path, hdu=-1, cache_dir=cache_dir)["preview"]


def test_fine_levels_and_single_ccds_are_never_previewed(tmp_path, cache_dir, previews_from_level_1):
    from workers.imaging import tile_needs_building

    path = write_decam_like(tmp_path / "p.fits.fz", n_ccds=4, ccd_shape=(512, 256), seed=5, compress=True)
    assert tile_needs_building(path, hdu=-1, plane=0, level=1, x=0, y=0, cache_dir=cache_dir)
    assert not tile_needs_building(path, hdu=-1, plane=0, level=0, x=0, y=0, cache_dir=cache_dir)
    assert not tile_needs_building(path, hdu=1, plane=0, level=1, x=0, y=0, cache_dir=cache_dir)


def test_a_preview_reads_one_row_per_block(tmp_path, cache_dir, previews_from_level_1):
    from workers.imaging.pyramid import preview_level
    from workers.imaging.reading import select_plane

    data = np.arange(64 * 40, dtype=np.float32).reshape(64, 40)
    data[8, 0:4] = np.nan  # a blank pixel in a block is left out of its mean
    path = tmp_path / "rows.fits.fz"
    fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data, compression_type="GZIP_2")]).writeto(path)
    with opened(path) as f:
        got = preview_level(f, select_plane(f, 1, 0), 2)
    assert got.shape == (16, 10)
    expected = data[::4].reshape(16, 10, 4).mean(axis=2)
    expected[2, 0] = np.nan  # all four pixels of that block's first row are blank
    np.testing.assert_allclose(got, expected)
