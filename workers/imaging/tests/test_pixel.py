"""pixel_at(): values, inside/outside, and sky positions against astropy directly."""

from __future__ import annotations

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.wcs import WCS
from PIL import Image

from workers.errors import ToyzError
from workers.imaging import pixel_at
from workers.imaging.synthetic import tan_header


def test_values_come_from_level_0_with_the_pixel_convention(write_fits):
    data = np.arange(30 * 40, dtype=np.float64).reshape(30, 40) * 1.000001
    path = write_fits("ramp.fits", data)
    got = pixel_at(path, hdu=0, plane=0, x=12.99, y=7.01)
    assert (got["col"], got["row"], got["inside"]) == (12, 7, True)
    assert got["value"] == pytest.approx(data[7, 12], rel=1e-12)  # full precision, not float32
    assert got["ra"] is None and got["dec"] is None and got["world"] is None


@pytest.mark.parametrize(("x", "y"), [(-0.01, 5), (40.0, 5), (5, -3), (5, 30.0)])
def test_points_outside_the_image_have_no_value(write_fits, x, y):
    path = write_fits("ramp.fits", np.ones((30, 40), np.float32))
    got = pixel_at(path, hdu=0, plane=0, x=x, y=y)
    assert got["inside"] is False and got["value"] is None


def test_nan_pixels_have_no_value_and_bad_coordinates_are_refused(write_fits):
    data = np.ones((5, 5), np.float32)
    data[2, 3] = np.nan
    path = write_fits("nan.fits", data)
    assert pixel_at(path, hdu=0, plane=0, x=3.5, y=2.5)["value"] is None
    with pytest.raises(ToyzError) as err:
        pixel_at(path, hdu=0, plane=0, x=float("nan"), y=1)
    assert err.value.code == "bad_params"


def test_sky_positions_match_astropy(astropy_compressed):
    path = astropy_compressed / "m13_rice.fits"
    with fits.open(path) as hdul:
        wcs = WCS(hdul[1].header)
        data = hdul[1].data
    got = pixel_at(path, hdu=1, plane=0, x=150.5, y=20.25)
    ra, dec = wcs.all_pix2world([[150.0, 19.75]], 0)[0]  # viewer (x, y) is astropy (x-0.5, y-0.5)
    assert got["ra"] == pytest.approx(ra, abs=1e-9) and got["dec"] == pytest.approx(dec, abs=1e-9)
    assert got["value"] == data[20, 150]
    expected = SkyCoord(ra, dec, unit="deg").to_string("hmsdms", sep=":", precision=0)
    world = got["world"]
    assert world is not None
    assert world.split()[1] == expected.split()[1]
    assert world.startswith(expected.split()[0][:6])


def test_world_strings_are_sexagesimal():
    from workers.imaging.pixel import sexagesimal

    assert sexagesimal(205.4541667, 36.4569444) == "13:41:49.0 +36:27:25"
    assert sexagesimal(359.99999999, -0.00001) == "00:00:00.0 +00:00:00"
    assert sexagesimal(10.0, -5.5) == "00:40:00.0 -05:30:00"
    assert sexagesimal(359.99, -89.99999) == "23:59:57.6 -90:00:00"


def test_galactic_axes_are_reported_as_equatorial(write_fits):
    header = fits.Header(
        {
            "CTYPE1": "GLON-CAR", "CTYPE2": "GLAT-CAR", "CRPIX1": 10.5, "CRPIX2": 10.5,
            "CRVAL1": 30.0, "CRVAL2": 0.0, "CDELT1": -0.01, "CDELT2": 0.01,
        }
    )  # fmt: skip
    path = write_fits("gal.fits", np.ones((20, 20), np.float32), header)
    got = pixel_at(path, hdu=0, plane=0, x=10.0, y=10.0)
    expected = SkyCoord(30.0, 0.0, unit="deg", frame="galactic").icrs
    assert got["ra"] == pytest.approx(expected.ra.deg, abs=1e-6)
    assert got["dec"] == pytest.approx(expected.dec.deg, abs=1e-6)


def test_cubes_read_the_chosen_plane_and_keep_their_sky_axes(write_fits):
    header = tan_header((5.5, 5.5), (250.42, 36.46), 0.001)
    header["CTYPE3"], header["CRVAL3"], header["CDELT3"], header["CRPIX3"] = "FREQ", 1e9, 1e6, 1.0
    cube = np.stack([np.full((10, 10), k, np.float32) for k in range(3)])
    path = write_fits("cube.fits", cube, header)
    got = pixel_at(path, hdu=0, plane=2, x=5.0, y=5.0)
    assert got["value"] == 2.0
    assert got["ra"] == pytest.approx(250.42, abs=1e-9) and got["dec"] == pytest.approx(36.46, abs=1e-9)


def test_broken_wcs_means_no_sky_position(write_fits):
    header = fits.Header({"CTYPE1": "RA---XYZ", "CTYPE2": "DEC--XYZ", "CRVAL1": 1.0, "CRVAL2": 2.0})
    path = write_fits("broken.fits", np.ones((5, 5), np.float32), header)
    got = pixel_at(path, hdu=0, plane=0, x=1, y=1)
    assert got["value"] == 1.0 and got["ra"] is None and got["world"] is None


def test_colour_pictures_give_one_value_per_band_with_y_up(tmp_path, cache_dir):
    picture = np.zeros((10, 20, 3), np.uint8)
    picture[0, 0] = [255, 128, 7]  # top-left of the picture file = highest y
    path = tmp_path / "photo.png"
    Image.fromarray(picture).save(path)
    assert pixel_at(path, hdu=0, plane=0, x=0.5, y=9.5, cache_dir=cache_dir)["value"] == [255.0, 128.0, 7.0]
    assert pixel_at(path, hdu=0, plane=0, x=0.5, y=9.5)["value"] == [255.0, 128.0, 7.0]
    assert pixel_at(path, hdu=0, plane=0, x=0.5, y=0.5)["value"] == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (np.array([[1 + 2.0**-40, 3.0]]), 1 + 2.0**-40),  # float64 beyond float32
        (np.array([[2**31 - 1, 0]], np.int32), 2**31 - 1),
        (np.array([[2**32 - 1, 0]], np.uint32), 2**32 - 1),  # stored as int32 with BZERO = 2**31
        (np.array([[2**62 + 1, 0]], np.int64), 2**62 + 1),
        (np.array([[65535, 0]], np.uint16), 65535),
    ],
)
def test_pixel_values_are_exact_in_their_own_type(write_fits, cache_dir, values, expected):
    from workers.imaging import raw_tile

    path = write_fits("exact.fits", values)
    as_float32 = np.float32(expected)
    got = pixel_at(path, hdu=0, plane=0, x=0.5, y=0.5)["value"]
    assert got == expected and type(got) is type(expected)
    # Raw tiles are float32, documented as rounded.
    raw = np.frombuffer(raw_tile(path, hdu=0, plane=0, level=0, x=0, y=0, cache_dir=cache_dir), "<f4")
    assert raw[255 * 256] == as_float32


def test_blank_integers_have_no_value(tmp_path):
    raw = np.array([[5, -32768]], ">i2")
    cards = [("SIMPLE", True), ("BITPIX", 16), ("NAXIS", 2), ("NAXIS1", 2), ("NAXIS2", 1)]
    header = fits.Header([*cards, ("BSCALE", 0.5), ("BZERO", 1.0), ("BLANK", -32768)])
    path = tmp_path / "blank.fits"
    path.write_bytes(header.tostring().encode() + raw.tobytes().ljust(2880, b"\0"))
    assert pixel_at(path, hdu=0, plane=0, x=0.5, y=0.5)["value"] == 3.5
    assert pixel_at(path, hdu=0, plane=0, x=1.5, y=0.5)["value"] is None
