"""Every table format: VOTable, ECSV, IPAC, Parquet, Feather, HDF5, .npy, .npz, and the column store."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from astropy import units as u
from astropy.table import Table as AstropyTable

from workers.errors import ToyzError
from workers.sources import clear_open_tables, guess_sky, is_table_file, list_tables, open_table

from .conftest import ASCII_DATA, VOTABLE_DATA


def _catalogue() -> AstropyTable:
    t = AstropyTable()
    t["ra"] = np.array([10.0, 20.0, 30.0]) * u.deg
    t["dec"] = np.array([-1.0, 0.0, 1.0]) * u.deg
    t["mag"] = np.ma.MaskedArray([15.0, 16.0, 17.0], mask=[False, True, False])
    t["n"] = np.ma.MaskedArray([1, 2, 3], mask=[False, False, True])
    t["name"] = ["a", "bb", "ccc"]
    t["ra"].description = "Right ascension"
    t["ra"].meta["ucd"] = "pos.eq.ra;meta.main"
    return t


def test_a_shipped_votable_keeps_units_and_ucds(cache):
    path = VOTABLE_DATA / "irsa-nph-m31.xml"
    infos = list_tables(path)
    table = open_table(path, 0, cache_dir=cache)
    assert table.rows == infos[0].rows > 0
    assert any(c.ucd for c in table.columns)
    assert any(c.unit for c in table.columns)
    assert guess_sky(table.columns) == ("ra", "dec")  # by its UCD1s POS_EQ_RA_MAIN / POS_EQ_DEC_MAIN
    numeric = next(c for c in table.columns if c.kind == "float")
    assert len(table.column(numeric.name)) == table.rows


def test_a_votable_with_masked_values_serves_nan_and_empty_strings(cache):
    table = open_table(VOTABLE_DATA / "binary2_masked_strings.xml", 0, cache_dir=cache)
    for col in table.columns:
        values = table.take(col.name, np.arange(table.rows))
        assert len(values) == table.rows


def test_an_empty_votable_table_opens_with_zero_rows(cache):
    table = open_table(VOTABLE_DATA / "empty_table.xml", 0, cache_dir=cache)
    assert table.rows == 0
    for col in table.columns:
        if col.plottable:
            assert len(table.column(col.name)) == 0


def test_ecsv_keeps_units_descriptions_and_masks(tmp_path, cache):
    path = tmp_path / "cat.ecsv"
    _catalogue().write(path)
    table = open_table(path, 0, cache_dir=cache)
    ra = table.columns[0]
    assert (ra.unit, ra.description, ra.ucd) == ("deg", "Right ascension", "pos.eq.ra;meta.main")
    np.testing.assert_array_equal(table.column("mag"), [15.0, np.nan, 17.0])
    np.testing.assert_array_equal(table.column("n"), [1, 2, np.nan])
    assert table.column("name").tolist() == ["a", "bb", "ccc"]
    assert list_tables(path)[0].rows == 3


def test_the_shipped_ecsv_with_subtypes_opens(cache):
    table = open_table(ASCII_DATA / "subtypes.ecsv", 0, cache_dir=cache)
    assert table.rows > 0 and table.columns


def test_an_ipac_table_is_recognised_by_its_content_even_named_dat(tmp_path, cache):
    path = tmp_path / "ipac.dat"
    shutil.copy(ASCII_DATA / "ipac.dat", path)
    table = open_table(path, 0, cache_dir=cache)
    assert table.format == "ipac" and table.rows > 0
    assert any(c.unit for c in table.columns)


@pytest.mark.parametrize("suffix", [".parquet", ".feather"])
def test_arrow_files_read_one_column_with_astropy_units(tmp_path, cache, suffix):
    path = tmp_path / f"cat{suffix}"
    t = _catalogue()
    if suffix == ".parquet":
        t.write(path, format="parquet")
    else:
        import pyarrow as pa
        import pyarrow.feather as feather

        feather.write_feather(
            pa.table({"ra": [10.0, 20.0, 30.0], "n": pa.array([1, None, 3]), "name": ["a", None, "c"]}), path
        )
    table = open_table(path, 0, cache_dir=cache)
    assert table.rows == 3
    np.testing.assert_array_equal(table.column("ra"), [10.0, 20.0, 30.0])
    if suffix == ".parquet":
        assert table.columns[0].unit == "deg" and table.columns[0].description == "Right ascension"
        np.testing.assert_array_equal(table.column("mag"), [15.0, np.nan, 17.0])
    else:
        assert table.columns[1].dtype == "float64"
        np.testing.assert_array_equal(table.column("n"), [1, np.nan, 3])
        assert table.take("name", np.array([1, 2])).tolist() == ["", "c"]


def test_hdf5_tables_written_by_astropy_keep_their_units(tmp_path, cache):
    path = tmp_path / "cat.h5"
    _catalogue().write(path, path="data/cat", serialize_meta=True)
    infos = list_tables(path)
    assert [(i.name, i.rows) for i in infos] == [("data/cat", 3)]
    table = open_table(path, 0, cache_dir=cache)
    assert table.columns[0].unit == "deg"
    np.testing.assert_array_equal(table.column("dec"), [-1.0, 0.0, 1.0])


def test_npy_record_arrays_and_plain_2d_arrays(tmp_path, cache):
    rec = np.zeros(4, dtype=[("x", ">f8"), ("flag", "?"), ("label", "U3")])
    rec["x"] = [1, 2, 3, 4]
    rec["label"] = ["a", "b", "c", "d"]
    np.save(tmp_path / "rec.npy", rec)
    table = open_table(tmp_path / "rec.npy", 0, cache_dir=cache)
    assert [c.name for c in table.columns] == ["x", "flag", "label"]
    np.testing.assert_array_equal(table.column("x"), [1, 2, 3, 4])
    assert table.column("label").tolist() == ["a", "b", "c", "d"]
    np.save(tmp_path / "plain.npy", np.arange(12.0).reshape(4, 3))
    plain = open_table(tmp_path / "plain.npy", 0, cache_dir=cache)
    assert [c.name for c in plain.columns] == ["col0", "col1", "col2"]
    np.testing.assert_array_equal(plain.column("col2"), [2, 5, 8, 11])


def test_npz_of_equal_length_arrays_is_one_table_and_of_records_one_per_array(tmp_path, cache):
    np.savez(tmp_path / "cols.npz", ra=np.arange(5.0), dec=np.arange(5.0) + 1)
    assert [(i.name, i.rows, i.columns) for i in list_tables(tmp_path / "cols.npz")] == [("arrays", 5, 2)]
    table = open_table(tmp_path / "cols.npz", 0, cache_dir=cache)
    np.testing.assert_array_equal(table.column("dec"), np.arange(5.0) + 1)
    np.savez(tmp_path / "two.npz", a=np.zeros((3, 2)), b=np.ones(7))
    assert [(i.name, i.rows) for i in list_tables(tmp_path / "two.npz")] == [("a", 3), ("b", 7)]
    assert open_table(tmp_path / "two.npz", 1, cache_dir=cache).rows == 7


def test_the_column_store_is_reused_by_a_fresh_process(tmp_path, cache):
    path = tmp_path / "cat.ecsv"
    _catalogue().write(path)
    open_table(path, 0, cache_dir=cache)
    clear_open_tables()
    path.chmod(0o000)  # a second conversion would have to read the file
    try:
        again = open_table(path, 0, cache_dir=cache)
    finally:
        path.chmod(0o644)
    np.testing.assert_array_equal(again.column("ra"), [10.0, 20.0, 30.0])


def test_too_many_rows_is_refused_with_too_large(tmp_path, cache):
    np.save(tmp_path / "a.npy", np.arange(100.0))
    with pytest.raises(ToyzError) as err:
        open_table(tmp_path / "a.npy", 0, cache_dir=cache, max_rows=10)
    assert err.value.code == "too_large"


def test_unknown_files_and_missing_tables_are_refused_clearly(tmp_path, cache):
    (tmp_path / "notes.doc").write_bytes(b"hello")
    with pytest.raises(ToyzError) as err:
        open_table(tmp_path / "notes.doc", 0, cache_dir=cache)
    assert err.value.code == "unsupported"
    with pytest.raises(ToyzError) as err:
        open_table(tmp_path / "missing.csv", 0, cache_dir=cache)
    assert err.value.code == "not_found"
    np.save(tmp_path / "a.npy", np.arange(3.0))
    with pytest.raises(ToyzError) as err:
        open_table(tmp_path / "a.npy", 2, cache_dir=cache)
    assert err.value.code == "bad_table"


def test_table_files_are_known_by_name():
    assert is_table_file("cat.CSV") and is_table_file("x.fits.gz") and is_table_file("t.parquet")
    assert not is_table_file("readme.txt") and not is_table_file("image.png")
