"""The column store's bounds: a store evicted with the cache is converted again, and one long text value
does not widen a whole chunk of rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from workers.sources import open_table
from workers.sources.model import MAX_STRING_CHARS, stat_file


def test_a_table_whose_column_store_was_evicted_is_converted_again(tmp_path, cache):
    path = tmp_path / "cat.csv"
    path.write_text("a,b\n1,2\n3,4\n")
    first = open_table(path, 0, cache_dir=cache)
    assert first.column("a").tolist() == [1, 3]
    # What workers.imaging's cache eviction does to an idle identity folder.
    shutil.rmtree(Path(cache) / stat_file(path).identity)
    again = open_table(path, 0, cache_dir=cache)
    assert again.column("b").tolist() == [2, 4]
    assert (Path(cache) / stat_file(path).identity / "table-0" / "meta.json").is_file()


def test_one_long_text_value_is_cut_before_the_chunk_is_made(tmp_path, cache):
    # 200,000 rows at the width of a 10^6-character value would be 800 GB; cut first, it is 200 MB.
    rows = 200_000
    path = tmp_path / "notes.csv"
    with path.open("w") as fh:
        fh.write("id,note\n")
        fh.write(f"0,{'x' * 1_000_000}\n")
        fh.writelines(f"{i},n{i}\n" for i in range(1, rows))
    table = open_table(path, 0, cache_dir=cache)
    notes = table.column("note")
    assert notes.dtype == np.dtype(f"<U{MAX_STRING_CHARS}")
    assert len(notes[0]) == MAX_STRING_CHARS
    assert notes[5] == "n5"
    assert any("longer values are cut" in note for note in table.notes)
