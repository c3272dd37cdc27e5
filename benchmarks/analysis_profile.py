"""Server time of one ``analysis.profile`` request (radial profile, curve of growth, Gaussian and Moffat
fits) at the cursor on a 2048 × 4096 float32 image.

Run: ``.venv/bin/python benchmarks/analysis_profile.py [--requests 50] [--radius 15]``  (``make bench-profile``)

It writes a synthetic star field (``workers.imaging.synthetic.star_field``, PSF sigma 1.5 px) into a
temporary folder, picks ``--requests`` cursor positions near stars (the brightest pixel of random
64 × 64 blocks, offset by a pixel or two as a hand would put it), then times, per position:

- ``profile``: what the job function runs (``workers.analysis.profiles.radial_profile``) plus the JSON
  encoding of its result, the server's whole share of a request apart from the socket;
- ``baseline``: reading the same stamp alone (``workers.analysis.pixels.canvas`` of the profile's box).

It prints ``name: value`` lines: p50 and p95 of each in milliseconds, their ratio, and the fraction of
requests whose two fits converged. One warm-up request opens the file first (the opened-file cache is
what a viewer hits once it shows the image).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from astropy.io import fits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workers.analysis.pixels import canvas
from workers.analysis.profiles import radial_profile
from workers.imaging import clear_caches
from workers.imaging.synthetic import star_field, tan_header


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def cursors(image: np.ndarray, count: int, seed: int = 0) -> list[tuple[float, float]]:
    """Viewer positions near stars: the brightest pixel of random blocks, jittered by up to 2 px."""
    rng = np.random.default_rng(seed)
    height, width = image.shape
    out = []
    while len(out) < count:
        bx, by = int(rng.integers(32, width - 96)), int(rng.integers(32, height - 96))
        block = image[by : by + 64, bx : bx + 64]
        j, i = np.unravel_index(int(np.argmax(block)), block.shape)
        out.append((bx + i + 0.5 + rng.uniform(-2, 2), by + j + 0.5 + rng.uniform(-2, 2)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--radius", type=float, default=15.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "field.fits"
        image = star_field((4096, 2048), n_stars=4000, seed=11)
        fits.PrimaryHDU(image, tan_header((1024.5, 2048.5), (150.0, 2.0), 0.263 / 3600)).writeto(path)
        clear_caches()
        points = cursors(image, args.requests)
        radial_profile(path, hdu=0, plane=0, x=points[0][0], y=points[0][1], radius=args.radius)  # warm-up
        profile_ms, baseline_ms, converged = [], [], 0
        half = args.radius + 6
        for x, y in points:
            start = time.perf_counter()
            canvas(path, hdu=0, plane=0, box=(x - half, y - half, x + half, y + half))
            baseline_ms.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            result = radial_profile(path, hdu=0, plane=0, x=x, y=y, radius=args.radius)
            json.dumps(result, allow_nan=True)
            profile_ms.append((time.perf_counter() - start) * 1000)
            converged += bool(result["gaussian"]["ok"] and result["moffat"]["ok"])
    p50, p95 = _percentile(profile_ms, 50), _percentile(profile_ms, 95)
    b50, b95 = _percentile(baseline_ms, 50), _percentile(baseline_ms, 95)
    print(f"image: 2048x4096 float32, radius {args.radius:g} px, {args.requests} requests")
    print(f"profile_ms_p50: {p50:.2f}")
    print(f"profile_ms_p95: {p95:.2f}")
    print(f"profile_ms_mean: {statistics.fmean(profile_ms):.2f}")
    print(f"baseline_read_ms_p50: {b50:.3f}")
    print(f"baseline_read_ms_p95: {b95:.3f}")
    print(f"ratio_profile_vs_read_p50: {p50 / b50 if b50 > 0 else math.inf:.1f}")
    print(f"fits_converged: {converged}/{args.requests}")


if __name__ == "__main__":
    main()
