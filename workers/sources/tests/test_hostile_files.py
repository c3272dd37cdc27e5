"""Files built to make the server read what the user may not, or to exhaust it: refused with a sentence."""

from __future__ import annotations

import gzip
from pathlib import Path

import h5py
import numpy as np
import pytest

from workers.errors import ToyzError
from workers.sources import list_tables, open_table
from workers.sources.model import stat_file

SECRET = b"TOPSECRET!" * 100


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside anything the user was given, which the server process can read."""
    path = tmp_path / "elsewhere" / "secret.bin"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


def _votable_linking(path: Path, href: str, *, prefix: str = "") -> Path:
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>\n'
        '<FIELD name="x" datatype="char" arraysize="*"/>\n'
        f'<DATA><BINARY><{prefix}STREAM encoding="gzip"\n   href="{href}"/></BINARY></DATA></TABLE></RESOURCE></VOTABLE>\n'
    )
    return path


def test_it_refuses_a_votable_whose_stream_names_a_local_file(tmp_path, cache, secret):
    path = _votable_linking(tmp_path / "link.vot", f"file://{secret}")
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "unsupported", err.value.message
    assert "STREAM href" in err.value.message


def test_it_refuses_a_votable_whose_stream_names_a_url_before_any_request(tmp_path, cache):
    # A port nothing listens on: were the URL opened, the error would be a connection refused.
    path = _votable_linking(tmp_path / "ssrf.xml", "http://127.0.0.1:9/internal")
    with pytest.raises(ToyzError) as err:
        list_tables(path, cache_dir=cache)
    assert err.value.code == "unsupported", err.value.message


def test_it_refuses_a_gzipped_votable_that_links_elsewhere(tmp_path, cache, secret):
    plain = _votable_linking(tmp_path / "plain.xml", f"file://{secret}")
    packed = tmp_path / "packed.vot"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    with pytest.raises(ToyzError) as err:
        open_table(packed, 0, cache_dir=cache)
    assert err.value.code == "unsupported", err.value.message


def test_it_refuses_a_votable_declaring_entities(tmp_path, cache):
    path = tmp_path / "entities.vot"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE VOTABLE [<!ENTITY a "aaaaaaaaaa">]>\n'
        '<VOTABLE version="1.3"><RESOURCE><TABLE><FIELD name="x" datatype="int"/>'
        "<DATA><TABLEDATA><TR><TD>1</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n"
    )
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "unsupported", err.value.message


def test_a_votable_with_its_data_inside_still_opens(tmp_path, cache):
    path = tmp_path / "inline.vot"
    path.write_text(
        '<?xml version="1.0"?>\n<VOTABLE version="1.3"><RESOURCE><TABLE><FIELD name="x" datatype="int"/>'
        "<DATA><TABLEDATA><TR><TD>1</TD></TR><TR><TD>2</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>\n"
    )
    assert open_table(path, 0, cache_dir=cache).column("x").tolist() == [1, 2]


def test_it_refuses_a_compressed_table_holding_more_than_the_parse_limit(tmp_path, cache):
    path = tmp_path / "bomb.ecsv"
    body = b"# %ECSV 1.0\n# ---\n# datatype:\n# - {name: a, datatype: int64}\na\n" + b"1\n" * 200_000
    path.write_bytes(gzip.compress(body))
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache, max_parsed_bytes=100_000)
    assert err.value.code == "too_large"


def test_it_refuses_an_hdf5_dataset_stored_in_another_file(tmp_path, cache, secret):
    path = tmp_path / "external.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("t", shape=(10, 8), dtype="u1", external=[(str(secret), 0, 80)])
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "unsupported", err.value.message
    assert "other files" in err.value.message


def test_it_refuses_an_hdf5_virtual_dataset(tmp_path, cache, secret):
    other = tmp_path / "elsewhere" / "other.h5"
    with h5py.File(other, "w") as f:
        f["private"] = np.arange(20.0).reshape(10, 2)
    layout = h5py.VirtualLayout(shape=(10, 2), dtype="f8")
    layout[:] = h5py.VirtualSource(str(other), "private", shape=(10, 2))
    path = tmp_path / "virtual.h5"
    with h5py.File(path, "w") as f:
        f.create_virtual_dataset("t", layout)
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "unsupported", err.value.message


def test_it_refuses_an_hdf5_array_claiming_a_billion_columns(tmp_path, cache):
    # A few kilobytes on disk (no chunk is written); one name per column would take tens of gigabytes.
    path = tmp_path / "wide.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("t", shape=(1, 10**9), dtype="f8", chunks=(1, 1000))
    for attempt in (lambda: list_tables(path, cache_dir=cache), lambda: open_table(path, 0, cache_dir=cache)):
        with pytest.raises(ToyzError) as err:
            attempt()
        assert err.value.code == "too_large"


def test_it_refuses_an_npy_header_claiming_a_billion_columns(tmp_path, cache):
    path = tmp_path / "wide.npy"
    with path.open("wb") as fh:
        np.lib.format.write_array_header_1_0(fh, {"descr": "<f8", "fortran_order": False, "shape": (1, 10**9)})
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "too_large"


def test_it_refuses_an_hdf5_table_of_too_many_rows_before_reading_them(tmp_path, cache):
    path = tmp_path / "long.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("t", shape=(10**12, 2), dtype="f8", chunks=(1000, 2))
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache, max_rows=1000)
    assert err.value.code == "too_large"


def test_a_parquet_file_whose_columns_live_in_another_file_is_refused(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # A dataset's _metadata: row groups whose column chunks point at data.parquet (ColumnChunk.file_path).
    table = pa.table({"x": [1.0, 2.0, 3.0]})
    collected: list[pq.FileMetaData] = []
    pq.write_table(table, tmp_path / "data.parquet", metadata_collector=collected)
    collected[0].set_file_path("data.parquet")
    pq.write_metadata(table.schema, tmp_path / "pointer.parquet", metadata_collector=collected)
    assert pq.ParquetFile(tmp_path / "pointer.parquet").metadata.row_group(0).column(0).file_path == "data.parquet"

    with pytest.raises(ToyzError) as caught:
        open_table(tmp_path / "pointer.parquet", 0, cache_dir=None)
    assert caught.value.code == "unreadable"
    assert caught.value.message == (
        "pointer.parquet keeps its column x in another file (data.parquet); "
        "Toyz reads only Parquet files that hold their own data."
    )
    # The file that holds its own data opens.
    assert open_table(tmp_path / "data.parquet", 0, cache_dir=None).rows == 3


def test_a_link_swapped_for_a_file_while_it_is_examined_is_refused_with_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    link = tmp_path / "swap.csv"
    link.symlink_to(tmp_path / "table.csv")
    real_readlink = os.readlink

    def swap_then_readlink(name: str, *args: object, **kwargs: object) -> str:
        # The race, made deterministic: realpath saw a link, and a file is there when it reads it.
        if os.fspath(name) == str(link) and link.is_symlink():
            link.unlink()
            link.write_text("a,b\n3,4\n")
        return real_readlink(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "readlink", swap_then_readlink)
    with pytest.raises(ToyzError) as err:
        stat_file(link)
    assert err.value.code == "unreadable"
