"""Catalogues on the image: RA/Dec and pixel columns to viewer coordinates, on one HDU and on the mosaic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.wcs import WCS

from workers.errors import ToyzError
from workers.imaging import pixel_at
from workers.imaging.project import pixels_to_viewer, world_to_viewer
from workers.imaging.synthetic import decam_like_stars, tan_header, write_decam_like

CCD_SHAPE = (256, 128)
N_CCDS = 4


@pytest.fixture
def decam(tmp_path: Path) -> Path:
    return write_decam_like(tmp_path / "decam.fits", n_ccds=N_CCDS, ccd_shape=CCD_SHAPE, seed=4)


@pytest.fixture
def stars() -> dict[str, np.ndarray]:
    return decam_like_stars(n_ccds=N_CCDS, ccd_shape=CCD_SHAPE, seed=4)


def ccd_boxes(path: Path) -> list[tuple[int, int]]:
    """The (x0, y0) of each CCD on the focal plane, from its DETSEC (0-based)."""
    with fits.open(path) as hdul:
        return [
            tuple(int(v) - 1 for v in h.header["DETSEC"].strip("[]").replace(",", ":").split(":")[::2])  # type: ignore[misc]
            for h in hdul[1:]
        ]


def on_ccd(stars: dict[str, np.ndarray], x0: int, y0: int) -> np.ndarray:
    """Which stars' centres fall on the CCD at (x0, y0): its pixels cover [x0 - 0.5, x0 + w - 0.5) in centre terms."""
    h, w = CCD_SHAPE
    x, y = stars["x"] + 0.5, stars["y"] + 0.5
    return (x >= x0) & (x < x0 + w) & (y >= y0) & (y < y0 + h)


def test_a_catalogue_lands_on_the_right_ccd_at_the_right_pixel_of_the_mosaic(decam, stars):
    placed = world_to_viewer(decam, hdu=-1, plane=0, ra=stars["ra"], dec=stars["dec"])
    anywhere = np.zeros(stars["x"].size, bool)
    for x0, y0 in ccd_boxes(decam):
        anywhere |= on_ccd(stars, x0, y0)
    assert anywhere.sum() > 20 and (~anywhere).sum() > 0  # some stars fall in the gaps
    np.testing.assert_allclose(placed.x[anywhere], stars["x"][anywhere] + 0.5, atol=1e-3)
    np.testing.assert_allclose(placed.y[anywhere], stars["y"][anywhere] + 0.5, atol=1e-3)
    assert np.all(np.isnan(placed.x[~anywhere])) and placed.inside == anywhere.sum()
    # The mosaic's own readout at each placed point names a CCD and gives back the star's sky position.
    for i in np.flatnonzero(anywhere)[:12]:
        got = pixel_at(decam, hdu=-1, plane=0, x=float(placed.x[i]), y=float(placed.y[i]))
        assert got["ccd"] is not None
        assert abs(got["ra"] - stars["ra"][i]) * 3600 < 0.2 and abs(got["dec"] - stars["dec"][i]) * 3600 < 0.2


def test_a_single_ccd_places_only_its_own_stars(decam, stars):
    x0, y0 = ccd_boxes(decam)[1]
    placed = world_to_viewer(decam, hdu=2, plane=0, ra=stars["ra"], dec=stars["dec"])
    mine = on_ccd(stars, x0, y0)
    np.testing.assert_allclose(placed.x[mine], stars["x"][mine] - x0 + 0.5, atol=1e-3)
    np.testing.assert_allclose(placed.y[mine], stars["y"][mine] - y0 + 0.5, atol=1e-3)
    assert np.all(np.isnan(placed.x[~mine])) and np.all(np.isnan(placed.y[~mine]))


def flip_ccds(decam: Path, target: Path, *, by_detsec: bool) -> Path:
    """Every other CCD stored mirrored on both axes, with a WCS that says so; placed by DETSEC or by WCS."""
    h, w = CCD_SHAPE
    with fits.open(decam) as hdul:
        out = [fits.PrimaryHDU(header=hdul[0].header)]
        for n, hdu in enumerate(hdul[1:]):
            header, data = hdu.header.copy(), hdu.data
            x0, y0 = ccd_boxes(decam)[n]
            if n % 2:
                data = data[::-1, ::-1]
                header["CRPIX1"], header["CRPIX2"] = w + 1 - header["CRPIX1"], h + 1 - header["CRPIX2"]
                header["CDELT1"], header["CDELT2"] = -header["CDELT1"], -header["CDELT2"]
                header["DETSEC"] = f"[{x0 + w}:{x0 + 1},{y0 + h}:{y0 + 1}]"
            if not by_detsec:
                header.remove("DETSEC")
            out.append(fits.ImageHDU(data, header))
        fits.HDUList(out).writeto(target)
    return target


@pytest.mark.parametrize("by_detsec", [True, False], ids=["detsec", "wcs"])
def test_flipped_ccds_put_the_stars_where_the_unflipped_ones_do(decam, stars, tmp_path, by_detsec):
    flipped = flip_ccds(decam, tmp_path / "flipped.fits", by_detsec=by_detsec)
    plain = world_to_viewer(decam, hdu=-1, plane=0, ra=stars["ra"], dec=stars["dec"])
    placed = world_to_viewer(flipped, hdu=-1, plane=0, ra=stars["ra"], dec=stars["dec"])
    both = np.isfinite(plain.x)
    np.testing.assert_allclose(placed.x[both], plain.x[both], atol=1e-3)
    np.testing.assert_allclose(placed.y[both], plain.y[both], atol=1e-3)
    assert placed.inside == plain.inside
    for i in np.flatnonzero(both)[:12]:
        got = pixel_at(flipped, hdu=-1, plane=0, x=float(placed.x[i]), y=float(placed.y[i]))
        assert abs(got["ra"] - stars["ra"][i]) * 3600 < 0.2 and abs(got["dec"] - stars["dec"][i]) * 3600 < 0.2


def rotated_image(path: Path, *, angle_deg: float, shape=(120, 200), galactic: bool = False) -> WCS:
    header = fits.Header()
    c, s = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    scale = 1.0 / 3600
    header.update(
        CTYPE1="GLON-TAN" if galactic else "RA---TAN", CTYPE2="GLAT-TAN" if galactic else "DEC--TAN",
        CRPIX1=80.3, CRPIX2=40.7, CRVAL1=359.99 if galactic else 0.01, CRVAL2=-30.0,
        CD1_1=-scale * c, CD1_2=scale * s, CD2_1=scale * s, CD2_2=scale * c,
    )  # fmt: skip
    fits.PrimaryHDU(np.zeros(shape, np.float32), header).writeto(path)
    return WCS(header)


@pytest.mark.parametrize("galactic", [False, True], ids=["equatorial", "galactic"])
def test_a_rotated_wcs_places_rows_as_astropy_does_and_rows_off_the_image_are_nan(tmp_path, galactic):
    path = tmp_path / "rotated.fits"
    wcs = rotated_image(path, angle_deg=33.0, galactic=galactic)
    rng = np.random.default_rng(3)
    # Pixels on the image and a margin around it, across RA 0/360 for the equatorial one.
    px, py = rng.uniform(-50, 250, 400), rng.uniform(-50, 170, 400)
    lon, lat = wcs.all_pix2world(px, py, 0)
    coord = SkyCoord(lon, lat, unit="deg", frame="galactic" if galactic else "icrs").icrs
    placed = world_to_viewer(path, hdu=0, plane=0, ra=coord.ra.deg, dec=coord.dec.deg)
    inside = (px + 0.5 >= 0) & (px + 0.5 < 200) & (py + 0.5 >= 0) & (py + 0.5 < 120)
    np.testing.assert_allclose(placed.x[inside], px[inside] + 0.5, atol=1e-4)
    np.testing.assert_allclose(placed.y[inside], py[inside] + 0.5, atol=1e-4)
    assert np.all(np.isnan(placed.x[~inside])) and np.all(np.isnan(placed.y[~inside]))


def test_rows_without_a_position_or_far_away_are_nan(tmp_path):
    path = tmp_path / "rotated.fits"
    rotated_image(path, angle_deg=10.0)
    ra = [0.01, np.nan, 0.01, 180.01, 0.01, np.inf]
    dec = [-30.0, -30.0, np.nan, 30.0, 95.0, -30.0]
    placed = world_to_viewer(path, hdu=0, plane=0, ra=ra, dec=dec)
    assert np.isfinite(placed.x[0]) and np.all(np.isnan(placed.x[1:])) and placed.inside == 1
    assert placed.pairs().dtype == np.dtype("<f4") and placed.pairs().size == 12
    empty = world_to_viewer(path, hdu=0, plane=0, ra=[], dec=[])
    assert empty.x.size == 0 and empty.inside == 0


def test_bad_input_gets_a_sentence(tmp_path):
    plain = tmp_path / "plain.fits"
    fits.PrimaryHDU(np.zeros((10, 10), np.float32)).writeto(plain)
    with pytest.raises(ToyzError) as no_wcs:
        world_to_viewer(plain, hdu=0, plane=0, ra=[1.0], dec=[2.0])
    assert no_wcs.value.code == "unsupported" and "pixel columns" in no_wcs.value.message
    path = tmp_path / "rotated.fits"
    rotated_image(path, angle_deg=0.0)
    with pytest.raises(ToyzError) as lengths:
        world_to_viewer(path, hdu=0, plane=0, ra=[1.0, 2.0], dec=[2.0])
    assert lengths.value.code == "bad_params" and "as many values" in lengths.value.message
    with pytest.raises(ToyzError) as words:
        world_to_viewer(path, hdu=0, plane=0, ra=["north"], dec=[2.0])
    assert words.value.code == "bad_params"
    with pytest.raises(ToyzError) as origin:
        pixels_to_viewer(path, hdu=0, plane=0, x=[1.0], y=[1.0], pixel_origin=2)  # type: ignore[arg-type]
    assert origin.value.code == "bad_params"
    with pytest.raises(ToyzError) as hdu:
        world_to_viewer(path, hdu=-1, plane=0, ra=[1.0], dec=[2.0])
    assert hdu.value.code == "bad_hdu"


@pytest.mark.parametrize(("origin", "centre"), [(0, 0.0), (1, 1.0), ("viewer", 0.5)])
def test_pixel_columns_pass_through_with_their_origin(tmp_path, origin, centre):
    path = tmp_path / "plain.fits"
    fits.PrimaryHDU(np.zeros((30, 50), np.float32)).writeto(path)
    # The first pixel's centre, the last pixel's centre, one just off each edge, NaN.
    x = np.array([0, 49, -0.6, 49.6, np.nan]) + centre
    y = np.array([0, 29, 0, 0, 1.0]) + centre
    placed = pixels_to_viewer(path, hdu=0, plane=0, x=x, y=y, pixel_origin=origin)
    np.testing.assert_array_equal(placed.x[:2], [0.5, 49.5])
    np.testing.assert_array_equal(placed.y[:2], [0.5, 29.5])
    assert np.all(np.isnan(placed.x[2:])) and placed.inside == 2


def test_the_mosaic_takes_pixel_columns_in_its_own_frame(decam):
    placed = pixels_to_viewer(decam, hdu=-1, plane=0, x=[10.0, 1e6], y=[20.0, 20.0], pixel_origin=1)
    assert placed.x[0] == 9.5 and placed.y[0] == 19.5 and np.isnan(placed.x[1])


def test_a_tan_header_image_round_trips_with_the_readout(tmp_path):
    path = tmp_path / "field.fits"
    fits.PrimaryHDU(np.zeros((100, 100), np.float32), tan_header((50.5, 50.5), (250.4, 36.4), 1 / 3600)).writeto(path)
    got = pixel_at(path, hdu=0, plane=0, x=12.25, y=80.75)
    placed = world_to_viewer(path, hdu=0, plane=0, ra=[got["ra"]], dec=[got["dec"]])
    np.testing.assert_allclose([placed.x[0], placed.y[0]], [12.25, 80.75], atol=1e-6)
