"""Table view orders, densities, export, and the guesses of sky and pixel columns."""

from __future__ import annotations

import io

import numpy as np
import pytest
from astropy.io import fits, votable
from astropy.table import Table as AstropyTable

from workers.errors import ToyzError
from workers.sources import column_origin, density, guess_pixel, guess_sky, order, pixel_origin, write_table
from workers.sources.model import ColumnInfo
from workers.sources.store import StoredTable


def _table() -> StoredTable:
    cols = {
        "mag": np.array([3.0, np.nan, 1.0, 3.0, 2.0]),
        "name": np.array(["c", "e", "a", "d", "b"]),
        "id": np.array([10, 11, 12, 13, 14]),
    }
    infos = [
        ColumnInfo("mag", "float", "float64", "mag", "phot.mag", "V magnitude"),
        ColumnInfo("name", "string", "<U1"),
        ColumnInfo("id", "int", "int64"),
    ]
    return StoredTable("t", "cat", 5, infos, [], "csv", cols)


def test_order_sorts_with_nan_last_both_ways_and_ties_in_file_order():
    t = _table()
    assert order(t, "mag", False, None).tolist() == [2, 4, 0, 3, 1]
    assert order(t, "mag", True, None).tolist() == [0, 3, 4, 2, 1]
    assert order(t, "name", False, None).tolist() == [2, 4, 0, 3, 1]
    assert order(t, "-id", False, "mag > 1.5").tolist() == [4, 3, 0]
    assert order(t, None, False, None).tolist() == [0, 1, 2, 3, 4]


def test_density_matches_numpy_histogram2d_and_counts_selected_points():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=100_000), rng.normal(size=100_000)
    counts = density(x, y, bins=(20, 10), ranges=((-2, 2), (-1, 3)))
    want, _, _ = np.histogram2d(y, x, bins=(10, 20), range=((-1, 3), (-2, 2)))
    np.testing.assert_array_equal(counts, want)
    mask = x > 0
    assert density(x, y, bins=(20, 10), ranges=((-2, 2), (-1, 3)), mask=mask).sum() == want[:, 10:].sum()
    logged = density(
        np.array([1.0, 10.0, -1.0]), np.array([1.0, 1.0, 1.0]), bins=(2, 1), ranges=((0, 2), (0, 2)), xscale="log"
    )
    assert logged.tolist() == [[1, 1]]
    with pytest.raises(ToyzError):
        density(x, y, bins=(0, 10))


@pytest.mark.parametrize("fmt", ["csv", "fits", "votable"])
def test_export_keeps_the_rows_order_and_units_ucds_descriptions(fmt):
    out = io.BytesIO()
    write_table(_table(), np.array([4, 0]), ["mag", "name"], fmt, out)
    out.seek(0)
    if fmt == "csv":
        assert out.read().decode().splitlines() == ["mag,name", "2.0,b", "3.0,c"]
        return
    if fmt == "fits":
        hdu = fits.open(out)[1]
        assert hdu.header["TUCD1"] == "phot.mag" and hdu.header["TCOMM1"] == "V magnitude"
        got = AstropyTable.read(hdu)
    else:
        vt = votable.parse(out).get_first_table()
        assert vt.fields[0].ucd == "phot.mag" and vt.fields[0].description == "V magnitude"
        got = vt.to_table()
    assert str(got["mag"].unit) == "mag"
    assert list(got["mag"]) == [2.0, 3.0] and list(got["name"]) == ["b", "c"]


def _cols(*names: str, ucds: dict[str, str] | None = None) -> list[ColumnInfo]:
    ucds = ucds or {}
    return [ColumnInfo(n, "float", "float64", ucd=ucds.get(n)) for n in names]


def test_sky_columns_are_found_by_ucd_first_then_by_name():
    assert guess_sky(_cols("a", "b", ucds={"a": "pos.eq.ra;meta.main", "b": "pos.eq.dec;meta.main"})) == ("a", "b")
    assert guess_sky(_cols("ALPHA_J2000", "DELTA_J2000")) == ("ALPHA_J2000", "DELTA_J2000")
    assert guess_sky(_cols("RAJ2000", "DEJ2000", "ra_deg")) == ("RAJ2000", "DEJ2000")
    assert guess_sky(_cols("x", "y")) is None


def test_pixel_columns_and_their_origin():
    assert guess_pixel(_cols("X_IMAGE", "Y_IMAGE")) == ("X_IMAGE", "Y_IMAGE")
    assert guess_pixel(_cols("xcentroid", "ycentroid", "x", "y")) == ("xcentroid", "ycentroid")
    assert pixel_origin("X_IMAGE") == 1 and pixel_origin("xcentroid") == 0
    assert guess_pixel(_cols("ra", "dec")) is None


def test_columns_that_declare_viewer_coordinates_come_first_and_keep_their_origin():
    said = "viewer x (pixel origin 0.5: the first pixel's centre)"
    columns = [
        ColumnInfo("x", "float", "float64", "pix", None, said),
        ColumnInfo("y", "float", "float64", "pix", None, "viewer y (pixel origin 0.5)"),
        ColumnInfo("x_image", "float", "float64", "pix", None, "FITS (pixel origin 1)"),
        ColumnInfo("y_image", "float", "float64", "pix", None, "FITS (pixel origin 1)"),
    ]
    assert guess_pixel(columns) == ("x", "y")
    assert column_origin(columns, "x") == "viewer" and column_origin(columns, "x_image") == 1
    # Undeclared: by name, as before (0 for x, 1 for X_IMAGE); "pixel origin 0.75" declares nothing.
    plain = [ColumnInfo("x", "float", "float64", None, None, "pixel origin 0.75"), *columns[2:]]
    assert column_origin(plain, "x") == 0 and guess_pixel([*plain, columns[1]]) == ("x_image", "y_image")
