"""Fixtures of the data-source tests: a cache folder, astropy's shipped tables, a fresh process state."""

from __future__ import annotations

import os
from pathlib import Path

import astropy
import pytest

from workers.sources import clear_open_tables

ASTROPY = Path(os.path.dirname(astropy.__file__))
VOTABLE_DATA = ASTROPY / "io" / "votable" / "tests" / "data"
FITS_DATA = ASTROPY / "io" / "fits" / "tests" / "data"
ASCII_DATA = ASTROPY / "io" / "ascii" / "tests" / "data"


@pytest.fixture(autouse=True)
def _fresh_tables():
    """Each test starts with no open table and no cached column, as a fresh process."""
    clear_open_tables()
    yield
    clear_open_tables()


@pytest.fixture
def cache(tmp_path: Path) -> str:
    """An empty cache root (TOYZ_CACHE_DIR) for the column store."""
    folder = tmp_path / "sources-cache"
    folder.mkdir()
    return str(folder)
