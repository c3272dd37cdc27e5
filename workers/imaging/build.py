"""Building pyramids ahead of viewing: float levels, pre-rendered tiles, completion markers.

Every function takes a real filesystem path (already resolved and checked by the caller) and
raises only :class:`~workers.errors.ToyzError` for bad input.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypedDict

from workers.errors import ToyzError

from .cache import (
    atomic_write_bytes,
    completed,
    file_identity,
    forget_npy,
    forget_pyramid,
    mark_completed,
    plane_dir,
    raw_tile_path,
    sweep_orphans,
    tile_path,
    touch_used,
)
from .describe import View, clear_caches, displayable_hdus, plane_stats, select_view
from .mosaic import MOSAIC_HDU, Mosaic, mosaic_of, tiles_with_data
from .pyramid import level_array, levels_to_build, tile_counts
from .reading import ImagePlane, OpenedFile, opened, select_plane
from .render import RenderParams
from .tiles import raw_gzip, raw_values, render, tile_data

#: Called as ``progress(done, total, message)``.
Progress = Callable[[int, int, str], None]
#: A tile of one level: ``(level, tx, ty)``.
TileKey = tuple[int, int, int]

#: The mosaic's finer levels are not pre-rendered: there each of its tiles re-grids one CCD's
#: tile (the CCDs' own tiles are pre-rendered), it is made when asked (a few ms from the CCDs'
#: level 1, or their level-0 rows: the band cache, 17 ms a band of a DECam .fz the first time),
#: and pre-rendering levels 0 and 1 would cost as much again as every CCD's pyramid.
MOSAIC_PRERENDER_FROM_LEVEL: Final = 2
#: The first level whose raw tiles (client-side rendering's float values) a pre-render stores, of an HDU's
#: own pyramid and of the mosaic's: only coarse ones, which the first view of an exposure shows. A raw
#: tile is 2.3-4.8× its PNG (float noise hardly compresses): levels 3+ add 59 MB to a DECam exposure's
#: 1.2 GB, levels 0+ would add 3.2 GB (make bench-raw-disk). Finer ones are stored when first asked for.
RAW_PRERENDER_FROM_LEVEL: Final = (3, 3)


class PyramidSummary(TypedDict):
    """What :func:`build_pyramid` built: the HDUs (-1 for the mosaic), their largest level
    count, the tile count."""

    hdus: list[int]
    levels: int
    tiles: int


class PrerenderSummary(PyramidSummary):
    """What :func:`prerender` did: the build's summary, ``skipped`` when a marker said it was done."""

    skipped: bool


@dataclass(frozen=True)
class _PlaneBuild:
    """One source's part of a build: the float levels to build and the tiles to pre-render."""

    src: ImagePlane
    levels: list[int]
    tiles: list[TileKey]


class _ProgressCounter:
    """Counts steps of a build and calls ``progress`` when a level is done and about every percent."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        self.last = -1
        self.every = max(1, total // 100)

    def report(self, done: int, message: str) -> None:
        if self.progress is not None and done != self.last:
            self.progress(done, self.total, message)
            self.last = done

    def step(self, message: str, *, force: bool = False) -> None:
        self.done += 1
        if force or self.done - max(self.last, 0) >= self.every:
            self.report(self.done, message)


def _all_tiles(src: ImagePlane) -> list[TileKey]:
    tiles: list[TileKey] = []
    for level in range(src.levels):
        nx, ny = tile_counts(src.width, src.height, level)
        tiles.extend((level, tx, ty) for ty in range(ny) for tx in range(nx))
    return tiles


def _mosaic_tiles(mosaic: Mosaic) -> list[TileKey]:
    """The mosaic tiles pre-rendered: from :data:`MOSAIC_PRERENDER_FROM_LEVEL` up (at least its
    top level), those some CCD reaches (tiles wholly in gaps are transparent anyway)."""
    first = min(MOSAIC_PRERENDER_FROM_LEVEL, mosaic.levels - 1)
    return [
        (level, tx, ty) for level in range(first, mosaic.levels) for tx, ty in sorted(tiles_with_data(mosaic, level))
    ]


def _plan_planes(f: OpenedFile, hdu: int | None, plane: int) -> list[_PlaneBuild]:
    """The image planes a build covers: one HDU, every displayable HDU (``None``), or the mosaic's CCDs."""
    if hdu == MOSAIC_HDU:
        view = select_view(f, hdu, plane)
        assert isinstance(view, Mosaic)
        # The CCDs' levels are what mosaic tiles are made of; their own tiles are not needed.
        return [_PlaneBuild(src, levels_to_build(src), []) for src in view.planes]
    if hdu is None:
        hdus = displayable_hdus(f)
        if not hdus:
            raise ToyzError("not_an_image", f"{f.name} has no HDU that can be shown")
        planes = [select_plane(f, h, 0) for h in hdus]
    else:
        planes = [select_plane(f, hdu, plane)]
    return [_PlaneBuild(src, levels_to_build(src), _all_tiles(src)) for src in planes]


def _build_plane_levels(f: OpenedFile, plan: _PlaneBuild, cache_dir: Path, counter: _ProgressCounter) -> None:
    """Build one source's float levels, then unmap them so resident memory does not grow with every CCD."""
    for level in plan.levels:
        level_array(f, plan.src, level, cache_dir)
        counter.step(f"HDU {plan.src.hdu}: level {level} built", force=True)
    forget_npy(plan.src.folder(cache_dir))


def _default_params(f: OpenedFile, view: View, cache_dir: Path) -> RenderParams:
    lo, hi = plane_stats(f, view, cache_dir)[0]["zscale"]
    return RenderParams(stretch="linear", lo=lo, hi=hi, cmap="gray", invert=False, fmt="png")


def _names_in(folder: Path) -> set[str]:
    """The names of the files in ``folder`` (none when it does not exist yet)."""
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()


def _raw_from_level(view: View) -> int | None:
    """The first level whose raw tiles a pre-render stores for ``view`` (None: none, colour pictures)."""
    if view.bands != 1:
        return None
    return RAW_PRERENDER_FROM_LEVEL[1] if isinstance(view, Mosaic) else RAW_PRERENDER_FROM_LEVEL[0]


def _render_view_tiles(
    f: OpenedFile,
    view: View,
    tiles: list[TileKey],
    params: RenderParams | None,
    cache_dir: Path,
    counter: _ProgressCounter,
) -> None:
    """Pre-render the missing ``tiles`` of one view (and store the raw tiles of its coarse levels, see
    :data:`RAW_PRERENDER_FROM_LEVEL`), then unmap the levels they were made of."""
    if not tiles:
        return
    tile_params = params or _default_params(f, view, cache_dir)
    if not tile_params.has_cuts:
        tile_params = tile_params.with_default_cuts(plane_stats(f, view, cache_dir)[0]["zscale"])
    folder, key = view.folder(cache_dir), tile_params.key()
    name = "mosaic" if isinstance(view, Mosaic) else f"HDU {view.hdu}"
    raw_from = _raw_from_level(view)
    present: dict[Path, set[str]] = {}

    def missing(target: Path) -> bool:
        if target.parent not in present:
            # One listing per folder rather than a stat per tile (tiles a resumed build already wrote).
            present[target.parent] = _names_in(target.parent)
        return target.name not in present[target.parent]

    for level, tx, ty in tiles:
        target = tile_path(folder, key, level, tx, ty, tile_params.fmt)
        raw = raw_tile_path(folder, level, tx, ty) if raw_from is not None and level >= raw_from else None
        rendered_missing, raw_missing = missing(target), raw is not None and missing(raw)
        if rendered_missing or raw_missing:
            data = tile_data(f, view, level, tx, ty, cache_dir)
            if rendered_missing:
                atomic_write_bytes(target, render(f, view, data, tile_params, cache_dir))
            if raw is not None and raw_missing:
                atomic_write_bytes(raw, raw_gzip(raw_values(data)))
        counter.step(f"{name}: tiles of level {level}")
    for done in view.planes if isinstance(view, Mosaic) else (view,):
        forget_npy(done.folder(cache_dir))


def build_pyramid(
    path: Path,
    *,
    hdu: int | None,
    cache_dir: Path,
    progress: Progress | None = None,
    params: RenderParams | None = None,
    plane: int = 0,
) -> PyramidSummary:
    """Build the float levels and pre-render every tile of one or all image HDUs.

    Parameters
    ----------
    hdu : int or None
        The HDU; -1 for the mosaic (its CCDs' levels, then the mosaic's tiles); None for every
        HDU that can be shown and then the mosaic, if the file has one.
    progress : callable, optional
        Called as ``progress(done, total, message)`` with ``done`` never decreasing, at least
        once per level and per percent of the work, and last with ``done == total``.
    params : RenderParams, optional
        Rendering of the pre-rendered tiles. Default: linear stretch between each HDU's
        ``zscale`` cuts, ``gray``, PNG — what the viewer shows first.
    plane : int
        Plane of cubes (only that plane is built).

    Returns
    -------
    PyramidSummary
        ``{"hdus": [...] (-1 last for the mosaic), "levels": n (the most of any), "tiles":
        count}``.

    Notes
    -----
    Idempotent: levels and tiles already in the cache are skipped (and counted as done).
    Writes ``L0.npy`` for gzip/bzip2/zip streams and pictures so later tiles need not decode
    them again; tile-compressed HDUs are read in place (through the band cache).
    """
    with opened(path) as f:
        touch_used(cache_dir, f.identity)
        plans = _plan_planes(f, hdu, plane)
        mosaic = mosaic_of(f) if hdu is None or hdu == MOSAIC_HDU else None
        views: list[tuple[View, list[TileKey]]] = [(plan.src, plan.tiles) for plan in plans]
        if mosaic:
            views.append((mosaic, _mosaic_tiles(mosaic)))
        total = sum(len(plan.levels) for plan in plans) + sum(len(tiles) for _, tiles in views)
        counter = _ProgressCounter(progress, total)
        counter.report(0, "starting")
        for plan in plans:
            _build_plane_levels(f, plan, cache_dir, counter)
        for view, tiles in views:
            _render_view_tiles(f, view, tiles, params, cache_dir, counter)
        counter.report(total, "done")
        built: list[View] = [plan.src for plan in plans] if hdu != MOSAIC_HDU else []
        if mosaic:
            built.append(mosaic)
        return PyramidSummary(
            hdus=[view.hdu for view in built],
            levels=max(view.levels for view in built),
            tiles=sum(len(tiles) for _, tiles in views),
        )


def _stored_summary(stored: dict[str, Any]) -> PrerenderSummary:
    """A marker's summary, with the counts of nothing where it lacks them or they are damaged."""
    try:
        return PrerenderSummary(
            hdus=[int(h) for h in stored.get("hdus", [])],
            levels=int(stored.get("levels", 0)),
            tiles=int(stored.get("tiles", 0)),
            skipped=True,
        )
    except (TypeError, ValueError):
        return PrerenderSummary(hdus=[], levels=0, tiles=0, skipped=True)


def prerender(
    path: Path,
    *,
    hdu: int | None,
    cache_dir: Path,
    longest_task_seconds: float,
    progress: Progress | None = None,
    plane: int = 0,
) -> PrerenderSummary:
    """Build and cache a file's whole pyramid (:func:`build_pyramid`), unless a marker says it is complete.

    Parameters
    ----------
    longest_task_seconds : float
        How long a pre-render may run: leftover temporaries older than that (killed builders')
        are swept once the build is done, in the folder of the HDU built (of the whole file's
        cache when ``hdu`` is None).

    Notes
    -----
    The completion marker is written last: a build killed halfway leaves none, and the next run
    resumes it.
    """
    identity = file_identity(path)
    stored = completed(cache_dir, identity, hdu, plane)
    if stored is not None:
        return _stored_summary(stored)
    summary = build_pyramid(path, hdu=hdu, plane=plane, cache_dir=cache_dir, progress=progress)
    # One HDU's build sweeps its own folder: a night's 62 per-CCD tasks each walking the whole
    # exposure's folder (up to 12,000 files) cost more than a second of CPU per exposure.
    swept = Path(cache_dir) / identity if hdu is None else plane_dir(cache_dir, identity, hdu, plane)
    sweep_orphans(swept, longest_task_seconds)
    mark_completed(cache_dir, identity, hdu, plane, summary)
    return PrerenderSummary(hdus=summary["hdus"], levels=summary["levels"], tiles=summary["tiles"], skipped=False)


def forget_prerender(path: Path, *, hdu: int | None, cache_dir: Path) -> None:
    """Delete the cached pyramid of a file (of one HDU, or all of it) so that it is built again."""
    forget_pyramid(cache_dir, file_identity(path), hdu)
    # This process may hold the old levels and cuts in memory.
    clear_caches()
