"""The imaging core at DECam scale: pyramids, cold tiles, the first screen, memory, readers.

Run: ``.venv/bin/python benchmarks/decam.py [--ccds 62] [--workdir var/bench] [--skip-vips]``

It writes a synthetic DECam-like exposure (``write_decam_like``: CCDs of 2048×4096 float32 with
DETSEC/DATASEC and a TAN WCS each), compresses it with ``fpack`` defaults (Rice, one-row tiles,
float quantisation q = 4) and keeps both files in the work folder, so later runs skip that step.
Then it prints ``name: value`` lines (seconds ``_s``, milliseconds ``_ms``, megabytes ``_mb``);
every ratio compares figures measured in the same run, on the ``.fits.fz`` file:

- P1 ``p1_pyramid_s_{1,2}proc``: ``build_pyramid`` of every CCD (levels and pre-rendered PNG
  tiles) on an empty cache, by a pool of 1 or 2 spawned processes taking one CCD at a time
  (as Celery workers would); ``p1_mosaic_s``: then the mosaic's pre-rendered tiles (one
  process, from the CCDs' cached levels), the last task of ``toyz_prerender`` for a file;
  ``p1_total_s_2proc`` is the sum; ``p1_naive_s``: whole-HDU astropy reads, 2×2 means, per-tile
  ``np.arcsinh`` and a matplotlib colormap to RGB PNG, timed on ``--naive-ccds`` CCDs and
  scaled to the exposure; ``p1_vips_dzsave_s``: ``vips dzsave`` of the same CCDs as 8-bit
  (conversion to 8-bit not timed).
  ``p1_cpus_used_*`` is CPU seconds over wall seconds: below 1 (or 2) other processes took
  CPU from the build, and ``throughput_ratio_2_vs_1_if_cores_free`` says what two free cores
  would give (twice one worker's CPU cost over the pool's).
- P2 ``p2_cold_tile_ms_*``: median time of one tile with every process cache emptied
  (``clear_caches``: the file is opened and its headers parsed again), from the built pyramid
  (the pre-rendered tiles, then new rendering parameters) and from the ``.fz`` alone on an
  empty cache; ``p2_new_tile_ms_*_file_open``: the same tiles in a running server, where the
  file stays open and only the tile is new.
- P3 ``p3_first_screen_s``: a never-seen exposure, from ``describe`` (cuts on a sample) to
  every tile of a 1400×900 screen showing the first CCD whole; ``*_mosaic``: the same for
  the whole focal plane when the engine offers a mosaic (HDU index -1), asking previews where
  the engine says a tile needs building (``tile_needs_building``), as the viewer does.
- Balance ``night_s_per_{exposure,ccd}``: a night of ``--night`` exposures of ``--night-ccds``
  CCDs (hard links of one file: each is a new file to the cache) pre-rendered by 2 processes,
  with one task per exposure (``build_pyramid`` of the whole file, mosaic included) against one
  task per CCD followed by one mosaic task per exposure.
- P7 ``p7_peak_rss_mb``: the high-water resident memory (``VmHWM``) of the process that built
  every CCD in P1; ``*_mosaic``: of the process that then made the mosaic's tiles.
- ``read_ms_*``: astropy against fitsio (when installed) reading a 256-row strip and a
  256×256 region of a compressed and an uncompressed CCD.
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing as mp
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import matplotlib
import numpy as np
import numpy.typing as npt
from astropy.io import fits
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workers.imaging import (
    RenderParams,
    build_pyramid,
    clear_caches,
    default_cuts,
    describe,
    render_tile,
    tile_needs_building,
)
from workers.imaging.pyramid import level_shape, tile_counts
from workers.imaging.reading import TILE_SIZE, level_count
from workers.imaging.synthetic import write_decam_like

ROOT = Path(__file__).resolve().parent.parent
CCD_SHAPE = (4096, 2048)
SCREEN = (1400, 900)


class Results:
    """Ordered ``name: value`` lines, printed as they come so a long run shows progress."""

    def __init__(self) -> None:
        self.values: dict[str, float | int | str] = {}

    def put(self, name: str, value: float | int | str) -> None:
        self.values[name] = value
        text = str(value)
        if isinstance(value, float):
            text = f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
        print(f"{name}: {text}", flush=True)


# --- the exposure ---------------------------------------------------------------------------


def ensure_exposure(workdir: Path, ccds: int, out: Results) -> tuple[Path, Path]:
    """Return (uncompressed, fpacked) exposure paths, writing them unless already there."""
    plain = workdir / f"decam-{ccds}.fits"
    packed = workdir / f"decam-{ccds}.fits.fz"
    record = workdir / f"decam-{ccds}.json"
    if plain.exists() and packed.exists() and record.exists():
        made = json.loads(record.read_text())
        out.put("generated", f"no (cached in {workdir})")
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        tmp_plain = workdir / f".decam-{ccds}.fits.tmp"
        tmp_packed = workdir / f".decam-{ccds}.fits.fz.tmp"
        tmp_packed.unlink(missing_ok=True)
        start = time.perf_counter()
        write_decam_like(tmp_plain, n_ccds=ccds, ccd_shape=CCD_SHAPE, seed=0)
        written = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run(["fpack", "-O", str(tmp_packed), str(tmp_plain)], check=True)
        packed_s = time.perf_counter() - start
        tmp_plain.replace(plain)
        tmp_packed.replace(packed)
        made = {"write_s": written, "fpack_s": packed_s}
        record.write_text(json.dumps(made))
        out.put("generated", "yes")
    out.put("generate_write_s", float(made["write_s"]))
    out.put("generate_fpack_s", float(made["fpack_s"]))
    out.put("size_mb_fits", plain.stat().st_size / 2**20)
    out.put("size_mb_fz", packed.stat().st_size / 2**20)
    return plain, packed


def fresh(folder: Path) -> Path:
    """Empty ``folder`` (a cache or output folder of this benchmark) and return it."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# --- P1 and P7: pyramids in worker processes ----------------------------------------------------


def _peak_rss_kb() -> int:
    """This process's peak resident memory in kB: ``VmHWM``, which starts afresh at ``exec``
    (``ru_maxrss`` does not: a spawned worker would report its parent's peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _build_one(job: tuple[str, int, str]) -> tuple[int, float]:
    """Pool task: build the pyramid of one CCD; return (peak RSS in kB so far, CPU seconds)."""
    path, hdu, cache = job
    start = time.process_time()
    build_pyramid(Path(path), hdu=hdu, cache_dir=Path(cache))
    return _peak_rss_kb(), time.process_time() - start


def _ready(_: int) -> int:
    time.sleep(0.2)  # keeps this worker busy so that the other one takes the other warm-up task
    return os.getpid()


def build_in_pool(path: Path, hdus: Sequence[int], cache: Path, processes: int) -> tuple[float, float, float]:
    """Build every CCD's pyramid with ``processes`` spawned workers.

    Returns (wall s, CPU s summed over the workers, peak RSS MB of the largest worker).

    Workers start (and import astropy) before the clock starts; each takes the next CCD when
    it is free, as Celery workers do with one task per CCD.
    """
    context = mp.get_context("spawn")
    with context.Pool(processes) as pool:
        pool.map(_ready, range(processes), chunksize=1)
        start = time.perf_counter()
        jobs = [(str(path), hdu, str(cache)) for hdu in hdus]
        done = list(pool.imap_unordered(_build_one, jobs, chunksize=1))
        wall = time.perf_counter() - start
    return wall, sum(cpu for _, cpu in done), max(rss for rss, _ in done) / 1024.0


def _build_task(job: tuple[str, int | None, str]) -> float:
    """Pool task: ``build_pyramid`` of one file (``hdu`` None: all of it) or one HDU; CPU s."""
    path, hdu, cache = job
    start = time.process_time()
    build_pyramid(Path(path), hdu=hdu, cache_dir=Path(cache))
    return time.process_time() - start


def night_in_pool(paths: Sequence[Path], hdus: Sequence[int], cache: Path, per_ccd: bool) -> tuple[float, float]:
    """Pre-render ``paths`` with 2 processes, one task per file or per CCD (then one mosaic
    task per file, which finds the CCDs built). Returns (wall s, CPU s of the tasks)."""
    context = mp.get_context("spawn")
    with context.Pool(2) as pool:
        pool.map(_ready, range(2), chunksize=1)
        start = time.perf_counter()
        if per_ccd:
            jobs: list[tuple[str, int | None, str]] = [(str(p), hdu, str(cache)) for p in paths for hdu in hdus]
            cpu = sum(pool.imap_unordered(_build_task, jobs, chunksize=1))
            jobs = [(str(p), -1, str(cache)) for p in paths]
        else:
            cpu = 0.0
            jobs = [(str(p), None, str(cache)) for p in paths]
        cpu += sum(pool.imap_unordered(_build_task, jobs, chunksize=1))
        return time.perf_counter() - start, cpu


def night_balance(workdir: Path, exposures: int, ccds: int, out: Results) -> None:
    """``night_s_per_exposure`` and ``night_s_per_ccd`` (see the module's docstring)."""
    _, packed = ensure_exposure(workdir, ccds, Results())
    night = fresh(workdir / "night")
    paths = []
    for n in range(exposures):
        link = night / f"exp{n}.fits.fz"
        os.link(packed, link)
        paths.append(link)
    hdus = list(range(1, ccds + 1))
    for per_ccd, tag in ((False, "exposure"), (True, "ccd")):
        wall, cpu = night_in_pool(paths, hdus, fresh(workdir / "cache-night"), per_ccd)
        out.put(f"night_s_per_{tag}", wall)
        out.put(f"night_cpu_s_per_{tag}", cpu)
    shutil.rmtree(workdir / "cache-night", ignore_errors=True)
    shutil.rmtree(night, ignore_errors=True)


# --- P1: the naive pipeline ---------------------------------------------------------------------


def naive_pyramid(path: Path, hdu: int, out_dir: Path) -> int:
    """What a first prototype would do; return the number of tiles written.

    Whole-HDU read without memmap, float64, limits from percentiles, levels by plain 2×2
    means, and for each tile ``np.arcsinh``, a matplotlib colormap and an RGB PNG.
    """
    with fits.open(path, memmap=False) as hdul:
        data = np.asarray(hdul[hdu].data, dtype=np.float64)
    lo, hi = np.percentile(data[::4, ::4], [0.5, 99.5])
    cmap = matplotlib.colormaps["gray"]
    written = 0
    level = 0
    while True:
        h, w = data.shape
        for ty in range(-(-h // TILE_SIZE)):
            for tx in range(-(-w // TILE_SIZE)):
                cut = data[ty * TILE_SIZE : (ty + 1) * TILE_SIZE, tx * TILE_SIZE : (tx + 1) * TILE_SIZE][::-1]
                scaled = np.arcsinh(np.clip((cut - lo) / (hi - lo), 0, 1) / 0.1) / np.arcsinh(10.0)
                rgb = (cmap(scaled)[..., :3] * 255).astype(np.uint8)
                target = out_dir / f"{hdu}/{level}/{tx}_{ty}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                Image.fromarray(rgb).save(target, format="PNG")
                written += 1
        if max(h, w) <= TILE_SIZE:
            return written
        data = data[: h // 2 * 2, : w // 2 * 2]
        data = 0.25 * (data[0::2, 0::2] + data[1::2, 0::2] + data[0::2, 1::2] + data[1::2, 1::2])
        level += 1


# --- P1: vips dzsave ------------------------------------------------------------------------------


def vips_inputs(packed: Path, hdus: Sequence[int], folder: Path) -> list[Path]:
    """Write each CCD as an 8-bit vips image (linear between its 0.5 and 99.5 percentiles)."""
    folder.mkdir(parents=True, exist_ok=True)
    images: list[Path] = []
    with fits.open(packed) as hdul:
        for hdu in hdus:
            target = folder / f"ccd{hdu}.v"
            images.append(target)
            if target.exists():
                continue
            data = np.asarray(hdul[hdu].data, dtype=np.float32)
            lo, hi = np.percentile(data[::4, ::4], [0.5, 99.5])
            grey = np.clip((data - lo) / (hi - lo) * 255.0, 0, 255).astype(np.uint8)[::-1]
            raw = folder / f"ccd{hdu}.raw"
            raw.write_bytes(np.ascontiguousarray(grey).tobytes())
            h, w = grey.shape
            tmp = folder / f".ccd{hdu}.v"
            subprocess.run(["vips", "rawload", str(raw), str(tmp), str(w), str(h), "1"], check=True)
            raw.unlink()
            tmp.replace(target)
    return images


def vips_dzsave(images: Sequence[Path], folder: Path, concurrency: int | None) -> float:
    """Seconds for ``vips dzsave`` of every image: 256-pixel PNG tiles, no overlap, down to one tile."""
    env = dict(os.environ)
    if concurrency is not None:
        env["VIPS_CONCURRENCY"] = str(concurrency)
    fresh(folder)
    start = time.perf_counter()
    for image in images:
        command = ["vips", "dzsave", str(image), str(folder / image.stem)]
        command += ["--tile-size", "256", "--overlap", "0", "--depth", "onetile", "--suffix", ".png"]
        subprocess.run(command, check=True, env=env)
    return time.perf_counter() - start


# --- P2 and P3: tiles ----------------------------------------------------------------------------


def timed_ms(call: Callable[..., object], *args: Any, **kwargs: Any) -> float:
    """Milliseconds that ``call(*args, **kwargs)`` takes."""
    start = time.perf_counter()
    call(*args, **kwargs)
    return (time.perf_counter() - start) * 1000.0


def cold_tiles(
    path: Path,
    hdus: Sequence[int],
    level: int,
    count: int,
    params: RenderParams | dict[int, RenderParams],
    cache: Callable[[int], Path],
    *,
    clear: bool = True,
) -> float:
    """Median ms of ``count`` random tiles at ``level``, each after ``clear_caches`` if ``clear``.

    ``params`` may be one rendering for all CCDs or one per CCD (those they were pre-rendered with).
    """
    rng = random.Random(level)
    nx, ny = tile_counts(CCD_SHAPE[1], CCD_SHAPE[0], level)
    times: list[float] = []
    for n in range(count):
        hdu, tx, ty = rng.choice(hdus), rng.randrange(nx), rng.randrange(ny)
        if clear:
            clear_caches()
        folder = cache(n)
        chosen = params[hdu] if isinstance(params, dict) else params
        tile = {"hdu": hdu, "plane": 0, "level": level, "x": tx, "y": ty, "params": chosen, "cache_dir": folder}
        times.append(timed_ms(render_tile, path, **tile))
    return statistics.median(times)


def screen_tiles(width: int, height: int, screen: tuple[int, int]) -> tuple[int, list[tuple[int, int]]]:
    """Return the coarsest-needed level at which the whole image fits ``screen``, and its tiles."""
    level = 0
    while True:
        w, h = level_shape(width, height, level)
        if w <= screen[0] and h <= screen[1]:
            break
        level += 1
    nx, ny = tile_counts(width, height, level)
    return level, [(tx, ty) for ty in range(ny) for tx in range(nx)]


def first_screen(path: Path, cache: Path, hdu: int | None = None) -> tuple[float, float, float, int, int]:
    """A never-seen file: describe it, then render every tile of ``hdu`` fitted to the screen.

    ``hdu`` None is the default HDU of ``describe``. Returns (total s, CPU s of this process,
    describe s, level, tile count).
    """
    clear_caches()
    cpu = time.process_time()
    start = time.perf_counter()
    info = describe(path, hdu=hdu, cache_dir=cache)
    described = time.perf_counter() - start
    hdu = int(info["hdu"])
    # Look the HDU up by index: engines with a mosaic list it first, as index -1.
    shown = next(item for item in info["hdus"] if item["index"] == hdu)
    lo, hi = info["cuts"]["zscale"]
    params = RenderParams("linear", lo, hi, "gray", False, "png")
    level, tiles = screen_tiles(int(shown["width"]), int(shown["height"]), SCREEN)
    for tx, ty in tiles:
        where = {"hdu": hdu, "plane": 0, "level": level, "x": tx, "y": ty}
        preview = bool(info.get("preview")) and tile_needs_building(path, cache_dir=cache, **where)
        render_tile(path, params=params, preview=preview, cache_dir=cache, **where)
    return time.perf_counter() - start, time.process_time() - cpu, described, level, len(tiles)


def centre_screen_level0(path: Path, hdu: int, params: RenderParams, cache: Path) -> tuple[float, int]:
    """A never-seen file shown at full resolution: the tiles of a screen at the CCD's centre."""
    clear_caches()
    cx, cy = CCD_SHAPE[1] // 2, CCD_SHAPE[0] // 2
    x0, x1 = (cx - SCREEN[0] // 2) // TILE_SIZE, (cx + SCREEN[0] // 2 - 1) // TILE_SIZE
    y0, y1 = (cy - SCREEN[1] // 2) // TILE_SIZE, (cy + SCREEN[1] // 2 - 1) // TILE_SIZE
    tiles = [(tx, ty) for ty in range(y0, y1 + 1) for tx in range(x0, x1 + 1)]
    start = time.perf_counter()
    for tx, ty in tiles:
        render_tile(path, hdu=hdu, plane=0, level=0, x=tx, y=ty, params=params, cache_dir=cache)
    return time.perf_counter() - start, len(tiles)


# --- readers: astropy against fitsio ------------------------------------------------------------


def regions(count: int, seed: int) -> Iterator[tuple[tuple[int, int, int, int], tuple[int, int, int, int]]]:
    """Yield (strip, square) regions ``(y0, y1, x0, x1)`` at random places of a CCD."""
    rng = random.Random(seed)
    h, w = CCD_SHAPE
    for _ in range(count):
        y = rng.randrange(0, h - TILE_SIZE)
        x = rng.randrange(0, w - TILE_SIZE)
        yield (y, y + TILE_SIZE, 0, w), (y, y + TILE_SIZE, x, x + TILE_SIZE)


def read_astropy(path: Path, hdu: int, count: int) -> tuple[float, float]:
    """Median ms of astropy reads (strip, square) through an open HDUList, as the engine reads."""
    strips: list[float] = []
    squares: list[float] = []
    with fits.open(path) as hdul:
        item = hdul[hdu]
        compressed = isinstance(item, fits.CompImageHDU)

        def read(y0: int, y1: int, x0: int, x1: int) -> npt.NDArray[Any]:
            if compressed:
                return np.asarray(item.section[y0:y1, x0:x1])
            return np.array(item.data[y0:y1, x0:x1])

        read(0, 1, 0, 1)  # headers parsed and data mapped before timing
        for strip, square in regions(count, hdu):
            strips.append(timed_ms(read, *strip))
            squares.append(timed_ms(read, *square))
    return statistics.median(strips), statistics.median(squares)


def read_fitsio(fitsio: ModuleType, path: Path, hdu: int, count: int) -> tuple[float, float]:
    """Median ms of fitsio reads (strip, square) through an open file."""
    strips: list[float] = []
    squares: list[float] = []
    with fitsio.FITS(str(path)) as f:
        item = f[hdu]
        item[0:1, 0:1]

        def read(y0: int, y1: int, x0: int, x1: int) -> Any:
            return item[y0:y1, x0:x1]

        for strip, square in regions(count, hdu):
            strips.append(timed_ms(read, *strip))
            squares.append(timed_ms(read, *square))
    return statistics.median(strips), statistics.median(squares)


def check_same_pixels(fitsio: ModuleType, path: Path, hdu: int) -> float:
    """Largest difference between the two readers on one region (0 unless one is wrong)."""
    with fits.open(path) as hdul, fitsio.FITS(str(path)) as f:
        item = hdul[hdu]
        ours = np.asarray(item.section[100:356, 300:556], dtype=np.float64)
        theirs = np.asarray(f[hdu][100:356, 300:556], dtype=np.float64)
    return float(np.nanmax(np.abs(ours - theirs)))


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--ccds", type=int, default=62, help="CCDs in the synthetic exposure")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench", help="exposures and caches")
    parser.add_argument("--naive-ccds", type=int, default=4, help="CCDs timed for the naive pipeline")
    parser.add_argument("--tiles", type=int, default=24, help="tiles per cold-tile median")
    parser.add_argument("--reads", type=int, default=20, help="reads per reader median")
    parser.add_argument("--skip-vips", action="store_true", help="do not time vips dzsave")
    parser.add_argument("--skip-naive", action="store_true", help="do not time the naive pipeline")
    parser.add_argument("--skip-2proc", action="store_true", help="do not build with 2 processes")
    parser.add_argument("--skip-mosaic", action="store_true", help="do not time the mosaic's first screen")
    parser.add_argument("--keep", action="store_true", help="keep the pyramid caches afterwards")
    parser.add_argument("--p3-only", type=int, default=0, metavar="N", help="only P3, N times over (then stop)")
    parser.add_argument("--night", type=int, default=3, help="exposures in the balance test (0: skip it)")
    parser.add_argument("--night-ccds", type=int, default=8, help="CCDs per exposure in the balance test")
    args = parser.parse_args()
    workdir: Path = args.workdir.resolve()
    out = Results()
    out.put("ccds", args.ccds)
    out.put("cpus", os.cpu_count() or 0)
    # The machine may be shared: the load before and after says how far to trust the times.
    out.put("loadavg_1min_start", os.getloadavg()[0])
    plain, packed = ensure_exposure(workdir, args.ccds, out)
    with fits.open(packed) as hdul:
        hdus = [i for i, item in enumerate(hdul) if isinstance(item, fits.CompImageHDU)]
    levels = level_count(CCD_SHAPE[1], CCD_SHAPE[0])
    out.put("tiles_per_ccd", sum(int(np.prod(tile_counts(CCD_SHAPE[1], CCD_SHAPE[0], k))) for k in range(levels)))

    for n in range(args.p3_only):
        # Each time a new cache and no open file: the exposure is never-seen again.
        out.put(f"p3_first_screen_s_run{n}", first_screen(packed, fresh(workdir / "cache-p3"), hdus[0])[0])
        out.put(f"p3_first_screen_s_mosaic_run{n}", first_screen(packed, fresh(workdir / "cache-p3"), -1)[0])
    if args.p3_only:
        shutil.rmtree(workdir / "cache-p3", ignore_errors=True)
        return

    # P3 first: nothing of this file is in any cache yet.
    total, cpu, described, level, count = first_screen(packed, fresh(workdir / "cache-p3"), hdus[0])
    out.put("p3_describe_s", described)
    out.put("p3_screen_level", level)
    out.put("p3_screen_tiles", count)
    out.put("p3_first_screen_s", total)
    out.put("p3_first_screen_cpu_s", cpu)  # what it would take with a free core
    if not args.skip_mosaic:
        listed = describe(packed, cache_dir=workdir / "cache-p3")["hdus"]
        if any(item["index"] == -1 and item["kind"] == "mosaic" for item in listed):
            total, cpu, described, level, count = first_screen(packed, fresh(workdir / "cache-p3-mosaic"), -1)
            out.put("p3_mosaic_describe_s", described)
            out.put("p3_mosaic_screen_level", level)
            out.put("p3_mosaic_screen_tiles", count)
            out.put("p3_first_screen_s_mosaic", total)
            out.put("p3_first_screen_cpu_s_mosaic", cpu)
            shutil.rmtree(workdir / "cache-p3-mosaic", ignore_errors=True)
        else:
            out.put("p3_first_screen_s_mosaic", "this engine has no mosaic")
    info = describe(packed, hdu=hdus[0], cache_dir=workdir / "cache-p3")
    lo, hi = info["cuts"]["zscale"]
    params = RenderParams("linear", lo, hi, "gray", False, "png")
    seconds, count = centre_screen_level0(packed, hdus[0], params, fresh(workdir / "cache-p3-l0"))
    out.put("p3_screen_tiles_level0", count)
    out.put("p3_first_screen_s_level0", seconds)

    # P1 and P7.
    pyramid = fresh(workdir / "cache-p1")
    wall1, cpu1, rss1 = build_in_pool(packed, hdus, pyramid, 1)
    out.put("p1_pyramid_s_1proc", wall1)
    out.put("p1_pyramid_cpu_s_1proc", cpu1)
    # Below 1 (or 2 with two workers), other processes took CPU from the build.
    out.put("p1_cpus_used_1proc", cpu1 / wall1)
    mosaic_s, _, mosaic_rss = build_in_pool(packed, [-1], pyramid, 1)
    out.put("p1_mosaic_s", mosaic_s)
    out.put("p7_peak_rss_mb_mosaic", mosaic_rss)
    out.put("p1_cache_mb", sum(p.stat().st_size for p in pyramid.rglob("*") if p.is_file()) / 2**20)
    out.put("p7_peak_rss_mb", rss1)
    if not args.skip_2proc:
        wall2, cpu2, rss2 = build_in_pool(packed, hdus, fresh(workdir / "cache-p1-2proc"), 2)
        shutil.rmtree(workdir / "cache-p1-2proc", ignore_errors=True)
        out.put("p1_pyramid_s_2proc", wall2)
        out.put("p1_pyramid_cpu_s_2proc", cpu2)
        out.put("p1_cpus_used_2proc", cpu2 / wall2)
        out.put("p7_peak_rss_mb_2proc_each", rss2)
        out.put("p1_total_s_2proc", wall2 + mosaic_s)
        out.put("throughput_ratio_2_vs_1", wall1 / wall2)
        # What two free cores would give: twice the work per CPU second that one worker gets.
        out.put("throughput_ratio_2_vs_1_if_cores_free", 2.0 * cpu1 / cpu2)
    best = min(wall1, wall2) if not args.skip_2proc else wall1
    if not args.skip_naive:
        subset = hdus[: args.naive_ccds]
        naive_dir = fresh(workdir / "naive")
        start = time.perf_counter()
        for hdu in subset:
            naive_pyramid(packed, hdu, naive_dir)
        measured = time.perf_counter() - start
        shutil.rmtree(naive_dir, ignore_errors=True)
        out.put("p1_naive_ccds_timed", len(subset))
        out.put("p1_naive_s_measured", measured)
        naive = measured * len(hdus) / len(subset)
        out.put("p1_naive_s", naive)  # scaled linearly from the timed subset
        out.put("p1_speedup_vs_naive", naive / wall1)
    if not args.skip_vips and shutil.which("vips"):
        images = vips_inputs(packed, hdus, workdir / "vips-in")
        dz = workdir / "vips-out"
        vips1 = vips_dzsave(images, dz, 1)
        vips_all = vips_dzsave(images, dz, None)
        shutil.rmtree(dz, ignore_errors=True)
        out.put("p1_vips_dzsave_s_1thread", vips1)
        out.put("p1_vips_dzsave_s", vips_all)
        out.put("p1_ratio_pyramid_1proc_vs_vips_1thread", wall1 / vips1)
        # What this machine gives a program that scales well: compare throughput_ratio_2_vs_1.
        out.put("vips_ratio_2_threads_vs_1", vips1 / vips_all)
        out.put("p1_ratio_pyramid_best_vs_vips", best / vips_all)
    elif not args.skip_vips:
        out.put("p1_vips_dzsave_s", "vips not installed (apt-get install libvips-tools)")

    # P2: from the built pyramid (pre-rendered tiles, then new parameters), then from the .fz.
    middle = 2
    out.put("p2_middle_level", middle)
    # The tiles build_pyramid pre-rendered: each CCD's linear zscale rendering.
    prerendered = {}
    for hdu in hdus:
        zlo, zhi = default_cuts(packed, hdu=hdu, plane=0, cache_dir=pyramid)["zscale"]
        prerendered[hdu] = RenderParams("linear", zlo, zhi, "gray", False, "png")
    worst = 0.0
    for level, tag in ((0, "level0"), (middle, "middle")):
        ms = cold_tiles(packed, hdus, level, args.tiles, prerendered, lambda n: pyramid)
        out.put(f"p2_cold_tile_ms_pyramid_{tag}", ms)
        worst = max(worst, ms)
    out.put("p2_cold_tile_ms_pyramid", worst)  # the worse of the two levels
    other = RenderParams("asinh", lo, hi * 4, "viridis", False, "png")
    for level, tag in ((0, "level0"), (middle, "middle")):
        out.put(
            f"p2_cold_tile_ms_pyramid_newparams_{tag}",
            cold_tiles(packed, hdus, level, args.tiles, other, lambda n: pyramid),
        )
    # A running server: the file stays open between requests, only the tile is new.
    out.put(
        "p2_new_tile_ms_pyramid_file_open",
        cold_tiles(packed, hdus, 0, args.tiles, other, lambda n: pyramid, clear=False),
    )
    fz_cache = workdir / "cache-p2"
    out.put(
        "p2_new_tile_ms_fz_file_open",
        cold_tiles(packed, hdus, 0, args.tiles, params, lambda n: fresh(fz_cache / f"open-{n}"), clear=False),
    )
    out.put("p2_cold_tile_ms_fz", cold_tiles(packed, hdus, 0, args.tiles, params, lambda n: fresh(fz_cache / str(n))))
    out.put("p2_cold_tile_ms_fits", cold_tiles(plain, hdus, 0, args.tiles, params, lambda n: fresh(fz_cache / str(n))))
    shutil.rmtree(fz_cache, ignore_errors=True)

    # Readers.
    for tag, path in (("fz", packed), ("fits", plain)):
        strip, square = read_astropy(path, hdus[0], args.reads)
        out.put(f"read_ms_astropy_{tag}_strip", strip)
        out.put(f"read_ms_astropy_{tag}_square", square)
    try:
        fitsio = importlib.import_module("fitsio")
    except ImportError:
        out.put("read_ms_fitsio", "fitsio not installed (.venv/bin/pip install fitsio)")
    else:
        for tag, path in (("fz", packed), ("fits", plain)):
            strip, square = read_fitsio(fitsio, path, hdus[0], args.reads)
            out.put(f"read_ms_fitsio_{tag}_strip", strip)
            out.put(f"read_ms_fitsio_{tag}_square", square)
            out.put(f"read_max_abs_diff_{tag}", check_same_pixels(fitsio, path, hdus[0]))

    if args.night:
        out.put("night_exposures", args.night)
        out.put("night_ccds_each", args.night_ccds)
        night_balance(workdir, args.night, args.night_ccds, out)

    out.put("loadavg_1min_end", os.getloadavg()[0])
    if not args.keep:
        for name in ("cache-p1", "cache-p3", "cache-p3-l0"):
            shutil.rmtree(workdir / name, ignore_errors=True)


if __name__ == "__main__":
    main()
