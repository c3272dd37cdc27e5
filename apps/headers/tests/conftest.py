"""Fixtures of the header index tests.

- ``exposure(relative, **cards)``: writes a small FITS image with those primary cards into the data root
  (``DATE_OBS`` stands for ``DATE-OBS``).
- ``night``: ``nights/n1`` with three exposures (r 90 s NGC 1300, g 30 s NGC 1365, r 60 s M31 the next
  date), a DECam-like mosaic, a corrupt file and a subfolder ``secret/`` with one more exposure;
  returns the folder.
- ``as_folder(user, path)``: the folder resolved for a user with the list right.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits

from apps.files.services import ResolvedPath, Right, resolve
from workers.imaging.synthetic import write_decam_like


@pytest.fixture
def exposure(data_root: Path) -> Callable[..., Path]:
    def write(relative: str, **cards: Any) -> Path:
        path = data_root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        header = fits.Header()
        for key, value in cards.items():
            header[key.replace("_", "-")] = value
        fits.PrimaryHDU(np.zeros((8, 8), np.float32), header).writeto(path, overwrite=True)
        return path

    return write


@pytest.fixture
def night(data_root: Path, exposure: Callable[..., Path]) -> Path:
    exposure("nights/n1/c4d_001.fits", DATE_OBS="2026-11-23T03:12:00", FILTER="r DECam", EXPTIME=90.0,
             OBJECT="NGC 1300", AIRMASS=1.2, SEEING=0.9)  # fmt: skip
    exposure("nights/n1/c4d_002.fits", DATE_OBS="2026-11-23T04:00:00", FILTER="g DECam", EXPTIME=30,
             OBJECT="NGC 1365", AIRMASS=1.4, SEEING=1.3)  # fmt: skip
    exposure("nights/n1/c4d_003.fits", DATE_OBS="2026-11-24T01:00:00", FILTER="r DECam", EXPTIME=60,
             OBJECT="M31", AIRMASS=1.1)  # fmt: skip
    mosaic = write_decam_like(data_root / "nights/n1/c4d_004.fits", n_ccds=2, ccd_shape=(64, 32))
    with fits.open(mosaic, mode="update") as hdul:
        hdul[0].header.update(
            {"DATE-OBS": "2026-11-23T05:00:00", "FILTER": "i DECam", "EXPTIME": 120.0, "OBJECT": "SN 2026a"}
        )
    (data_root / "nights/n1/broken.fits").write_bytes(b"SIMPLE  = this is not FITS" + b" " * 200)
    (data_root / "nights/n1/notes.txt").write_text("not indexed")
    exposure("nights/n1/secret/c4d_005.fits", DATE_OBS="2026-11-23T06:00:00", FILTER="r DECam", EXPTIME=90.0,
             OBJECT="NGC 1300")  # fmt: skip
    return data_root / "nights/n1"


@pytest.fixture
def as_folder() -> Callable[[Any, str], ResolvedPath]:
    def folder(user: Any, path: str) -> ResolvedPath:
        return resolve(user, path, Right.LIST)

    return folder
