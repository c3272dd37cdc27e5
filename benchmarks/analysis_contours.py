"""Contours of one DECam-sized CCD (2048 × 4096 float32, stars on sky noise), 7 levels.

Run: ``.venv/bin/python benchmarks/analysis_contours.py [--repeat 5]``  (``make bench-contours``)

It writes one CCD with ``workers.imaging.synthetic.star_field`` and times
``workers.analysis.contours.contours`` on it with its defaults (read, bin to at most 10⁶ pixels — 3 × 3
here —, smooth sigma 2 px, contourpy, drop paths under 6 px, simplify, cap), with the most detail the
server allows (``full``: 4 Mpx, binned 2 × 2, smooth 1 px, no minimum length — the settings the first
version had), and contourpy alone on the same full-resolution array (contour generation only, no reading,
binning, smoothing or output). It prints ``name: value`` lines:

- ``server_p50_ms_<case>``: the whole core function with its defaults, median of ``--repeat`` runs (the file in the page cache);
- ``server_full_p50_ms_<case>``: the same at full detail;
- ``contourpy_p50_ms_<case>``: ``contour_generator(...).lines(level)`` for the 7 levels on the level-0 array;
- ``ratio_server_vs_contourpy_<case>``, ``ratio_server_vs_full_<case>``: the default over the other two;
- ``binned_``, ``paths_``, ``points_``, ``dropped_``, ``short_<case>`` (and ``paths_full_<case>``): what the results held.

Two cases: ``stars`` (levels from sky + 5 sigma to the 99.9th percentile) and ``noise`` (from the
median: the sky's noise contoured, the worst case, bounded by the point cap).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import contourpy
import numpy as np
from astropy.io import fits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workers.analysis.contours import MAX_WORK_PIXELS, contour_levels, contours
from workers.imaging.synthetic import star_field

SHAPE = (4096, 2048)
LEVELS = 7


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ccd.fits"
        data = star_field(SHAPE, n_stars=3000, seed=3).astype(np.float32)
        fits.PrimaryHDU(data).writeto(path)
        cases = {
            # Levels from sky + 5 sigma (sigma 5) to the 99.9th percentile: the stars, what contours are for.
            "stars": contour_levels(125.0, float(np.percentile(data, 99.9)), LEVELS, "log"),
            # Levels from the median: the sky's noise, 10^5 paths, the worst case the point cap bounds.
            "noise": contour_levels(float(np.percentile(data, 50)), float(np.percentile(data, 99.9)), LEVELS, "log"),
        }
        for name, levels in cases.items():
            server, full, floor = [], [], []
            result = full_result = None
            for _ in range(args.repeat):
                start = time.perf_counter()
                result = contours(path, hdu=0, plane=0, levels=levels)
                server.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                full_result = contours(
                    path, hdu=0, plane=0, levels=levels, smooth=1.0, detail=MAX_WORK_PIXELS, min_length=0
                )
                full.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                generator = contourpy.contour_generator(z=data, line_type=contourpy.LineType.Separate)
                for level in levels:
                    generator.lines(level)
                floor.append((time.perf_counter() - start) * 1000)
            assert result is not None and full_result is not None
            p50, full50, f50 = statistics.median(server), statistics.median(full), statistics.median(floor)
            print(f"server_p50_ms_{name}: {p50:.1f}")
            print(f"server_full_p50_ms_{name}: {full50:.1f}")
            print(f"contourpy_p50_ms_{name}: {f50:.1f}")
            print(f"ratio_server_vs_contourpy_{name}: {p50 / f50:.3f}")
            print(f"ratio_server_vs_full_{name}: {p50 / full50:.3f}")
            print(f"binned_{name}: {result['binned']}")
            print(f"paths_{name}: {len(result['paths'])}")
            print(f"paths_full_{name}: {len(full_result['paths'])}")
            print(f"points_{name}: {result['points']}")
            print(f"dropped_{name}: {result['dropped']}")
            print(f"short_{name}: {result['short']}")


if __name__ == "__main__":
    main()
