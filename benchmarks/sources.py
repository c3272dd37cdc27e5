"""Serving columns of a large table: open time, column time, bytes per value, memory.

Run: ``.venv/bin/python benchmarks/sources.py [--rows 1000000] [--columns 20]``  (``make bench-sources``)

It writes a table of ``--rows`` rows and ``--columns`` float64 columns (a smooth signal plus
noise, like magnitudes) as an uncompressed FITS binary table and as a Parquet file (snappy, the
pyarrow default), then for each opens it with ``workers.sources.open_table`` in a fresh state
and serves two columns as the REST endpoint will: column → float32 little-endian bytes → gzip
at level 1 and 6. It prints ``name: value`` lines:

- ``open_ms_*``: ``open_table`` on a cold process state (headers or Parquet metadata only);
- ``column_ms_*``: reading the two columns (cold: no cached column);
- ``encode_ms_gzip<k>``, ``bytes_per_value_gzip<k>``: float32 → gzip time and size per value;
- ``peak_rss_mb_*``: peak resident memory growth while opening and reading, measured in a
  fresh interpreter (VmHWM reset before each run); the two float64 columns are ``columns_mb``;
- ``floor_ms``: ``np.load`` of the same two columns from ``.npy`` files (the floor: no decoding);
  ``ratio_column_*_vs_floor``: column time over that floor.

Times are medians of ``--repeat`` runs in milliseconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from astropy.io import fits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workers.sources import clear_open_tables, open_table

SERVED = ("c3", "c17")


def _peak_bytes() -> int:
    with Path("/proc/self/status").open() as fh:
        line = next(row for row in fh if row.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def _reset_peak() -> None:
    # Linux: writing 5 resets the peak resident size to the present one.
    with Path("/proc/self/clear_refs").open("w") as fh:
        fh.write("5")


def write_inputs(folder: Path, rows: int, columns: int) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    rec = np.empty(rows, dtype=[(f"c{j}", ">f8") for j in range(columns)])
    base = np.linspace(14.0, 24.0, rows)
    for j in range(columns):
        rec[f"c{j}"] = base + rng.normal(scale=0.05, size=rows)
    fits_path = folder / "wide.fits"
    fits.BinTableHDU(rec).writeto(fits_path)
    parquet_path = folder / "wide.parquet"
    pq.write_table(pa.table({name: rec[name].astype(np.float64) for name in rec.dtype.names or ()}), parquet_path)
    for name in SERVED:
        np.save(folder / f"{name}.npy", rec[name].astype(np.float64))
    return {"fits": fits_path, "parquet": parquet_path}


def measure(fmt: str, path: Path, cache: Path, repeat: int) -> dict[str, float]:
    """Open and read the two columns ``repeat`` times in this (fresh) process."""
    opens, reads, peaks = [], [], []
    for _ in range(repeat):
        clear_open_tables()
        _reset_peak()
        before = _peak_bytes()
        start = time.perf_counter()
        table = open_table(path, 0, cache_dir=str(cache))
        opened = time.perf_counter()
        columns = [table.column(name) for name in SERVED]
        done = time.perf_counter()
        peaks.append(_peak_bytes() - before)
        opens.append((opened - start) * 1000.0)
        reads.append((done - opened) * 1000.0)
        del table, columns
    return {
        f"open_ms_{fmt}": statistics.median(opens),
        f"column_ms_{fmt}": statistics.median(reads),
        f"peak_rss_mb_{fmt}": max(peaks) / 1024**2,
    }


def in_child(fmt: str, path: Path, cache: Path, repeat: int) -> dict[str, float]:
    """:func:`measure` in a fresh interpreter, so memory freed by earlier work does not hide the growth."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", fmt, str(path), str(cache), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("FMT", "PATH", "CACHE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fmt, path, cache = args.child
        print(json.dumps(measure(fmt, Path(path), Path(cache), args.repeat)))
        return
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="toyz-bench-sources-") as tmp:
        folder = Path(tmp)
        paths = write_inputs(folder, args.rows, args.columns)
        floor = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            served = [np.load(folder / f"{name}.npy") for name in SERVED]
            floor.append((time.perf_counter() - start) * 1000.0)
        results["floor_ms"] = statistics.median(floor)
        for fmt, path in paths.items():
            results.update(in_child(fmt, path, folder / "cache", args.repeat))
            results[f"ratio_column_{fmt}_vs_floor"] = results[f"column_ms_{fmt}"] / results["floor_ms"]
        values = sum(len(col) for col in served)
        payloads = [np.ascontiguousarray(col, dtype="<f4").tobytes() for col in served]
        for level in (1, 6):
            times, size = [], 0
            for _ in range(args.repeat):
                start = time.perf_counter()
                blobs = [gzip.compress(p, compresslevel=level) for p in payloads]
                times.append((time.perf_counter() - start) * 1000.0)
                size = sum(len(b) for b in blobs)
            results[f"encode_ms_gzip{level}"] = statistics.median(times)
            results[f"bytes_per_value_gzip{level}"] = size / values
        results["ratio_encode_gzip6_vs_gzip1"] = results["encode_ms_gzip6"] / results["encode_ms_gzip1"]
        results["columns_mb"] = 2 * args.rows * 8 / 1024**2
    print(f"rows: {args.rows}")
    print(f"columns: {args.columns}")
    for name, value in results.items():
        print(f"{name}: {value:.2f}" if value < 10 else f"{name}: {value:.1f}")


if __name__ == "__main__":
    main()
