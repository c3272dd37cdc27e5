"""Measurements: statistics, photometry, histograms, profiles and fits, surfaces, lines, spectra.

The star tests use a Gaussian star of known FWHM (3.5 px) and flux (20000) on a sky of 100 with
Gaussian noise of sigma 1: the fits must recover the FWHM within 2 % and the flux within 1 %, as must
aperture photometry with a large (12 px) aperture.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from astropy.modeling import models

from workers.analysis.measure import histogram, line_profile, photometry, region_stats, spectrum, surface
from workers.analysis.profiles import radial_profile
from workers.errors import ToyzError
from workers.imaging.synthetic import tan_header, write_decam_like

FWHM = 3.5
FLUX = 20_000.0
STAR = (40.3, 35.7)  # viewer coordinates of the star's centre
SCALE_ARCSEC = 0.5


@pytest.fixture
def star(tmp_path: Path) -> Path:
    sigma = FWHM / (2 * math.sqrt(2 * math.log(2)))
    yy, xx = np.mgrid[0:80, 0:90]
    # Integrated over each pixel (a 5 × 5 sub-grid), as a detector sees a star.
    image = np.zeros((80, 90))
    g = models.Gaussian2D(FLUX / (2 * math.pi * sigma**2), STAR[0] - 0.5, STAR[1] - 0.5, sigma, sigma)
    for dy in np.linspace(-0.4, 0.4, 5):
        for dx in np.linspace(-0.4, 0.4, 5):
            image += g(xx + dx, yy + dy) / 25
    image += 100.0 + np.random.default_rng(4).normal(0.0, 1.0, image.shape)
    header = tan_header((45.5, 40.5), (150.0, 2.0), SCALE_ARCSEC / 3600)
    path = tmp_path / "star.fits"
    fits.PrimaryHDU(image.astype(np.float32), header).writeto(path)
    return path


def _box(x0: float, y0: float, x1: float, y1: float) -> dict[str, object]:
    return {"shape": "box", "frame": "image", "points": [[(x0 + x1) / 2, (y0 + y1) / 2]], "size": [x1 - x0, y1 - y0]}


def test_it_recovers_a_gaussian_star_by_both_fits(star: Path) -> None:
    result = radial_profile(star, hdu=0, plane=0, x=STAR[0] + 1.2, y=STAR[1] - 0.8, radius=15)
    assert result["x"] == pytest.approx(STAR[0], abs=0.05) and result["y"] == pytest.approx(STAR[1], abs=0.05)
    for fit in (result["gaussian"], result["moffat"]):
        assert fit["ok"]
        assert fit["fwhm"] == pytest.approx(FWHM, rel=0.02)
        assert fit["flux"] == pytest.approx(FLUX, rel=0.01)
        assert fit["x"] == pytest.approx(STAR[0], abs=0.02) and fit["y"] == pytest.approx(STAR[1], abs=0.02)
        assert fit["fwhm_arcsec"] == pytest.approx(FWHM * SCALE_ARCSEC, rel=0.02)
        assert fit["residual_rms"] == pytest.approx(1.0, rel=0.2)  # the noise, nothing left of the star
    assert result["gaussian"]["ellipticity"] < 0.03
    assert result["ra"] is not None and result["dec"] == pytest.approx(2.0, abs=0.01)
    # The curve of growth levels off at the star's flux; the profile falls from the peak to the sky.
    assert result["growth_flux"][-1] == pytest.approx(FLUX, rel=0.01)
    assert result["radii"] == sorted(result["radii"]) and result["values"][0] > 1000
    stamp = result["stamp"]
    assert len(stamp["data"]) == stamp["width"] * stamp["height"] == len(stamp["model"]) == len(stamp["residual"])


def test_aperture_photometry_with_a_large_aperture_recovers_the_flux(star: Path) -> None:
    result = photometry(star, hdu=0, plane=0, x=STAR[0] + 1, y=STAR[1], radius=12, annulus=(15, 25))
    assert result["flux"] == pytest.approx(FLUX, rel=0.01)
    assert result["background"] == pytest.approx(100.0, abs=0.1)
    assert result["area"] == pytest.approx(math.pi * 144, rel=1e-6)
    expected_err = result["background_std"] * math.sqrt(result["area"] * (1 + result["area"] / result["annulus_area"]))
    assert result["flux_err"] == pytest.approx(expected_err)
    assert result["snr"] > 100 and result["mag_inst"] == pytest.approx(-2.5 * math.log10(result["flux"]))
    circle = {"shape": "circle", "frame": "image", "points": [list(STAR)], "size": [12, 12]}
    by_region = photometry(star, hdu=0, plane=0, region=circle, annulus=(3, 13))
    assert by_region["flux"] == pytest.approx(FLUX, rel=0.01)


def test_it_computes_the_statistics_of_a_known_array(write_fits: Callable[..., Path]) -> None:
    data = (np.arange(20)[:, None] * 100 + np.arange(30)[None, :]).astype(np.float32)
    data[5, 6] = np.nan
    path = write_fits("ramp.fits", data)
    # Pixel centres x in {4.5..9.5}, y in {3.5..7.5}: columns 4-9, rows 3-7.
    result = region_stats(path, hdu=0, plane=0, region=_box(4, 3, 10, 8))
    inside = data[3:8, 4:10]
    good = inside[np.isfinite(inside)]
    assert result["count"] == good.size == 29 and result["nan"] == 1
    assert result["sum"] == pytest.approx(good.sum())
    assert result["mean"] == pytest.approx(good.mean())
    assert result["median"] == pytest.approx(np.median(good))
    assert result["std"] == pytest.approx(good.std())
    assert (result["min"], result["max"]) == (304.0, 709.0)
    assert result["per_ccd"] == [] and result["note"] == ""
    circle = region_stats(
        path, hdu=0, plane=0, region={"shape": "circle", "frame": "image", "points": [[10.5, 10.5]], "size": [1.0, 1.0]}
    )
    assert circle["count"] == 5 and circle["sum"] == pytest.approx(5 * 1010)  # the centre and 4 neighbours


def test_a_region_across_a_ccd_gap_is_measured_per_ccd(tmp_path: Path) -> None:
    path = write_decam_like(tmp_path / "mosaic.fits", n_ccds=4, ccd_shape=(256, 128), seed=3)
    result = region_stats(path, hdu=-1, plane=0, region=_box(120, 100, 140, 110))
    assert [(c["ccd"], c["name"], c["count"]) for c in result["per_ccd"]] == [(1, "S1", 80), (2, "S2", 40)]
    assert result["count"] == 120 and "S1 and S2" in result["note"] and "gap" in result["note"]
    with fits.open(path) as hdul:
        both = np.concatenate([hdul[1].data[100:110, 120:128].ravel(), hdul[2].data[100:110, 0:4].ravel()])
    assert result["sum"] == pytest.approx(float(both.astype(np.float64).sum()), rel=1e-6)
    hist = histogram(path, hdu=-1, plane=0, region=_box(120, 100, 140, 110), bins=10)
    assert sum(hist["counts"]) == 120 and len(hist["edges"]) == 11 and hist["note"]


def test_all_nan_off_image_and_empty_regions_are_refused_with_a_sentence(write_fits: Callable[..., Path]) -> None:
    data = np.full((20, 20), np.nan, np.float32)
    data[:, 15:] = 1.0
    path = write_fits("blank.fits", data)
    with pytest.raises(ToyzError) as blank:
        region_stats(path, hdu=0, plane=0, region=_box(2, 2, 8, 8))
    assert blank.value.code == "no_data" and "nothing to measure" in blank.value.message
    with pytest.raises(ToyzError) as off:
        region_stats(path, hdu=0, plane=0, region=_box(50, 50, 60, 60))
    assert off.value.code == "bad_region" and "outside the image" in off.value.message
    tiny = {"shape": "circle", "frame": "image", "points": [[16.0, 5.0]], "size": [0.2, 0.2]}
    with pytest.raises(ToyzError) as empty:
        region_stats(path, hdu=0, plane=0, region=tiny)
    assert empty.value.code == "bad_region" and "no pixel centre" in empty.value.message
    calls: list[Callable[[], object]] = [
        lambda: photometry(path, hdu=0, plane=0, x=5, y=5, radius=2, annulus=(3, 4), recentre_star=False),
        lambda: radial_profile(path, hdu=0, plane=0, x=5, y=5, radius=3, recentre_star=False),
        lambda: surface(path, hdu=0, plane=0, x=3, y=3, half=2),
        lambda: line_profile(path, hdu=0, plane=0, start=(1, 1), end=(10, 1)),
        lambda: histogram(path, hdu=0, plane=0, region=_box(2, 2, 8, 8)),
    ]
    for call in calls:
        with pytest.raises(ToyzError) as err:
            call()
        assert err.value.code == "no_data"
    with pytest.raises(ToyzError) as far:
        photometry(path, hdu=0, plane=0, x=500, y=500)
    assert far.value.code == "bad_region"


def test_a_surface_is_the_square_around_the_point_with_nulls_off_the_image(write_fits: Callable[..., Path]) -> None:
    data = (np.arange(10)[:, None] * 100 + np.arange(10)[None, :]).astype(np.float32)
    path = write_fits("ramp.fits", data)
    result = surface(path, hdu=0, plane=0, x=1.2, y=5.7, half=2)
    assert (result["x0"], result["y0"], result["width"], result["height"]) == (-1, 3, 5, 5)
    values = np.array([np.nan if v is None else v for v in result["values"]]).reshape(5, 5)
    assert np.isnan(values[:, 0]).all()
    np.testing.assert_array_equal(values[:, 1:], data[3:8, 0:4])


def test_a_line_profile_samples_the_pixels_it_crosses(write_fits: Callable[..., Path]) -> None:
    data = (np.arange(10)[:, None] * 100 + np.arange(10)[None, :]).astype(np.float32)
    path = write_fits("ramp.fits", data)
    row = line_profile(path, hdu=0, plane=0, start=(0.5, 4.5), end=(9.5, 4.5))
    assert row["values"] == [400.0 + i for i in range(10)]
    assert row["distance"] == pytest.approx(list(range(10)))
    half = line_profile(path, hdu=0, plane=0, start=(1.0, 4.5), end=(2.0, 4.5), samples=2, method="bilinear")
    assert half["values"] == pytest.approx([400.5, 401.5])
    edge = line_profile(path, hdu=0, plane=0, start=(8.5, 2.5), end=(12.5, 2.5))
    assert edge["values"][:2] == [208.0, 209.0] and edge["values"][2:] == [None, None, None]


def test_a_spectrum_reads_every_plane_with_the_spectral_axis(tmp_path: Path) -> None:
    cube = np.arange(5 * 4 * 3, dtype=np.float32).reshape(5, 4, 3)
    header = fits.Header()
    header["CTYPE3"], header["CRVAL3"], header["CDELT3"], header["CRPIX3"], header["CUNIT3"] = (
        "FREQ", 1.4e9, 1e6, 1.0, "Hz",
    )  # fmt: skip
    path = tmp_path / "cube.fits"
    fits.PrimaryHDU(cube, header).writeto(path)
    result = spectrum(path, hdu=0, plane=0, x=2.5, y=1.5)
    assert result["values"] == [float(v) for v in cube[:, 1, 2]]
    assert result["axis"]["name"] == "FREQ" and result["axis"]["unit"] == "Hz"
    assert result["axis"]["values"] == pytest.approx([1.4e9 + k * 1e6 for k in range(5)])
    flat = tmp_path / "flat.fits"
    fits.PrimaryHDU(cube[0]).writeto(flat)
    with pytest.raises(ToyzError) as one:
        spectrum(flat, hdu=0, plane=0, x=1, y=1)
    assert one.value.code == "unsupported"
