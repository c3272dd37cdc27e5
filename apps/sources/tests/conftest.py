"""Fixtures of the sources tests: a catalogue written by the test, astropy's own tables, logged-in clients.

`catalogue` is a FITS binary table of 1000 stars in Alice's home: RA/Dec (degrees, with UCDs), two
magnitudes, a flux with NaN in every 10th row, an integer id, and a name (text).
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import astropy
import numpy as np
import pytest
from astropy.io import fits

ROWS = 1000
ASTROPY = Path(os.path.dirname(astropy.__file__))


def catalogue_columns(rows: int = ROWS) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    flux = rng.uniform(1, 100, rows)
    flux[::10] = np.nan
    return {
        "RA": np.linspace(250.0, 251.0, rows),
        "DEC": np.linspace(36.0, 37.0, rows),
        "g": rng.normal(18, 1, rows),
        "r": rng.normal(17, 1, rows),
        "flux": flux,
        "id": np.arange(rows, dtype=np.int32) * 3,
        "name": np.array([f"star {i}" for i in range(rows)]),
    }


def write_catalogue(path: Path, rows: int = ROWS) -> dict[str, np.ndarray]:
    values = catalogue_columns(rows)
    columns = [
        fits.Column(name="RA", format="D", unit="deg", array=values["RA"]),
        fits.Column(name="DEC", format="D", unit="deg", array=values["DEC"]),
        fits.Column(name="g", format="D", unit="mag", array=values["g"]),
        fits.Column(name="r", format="D", unit="mag", array=values["r"]),
        fits.Column(name="flux", format="E", unit="Jy", array=values["flux"]),
        fits.Column(name="id", format="J", array=values["id"]),
        fits.Column(name="name", format="12A", array=values["name"]),
    ]
    hdu = fits.BinTableHDU.from_columns(columns, name="STARS")
    hdu.header["TUCD1"] = "pos.eq.ra;meta.main"
    hdu.header["TUCD2"] = "pos.eq.dec;meta.main"
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path, overwrite=True)
    return values


@pytest.fixture
def alice(make_user: Callable[..., Any]) -> Any:
    return make_user("alice")


@pytest.fixture
def alice_client(client: Any, alice: Any) -> Any:
    client.force_login(alice)
    return client


@pytest.fixture
def catalogue(data_root: Path, alice: Any) -> dict[str, np.ndarray]:
    """The values of home/alice/cat.fits."""
    return write_catalogue(data_root / "home/alice/cat.fits")


@pytest.fixture
def astropy_table(data_root: Path, alice: Any) -> Callable[[str, str], str]:
    """Copy a table from astropy's test data into Alice's home; returns its client path."""

    def copy(relative: str, name: str) -> str:
        source = ASTROPY / relative
        if not source.is_file():
            pytest.skip(f"astropy's test data has no {relative}")
        shutil.copyfile(source, data_root / "home/alice" / name)
        return f"home/alice/{name}"

    return copy


def values_of(response: Any) -> np.ndarray:
    """A binary answer's values, as its headers describe them."""
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return np.frombuffer(body, dtype=np.dtype(response["X-Toyz-Dtype"]).newbyteorder("<"))


def mask_of(response: Any) -> np.ndarray:
    body = response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    rows = int(response["X-Toyz-Rows"])
    return np.unpackbits(np.frombuffer(body, np.uint8), bitorder="little")[:rows].astype(bool)
