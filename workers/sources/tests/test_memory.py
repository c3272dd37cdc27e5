"""Memory: serving two columns of a 10^6 × 20 table costs about the columns' size, not the table's.

Measured in a fresh subprocess (peak resident memory, VmHWM, reset before the reads) so that nothing else the
test process did counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from astropy.io import fits

ROWS = 1_000_000
COLUMNS = 20
#: Interpreter state that reading adds regardless of the table (imports done lazily, buffers).
ALLOWANCE = 24 * 1024 * 1024

CHILD = r"""
import json, sys
import numpy as np
from workers.sources import open_table


def peak():
    with open("/proc/self/status") as fh:
        line = next(l for l in fh if l.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

path, cache = sys.argv[1], sys.argv[2]
table = open_table(path, 0, cache_dir=cache)
# Warm-up on a tiny read so lazily imported code is not counted as the columns' cost.
table.take("c0", np.arange(10))
# Reset the peak to the present resident size (Linux: clear_refs 5), so imports do not hide it.
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
before = peak()
a = table.column("c3")
b = table.column("c17")
total = float(a.sum() + b.sum())
after = peak()
print(json.dumps({"growth": after - before, "bytes": a.nbytes + b.nbytes, "total": total}))
"""


@pytest.fixture(scope="module")
def wide_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("wide")
    rec = np.empty(ROWS, dtype=[(f"c{j}", ">f8") for j in range(COLUMNS)])
    for j in range(COLUMNS):
        rec[f"c{j}"] = float(j)
    fits_path = folder / "wide.fits"
    fits.BinTableHDU(rec).writeto(fits_path)
    parquet_path = folder / "wide.parquet"
    # Constant columns would compress to nothing: Parquet must read a real column's worth of pages.
    noise = np.random.default_rng(0).normal(size=ROWS) * 0
    pq.write_table(pa.table({f"c{j}": noise + float(j) for j in range(COLUMNS)}), parquet_path, compression="none")
    return {"fits": fits_path, "parquet": parquet_path}


@pytest.mark.parametrize("fmt", ["fits", "parquet"])
def test_two_columns_of_a_wide_table_cost_about_their_own_size(wide_files, tmp_path, fmt):
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(wide_files[fmt]), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
        timeout=120,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["total"] == ROWS * (3 + 17)
    assert result["bytes"] == 2 * ROWS * 8
    # The whole table is 160 MB; two columns are 16 MB.
    assert result["growth"] < 2.5 * result["bytes"] + ALLOWANCE, result
