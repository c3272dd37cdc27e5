"""The coordinate grid: every drawn vertex is on its line, by astropy, on plain and distorted WCSs."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.utils.data import get_pkg_data_filename
from astropy.wcs import WCS, FITSFixedWarning

from workers.analysis.grid import Grid, coordinate_grid, label_text
from workers.errors import ToyzError
from workers.imaging.synthetic import tan_header, write_decam_like


def _astropy_header(name: str) -> fits.Header:
    raw = Path(get_pkg_data_filename(f"data/{name}", package="astropy.wcs.tests")).read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        try:
            return fits.Header.fromstring(raw)
        except Exception:  # a header file with one card a line
            return fits.Header.fromstring(raw.decode(), sep="\n")


def _write(folder: Path, header: fits.Header, name: str = "image.fits") -> Path:
    shape = (int(header["NAXIS2"]), int(header["NAXIS1"]))
    hdu = fits.PrimaryHDU(np.zeros(shape, np.float32))
    for card in header.cards:
        if card.keyword not in ("SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "EXTEND", "", "COMMENT", "HISTORY"):
            hdu.header[card.keyword] = (card.value, card.comment)
    path = folder / name
    hdu.writeto(path)
    return path


def _check_on_lines(grid: Grid, header: fits.Header, *, tolerance_px: float = 0.05) -> int:
    """Every vertex of every line lies on its line (sky distance to it ≤ tolerance_px pixels); returns the count."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        wcs = WCS(header)
    scale = float(np.sqrt(abs(np.linalg.det(wcs.pixel_scale_matrix)))) * 3600.0  # arcsec per pixel
    checked = 0
    for line in grid["lines"]:
        for path in line["paths"]:
            xy = np.asarray(path).reshape(-1, 2)
            ra, dec = wcs.all_pix2world(xy[:, 0] - 0.5, xy[:, 1] - 0.5, 0)
            sky = SkyCoord(ra, dec, unit="deg", frame="icrs")
            if grid["system"] == "galactic":
                sky = sky.galactic
            lon, lat = sky.spherical.lon.deg, sky.spherical.lat.deg
            on = SkyCoord(
                np.full_like(lon, line["value"]) if line["axis"] == "lon" else lon,
                np.full_like(lat, line["value"]) if line["axis"] == "lat" else lat,
                unit="deg",
                frame=sky.frame,
            )
            off = sky.separation(on).arcsec
            assert np.max(off) <= tolerance_px * scale, (line["label"], float(np.max(off)) / scale)
            checked += len(off)
    return checked


def _axes(grid: Grid) -> dict[str, int]:
    return {axis: sum(1 for line in grid["lines"] if line["axis"] == axis) for axis in ("lon", "lat")}


def test_it_draws_ra_and_dec_lines_exactly_on_a_tan_image(tmp_path: Path) -> None:
    header = tan_header((500.5, 400.5), (150.0, 30.0), 1.0 / 3600)
    header["NAXIS1"], header["NAXIS2"] = 1000, 800
    grid = coordinate_grid(_write(tmp_path, header), hdu=0, plane=0, box=(0, 0, 1000, 800))
    assert _check_on_lines(grid, header) > 100
    counts = _axes(grid)
    assert 2 <= counts["lon"] <= 12 and 2 <= counts["lat"] <= 12
    # North up, east left: parallels labelled on the left edge, meridians at the bottom.
    assert {line["label_at"]["edge"] for line in grid["lines"] if line["axis"] == "lat"} == {"left"}  # type: ignore[index]
    assert {line["label_at"]["edge"] for line in grid["lines"] if line["axis"] == "lon"} == {"bottom"}  # type: ignore[index]
    assert all(line["label"].startswith(("9h59m", "10h00m")) for line in grid["lines"] if line["axis"] == "lon")


def test_it_follows_a_rotated_and_mirrored_cd_matrix(tmp_path: Path) -> None:
    header = tan_header((300.5, 300.5), (210.0, -45.0), 0.5 / 3600)
    angle = math.radians(35.0)
    scale = 0.5 / 3600
    # East to the right (mirrored) and rotated 35°.
    header["CD1_1"], header["CD1_2"] = scale * math.cos(angle), -scale * math.sin(angle)
    header["CD2_1"], header["CD2_2"] = scale * math.sin(angle), scale * math.cos(angle)
    for key in ("CDELT1", "CDELT2", "PC1_1", "PC1_2", "PC2_1", "PC2_2"):
        header.remove(key, ignore_missing=True)
    header["NAXIS1"], header["NAXIS2"] = 600, 600
    grid = coordinate_grid(_write(tmp_path, header), hdu=0, plane=0, box=(0, 0, 600, 600))
    assert _check_on_lines(grid, header) > 100
    assert min(_axes(grid).values()) >= 2


@pytest.mark.parametrize("name", ["irac_sip.hdr", "siponly.hdr", "tpvonly.hdr"])
def test_it_stays_on_the_sky_through_sip_and_tpv_distortions(tmp_path: Path, name: str) -> None:
    header = _astropy_header(name)
    width, height = int(header["NAXIS1"]), int(header["NAXIS2"])
    grid = coordinate_grid(_write(tmp_path, header), hdu=0, plane=0, box=(0, 0, width, height))
    assert _check_on_lines(grid, header) > 50
    assert min(_axes(grid).values()) >= 2


def test_it_draws_meridians_up_to_the_hole_of_a_zpn_image_around_the_south_pole(tmp_path: Path) -> None:
    header = _astropy_header("zpn-hole.hdr")  # ZPN centred on the south pole, with no sky within ~88 px of it
    grid = coordinate_grid(_write(tmp_path, header), hdu=0, plane=0, box=(0, 0, 200, 200))
    assert _check_on_lines(grid, header) > 50
    lons = sorted(line["value"] for line in grid["lines"] if line["axis"] == "lon")
    # Around a pole every longitude is in view.
    assert len(lons) >= 4 and lons[-1] - lons[0] >= 180.0
    for line in grid["lines"]:
        if line["axis"] == "lon":
            ends = np.concatenate([np.asarray(p).reshape(-1, 2)[[0, -1]] for p in line["paths"]])
            assert float(np.hypot(*(ends - 99.5).T).min()) < 90.0, line["label"]


def test_it_draws_meridians_converging_on_the_north_pole(tmp_path: Path) -> None:
    header = tan_header((300.5, 300.5), (45.0, 89.95), 1.0 / 3600)
    header["NAXIS1"], header["NAXIS2"] = 600, 600
    path = _write(tmp_path, header)
    grid = coordinate_grid(path, hdu=0, plane=0, box=(0, 0, 600, 600))
    assert _check_on_lines(grid, header) > 100
    pole = np.array(WCS(header).all_world2pix([[0.0, 90.0]], 0)[0]) + 0.5
    lons = [line for line in grid["lines"] if line["axis"] == "lon"]
    assert len(lons) >= 6
    for line in lons:
        ends = np.concatenate([np.asarray(p).reshape(-1, 2)[[0, -1]] for p in line["paths"]])
        assert float(np.hypot(*(ends - pole).T).min()) < 15.0, line["label"]


def test_it_draws_lines_on_both_sides_of_ra_zero(tmp_path: Path) -> None:
    header = tan_header((500.5, 500.5), (0.02, 10.0), 1.0 / 3600)
    header["NAXIS1"], header["NAXIS2"] = 1000, 1000
    grid = coordinate_grid(_write(tmp_path, header), hdu=0, plane=0, box=(0, 0, 1000, 1000))
    _check_on_lines(grid, header)
    lons = sorted(line["value"] for line in grid["lines"] if line["axis"] == "lon")
    assert 0.0 in lons and any(v > 359.0 for v in lons) and any(0.0 < v < 1.0 for v in lons)
    assert all(line["label"].startswith(("0h", "23h")) for line in grid["lines"] if line["axis"] == "lon")


def test_it_draws_galactic_lines_in_degrees(tmp_path: Path) -> None:
    header = tan_header((200.5, 200.5), (266.4, -28.9), 6.0 / 3600)
    header["NAXIS1"], header["NAXIS2"] = 400, 400
    grid = coordinate_grid(
        _write(tmp_path, header), hdu=0, plane=0, box=(0, 0, 400, 400), system="galactic", fmt="degrees"
    )
    assert _check_on_lines(grid, header) > 50
    assert all(line["label"].endswith("°") for line in grid["lines"])


def test_it_keeps_lines_off_the_gaps_of_a_mosaic_and_off_what_is_outside_the_box(tmp_path: Path) -> None:
    path = tmp_path / "mosaic.fits"
    write_decam_like(path, n_ccds=4, ccd_shape=(256, 128), seed=1)
    grid = coordinate_grid(path, hdu=-1, plane=0, box=(0, 0, 10_000, 10_000))
    assert grid["lines"]
    with fits.open(path) as hdul:
        ccds = [(h.header["DETSEC"], WCS(h.header)) for h in hdul[1:]]
    # Every vertex lies on some CCD's placed data (x0..x1, y0..y1 from DETSEC, 1-based inclusive).
    rects = []
    for detsec, _ in ccds:
        x1, x2, y1, y2 = (int(v) for v in detsec.strip("[]").replace(":", ",").split(","))
        rects.append((min(x1, x2) - 1, max(x1, x2), min(y1, y2) - 1, max(y1, y2)))
    for line in grid["lines"]:
        for path_xy in line["paths"]:
            for x, y in np.asarray(path_xy).reshape(-1, 2):
                assert any(a - 0.01 <= x <= b + 0.01 and c - 0.01 <= y <= d + 0.01 for a, b, c, d in rects)
    small = coordinate_grid(path, hdu=-1, plane=0, box=(10, 10, 60, 60))
    for line in small["lines"]:
        for path_xy in line["paths"]:
            xy = np.asarray(path_xy).reshape(-1, 2)
            assert xy.min() >= 10 - 1e-6 and xy.max() <= 60 + 1e-6


def test_it_says_an_image_without_wcs_has_no_grid(tmp_path: Path) -> None:
    path = tmp_path / "plain.fits"
    fits.PrimaryHDU(np.zeros((50, 60), np.float32)).writeto(path)
    with pytest.raises(ToyzError) as caught:
        coordinate_grid(path, hdu=0, plane=0, box=(0, 0, 60, 50))
    assert caught.value.code == "unsupported"
    assert "no celestial WCS" in caught.value.message


def test_it_refuses_an_empty_box_and_draws_nothing_off_the_image(tmp_path: Path) -> None:
    header = tan_header((50.5, 50.5), (150.0, 30.0), 1.0 / 3600)
    header["NAXIS1"], header["NAXIS2"] = 100, 100
    path = _write(tmp_path, header)
    with pytest.raises(ToyzError) as caught:
        coordinate_grid(path, hdu=0, plane=0, box=(10, 10, 10, 20))
    assert caught.value.code == "bad_params"
    assert coordinate_grid(path, hdu=0, plane=0, box=(500, 500, 600, 600))["lines"] == []


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("lon", 150.0, 15.0, "icrs", "sexagesimal"), "10h"),
        (("lon", 150.125, 0.125, "icrs", "sexagesimal"), "10h00m30s"),
        (("lon", 150.0 + 15 * 1.5 / 3600, 15 * 0.5 / 3600, "icrs", "sexagesimal"), "10h00m01.5s"),
        (("lon", 151.25, 1.25, "icrs", "sexagesimal"), "10h05m"),
        (("lat", -30.5, 0.5, "icrs", "sexagesimal"), "-30°30′"),
        (("lat", 12.0, 1.0, "icrs", "sexagesimal"), "+12°"),
        (("lat", 0.0, 1.0 / 60, "icrs", "sexagesimal"), "0°00′"),
        (("lat", 45.0 + 15.0 / 3600, 5.0 / 3600, "icrs", "sexagesimal"), "+45°00′15″"),
        (("lon", 359.5, 0.5, "galactic", "sexagesimal"), "359°30′"),
        (("lat", 12.25, 0.05, "icrs", "degrees"), "12.25°"),
        (("lon", 370.0, 10.0, "icrs", "degrees"), "10°"),
    ],
)
def test_it_labels_lines_with_only_the_fields_their_step_needs(args: Any, text: str) -> None:
    assert label_text(*args) == text
