"""What the folder watcher's polls cost: listing a night folder of thousands of files, and telling a whole file.

Run: ``.venv/bin/python benchmarks/watch.py [--files 10000] [--repeat 7]``  (``make bench-watch``)

It lays out ``--files`` image files (FITS names, 1 KiB each) in folders of 100, with one other file
(a log) beside every four images, and times:

- ``scan_p50_ms``: one poll's listing (``apps.watch.scan.scan``: ``os.scandir``, one ``stat`` per image,
  identities), median of ``--repeat`` runs with the folder in the page cache;
- ``walk_stat_p50_ms``: the baseline, ``os.walk`` with an ``os.stat`` of every file (what a naive poll does);
- ``ratio_scan_vs_walk_stat``; ``scan_us_per_file``;
- ``settle_p50_ms``: the settle bookkeeping of one poll over every file (``Settler.settled``);
- ``complete_p50_ms_<kind>``: ``workers.imaging.completeness.check_complete`` of a DECam-like exposure
  (62 CCDs of 256 × 128: its headers are what a plain file costs; the data is seeked past), plain, tile-compressed
  (``fz``) and gzip (read to its end), and ``gzip_mb_per_s``: how fast a gzip stream is read through.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.watch.scan import Settler, scan
from workers.imaging.completeness import check_complete
from workers.imaging.synthetic import write_decam_like


def timed(fn: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``fn`` in milliseconds, after one warm-up run."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def lay_out(root: Path, files: int) -> Path:
    night = root / "nights"
    payload = b"\0" * 1024
    for index in range(files):
        folder = night / f"n{index // 100:04d}"
        if index % 100 == 0:
            folder.mkdir(parents=True)
        (folder / f"c4d_{index:06d}.fits").write_bytes(payload)
        if index % 4 == 0:
            (folder / f"c4d_{index:06d}.log").write_bytes(b"log")
    return night


def walk_stat(folder: Path) -> int:
    count = 0
    for current, _, names in os.walk(folder):
        for name in names:
            os.stat(f"{current}/{name}")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp).resolve()
        night = lay_out(root, args.files)
        found = scan([night], root)
        assert len(found.files) == args.files
        scan_ms = timed(lambda: scan([night], root), args.repeat)
        walk_ms = timed(lambda: walk_stat(night), args.repeat)
        clock = [0.0]
        settler = Settler(10, lambda: clock[0])
        seen = list(found.files.values())
        settle_ms = timed(lambda: settler.settled(seen), args.repeat)
        print(f"files: {args.files}")
        print(f"scan_p50_ms: {scan_ms:.1f}")
        print(f"walk_stat_p50_ms: {walk_ms:.1f}")
        print(f"ratio_scan_vs_walk_stat: {scan_ms / walk_ms:.2f}")
        print(f"scan_us_per_file: {scan_ms * 1000 / args.files:.1f}")
        print(f"settle_p50_ms: {settle_ms:.1f}")

        exposures = root / "exposures"
        exposures.mkdir()
        plain = write_decam_like(exposures / "e.fits", n_ccds=62, ccd_shape=(256, 128), seed=1)
        packed = write_decam_like(exposures / "e.fits.fz", n_ccds=62, ccd_shape=(256, 128), seed=1, compress=True)
        zipped = exposures / "e.fits.gz"
        zipped.write_bytes(gzip.compress(plain.read_bytes(), compresslevel=6))
        for kind, path in (("plain", plain), ("fz", packed), ("gz", zipped)):
            assert check_complete(path).complete, kind
            print(f"complete_p50_ms_{kind}: {timed(partial(check_complete, path), args.repeat):.2f}")
        gz_ms = timed(lambda: check_complete(zipped), args.repeat)
        print(f"gzip_mb_per_s: {plain.stat().st_size / 1e6 / (gz_ms / 1000):.0f}")
        print(f"exposure_mb: {plain.stat().st_size / 1e6:.1f}")


if __name__ == "__main__":
    main()
