"""Which files have a focal-plane mosaic: detector mosaics do, several products of one field do not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from workers.errors import ToyzError
from workers.imaging import describe, pixel_at
from workers.imaging.mosaic import mosaic_of
from workers.imaging.reading import opened
from workers.imaging.synthetic import star_field, tan_header, write_decam_like, write_one_field

SCALE = 0.263 / 3600


def hdu_indexes(path: Path, cache_dir: Path) -> tuple[list[int], int]:
    d = describe(path, cache_dir=cache_dir)
    return [h["index"] for h in d["hdus"]], d["hdu"]


def assert_no_mosaic(path: Path, cache_dir: Path, first_image: int = 1) -> None:
    indexes, default = hdu_indexes(path, cache_dir)
    assert -1 not in indexes and default == first_image
    with pytest.raises(ToyzError) as err:
        describe(path, hdu=-1, cache_dir=cache_dir)
    assert err.value.code == "bad_hdu" and "detector mosaic" in err.value.message


def test_image_error_and_coverage_of_one_field_make_no_mosaic(tmp_path, cache_dir):
    # Herschel: the map, its error and its coverage, one WCS for the three.
    assert_no_mosaic(write_one_field(tmp_path / "herschel.fits"), cache_dir)


def test_sci_var_and_skyfit_of_one_reduced_ccd_make_no_mosaic(tmp_path, cache_dir):
    assert_no_mosaic(write_one_field(tmp_path / "gmos.fits", ("SCI", "VAR", "SKYFIT")), cache_dir)


def test_data_and_stat_of_one_field_make_no_mosaic(tmp_path, cache_dir):
    # MUSE's white-light DATA and STAT images (its cubes are no mosaic candidates at all).
    assert_no_mosaic(write_one_field(tmp_path / "muse.fits", ("DATA", "STAT")), cache_dir)


def test_without_detsec_or_wcs_there_is_no_mosaic(tmp_path, cache_dir):
    data = np.ones((32, 48), np.float32)
    path = tmp_path / "plain.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(data), fits.ImageHDU(data * 2), fits.ImageHDU(data * 3)]).writeto(
        path
    )
    assert_no_mosaic(path, cache_dir)


def write_gmos_like(path: Path, n_ccds: int = 3, shape: tuple[int, int] = (256, 128)) -> Path:
    """A raw-reduced GMOS-like exposure: SCI, VAR and DQ per CCD, VAR and DQ sharing SCI's DETSEC."""
    height, width = shape
    hdus: list[fits.PrimaryHDU | fits.ImageHDU] = [fits.PrimaryHDU()]
    for n in range(n_ccds):
        x0 = n * (width + 10)
        header = tan_header((200.5 - x0, 100.5), (150.1, 2.2), SCALE)
        header["DETSEC"] = f"[{x0 + 1}:{x0 + width},1:{height}]"
        header["DATASEC"] = f"[1:{width},1:{height}]"
        sci = star_field(shape, n_stars=20, seed=3, offset=(x0, 0))
        hdus.append(fits.ImageHDU(sci, header, name="SCI", ver=n + 1))
        hdus.append(fits.ImageHDU(np.abs(sci), header, name="VAR", ver=n + 1))
        hdus.append(fits.ImageHDU(np.zeros(shape, np.int16), header, name="DQ", ver=n + 1))
    fits.HDUList(hdus).writeto(path)
    return path


def test_the_sci_extensions_of_an_exposure_make_the_mosaic_without_their_var_and_dq(tmp_path, cache_dir):
    path = write_gmos_like(tmp_path / "gmos-raw.fits")
    d = describe(path, cache_dir=cache_dir)
    assert d["hdu"] == -1 and d["hdus"][0]["ccds"] == 3
    with opened(path) as f:
        m = mosaic_of(f)
        assert m is not None and m.method == "detsec"
        assert [(c.hdu, c.name, c.x0) for c in m.ccds] == [(1, "SCI", 0), (4, "SCI", 138), (7, "SCI", 276)]


def test_an_exposure_with_detsec_opens_on_its_focal_plane_and_each_ccd_stays_a_choice(tmp_path, cache_dir):
    path = write_decam_like(tmp_path / "decam.fits", n_ccds=4, ccd_shape=(256, 128), seed=4)
    d = describe(path, cache_dir=cache_dir)
    assert d["hdu"] == -1 and d["hdus"][0]["kind"] == "mosaic" and d["cuts"]
    assert [h["index"] for h in d["hdus"]] == [-1, 0, 1, 2, 3, 4]
    one = describe(path, hdu=3, cache_dir=cache_dir)
    assert one["hdu"] == 3 and one["cuts"] and any(card.startswith("EXTNAME = 'N1") for card in one["header"])
    assert pixel_at(path, hdu=3, plane=0, x=0.5, y=0.5)["value"] == float(fits.getdata(path, 3)[0, 0])


def write_wcs_ccds(path: Path, origins: list[tuple[int, int]], shapes: list[tuple[int, int]]) -> Path:
    """CCDs with a TAN WCS each (no DETSEC), at ``origins`` (x, y pixels) of one tangent plane."""
    hdus: list[fits.PrimaryHDU | fits.ImageHDU] = [fits.PrimaryHDU()]
    for n, ((x0, y0), shape) in enumerate(zip(origins, shapes, strict=True)):
        header = tan_header((300.5 - x0, 200.5 - y0), (150.1, 2.2), SCALE)
        hdus.append(fits.ImageHDU(star_field(shape, n_stars=20, seed=3, offset=(x0, y0)), header, name=f"CCD{n + 1}"))
    fits.HDUList(hdus).writeto(path)
    return path


def test_same_shaped_ccds_that_the_wcs_places_side_by_side_make_a_mosaic(tmp_path, cache_dir):
    path = write_wcs_ccds(tmp_path / "wcs.fits", [(0, 0), (140, 0), (0, 270), (140, 270)], [(256, 128)] * 4)
    indexes, default = hdu_indexes(path, cache_dir)
    assert indexes == [-1, 0, 1, 2, 3, 4]
    assert default == 1  # placed by WCS alone: no claim to be one exposure, the first CCD comes first
    with opened(path) as f:
        m = mosaic_of(f)
        assert m is not None and m.method == "wcs"
        assert [(c.x0, c.y0) for c in m.ccds] == [(0, 0), (140, 0), (0, 270), (140, 270)]


def test_ccds_of_different_shapes_make_no_mosaic_by_wcs(tmp_path, cache_dir):
    path = write_wcs_ccds(tmp_path / "shapes.fits", [(0, 0), (140, 0)], [(256, 128), (256, 64)])
    assert_no_mosaic(path, cache_dir)


def test_fields_far_apart_on_the_sky_make_no_mosaic(tmp_path, cache_dir):
    # Two cutouts 0.2 degrees apart: side by side without overlap, but nothing like one focal plane.
    path = write_wcs_ccds(tmp_path / "apart.fits", [(0, 0), (2700, 0)], [(128, 128), (128, 128)])
    assert_no_mosaic(path, cache_dir)
