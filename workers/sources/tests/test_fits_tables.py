"""FITS binary and ASCII tables: lazy pread reads match astropy; TNULL, scaling, logicals, vectors, damage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits
from astropy.table import Table as AstropyTable

from workers.errors import ToyzError
from workers.sources import list_tables, open_table

from .conftest import FITS_DATA


def _astropy_column(path: Path, hdu: int, name: str) -> Any:
    return AstropyTable.read(path, hdu=hdu)[name]


@pytest.mark.parametrize("name", ["table.fits", "btable.fits", "tb.fits", "tdim.fits", "logical_null.fits"])
def test_shipped_fits_tables_read_as_astropy_reads_them(name, cache):
    path = FITS_DATA / name
    tables = list_tables(path)
    assert tables
    with fits.open(path) as hdul:
        hdus = [i for i, h in enumerate(hdul) if isinstance(h, (fits.BinTableHDU, fits.TableHDU))]
    for info, hdu in zip(tables, hdus, strict=True):
        table = open_table(path, info.index, cache_dir=cache)
        assert table.rows == info.rows
        for col in table.columns:
            expected = _astropy_column(path, hdu, col.name)
            got = table.take(col.name, np.arange(table.rows))
            if col.kind == "string":
                assert [str(v).rstrip() for v in np.ma.filled(expected, "").reshape(-1)] == list(got.reshape(-1))
            elif col.kind in ("float", "int"):
                want = np.ma.filled(np.ma.asarray(expected, dtype=np.float64), np.nan)
                np.testing.assert_allclose(got.astype(np.float64).reshape(want.shape), want, equal_nan=True)
            elif col.kind == "bool":
                assert got.reshape(-1).tolist() == np.ma.filled(expected, False).reshape(-1).tolist()


def test_an_ascii_table_reads_numbers_with_d_exponents_and_tnull_as_nan(cache):
    # astropy 8 itself fails on this shipped file (a string TNULL on a float column).
    table = open_table(FITS_DATA / "ascii.fits", 0, cache_dir=cache)
    np.testing.assert_allclose(table.column("a"), [10.123, 5.2, 15.61, np.nan, 345.0])
    np.testing.assert_allclose(table.column("b"), [37, 23, 17, np.nan, 345])
    assert [c.unit for c in table.columns] == ["pixels", "counts"]
    assert table.columns[0].description == "label for field   1"


def test_vector_columns_are_listed_with_their_shape_but_not_plottable(tmp_path, cache):
    path = _write(tmp_path / "v.fits", [fits.Column(name="v", format="6E", dim="(3,2)", array=np.ones((4, 2, 3)))])
    table = open_table(path, 0, cache_dir=cache)
    assert table.columns[0].shape == (2, 3)
    assert table.take("v", np.array([1, 2])).shape == (2, 2, 3)
    vectors = [c for c in table.columns if c.shape]
    assert vectors and not any(c.plottable for c in vectors)
    with pytest.raises(ToyzError) as err:
        table.column(vectors[0].name)
    assert err.value.code == "unsupported"


def _write(path: Path, columns: list[Any], header: dict[str, Any] | None = None) -> Path:
    hdu = fits.BinTableHDU.from_columns(columns)
    for key, value in (header or {}).items():
        hdu.header[key] = value
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    return path


def test_tnull_integers_become_float_nan_and_units_ucds_descriptions_are_kept(tmp_path, cache):
    path = _write(
        tmp_path / "t.fits",
        [
            fits.Column(name="id", format="J", null=-1, array=np.array([1, -1, 3])),
            fits.Column(name="mag", format="E", unit="mag", array=np.array([1.5, np.nan, 2.5])),
        ],
        {"TUCD2": "phot.mag;em.opt.V", "TCOMM2": "V magnitude"},
    )
    table = open_table(path, 0, cache_dir=cache)
    ident, mag = table.columns
    assert (ident.kind, ident.dtype) == ("int", "float64")
    np.testing.assert_array_equal(table.column("id"), [1, np.nan, 3])
    assert (mag.unit, mag.ucd, mag.description, mag.dtype) == ("mag", "phot.mag;em.opt.V", "V magnitude", "float32")


def test_unsigned_and_scaled_integers_follow_tzero_and_tscal(tmp_path, cache):
    path = _write(
        tmp_path / "u.fits",
        [
            fits.Column(name="u16", format="I", bzero=32768, array=np.array([0, 65535], dtype=np.uint16)),
            fits.Column(name="scaled", format="I", array=np.array([0, 2], dtype=np.int16)),
            fits.Column(name="flag", format="L", array=np.array([True, False])),
        ],
        {"TSCAL2": 0.5, "TZERO2": 10.0},
    )
    table = open_table(path, 0, cache_dir=cache)
    assert table.column("u16").dtype == np.uint16
    assert table.column("u16").tolist() == [0, 65535]
    np.testing.assert_allclose(table.column("scaled"), [10.0, 11.0])
    assert table.column("flag").tolist() == [True, False]


def test_a_table_claiming_a_hundred_million_rows_is_refused_without_reading(tmp_path, cache):
    header = fits.BinTableHDU.from_columns([fits.Column(name="x", format="D", array=np.zeros(1))]).header
    header["NAXIS2"] = 100_000_000
    path = tmp_path / "huge.fits"
    with path.open("wb") as fh:
        fh.write(fits.PrimaryHDU().header.tostring().encode())
        fh.write(header.tostring().encode())
    # Truncated: the header promises 800 MB that are not there.
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "unreadable" and "truncated" in err.value.message
    # Sparse: the file has the size, but more rows than Toyz opens.
    with path.open("r+b") as fh:
        fh.truncate(path.stat().st_size + 8 * 100_000_000 + 2880)
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "too_large" and "100,000,000 rows" in err.value.message


def test_a_file_truncated_after_opening_gives_unreadable_not_a_crash(tmp_path, cache):
    path = _write(tmp_path / "t.fits", [fits.Column(name="x", format="D", array=np.arange(100_000.0))])
    table = open_table(path, 0, cache_dir=cache)
    with path.open("r+b") as fh:
        fh.truncate(10_000)
    with pytest.raises(ToyzError) as err:
        table.column("x")
    assert err.value.code == "unreadable"


def test_an_image_only_fits_file_has_no_table(tmp_path, cache):
    path = tmp_path / "image.fits"
    fits.PrimaryHDU(np.zeros((4, 4))).writeto(path)
    assert list_tables(path) == []
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "bad_table"


def test_a_million_row_table_reads_one_column_and_takes_scattered_rows(tmp_path, cache):
    n = 1_000_000
    rng = np.random.default_rng(1)
    x = rng.normal(size=n)
    path = _write(
        tmp_path / "big.fits",
        [fits.Column(name="x", format="D", array=x), fits.Column(name="y", format="E", array=x.astype(np.float32))],
    )
    table = open_table(path, 0, cache_dir=cache)
    np.testing.assert_array_equal(table.column("x"), x)
    rows = rng.integers(0, n, 10_000)
    np.testing.assert_array_equal(table.take("y", rows), x.astype(np.float32)[rows])
    np.testing.assert_array_equal(table.take("x", np.array([5, 3, 4])), x[[5, 3, 4]])


def test_every_table_hdu_is_listed_with_its_name(tmp_path):
    path = tmp_path / "two.fits"
    a = fits.BinTableHDU.from_columns([fits.Column(name="a", format="D", array=np.zeros(3))], name="FIRST")
    b = fits.BinTableHDU.from_columns([fits.Column(name="b", format="J", array=np.zeros(5))], name="SECOND")
    fits.HDUList([fits.PrimaryHDU(np.zeros((2, 2))), a, fits.ImageHDU(np.zeros(3)), b]).writeto(path)
    assert [(t.index, t.name, t.rows, t.columns) for t in list_tables(path)] == [
        (0, "FIRST", 3, 1),
        (1, "SECOND", 5, 1),
    ]
