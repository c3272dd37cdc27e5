"""Contours: right radii on a known Gaussian, the same sky through another image's WCS, bounded work."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.wcs import WCS

from workers.analysis import contours as core
from workers.analysis.contours import ContourPath, contour_levels, contours
from workers.errors import ToyzError
from workers.imaging.synthetic import tan_header, write_decam_like

AMPLITUDE, SIGMA = 100.0, 8.0


def _gaussian(shape: tuple[int, int], centre: tuple[float, float], sigma: float = SIGMA) -> npt.NDArray[np.float32]:
    """A Gaussian of AMPLITUDE peaked at the 0-based array position centre = (x, y)."""
    yy, xx = np.mgrid[0 : shape[0], 0 : shape[1]]
    squared = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2
    return np.asarray(AMPLITUDE * np.exp(-squared / (2 * sigma**2)), dtype=np.float32)


def _radius(level: float, sigma: float = SIGMA) -> float:
    return sigma * math.sqrt(2 * math.log(AMPLITUDE / level))


def _points(path: ContourPath) -> npt.NDArray[np.float64]:
    return np.asarray(path["xy"], dtype=np.float64).reshape(-1, 2)


def test_it_draws_a_gaussian_as_circles_at_the_right_radii(tmp_path: Path) -> None:
    path = tmp_path / "gauss.fits"
    fits.PrimaryHDU(_gaussian((160, 200), (90.0, 70.0))).writeto(path)
    levels = [5.0, 20.0, 50.0, 80.0]
    result = contours(path, hdu=0, plane=0, levels=levels, smooth=0)
    assert result["levels"] == levels and result["binned"] == 1
    assert sorted(p["level"] for p in result["paths"]) == levels  # one closed circle per level
    for p in result["paths"]:
        assert p["closed"]
        xy = _points(p)
        # Array position (90, 70) is the viewer point (90.5, 70.5).
        r = np.hypot(xy[:, 0] - 90.5, xy[:, 1] - 70.5)
        np.testing.assert_allclose(r, _radius(p["level"]), atol=0.15)


def test_it_smooths_in_level_zero_pixels_whatever_the_binning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gauss.fits"
    fits.PrimaryHDU(_gaussian((400, 400), (200.0, 200.0), sigma=20.0)).writeto(path)
    monkeypatch.setattr(core, "MAX_WORK_PIXELS", 40_000)  # 160 000 pixels: binned 2×2
    result = contours(path, hdu=0, plane=0, levels=[50.0], smooth=6.0)
    assert result["binned"] == 2 and "binned 2×2" in result["note"]
    # A Gaussian of sigma 20 smoothed by 6 is one of sigma sqrt(20² + 6²) and amplitude scaled down.
    wide = math.hypot(20.0, 6.0)
    peak = AMPLITUDE * 20.0**2 / wide**2
    expected = wide * math.sqrt(2 * math.log(peak / 50.0))
    (only,) = result["paths"]
    r = np.hypot(*(_points(only) - 200.5).T)
    np.testing.assert_allclose(r, expected, atol=0.6)


def _tan(crval: tuple[float, float], crpix: tuple[float, float], scale_arcsec: float, rotation: float) -> fits.Header:
    header = tan_header(crpix, crval, scale_arcsec / 3600)
    for key in ("CDELT1", "CDELT2", "PC1_1", "PC1_2", "PC2_1", "PC2_2"):
        header.remove(key, ignore_missing=True)
    s, t = scale_arcsec / 3600, math.radians(rotation)
    header["CD1_1"], header["CD1_2"] = -s * math.cos(t), s * math.sin(t)
    header["CD2_1"], header["CD2_2"] = s * math.sin(t), s * math.cos(t)
    return header


def test_it_maps_the_contours_of_another_image_onto_the_same_sky(tmp_path: Path) -> None:
    source = SkyCoord(150.01, 2.005, unit="deg")
    # B: 0.7″ pixels, rotated 30°; A: 1″ pixels, north up; both cover the source.
    b_header = _tan((150.0, 2.0), (150.5, 150.5), 0.7, 30.0)
    bx, by = WCS(b_header).all_world2pix([[source.ra.deg, source.dec.deg]], 0)[0]
    b_path = tmp_path / "b.fits"
    fits.PrimaryHDU(_gaussian((300, 300), (bx, by)), header=b_header).writeto(b_path)
    a_header = _tan((150.005, 2.0), (200.5, 200.5), 1.0, 0.0)
    a_path = tmp_path / "a.fits"
    fits.PrimaryHDU(np.zeros((400, 400), np.float32), header=a_header).writeto(a_path)
    result = contours(a_path, hdu=0, plane=0, levels=[10.0, 50.0], smooth=0, of=(b_path, 0, 0))
    assert sorted(p["level"] for p in result["paths"]) == [10.0, 50.0]
    a_wcs = WCS(a_header)
    for p in result["paths"]:
        xy = _points(p)
        ra, dec = a_wcs.all_pix2world(xy[:, 0] - 0.5, xy[:, 1] - 0.5, 0)
        separation = SkyCoord(ra, dec, unit="deg").separation(source).arcsec
        np.testing.assert_allclose(separation, _radius(p["level"]) * 0.7, atol=0.15)
    # A box of A contours only the part of B under it: near the source, the circles; off B, an error.
    near = a_wcs.all_world2pix([[source.ra.deg, source.dec.deg]], 0)[0] + 0.5
    boxed = contours(
        a_path, hdu=0, plane=0, levels=[10.0], smooth=0, of=(b_path, 0, 0), box=(*(near - 25), *(near + 25))
    )
    assert [p["level"] for p in boxed["paths"]] == [10.0]
    with pytest.raises(ToyzError) as caught:
        contours(a_path, hdu=0, plane=0, levels=[10.0], smooth=0, of=(b_path, 0, 0), box=(0, 0, 40, 40))
    assert caught.value.code == "bad_region"


def test_it_cuts_another_image_s_contours_where_they_leave_this_one(tmp_path: Path) -> None:
    b_header = _tan((150.0, 2.0), (100.5, 100.5), 1.0, 0.0)
    b_path = tmp_path / "b.fits"
    fits.PrimaryHDU(_gaussian((200, 200), (100.0, 100.0), sigma=30.0), header=b_header).writeto(b_path)
    # A is a 60-pixel strip across the source: each circle leaves it twice.
    a_path = tmp_path / "a.fits"
    fits.PrimaryHDU(np.zeros((60, 200), np.float32), header=_tan((150.0, 2.0), (100.5, 30.5), 1.0, 0.0)).writeto(a_path)
    result = contours(a_path, hdu=0, plane=0, levels=[20.0], smooth=0, of=(b_path, 0, 0))
    assert len(result["paths"]) == 2 and not any(p["closed"] for p in result["paths"])
    for p in result["paths"]:
        xy = _points(p)
        assert xy[:, 1].min() >= 0 and xy[:, 1].max() < 60


def test_it_finds_nothing_on_an_all_nan_image(tmp_path: Path) -> None:
    path = tmp_path / "nan.fits"
    fits.PrimaryHDU(np.full((50, 50), np.nan, np.float32)).writeto(path)
    result = contours(path, hdu=0, plane=0, count=5, limits=(0.0, 1.0))
    assert result["paths"] == [] and len(result["levels"]) == 5
    assert "no valid pixels" in result["note"]


def test_it_refuses_a_box_too_large_to_read_and_caps_the_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "noise.fits"
    fits.PrimaryHDU(np.random.default_rng(1).normal(0, 1, (300, 300)).astype(np.float32)).writeto(path)
    monkeypatch.setattr(core, "MAX_READ_PIXELS", 50_000)
    with pytest.raises(ToyzError) as caught:
        contours(path, hdu=0, plane=0, levels=[0.0])
    assert caught.value.code == "too_large"
    monkeypatch.setattr(core, "MAX_READ_PIXELS", 10**9)
    capped = contours(path, hdu=0, plane=0, levels=[0.0, 1.0], smooth=0, max_points=2000)
    assert capped["points"] <= 2000 and capped["dropped"] > 0 and "left out" in capped["note"]
    with pytest.raises(ToyzError) as outside:
        contours(path, hdu=0, plane=0, levels=[0.0], box=(1000, 1000, 1100, 1100))
    assert outside.value.code == "bad_region"


def test_it_contours_a_mosaic_ccd_by_ccd_and_uses_the_stored_cuts(tmp_path: Path) -> None:
    path = tmp_path / "mosaic.fits"
    write_decam_like(path, n_ccds=4, ccd_shape=(256, 128), seed=2)
    result = contours(path, hdu=-1, plane=0, count=3, smooth=1.0, cache_dir=tmp_path / "cache")
    assert len(result["levels"]) == 3 and result["paths"]
    with fits.open(path) as hdul:
        rects = []
        for h in hdul[1:]:
            x1, x2, y1, y2 = (int(v) for v in h.header["DETSEC"].strip("[]").replace(":", ",").split(","))
            rects.append((min(x1, x2) - 1, max(x1, x2), min(y1, y2) - 1, max(y1, y2)))
    for p in result["paths"]:
        xy = _points(p)
        # Each path lies on one CCD: nothing is drawn across a gap.
        assert any(
            (xy[:, 0] >= a).all() and (xy[:, 0] <= b).all() and (xy[:, 1] >= c).all() and (xy[:, 1] <= d).all()
            for a, b, c, d in rects
        )


def test_it_spaces_levels_on_the_display_stretch() -> None:
    np.testing.assert_allclose(contour_levels(0, 10, 3, "linear"), [0, 5, 10])
    np.testing.assert_allclose(contour_levels(0, 100, 3, "sqrt"), [0, 25, 100])
    log = contour_levels(0, 999, 4, "log")
    np.testing.assert_allclose(log, [0, 9, 99, 999])
    with pytest.raises(ToyzError):
        contour_levels(5, 5, 3, "linear")


def test_it_leaves_the_sky_noise_out_by_default_and_keeps_the_star(tmp_path: Path) -> None:
    # A Gaussian of sigma 8 on a sky of noise sigma 1, 1200 x 1200 (binned 2 x 2 by the default detail).
    rng = np.random.default_rng(4)
    data = _gaussian((1200, 1200), (600.0, 600.0)) + rng.normal(0.0, 1.0, (1200, 1200)).astype(np.float32)
    path = tmp_path / "star.fits"
    fits.PrimaryHDU(data.astype(np.float32)).writeto(path)
    levels = [3.0, 50.0]  # 3 sigma of the noise, and half the peak
    raw = contours(path, hdu=0, plane=0, levels=levels, smooth=0, min_length=0, detail=core.MAX_WORK_PIXELS)
    default = contours(path, hdu=0, plane=0, levels=levels)
    assert raw["binned"] == 1 and default["binned"] == 2
    # Unsmoothed, the 3-sigma level rings hundreds of noise peaks; by default only the star's circles stay.
    assert sum(p["level"] == 3.0 for p in raw["paths"]) > 200
    assert len(default["paths"]) == 2
    # The minimum length alone (no smoothing, full resolution) leaves out the single-pixel peaks.
    unsmoothed = contours(path, hdu=0, plane=0, levels=[3.0], smooth=0, detail=core.MAX_WORK_PIXELS)
    assert unsmoothed["short"] > 100 and "shorter than 6 px" in unsmoothed["note"]
    for level in levels:
        (circle,) = [p for p in default["paths"] if p["level"] == level]
        assert circle["closed"]
        r = np.hypot(*(_points(circle) - 600.5).T)
        # Smoothed by sigma 2: a Gaussian of sigma sqrt(8² + 2²) and a lower peak (the noise moves it ~0.3 px).
        wide = math.hypot(SIGMA, 2.0)
        expected = wide * math.sqrt(2 * math.log(AMPLITUDE * SIGMA**2 / wide**2 / level))
        assert abs(float(np.median(r)) - expected) < 0.5
