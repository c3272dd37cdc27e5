"""Cut-outs under a viewer box: plain HDUs, cube planes, scaled integers, mosaics across a gap."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from workers.analysis.pixels import cutouts, image_wcs, pixel_range
from workers.errors import ToyzError
from workers.imaging import pixel_at
from workers.imaging.synthetic import star_field, tan_header, write_decam_like


def _ramp(height: int, width: int) -> np.ndarray:
    # Each pixel holds 1000 * row + column: a value names its own place.
    return (np.arange(height)[:, None] * 1000 + np.arange(width)[None, :]).astype(np.float32)


def test_it_reads_the_pixels_a_box_touches_on_a_plain_hdu(write_fits: Callable[..., Path]) -> None:
    path = write_fits("ramp.fits", _ramp(50, 60))
    [cut] = cutouts(path, hdu=0, plane=0, box=(10.2, 20.5, 14.0, 22.9))
    assert (cut.x0, cut.y0, cut.ccd, cut.name) == (10, 20, None, "")
    assert cut.data.dtype == np.float32
    np.testing.assert_array_equal(cut.data, _ramp(50, 60)[20:23, 10:14])
    # Viewer point (x0 + i + 0.5, y0 + j + 0.5) is the centre of data[j, i].
    assert cut.to_local(12.5, 21.5) == (2.0, 1.0)
    assert cut.to_viewer(2.0, 1.0) == (12.5, 21.5)


def test_it_clips_the_box_to_the_image(write_fits: Callable[..., Path]) -> None:
    path = write_fits("ramp.fits", _ramp(50, 60))
    [cut] = cutouts(path, hdu=0, plane=0, box=(-5, 45, 3, 70))
    assert (cut.x0, cut.y0, cut.width, cut.height) == (0, 45, 3, 5)
    assert cut.data[0, 0] == 45_000


def test_it_reads_the_plane_of_a_cube(write_fits: Callable[..., Path]) -> None:
    cube = np.stack([_ramp(20, 30) + 1e6 * k for k in range(3)])
    path = write_fits("cube.fits", cube)
    [cut] = cutouts(path, hdu=0, plane=2, box=(0, 0, 5, 5))
    np.testing.assert_array_equal(cut.data, cube[2, :5, :5])


def test_it_applies_bscale_and_blank_and_keeps_nan(tmp_path: Path) -> None:
    stored = np.arange(100, dtype=np.int16).reshape(10, 10)
    stored[3, 4] = -999
    hdu = fits.PrimaryHDU(stored)
    hdu.header["BSCALE"] = 0.5
    hdu.header["BZERO"] = 10.0
    hdu.header["BLANK"] = -999
    path = tmp_path / "scaled.fits"
    hdu.writeto(path)
    [cut] = cutouts(path, hdu=0, plane=0, box=(0, 0, 10, 10))
    expected = stored * 0.5 + 10.0
    expected[3, 4] = np.nan
    np.testing.assert_allclose(cut.data, expected)
    floats = np.ones((4, 4), np.float32)
    floats[1, 1] = np.nan
    floats[2, 2] = np.inf
    fits.PrimaryHDU(floats).writeto(tmp_path / "nan.fits")
    [cut] = cutouts(tmp_path / "nan.fits", hdu=0, plane=0, box=(0, 0, 4, 4))
    assert np.isnan(cut.data[1, 1]) and np.isnan(cut.data[2, 2]) and np.nansum(cut.data) == 14


def test_it_refuses_a_box_off_the_image_and_one_too_large(write_fits: Callable[..., Path]) -> None:
    path = write_fits("ramp.fits", _ramp(50, 60))
    with pytest.raises(ToyzError) as off:
        cutouts(path, hdu=0, plane=0, box=(100, 100, 120, 120))
    assert off.value.code == "bad_region" and "outside the image" in off.value.message
    with pytest.raises(ToyzError) as big:
        cutouts(path, hdu=0, plane=0, box=(0, 0, 60, 50), max_pixels=100)
    assert big.value.code == "too_large"
    with pytest.raises(ToyzError) as bad:
        cutouts(path, hdu=0, plane=0, box=(0, 0, float("nan"), 5))
    assert bad.value.code == "bad_params"


def test_a_point_box_touches_one_pixel() -> None:
    assert pixel_range((3.5, 4.5, 3.5, 4.5)) == (3, 4, 4, 5)
    assert pixel_range((3.0, 4.0, 5.0, 6.0)) == (3, 5, 4, 6)


def test_its_wcs_is_the_image_wcs_shifted_to_the_cutout(tmp_path: Path) -> None:
    header = tan_header((30.5, 25.5), (150.0, 2.0), 1 / 3600)
    path = tmp_path / "sky.fits"
    fits.PrimaryHDU(star_field((50, 60), n_stars=5, seed=1), header).writeto(path)
    [cut] = cutouts(path, hdu=0, plane=0, box=(10, 20, 30, 40))
    whole = image_wcs(path, hdu=0, plane=0)
    assert cut.wcs is not None and whole is not None
    # The cut-out's pixel (3, 4) is the image's pixel (13, 24): one sky position.
    np.testing.assert_allclose(cut.wcs.all_pix2world([[3, 4]], 0), whole.all_pix2world([[13, 24]], 0), atol=1e-10)


def test_a_box_across_a_ccd_gap_gives_one_cutout_per_ccd(tmp_path: Path) -> None:
    # 4 CCDs of 128 × 256 in one row, 8-pixel gaps: CCD 1 covers x in [0, 128), CCD 2 [136, 264).
    path = write_decam_like(tmp_path / "mosaic.fits", n_ccds=4, ccd_shape=(256, 128), seed=3)
    parts = cutouts(path, hdu=-1, plane=0, box=(120, 100, 140, 110))
    assert [(c.ccd, c.name, c.x0, c.y0, c.width, c.height) for c in parts] == [
        (1, "S1", 120, 100, 8, 10),
        (2, "S2", 136, 100, 4, 10),
    ]
    with fits.open(path) as hdul:
        np.testing.assert_array_equal(parts[0].data, hdul[1].data[100:110, 120:128])
        np.testing.assert_array_equal(parts[1].data, hdul[2].data[100:110, 0:4])
    # Each cut-out's WCS gives the sky position the viewer shows for that pixel.
    for cut in parts:
        shown = pixel_at(path, hdu=-1, plane=0, x=cut.x0 + 1.5, y=cut.y0 + 2.5)
        assert cut.wcs is not None
        ra, dec = cut.wcs.all_pix2world([[1, 2]], 0)[0]
        assert shown["ra"] == pytest.approx(ra, abs=1e-9) and shown["dec"] == pytest.approx(dec, abs=1e-9)
    with pytest.raises(ToyzError) as gap:
        cutouts(path, hdu=-1, plane=0, box=(129, 10, 135, 20))
    assert gap.value.code == "bad_region" and "gap" in gap.value.message


def test_a_flipped_ccd_is_read_as_the_viewer_shows_it(tmp_path: Path) -> None:
    # Two CCDs side by side; the second's DETSEC runs backwards in x, so the viewer mirrors it.
    data = _ramp(16, 8)
    hdus: list[fits.PrimaryHDU | fits.ImageHDU] = [fits.PrimaryHDU()]
    for k, detsec in enumerate(["[1:8,1:16]", "[17:10,1:16]"]):
        header = tan_header((12.5 - 9 * k, 8.5), (150.0, 2.0), 1 / 3600)
        if k == 1:  # the WCS of the mirrored CCD: its +x runs west on the sky's mosaic frame
            header["CDELT1"] = -header["CDELT1"]
            header["CRPIX1"] = 8 + 1 - 3.5
        header["DETSEC"] = detsec
        header["EXTNAME"] = f"C{k + 1}"
        hdus.append(fits.ImageHDU(data + 100_000 * k, header))
    path = tmp_path / "flipped.fits"
    fits.HDUList(hdus).writeto(path)
    parts = cutouts(path, hdu=-1, plane=0, box=(0, 0, 17, 16))
    assert [(c.ccd, c.x0, c.width) for c in parts] == [(1, 0, 8), (2, 9, 8)]
    np.testing.assert_array_equal(parts[1].data, (data + 100_000)[:, ::-1])
    for x in (9.5, 12.5, 16.5):
        shown = pixel_at(path, hdu=-1, plane=0, x=x, y=3.5)
        assert shown["value"] == parts[1].data[3, int(x) - 9]
        assert parts[1].wcs is not None
        ra, dec = parts[1].wcs.all_pix2world([[x - 9.5, 3.0]], 0)[0]
        assert shown["ra"] == pytest.approx(ra, abs=1e-9) and shown["dec"] == pytest.approx(dec, abs=1e-9)
