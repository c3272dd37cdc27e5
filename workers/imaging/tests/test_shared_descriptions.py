"""File layouts shared between processes (workers/imaging/shared.py): a process that has not opened a file
serves its tiles from another's layout without parsing a header, and a changed file never meets a stale one.

"Another process" is played by emptying this process's caches (`clear_caches`) between the steps; the
store is a dict, as the application's cache would be."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from workers.imaging import RenderParams, TileAddress, clear_caches, describe, fetch_tile, raw_tile
from workers.imaging import files as files_module
from workers.imaging.shared import share_descriptions
from workers.imaging.synthetic import write_decam_like

PARAMS = RenderParams(stretch="asinh", lo=0.0, hi=500.0, cmap="gray", invert=False, fmt="png")


class DictStore(dict[str, Any]):
    """A store as the application's cache is: get and set of plain data."""

    def set(self, key: str, value: Any) -> None:
        self[key] = value


@pytest.fixture
def store() -> Iterator[DictStore]:
    kept = DictStore()
    share_descriptions(kept)
    yield kept
    share_descriptions(None)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose headers astropy parses from now on."""
    seen: list[str] = []
    parse = files_module._parse_headers

    def counting(real: str, name: str, stream: bool) -> Any:
        seen.append(name)
        return parse(real, name, stream)

    monkeypatch.setattr(files_module, "_parse_headers", counting)
    return seen


def raw(path: Path, cache_dir: Path, hdu: int, level: int = 0, x: int = 0, y: int = 0) -> np.ndarray[Any, Any]:
    data = raw_tile(path, hdu=hdu, plane=0, level=level, x=x, y=y, cache_dir=cache_dir)
    return np.frombuffer(data, "<f4").reshape(256, 256)


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "fpacked"])
def test_a_fresh_process_reads_tiles_from_the_shared_layout_without_parsing_headers(
    tmp_path, cache_dir, store, parses, compress
):
    path = write_decam_like(tmp_path / "e.fits", n_ccds=4, ccd_shape=(512, 300), seed=2, compress=compress)
    expected = {hdu: raw(path, cache_dir, hdu, x=1, y=1) for hdu in (1, 3)}
    mosaic = raw(path, cache_dir, -1, level=1)
    assert parses == ["e.fits"] and len(store) == 2  # the file's layout and its mosaic's placement

    clear_caches()  # another process
    assert_allclose(raw(path, cache_dir, 3, x=1, y=1), expected[3])
    assert_allclose(raw(path, cache_dir, 1, x=1, y=1), expected[1])
    assert_allclose(raw(path, cache_dir, -1, level=1), mosaic)
    assert fetch_tile(path, TileAddress(2, 0, 0, 0, 0), PARAMS, allow_preview=False, cache_dir=cache_dir).data
    assert parses == ["e.fits"], "a header was parsed for a tile"

    # A header asked for is parsed then, once, and it is this very file's.
    description = describe(path, hdu=3, cache_dir=cache_dir)
    assert any(card.startswith("EXTNAME") for card in description["header"])
    assert parses == ["e.fits", "e.fits"]


def width(description: Any, hdu: int) -> int:
    return int(next(info["width"] for info in description["hdus"] if info["index"] == hdu))


def test_a_changed_file_never_uses_the_layout_of_its_former_contents(tmp_path, cache_dir, store, parses):
    path = write_decam_like(tmp_path / "e.fits", n_ccds=2, ccd_shape=(512, 300), seed=2)
    before = describe(path, hdu=1, cache_dir=cache_dir)
    assert width(before, 1) == 300

    # Rewritten in place with other CCDs: a new identity (size, time), so a new layout.
    write_decam_like(tmp_path / "e.fits", n_ccds=3, ccd_shape=(256, 700), seed=5)
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    clear_caches()
    after = describe(path, hdu=1, cache_dir=cache_dir)
    assert after["identity"] != before["identity"]
    assert width(after, 1) == 700 and len(after["hdus"]) == 5  # the mosaic, the primary, 3 CCDs
    assert parses == ["e.fits", "e.fits"]
    assert raw(path, cache_dir, 1, x=2).shape == (256, 256)


def test_a_layout_that_does_not_fit_is_ignored(tmp_path, cache_dir, store, parses):
    path = write_decam_like(tmp_path / "e.fits", n_ccds=2, ccd_shape=(512, 300), seed=2)
    expected = raw(path, cache_dir, 1)
    for key in store:
        if ":file:" in key:
            store[key] = {"infos": "damaged"}
    clear_caches()
    assert_allclose(raw(path, cache_dir, 1), expected)
    assert parses == ["e.fits", "e.fits"]


def test_without_a_store_every_process_parses_its_files(tmp_path, cache_dir, parses):
    path = write_decam_like(tmp_path / "e.fits", n_ccds=2, ccd_shape=(512, 300), seed=2)
    raw(path, cache_dir, 1)
    clear_caches()
    raw(path, cache_dir, 1)
    assert parses == ["e.fits", "e.fits"]
