"""What storing raw tiles at pre-render would cost on disk, level by level, for a DECam-like exposure.

Run: ``.venv/bin/python benchmarks/raw_disk.py [--ccds 4]`` (``make bench-raw-disk``)

It writes ``--ccds`` Rice-compressed CCDs of 4096×2048 (as fpack makes them) into a work folder, pre-renders
them (every CCD's tiles and the mosaic's, as a night does), then stores every raw tile of every level of
each CCD and of the mosaic's pre-rendered levels, timing it, and prints per level and view: tiles, bytes
of the stored raw tiles (gzip) and of the pre-rendered PNG tiles, and the same scaled to a 62-CCD exposure
(CCDs × 62 / ``--ccds``; the mosaic's tiles by area, which is what they cover). The lines
``raw_bytes_per_exposure_from_level_<k>: B`` say what storing levels k and up would add to a night's
cache per exposure (about 1.2 GB without them), which is what ``RAW_PRERENDER_FROM_LEVEL`` was chosen from.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workers.imaging import build_pyramid, file_identity, raw_gzip  # noqa: E402
from workers.imaging.cache import atomic_write_bytes, plane_dir, raw_tile_path  # noqa: E402
from workers.imaging.describe import select_view  # noqa: E402
from workers.imaging.mosaic import Mosaic, tiles_with_data  # noqa: E402
from workers.imaging.pyramid import tile_counts  # noqa: E402
from workers.imaging.reading import opened  # noqa: E402
from workers.imaging.synthetic import write_decam_like  # noqa: E402
from workers.imaging.tiles import raw_values, tile_data  # noqa: E402

EXPOSURE_CCDS = 62


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--ccds", type=int, default=4)
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench-raw-disk")
    args = parser.parse_args()
    work = args.workdir.absolute()
    path = work / f"decam-{args.ccds}.fits.fz"
    cache = work / "cache"
    if not path.exists():
        work.mkdir(parents=True, exist_ok=True)
        write_decam_like(path, n_ccds=args.ccds, ccd_shape=(4096, 2048), seed=0, compress=True)
    shutil.rmtree(cache, ignore_errors=True)
    start = time.perf_counter()
    build_pyramid(path, hdu=None, cache_dir=cache)
    print(f"prerender_s: {time.perf_counter() - start:.1f}  [{args.ccds} CCDs, with the raw tiles it stores now]")
    for stored in cache.rglob("raw"):
        shutil.rmtree(stored)
    identity = file_identity(path)

    raw_bytes: dict[tuple[str, int], int] = defaultdict(int)
    png_bytes: dict[tuple[str, int], int] = defaultdict(int)
    tiles: dict[tuple[str, int], int] = defaultdict(int)
    seconds: dict[tuple[str, int], float] = defaultdict(float)
    with opened(path) as f:
        for hdu in [*range(1, args.ccds + 1), -1]:
            view = select_view(f, hdu, 0)
            kind = "mosaic" if isinstance(view, Mosaic) else "ccd"
            folder = plane_dir(cache, identity, hdu, 0)
            for level in range(view.levels):
                if isinstance(view, Mosaic):
                    places = sorted(tiles_with_data(view, level))
                else:
                    nx, ny = tile_counts(view.width, view.height, level)
                    places = [(x, y) for y in range(ny) for x in range(nx)]
                for x, y in places:
                    began = time.perf_counter()
                    target = raw_tile_path(folder, level, x, y)
                    atomic_write_bytes(target, raw_gzip(raw_values(tile_data(f, view, level, x, y, cache))))
                    seconds[kind, level] += time.perf_counter() - began
                    raw_bytes[kind, level] += target.stat().st_size
                    tiles[kind, level] += 1
                png_bytes[kind, level] += sum(p.stat().st_size for p in folder.glob(f"render/*/{level}/*.png"))

    scale = EXPOSURE_CCDS / args.ccds
    print("view    level  tiles  raw_MB  png_MB  raw/png  ms/tile  raw_MB_per_62_CCD_exposure")
    per_exposure: dict[int, float] = defaultdict(float)
    for (kind, level), count in sorted(tiles.items()):
        scaled = raw_bytes[kind, level] * scale
        png = png_bytes[kind, level]
        ratio = raw_bytes[kind, level] / png if png else float("nan")
        print(
            f"{kind:7} {level:5} {count:6} {raw_bytes[kind, level] / 1e6:7.1f} {png / 1e6:7.1f} {ratio:7.1f} "
            f"{seconds[kind, level] * 1000 / count:8.2f} {scaled / 1e6:10.1f}"
        )
        for first in range(level + 1):
            per_exposure[first] += scaled
    for first, total in sorted(per_exposure.items()):
        print(f"raw_bytes_per_exposure_from_level_{first}: {total:.0f}  ({total / 1e6:.0f} MB)")


if __name__ == "__main__":
    main()
