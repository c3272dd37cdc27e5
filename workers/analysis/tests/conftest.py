"""Fixtures for the analysis core tests (plain functions, no Django needed).

- ``_isolated_storage`` (autouse): shadows the root fixture, so ``-p no:django`` works too.
- ``fresh_caches`` (autouse): the imaging core's process-wide caches are emptied around every test.
- ``write_fits``: writes an array (and optional header) as the primary HDU of a FITS file in ``tmp_path``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from astropy.io import fits

from workers.imaging import clear_caches, silence


@pytest.fixture(autouse=True)
def _isolated_storage() -> None:
    """Replaces the project-wide fixture of that name: these tests need no Django settings."""


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    silence.install()
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def write_fits(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, data: Any, header: fits.Header | None = None) -> Path:
        path = tmp_path / name
        fits.PrimaryHDU(data, header).writeto(path, overwrite=True)
        return path

    return write
