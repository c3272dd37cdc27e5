"""Fixtures for the imaging core tests (plain functions, no Django needed).

- ``_isolated_storage`` (autouse): shadows the root fixture, so ``-p no:django`` works too.
- ``cache_dir``: an empty pyramid cache folder of the test's own.
- ``fresh_caches`` (autouse): the process-wide caches are emptied around every test, and the
  core's warning filters installed again (pytest restores the filters that were in force before
  collection, when the core was first imported).
- ``astropy_fits`` / ``astropy_compressed``: astropy's installed test-data folders.
- ``write_fits``: writes an array (and optional header) to a FITS file in ``tmp_path``.
- ``make_params``: RenderParams with linear/gray/PNG defaults and the given overrides.
- ``decode``: an encoded tile → an RGBA ``uint8`` array (row 0 = the top of the picture).
- ``tile``: :func:`~workers.imaging.render_tile` with linear/gray/PNG defaults, decoded.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import astropy
import numpy as np
import pytest
from astropy.io import fits
from PIL import Image

from workers.imaging import RenderParams, clear_caches, render_tile, silence

ASTROPY_DIR = Path(astropy.__file__).parent


@pytest.fixture(autouse=True)
def _isolated_storage() -> None:
    """Replaces the project-wide fixture of that name: these tests need no Django settings."""


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "imaging-cache"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    silence.install()
    clear_caches()
    yield
    clear_caches()


def _data_dir(relative: str) -> Path:
    folder = ASTROPY_DIR / relative
    if not folder.is_dir():
        pytest.skip(f"astropy's test data {relative} is not installed")
    return folder


@pytest.fixture
def astropy_fits() -> Path:
    return _data_dir("io/fits/tests/data")


@pytest.fixture
def astropy_compressed() -> Path:
    return _data_dir("io/fits/hdu/compressed/tests/data")


@pytest.fixture
def write_fits(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, data: Any, header: fits.Header | None = None) -> Path:
        path = tmp_path / name
        fits.PrimaryHDU(data, header).writeto(path, overwrite=True)
        return path

    return write


def decode_tile(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@pytest.fixture
def decode() -> Callable[[bytes], np.ndarray]:
    return decode_tile


def params(lo: float = 0.0, hi: float = 1.0, **kw: Any) -> RenderParams:
    base: dict[str, Any] = {"stretch": "linear", "cmap": "gray", "invert": False, "fmt": "png"}
    base.update(kw)
    return RenderParams(lo=lo, hi=hi, **base)


@pytest.fixture
def make_params() -> Callable[..., RenderParams]:
    return params


@pytest.fixture
def tile(cache_dir: Path) -> Callable[..., np.ndarray]:
    def render(
        path: Path, *, hdu: int = 0, plane: int = 0, level: int = 0, x: int = 0, y: int = 0, **kw: Any
    ) -> np.ndarray:
        p = kw.pop("params", None) or params(**kw)
        raw = render_tile(path, hdu=hdu, plane=plane, level=level, x=x, y=y, params=p, cache_dir=cache_dir)
        return decode_tile(raw)

    return render
