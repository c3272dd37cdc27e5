"""FITS tables whose headers lie (sizes that are text or negative, formats that contradict each other):
refused with ``unreadable`` and a sentence, or read as far as they make sense; never a crash."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from workers.errors import ToyzError
from workers.sources import list_tables, open_table


def _with_card(folder: Path, key: str, value: str) -> Path:
    """A two-column table whose HDU 1 has ``key = value`` written over (or added), as raw header text."""
    table = fits.BinTableHDU.from_columns(
        [fits.Column(name="a", format="D", array=np.arange(5.0)), fits.Column(name="s", format="20A", array=["x"] * 5)]
    )
    path = folder / f"{key}.fits"
    fits.HDUList([fits.PrimaryHDU(), table]).writeto(path)
    data = bytearray(path.read_bytes())
    card = f"{key:<8}= {value:>20}".ljust(80).encode()
    cards = range(2880, 5760, 80)
    at = next((i for i in cards if data[i : i + 8] == key.ljust(8).encode()), None)
    if at is None:
        at = next(i for i in cards if data[i : i + 8] == b"END     ")
        data[at + 80 : at + 160] = b"END".ljust(80)
    data[at : at + 80] = card
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("NAXIS2", "-5000"),  # walked the offset backwards: pread's EINVAL (an "internal" error), or a loop
        ("NAXIS2", "-5"),
        ("NAXIS2", "'abc'"),
        ("NAXIS", "'x'"),
        ("PCOUNT", "-100000"),
        ("BITPIX", "'q'"),
        ("TFIELDS", "'x'"),
    ],
)
def test_a_table_whose_sizes_lie_is_unreadable_with_a_sentence(tmp_path, cache, key, value):
    path = _with_card(tmp_path, key, value)
    for attempt in (lambda: list_tables(path, cache_dir=cache), lambda: open_table(path, 0, cache_dir=cache)):
        with pytest.raises(ToyzError) as err:
            attempt()
        assert err.value.code == "unreadable"
        assert key in err.value.message


def test_a_scale_that_is_text_is_unreadable_with_a_sentence(tmp_path, cache):
    path = _with_card(tmp_path, "TSCAL1", "'abc'")
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    assert err.value.code == "unreadable"
    assert "TSCAL1" in err.value.message


@pytest.mark.parametrize("tdim", ["'(5,3)'", "'(0,3)'"])
def test_a_text_column_whose_tdim_does_not_add_up_is_read_as_one_string(tmp_path, cache, tdim):
    table = open_table(_with_card(tmp_path, "TDIM2", tdim), 0, cache_dir=cache)
    assert table.column("s").tolist() == ["x"] * 5


def test_a_text_column_of_no_characters_reads_as_empty_and_the_rest_still_reads(tmp_path, cache):
    table = open_table(_with_card(tmp_path, "TFORM2", "'0A'"), 0, cache_dir=cache)
    assert table.take("s", np.array([0, 4])).tolist() == ["", ""]
    assert table.column("a").tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_refused_table_closes_its_descriptor_once_and_never_anothers(tmp_path, cache):
    # A column that fails after the table began to build: its descriptor is closed by the caller, and must not be
    # closed again when the half-built table is collected, by then the number of another open file.
    import gc
    import os

    path = _with_card(tmp_path, "TSCAL1", "'abc'")
    with pytest.raises(ToyzError) as err:
        open_table(path, 0, cache_dir=cache)
    other = tmp_path / "other.bin"
    other.write_bytes(b"x")
    fd = os.open(other, os.O_RDONLY)  # most likely the number just freed
    try:
        del err  # the traceback held the half-built table
        gc.collect()
        assert os.fstat(fd).st_size == 1
    finally:
        os.close(fd)
