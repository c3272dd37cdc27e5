"""A fresh process's first new-parameter tile of a 62-CCD DECam-like exposure, with and without the shared
description cache (workers/imaging/shared.py through Django's cache on Redis).

Run: ``TOYZ_REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python benchmarks/description_cache.py [--runs 7]``
(``make bench-description``). Each run is a new Python process that sets Django up, serves one tile of a
small other file (so that lazy imports and first-use costs are paid, as in any server or worker process that
has served something) and then times one tile of the exposure with rendering parameters never asked before:

- ``fz_level1``: CCD 5 of the fpacked exposure at level 1, its pyramid built (what a viewer asks after a
  pre-render, once the user changes the stretch);
- ``fz_level0``: the same CCD at full resolution (decompresses 256 rows of the ``.fz``);
- ``fits_level0``: the uncompressed exposure at full resolution (``pread``).

"without": the process parses the file's headers (astropy, 63 HDUs); "with": a process that opened the file
before left its layout in Redis. Prints ``name: value`` lines: p50 and max over the runs, and the ratio.
The exposure is generated once into ``--workdir`` (``benchmarks/decam.py``'s, fpack needed).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

HDU = 5
CASES = {"fz_level1": ("fz", 1), "fz_level0": ("fz", 0), "fits_level0": ("fits", 0)}


def child(args: argparse.Namespace) -> None:
    """One fresh process: set up, warm on another file, then time the one tile asked for."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toyz_site.settings")
    import django

    django.setup()
    from workers.imaging import RenderParams, TileAddress, describe, fetch_tile
    from workers.imaging.shared import share_descriptions

    path, cache = Path(args.path), Path(args.cache)
    if args.mode == "prime":
        describe(path, hdu=HDU, cache_dir=cache)  # opens the file and leaves its layout for the others
        return
    if args.mode == "without":
        share_descriptions(None)
    warm = RenderParams(stretch="linear", lo=0.0, hi=100.0, cmap="gray", invert=False, fmt="png")
    fetch_tile(Path(args.warm), TileAddress(1, 0, 0, 0, 0), warm, allow_preview=False, cache_dir=cache)
    # Limits never asked before: nothing pre-rendered answers, the tile is read and rendered.
    params = RenderParams(stretch="asinh", lo=1.0, hi=400.0 + args.seed, cmap="viridis", invert=False, fmt="png")
    where = TileAddress(HDU, 0, args.level, 1 + args.seed % 3, 2)
    start = time.perf_counter()
    tile = fetch_tile(path, where, params, allow_preview=False, cache_dir=cache)
    elapsed = (time.perf_counter() - start) * 1000
    assert tile.data
    print(json.dumps({"ms": elapsed}))


def run_child(mode: str, path: Path, level: int, seed: int, common: list[str]) -> float:
    command = [sys.executable, __file__, "--child", "--mode", mode, "--path", str(path), "--level", str(level)]
    out = subprocess.run([*command, "--seed", str(seed), *common], check=True, capture_output=True, text=True)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["ms"]) if mode != "prime" else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per case and mode")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var/bench")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="with", help=argparse.SUPPRESS)
    parser.add_argument("--path", default="", help=argparse.SUPPRESS)
    parser.add_argument("--cache", default="", help=argparse.SUPPRESS)
    parser.add_argument("--warm", default="", help=argparse.SUPPRESS)
    parser.add_argument("--level", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if not os.environ.get("TOYZ_REDIS_URL"):
        sys.exit("Set TOYZ_REDIS_URL (a Redis database of your own): the description cache lives there.")

    from decam import Results, ensure_exposure

    from workers.imaging import build_pyramid
    from workers.imaging.synthetic import write_decam_like

    out = Results()
    plain, packed = ensure_exposure(args.workdir, 62, out)
    cache = args.workdir / "description-cache"
    warm = args.workdir / "description-warm.fits"
    if not warm.exists():
        write_decam_like(warm, n_ccds=2, ccd_shape=(512, 256), seed=1, compress=True)
    for path in (plain, packed):
        build_pyramid(path, hdu=HDU, cache_dir=cache)  # the CCD's levels (kept from the last run)
    common = ["--cache", str(cache), "--warm", str(warm)]
    files = {"fz": packed, "fits": plain}
    for path in files.values():
        run_child("prime", path, 0, 0, common)
    for name, (kind, level) in CASES.items():
        times: dict[str, list[float]] = {"without": [], "with": []}
        for run in range(args.runs):
            # Alternated, so that the machine's load falls on both alike.
            for mode in ("without", "with"):
                times[mode].append(run_child(mode, files[kind], level, run, common))
        for mode, values in times.items():
            out.put(f"first_tile_ms_p50_{name}_{mode}", statistics.median(values))
            out.put(f"first_tile_ms_max_{name}_{mode}", max(values))
        out.put(
            f"ratio_without_over_with_{name}",
            statistics.median(times["without"]) / statistics.median(times["with"]),
        )
    out.put("runs", args.runs)


if __name__ == "__main__":
    main()
