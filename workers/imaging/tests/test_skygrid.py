"""The client's WCS grid: sampled sky positions whose interpolation stays within 0.05 px of the WCS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from workers.imaging.skygrid import interpolate, sky_grids, unit_vectors
from workers.imaging.synthetic import tan_header, write_decam_like

SHAPE = (1500, 2000)  # (height, width)


def _sip() -> fits.Header:
    header = tan_header((1000.5, 750.5), (150.0, 2.0), 0.3 / 3600)
    header["CTYPE1"], header["CTYPE2"] = "RA---TAN-SIP", "DEC--TAN-SIP"
    header["A_ORDER"] = header["B_ORDER"] = 3
    header["A_2_0"], header["A_0_2"], header["A_3_0"] = 2e-5, -1e-5, 3e-9  # tens of pixels at the corners
    header["B_1_1"], header["B_0_3"], header["B_2_1"] = 1.5e-5, -2e-9, 1e-9
    return header


def _tpv() -> fits.Header:
    header = tan_header((1000.5, 750.5), (359.95, -30.0), 0.27 / 3600)  # across RA 0/360
    header["CTYPE1"], header["CTYPE2"] = "RA---TPV", "DEC--TPV"
    # wcslib applies TPV's polynomial to CD-scaled coordinates (with CDELT it reads them unscaled).
    scale = header.pop("CDELT2")
    del header["CDELT1"]
    header["CD1_1"], header["CD1_2"], header["CD2_1"], header["CD2_2"] = -scale, 0.0, 0.0, scale
    for axis in (1, 2):
        header[f"PV{axis}_0"], header[f"PV{axis}_1"] = 0.0, 1.0
        header[f"PV{axis}_4"], header[f"PV{axis}_7"] = 0.01, -0.5  # x² and x³ terms (degrees)
    return header


def _zpn() -> fits.Header:
    header = tan_header((1000.5, 750.5), (45.0, 60.0), 3.0 / 3600)  # a wide field: 1.7 degrees
    header["CTYPE1"], header["CTYPE2"] = "RA---ZPN", "DEC--ZPN"
    header["PV2_1"], header["PV2_3"] = 1.0, 30.0
    return header


def _rotated_mirrored() -> fits.Header:
    header = tan_header((1000.5, 750.5), (10.0, 89.7), 1.0 / 3600)  # the pole in the field
    del header["CDELT1"], header["CDELT2"]
    header["CD1_1"], header["CD1_2"], header["CD2_1"], header["CD2_2"] = 0.0, 1 / 3600, 1 / 3600, 0.0
    return header


def _write(path: Path, header: fits.Header) -> Path:
    fits.PrimaryHDU(np.zeros(SHAPE, np.float32), header).writeto(path)
    return path


def _error_px(path: Path, header: fits.Header, grid_hdu: int = 0) -> float:
    """The worst distance (pixels) between the interpolated and real positions of random points."""
    (grid,) = sky_grids(path, hdu=grid_hdu, plane=0)
    rng = np.random.default_rng(1)
    vx, vy = rng.uniform(0, SHAPE[1], 20_000), rng.uniform(0, SHAPE[0], 20_000)
    approx = interpolate(grid, vx, vy)
    ra = np.degrees(np.arctan2(approx[:, 1], approx[:, 0]))
    dec = np.degrees(np.arcsin(approx[:, 2]))
    px, py = WCS(header).all_world2pix(ra, dec, 0)
    return float(np.max(np.hypot(px + 0.5 - vx, py + 0.5 - vy)))


@pytest.mark.parametrize("header", [_sip(), _tpv(), _zpn(), _rotated_mirrored()], ids=["sip", "tpv", "zpn", "pole"])
def test_it_interpolates_distorted_wcs_within_five_hundredths_of_a_pixel(tmp_path: Path, header: fits.Header) -> None:
    path = _write(tmp_path / "img.fits", header)
    assert _error_px(path, header) < 0.05


def test_it_samples_the_grid_at_viewer_points_pixel_centres_at_half_integers(tmp_path: Path) -> None:
    header = _sip()
    (grid,) = sky_grids(_write(tmp_path / "img.fits", header), hdu=0, plane=0)
    assert (grid.x0, grid.y0, grid.x1, grid.y1) == (0.0, 0.0, 2000.0, 1500.0)
    ra, dec = WCS(header).all_pix2world([grid.x0 - 0.5, grid.x1 - 0.5], [grid.y0 - 0.5, grid.y1 - 0.5], 0)
    assert np.allclose([grid.ra[0], grid.ra[-1]], ra, atol=1e-10)
    assert np.allclose([grid.dec[0], grid.dec[-1]], dec, atol=1e-10)


def test_it_gives_no_grid_without_a_wcs(tmp_path: Path) -> None:
    path = tmp_path / "plain.fits"
    fits.PrimaryHDU(np.zeros((20, 30), np.float32)).writeto(path)
    assert sky_grids(path, hdu=0, plane=0) == []


def test_it_gives_one_grid_per_ccd_on_the_mosaic_where_the_ccds_are_placed(tmp_path: Path) -> None:
    path = write_decam_like(tmp_path / "decam.fits", n_ccds=4, ccd_shape=(256, 128), seed=1)
    grids = sky_grids(path, hdu=-1, plane=0)
    assert [g.ccd for g in grids] == [1, 2, 3, 4]
    with fits.open(path) as hdul:
        for grid in grids:
            header = hdul[grid.ccd].header
            x0, _, y0, _ = (int(v) - 1 for v in header["DETSEC"].strip("[]").replace(",", ":").split(":"))
            # The mosaic is cropped to its CCDs' bounding box: compare sky positions, not offsets.
            cx, cy = 0.5 * (grid.x0 + grid.x1), 0.5 * (grid.y0 + grid.y1)
            centre = interpolate(grid, np.array([cx]), np.array([cy]))[0]
            ra, dec = WCS(header).all_pix2world([cx - grid.x0 - 0.5], [cy - grid.y0 - 0.5], 0)
            assert np.allclose(centre, unit_vectors(np.asarray(ra), np.asarray(dec))[0], atol=1e-12)
            assert grid.x1 - grid.x0 == 128 and grid.y1 - grid.y0 == 256
            assert x0 >= 0 and y0 >= 0
