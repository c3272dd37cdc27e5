"""Contours of one DECam-sized CCD (2048 × 4096 float32, stars on sky noise), 7 levels.

Run: ``.venv/bin/python benchmarks/analysis_contours.py [--repeat 5]``  (``make bench-contours``)

It writes one CCD with ``workers.imaging.synthetic.star_field`` and times
``workers.analysis.contours.contours`` on it (read, bin to at most 4 Mpx, smooth sigma 1 px,
contourpy, simplify, cap) against contourpy alone on the same full-resolution array (the floor:
contour generation only, no reading, binning, smoothing or output). It prints ``name: value`` lines:

- ``server_p50_ms_<case>``: the whole core function, median of ``--repeat`` runs (the file in the page cache);
- ``contourpy_p50_ms_<case>``: ``contour_generator(...).lines(level)`` for the 7 levels on the level-0 array;
- ``ratio_server_vs_contourpy_<case>``: the first over the second (below 1 when binning saves more than the rest costs);
- ``binned_``, ``paths_``, ``points_``, ``dropped_<case>``: what the server's result held.

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

from workers.analysis.contours import contour_levels, contours
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
            server, floor = [], []
            result = None
            for _ in range(args.repeat):
                start = time.perf_counter()
                result = contours(path, hdu=0, plane=0, levels=levels, smooth=1.0)
                server.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                generator = contourpy.contour_generator(z=data, line_type=contourpy.LineType.Separate)
                for level in levels:
                    generator.lines(level)
                floor.append((time.perf_counter() - start) * 1000)
            assert result is not None
            p50, f50 = statistics.median(server), statistics.median(floor)
            print(f"server_p50_ms_{name}: {p50:.1f}")
            print(f"contourpy_p50_ms_{name}: {f50:.1f}")
            print(f"ratio_server_vs_contourpy_{name}: {p50 / f50:.2f}")
            print(f"binned_{name}: {result['binned']}")
            print(f"paths_{name}: {len(result['paths'])}")
            print(f"points_{name}: {result['points']}")
            print(f"dropped_{name}: {result['dropped']}")


if __name__ == "__main__":
    main()
