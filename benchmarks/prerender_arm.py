"""One arm of ``benchmarks/night.py``'s before/after comparison: pre-render exposures with the
imaging core found under ``--root`` (this tree, or an older one that ``git archive`` laid out).

Run: ``.venv/bin/python benchmarks/prerender_arm.py --root DIR --cache DIR FILE...``

Each file is cut into tasks as ``manage.py toyz_prerender`` cuts it for the workers: one
``build_pyramid`` per image HDU, then one for the whole file (the mosaic, finding its CCDs
built), handed in that order to ``--processes`` forked processes that take the next task when
free, as Celery's prefork pool does. Prints one JSON line: ``{"wall_s", "cpu_s", "tasks"}``
(CPU seconds summed over the tasks).

It imports nothing at module level from the tree it measures, so that ``--root`` decides which
``workers`` package is imported.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path
from typing import Any

_CACHE: Path | None = None


def _task(job: tuple[str, int | None]) -> float:
    """Build one HDU (None: the whole file) of one exposure; its CPU seconds."""
    from workers.imaging import build_pyramid

    assert _CACHE is not None
    path, hdu = job
    start = time.process_time()
    build_pyramid(Path(path), hdu=hdu, cache_dir=_CACHE)
    return time.process_time() - start


def _warm(_: int) -> int:
    import workers.imaging  # noqa: F401  (imported before the clock starts, as in a running worker)

    time.sleep(0.2)  # keeps this process busy so that the other one takes the other warm-up task
    return 0


def main() -> None:
    global _CACHE
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="the tree whose workers/ package is measured")
    parser.add_argument("--cache", type=Path, required=True, help="an empty cache folder")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    _CACHE = args.cache.resolve()
    from workers.imaging import image_hdus

    jobs: list[tuple[str, int | None]] = []
    for path in args.files:
        jobs += [(str(path), hdu) for hdu in image_hdus(path)]
        jobs.append((str(path), None))
    # Forked after the imports above: every process uses the same tree.
    with mp.get_context("fork").Pool(args.processes) as pool:
        pool.map(_warm, range(args.processes), chunksize=1)
        start = time.perf_counter()
        cpu = sum(pool.imap(_task, jobs, chunksize=1))
        wall = time.perf_counter() - start
    result: dict[str, Any] = {"wall_s": wall, "cpu_s": cpu, "tasks": len(jobs)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
