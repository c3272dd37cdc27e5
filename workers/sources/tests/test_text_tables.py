"""Text tables: sniffed delimiters, comments, headers, duplicates, NaN, strings, empty and malformed files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from workers.errors import ToyzError
from workers.sources import open_table


def _open(tmp_path: Path, name: str, text: str, cache: str) -> Any:
    path = tmp_path / name
    path.write_text(text)
    return open_table(path, 0, cache_dir=cache)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.csv", "x,y,label\n1,2.5,a\n3,,b c\n"),
        ("a.tsv", "x\ty\tlabel\n1\t2.5\ta\n3\t\tb c\n"),
        ("a.dat", '# made by hand\n# x y label\nx  y  label\n1  2.5  a\n3  nan  "b c"\n'),
        ("a.csv", "# comment\nx;y;label\n1;2.5;a\n3;;b c\n"),
    ],
)
def test_delimiters_and_comment_lines_are_sniffed(tmp_path, cache, name, text):
    table = _open(tmp_path, name, text, cache)
    assert [c.name for c in table.columns] == ["x", "y", "label"]
    assert table.column("x").tolist() == [1, 3]
    np.testing.assert_array_equal(table.column("y"), [2.5, np.nan])
    assert table.columns[2].kind == "string"


def test_duplicate_names_are_renamed_with_a_note(tmp_path, cache):
    table = _open(tmp_path, "d.csv", "flux,flux,flux\n1,2,3\n", cache)
    assert [c.name for c in table.columns] == ["flux", "flux_2", "flux_3"]
    assert any("flux_2" in note for note in table.notes)


def test_a_header_without_rows_is_a_table_of_zero_rows(tmp_path, cache):
    table = _open(tmp_path, "e.csv", "a,b\n", cache)
    assert table.rows == 0 and [c.name for c in table.columns] == ["a", "b"]
    assert len(table.column("a")) == 0


def test_numbers_only_mean_no_header(tmp_path, cache):
    table = _open(tmp_path, "n.csv", "1,2\n3,4\n", cache)
    assert [c.name for c in table.columns] == ["col0", "col1"] and table.rows == 2


def test_a_malformed_csv_names_the_line(tmp_path, cache):
    with pytest.raises(ToyzError) as err:
        _open(tmp_path, "bad.csv", "a,b\n1,2\n3,4,5\n", cache)
    assert err.value.code == "unreadable" and "line 3" in err.value.message


def test_an_empty_file_is_not_a_table(tmp_path, cache):
    with pytest.raises(ToyzError) as err:
        _open(tmp_path, "empty.csv", "", cache)
    assert err.value.code == "bad_table"


def test_a_column_that_turns_to_text_after_many_rows_becomes_text(tmp_path, cache, monkeypatch):
    from workers.sources import text

    monkeypatch.setattr(text, "CHUNK_ROWS", 2)  # several chunks from a small file
    table = _open(tmp_path, "m.csv", "v,w\n1,1\n2,2\n3,x\n4,4.5\n", cache)
    assert table.columns[0].kind == "int" and table.column("v").tolist() == [1, 2, 3, 4]
    assert table.columns[1].kind == "string"
    assert table.column("w").tolist() == ["1", "2", "x", "4.5"]


def test_a_million_row_csv_converts_once_and_reads_back(tmp_path, cache):
    n = 1_000_000
    x = np.arange(n) * 0.5
    path = tmp_path / "big.csv"
    import pyarrow as pa
    import pyarrow.csv as pacsv

    pacsv.write_csv(pa.table({"x": x, "y": -x}), path)  # fast to write; the reading is under test
    table = open_table(path, 0, cache_dir=cache)
    assert table.rows == n
    np.testing.assert_array_equal(table.column("y"), -x)
