"""`estimated_size` is near what `write_table` writes, in every format (it decides whether a disk has room)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from workers.sources import estimated_size, open_table, write_table


@pytest.mark.parametrize("fmt", ["csv", "fits", "votable"])
def test_the_estimate_is_within_a_factor_of_two_of_the_written_size(tmp_path: Path, fmt: str) -> None:
    rng = np.random.default_rng(5)
    n = 5000
    path = tmp_path / "cat.fits"
    fits.BinTableHDU.from_columns([
        fits.Column(name="ra", format="D", array=rng.uniform(0, 360, n)),
        fits.Column(name="mag", format="E", array=rng.normal(18, 2, n).astype(np.float32)),
        fits.Column(name="id", format="K", array=rng.integers(0, 10**12, n)),
        fits.Column(name="name", format="10A", array=np.array([f"star {i}" for i in range(n)])),
    ]).writeto(path)  # fmt: skip
    table = open_table(path, 0, cache_dir=None)
    out = io.BytesIO()
    write_table(table, np.arange(n), None, fmt, out)  # type: ignore[arg-type]
    written = len(out.getvalue())
    estimate = estimated_size(table, n, None, fmt)
    assert written / 2 <= estimate <= written * 2, (written, estimate)
