"""Tile latency of the imaging core against a naive renderer.

Run: ``.venv/bin/python benchmarks/tiles.py [--size 4096] [--tiles 16]``

It writes a synthetic star field as an uncompressed FITS file and as a Rice-compressed ``.fz``
(tiles of one row, like fpack) in a temporary folder, then prints ``name: value`` lines:

- ``cold_tile_ms_*``: level-0 tiles with every process cache emptied and a fresh cache folder
  before each tile (open the file, parse headers, read the region, render, encode);
- ``cold_top_tile_ms_*``: the single coarsest tile on an empty cache (builds every level);
- ``warm_tile_ms_*``: tiles that ``build_pyramid`` pre-rendered (served from the cache);
- ``warm_render_ms_*``: tiles with new render parameters once the level arrays exist;
- ``naive_tile_ms*``: astropy without memmap reading the whole HDU for each tile, then
  ``np.arcsinh`` and a matplotlib colormap to an RGB PNG — what a first prototype would do.

Times are medians in milliseconds.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib
import numpy as np
from astropy.io import fits
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workers.imaging import RenderParams, build_pyramid, clear_caches, default_cuts, render_tile
from workers.imaging.pyramid import tile_counts
from workers.imaging.reading import level_count
from workers.imaging.synthetic import star_field

TILE = 256


def write_inputs(folder: Path, size: int) -> tuple[Path, Path]:
    image = star_field((size, size), n_stars=size * size // 2000, seed=0)
    plain = folder / "field.fits"
    fits.PrimaryHDU(image).writeto(plain)
    packed = folder / "field.fits.fz"
    comp = fits.CompImageHDU(image, compression_type="RICE_1", tile_shape=(1, size))
    fits.HDUList([fits.PrimaryHDU(), comp]).writeto(packed)
    return plain, packed


def tile_ms(path: Path, hdu: int, level: int, x: int, y: int, params: RenderParams, cache: Path) -> float:
    """Milliseconds to get one tile from the imaging core."""
    start = time.perf_counter()
    render_tile(path, hdu=hdu, plane=0, level=level, x=x, y=y, params=params, cache_dir=cache)
    return (time.perf_counter() - start) * 1000.0


def naive_tile(path: Path, hdu: int, tx: int, ty: int, lo: float, hi: float) -> bytes:
    with fits.open(path, memmap=False) as hdul:
        data = np.asarray(hdul[hdu].data, dtype=np.float64)
    cut = data[ty * TILE : (ty + 1) * TILE, tx * TILE : (tx + 1) * TILE][::-1]
    scaled = np.arcsinh(np.clip((cut - lo) / (hi - lo), 0, 1) / 0.1) / np.arcsinh(10.0)
    rgb = (matplotlib.colormaps["gray"](scaled)[..., :3] * 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG")
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=4096, help="image side in pixels")
    parser.add_argument("--tiles", type=int, default=16, help="tiles timed per measurement")
    parser.add_argument("--naive", type=int, default=4, help="tiles timed for the naive renderer")
    args = parser.parse_args()
    rng = random.Random(0)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="toyz-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        plain, packed = write_inputs(folder, args.size)
        results["write_inputs_s"] = time.perf_counter() - started
        nx, ny = tile_counts(args.size, args.size, 0)
        top = level_count(args.size, args.size) - 1
        picks = [(rng.randrange(nx), rng.randrange(ny)) for _ in range(args.tiles)]
        lo, hi = default_cuts(plain, hdu=0, plane=0, cache_dir=folder / "cuts")["zscale"]
        params = RenderParams("linear", lo, hi, "gray", False, "png")
        other = RenderParams("asinh", lo, hi * 4, "viridis", False, "png")

        for tag, path, hdu in (("fits", plain, 0), ("fz", packed, 1)):
            cold: list[float] = []
            for n, (tx, ty) in enumerate(picks):
                clear_caches()
                cold.append(tile_ms(path, hdu, 0, tx, ty, params, folder / f"cold-{tag}-{n}"))
            results[f"cold_tile_ms_{tag}"] = statistics.median(cold)

            clear_caches()
            results[f"cold_top_tile_ms_{tag}"] = tile_ms(path, hdu, top, 0, 0, params, folder / f"top-{tag}")

            cache = folder / f"warm-{tag}"
            clear_caches()
            start = time.perf_counter()
            build_pyramid(path, hdu=hdu, cache_dir=cache, params=params)
            results[f"build_pyramid_s_{tag}"] = time.perf_counter() - start
            warm = [tile_ms(path, hdu, 0, tx, ty, params, cache) for tx, ty in picks]
            results[f"warm_tile_ms_{tag}"] = statistics.median(warm)
            # New parameters: level arrays are mapped, the tiles must be rendered.
            levels = [0, 1, 2] * len(picks)
            rendered = [
                tile_ms(path, hdu, k, tx >> k, ty >> k, other, cache)
                for k, (tx, ty) in zip(levels, picks, strict=False)
            ]
            results[f"warm_render_ms_{tag}"] = statistics.median(rendered)

        for tag, path, hdu in (("", plain, 0), ("_fz", packed, 1)):
            naive: list[float] = []
            for tx, ty in picks[: args.naive]:
                start = time.perf_counter()
                naive_tile(path, hdu, tx, ty, lo, hi)
                naive.append((time.perf_counter() - start) * 1000.0)
            results[f"naive_tile_ms{tag}"] = statistics.median(naive)

    results["speedup_cold_fits_vs_naive"] = results["naive_tile_ms"] / results["cold_tile_ms_fits"]
    results["speedup_cold_fz_vs_naive_fz"] = results["naive_tile_ms_fz"] / results["cold_tile_ms_fz"]
    results["speedup_warm_fits_vs_naive"] = results["naive_tile_ms"] / results["warm_tile_ms_fits"]
    print(f"size: {args.size}")
    for name, value in results.items():
        print(f"{name}: {value:.2f}" if value < 10 else f"{name}: {value:.1f}")


if __name__ == "__main__":
    main()
