"""The high-level imaging functions that the web server and the workers call.

Every function takes a real filesystem path (already resolved and checked by the caller) and
raises only :class:`~workers.imaging.errors.ToyzError` for bad input. Shapes of the returned
dictionaries are those of ``docs/architecture.md``.
"""

from __future__ import annotations

import copy
import json
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, Literal, NotRequired, TypedDict

import numpy as np
from astropy.coordinates import SkyCoord
from astropy.wcs.utils import wcs_to_celestial_frame

from workers.errors import ToyzError

from .cache import (
    atomic_write_bytes,
    atomic_write_json,
    clear_npy_cache,
    file_identity,
    forget_npy,
    plane_dir,
    tile_path,
    touch_used,
)
from .mosaic import (
    MOSAIC_HDU,
    CcdRef,
    Mosaic,
    locate,
    mosaic_of,
    mosaic_sample,
    mosaic_tile,
    needs_building,
    tiles_with_data,
    unbuilt,
)
from .pyramid import check_tile, coarse_enough, level_array, levels_to_build, read_tile, tile_counts
from .reading import (
    FloatArray,
    HduInfo,
    OpenedFile,
    Source,
    check_hdu,
    clear_band_cache,
    clear_open_files,
    first_image_hdu,
    opened,
    read_pixel,
    read_sample,
    select_source,
)
from .render import (
    CUT_NAMES,
    RenderParams,
    compute_cuts,
    compute_quantiles,
    palette,
    render_array,
)

Progress = Callable[[int, int, str], None]
#: What a pyramid is built for: one plane of one HDU, or the focal-plane mosaic (``hdu`` -1).
View = Source | Mosaic


class Description(TypedDict):
    """What the client needs to show a file (``Description`` in ``docs/architecture.md``).

    ``path`` is added by the caller, who knows the client's path. ``cuts`` and ``header`` are
    those of ``hdu``/``plane``; ``cuts`` is empty when that HDU cannot be shown. ``preview`` is
    true for a mosaic whose CCDs are not all built: its coarse tiles can be previews (asked with
    ``preview=1``) until it is pre-rendered.
    """

    path: NotRequired[str]
    name: str
    format: Literal["fits", "raster"]
    identity: str
    hdus: list[HduInfo]
    hdu: int
    plane: int
    cuts: dict[str, list[float]]
    header: list[str]
    preview: bool


class Pixel(TypedDict):
    """One pixel under the cursor (``Pixel`` in ``docs/architecture.md``).

    ``ccd`` is there for the mosaic only: the HDU and its pixel under the cursor, None in gaps.
    """

    x: float
    y: float
    col: int
    row: int
    inside: bool
    value: float | list[float] | None
    ra: float | None
    dec: float | None
    world: str | None
    ccd: NotRequired[CcdRef | None]


class PyramidSummary(TypedDict):
    """What :func:`build_pyramid` built: the HDUs (-1 for the mosaic), their largest level
    count, the tile count."""

    hdus: list[int]
    levels: int
    tiles: int


# --- cuts, cached in cuts.json and in memory --------------------------------------------------

_Stats = tuple[dict[str, tuple[float, float]], list[float]]
_STATS_MAX = 256
_stats_lock = threading.Lock()
_stats: OrderedDict[str, _Stats] = OrderedDict()


def _read_stats(target: Path) -> _Stats | None:
    try:
        stored = json.loads(target.read_bytes())
        cuts = {name: (float(stored["cuts"][name][0]), float(stored["cuts"][name][1])) for name in CUT_NAMES}
        quantiles = [float(v) for v in stored["quantiles"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return cuts, quantiles


def _plane_stats(f: OpenedFile, src: View, cache_dir: Path) -> _Stats:
    """Return (cuts, quantiles) of ``src``, computed once on a sample and kept in cuts.json."""
    target = src.folder(cache_dir) / "cuts.json"
    key = str(target)
    with _stats_lock:
        found = _stats.get(key)
    if found is None:
        found = _read_stats(target)
        if found is None:
            sample = mosaic_sample(f, src, cache_dir) if isinstance(src, Mosaic) else read_sample(f, src, cache_dir)
            found = compute_cuts(sample), compute_quantiles(sample)
            stored = {"cuts": {k: list(v) for k, v in found[0].items()}, "quantiles": found[1]}
            atomic_write_json(target, stored)
        with _stats_lock:
            _stats[key] = found
            while len(_stats) > _STATS_MAX:
                _stats.popitem(last=False)
    return found


def clear_caches() -> None:
    """Forget every process-wide cache: opened files, mapped levels, cuts, palettes."""
    clear_open_files()
    clear_npy_cache()
    clear_band_cache()
    with _stats_lock:
        _stats.clear()
    palette.cache_clear()


def select_view(f: OpenedFile, hdu: int, plane: int) -> View:
    """Validate ``hdu`` (-1 for the mosaic) and ``plane`` and return what to read from.

    Raises
    ------
    ToyzError
        ``bad_hdu`` (for -1: the file has no mosaic), ``bad_plane``, ``too_large``.
    """
    if hdu != MOSAIC_HDU:
        return select_source(f, hdu, plane)
    mosaic = mosaic_of(f)
    if mosaic is None:
        raise ToyzError(
            "bad_hdu",
            f"HDU -1 (the mosaic) does not exist: {f.name} has {len(f.infos)} HDU(s), numbered 0 to "
            f"{len(f.infos) - 1}, and only a detector mosaic has a focal plane (CCDs with DETSEC, or "
            "CCDs of one shape that their WCS places side by side)",
        )
    if plane != 0:
        raise ToyzError("bad_plane", f"Plane {plane} does not exist; the mosaic has 1 plane, numbered 0")
    return mosaic


def _tile_data(
    f: OpenedFile, src: View, level: int, x: int, y: int, cache_dir: Path, *, preview: bool = False
) -> FloatArray:
    if isinstance(src, Mosaic):
        check_tile(src, level, x, y)
        return mosaic_tile(f, src, level, x, y, cache_dir, preview=preview)
    return read_tile(f, src, level, x, y, cache_dir)


def _hdu_list(f: OpenedFile) -> list[HduInfo]:
    mosaic = mosaic_of(f)
    return ([mosaic.info()] if mosaic else []) + copy.deepcopy(f.infos)


# --- the public functions ---------------------------------------------------------------------


def describe(path: Path, *, hdu: int | None = None, plane: int = 0, cache_dir: Path) -> dict[str, Any]:
    """Describe a FITS file or picture: its HDUs, and the cuts and header of one of them.

    Parameters
    ----------
    path : Path
        The file (FITS, possibly tile-compressed, or a PNG/JPEG/TIFF/BMP/GIF picture).
    hdu : int, optional
        The HDU to describe (0-based), or -1 for the focal-plane mosaic. Default: the mosaic of
        an exposure whose CCDs are placed by ``DETSEC``, else the first HDU that can be shown as
        an image.
    plane : int
        Plane of a cube (0-based, C order over the axes beyond the second).
    cache_dir : Path
        Root of the pyramid cache; the cuts are stored there (``cuts.json``).

    Returns
    -------
    Description
        Without ``path``. Every HDU is listed with ``problem`` set when it cannot be shown,
        preceded by the mosaic (``index`` -1, ``kind`` ``"mosaic"``, ``ccds``) when the file is
        a detector mosaic (see :func:`~workers.imaging.mosaic.mosaic_of`). ``cuts`` (pixel units) are computed
        on a sample of about a million pixels (for the mosaic, spread over every CCD); the
        mosaic's ``header`` is the primary header.

    Raises
    ------
    ToyzError
        ``not_found``, ``unreadable``, ``too_large``; ``not_an_image`` when ``hdu`` is None and
        no HDU can be shown; ``bad_hdu``; ``bad_plane``.
    """
    with opened(path) as f:
        touch_used(cache_dir, f.identity)
        mosaic = mosaic_of(f)
        if hdu is None and mosaic is not None and mosaic.method == "detsec":
            hdu = MOSAIC_HDU  # an exposure opens on its focal plane; one CCD is a choice away
        if hdu is None:
            first = first_image_hdu(f)
            if first is None:
                reasons = "; ".join(f"HDU {i['index']}: {i['problem']}" for i in f.infos)
                raise ToyzError("not_an_image", f"{f.name} has no HDU that can be shown as an image ({reasons})")
            hdu = first
        cuts: dict[str, list[float]] = {}
        preview = False
        if hdu == MOSAIC_HDU or check_hdu(f, hdu)["is_image"]:
            src = select_view(f, hdu, plane)
            cuts = {name: list(limits) for name, limits in _plane_stats(f, src, cache_dir)[0].items()}
            preview = isinstance(src, Mosaic) and unbuilt(src, cache_dir)
        description = Description(
            name=f.name,
            format=f.format,
            identity=f.identity,
            hdus=_hdu_list(f),
            hdu=hdu,
            plane=plane,
            cuts=cuts,
            header=f.header_cards(max(hdu, 0)),
            preview=preview,
        )
        return dict(description)


def image_hdus(path: Path) -> list[int]:
    """Return the HDUs of ``path`` that can be shown as images (what ``hdu=None`` builds one by one)."""
    with opened(path) as f:
        return _image_hdus(f)


def _image_hdus(f: OpenedFile) -> list[int]:
    return [info["index"] for info in f.infos if info["is_image"]]


def default_cuts(path: Path, *, hdu: int, plane: int, cache_dir: Path) -> dict[str, tuple[float, float]]:
    """Return the cuts of (``hdu``, ``plane``): ``{"minmax": (lo, hi), "zscale": ..., ...}``.

    Limits are in pixel units (BZERO/BSCALE applied), computed once on a strided sample of
    about a million pixels and cached in ``cuts.json``.

    Raises
    ------
    ToyzError
        As :func:`describe`, plus ``bad_hdu`` for an HDU that cannot be shown.
    """
    with opened(path) as f:
        src = select_view(f, hdu, plane)
        return dict(_plane_stats(f, src, cache_dir)[0])


def render_tile(
    path: Path,
    *,
    hdu: int,
    plane: int,
    level: int,
    x: int,
    y: int,
    params: RenderParams,
    cache_dir: Path,
    preview: bool = False,
) -> bytes:
    """Return one encoded tile of the pyramid.

    Parameters
    ----------
    level : int
        Pyramid level (0 = full resolution; level ``k`` is binned ``2**k`` times).
    x, y : int
        Tile column and row at that level; tile ``(x, y)`` covers level pixels
        ``[256 x, 256 x + 256) × [256 y, 256 y + 256)``, ``y = 0`` at the bottom.
    params : RenderParams
        Stretch, limits, colormap and format.
    preview : bool
        Where :func:`tile_needs_building` says so, show previews of the levels not built yet
        (see :func:`~workers.imaging.mosaic.mosaic_tile`) rather than build them; such a tile
        is not stored and must not be kept by the client.

    Returns
    -------
    bytes
        A 256×256 picture whose first row is the tile's highest ``y``; NaN, ±inf and the
        padding beyond the image are transparent (black in JPEG). A tile pre-rendered by
        :func:`build_pyramid` with the same parameters is returned from the cache.

    Raises
    ------
    ToyzError
        ``bad_params`` for a level or tile outside the pyramid; ``bad_hdu``, ``bad_plane``,
        ``not_found``, ``unreadable``.
    """
    found = _prerendered(path, hdu, plane, level, x, y, params, cache_dir)
    if found is not None:
        return found
    with opened(path) as f:
        touch_used(cache_dir, f.identity)
        src = select_view(f, hdu, plane)
        check_tile(src, level, x, y)
        cached = tile_path(src.folder(cache_dir), params.key(), level, x, y, params.fmt)
        try:
            return cached.read_bytes()
        except FileNotFoundError:
            pass
        return _render(f, src, _tile_data(f, src, level, x, y, cache_dir, preview=preview), params, cache_dir)


def _prerendered(
    path: Path, hdu: int, plane: int, level: int, x: int, y: int, params: RenderParams, cache_dir: Path
) -> bytes | None:
    """Return the tile pre-rendered by :func:`build_pyramid`, or None, without opening the file.

    The cache folder is named after :func:`file_identity` (a ``stat``), so a changed file never
    finds the tiles of its former contents; tiles appear atomically and only for tiles that
    exist, so one found there needs no check against the file. Paths that do not resolve to
    themselves are left to :func:`opened`, which refuses them.
    """
    if os.path.realpath(path) != os.path.abspath(path):
        return None
    identity = file_identity(path)
    folder = plane_dir(cache_dir, identity, hdu, plane)  # as Source.folder and Mosaic.folder
    try:
        data = tile_path(folder, params.key(), level, x, y, params.fmt).read_bytes()
    except OSError:
        return None
    touch_used(cache_dir, identity)
    return data


def tile_needs_building(path: Path, *, hdu: int, plane: int, level: int, x: int, y: int, cache_dir: Path) -> bool:
    """Whether the tile needs levels that are not built yet and can be previewed meanwhile:
    the coarse levels of a mosaic whose CCDs have no pyramid yet (seconds of work for a
    DECam exposure, against a fraction of a second for the preview)."""
    if hdu != MOSAIC_HDU or not coarse_enough(level):
        return False  # without opening the file: the tile path asks this of every tile
    with opened(path) as f:
        src = select_view(f, hdu, plane)
        check_tile(src, level, x, y)
        assert isinstance(src, Mosaic)
        return needs_building(src, level, x, y, cache_dir)


def raw_tile(
    path: Path, *, hdu: int, plane: int, level: int, x: int, y: int, cache_dir: Path, preview: bool = False
) -> bytes:
    """Return one tile's data values for client-side rendering.

    Returns
    -------
    bytes
        256×256 little-endian float32 values, row-major, first row the tile's *highest* ``y``
        (the same orientation as a rendered tile); NaN for blank pixels and the padding.
        Values are float32: float64 data and integers beyond 2**24 are rounded to the nearest
        float32 (use :func:`pixel_at` for an exact readout).

    Raises
    ------
    ToyzError
        ``unsupported`` for colour pictures (their bands are not data values); otherwise as
        :func:`render_tile`.
    """
    with opened(path) as f:
        touch_used(cache_dir, f.identity)
        src = select_view(f, hdu, plane)
        if src.bands != 1:
            raise ToyzError("unsupported", "Raw tiles exist only for single-band images; use rendered tiles.")
        data = _tile_data(f, src, level, x, y, cache_dir, preview=preview)
    with np.errstate(invalid="ignore"):
        data = np.where(np.isfinite(data), data, np.nan)
    return np.ascontiguousarray(data[::-1], dtype="<f4").tobytes()


def _render(f: OpenedFile, src: View, data: FloatArray, params: RenderParams, cache_dir: Path) -> bytes:
    quantiles: Sequence[float] = ()
    if params.stretch == "histeq" and src.bands == 1:
        quantiles = _plane_stats(f, src, cache_dir)[1]
    return render_array(data, params, quantiles)


def _sexagesimal(ra: float, dec: float) -> str:
    """Format degrees as ``hh:mm:ss.s ±dd:mm:ss`` (rounded, never ``24:00:00.0``)."""
    tenths = round((ra % 360.0) / 15.0 * 36000.0) % (24 * 36000)
    hours, rest = divmod(tenths, 36000)
    minutes, rest = divmod(rest, 600)
    seconds = round(abs(dec) * 3600.0)
    degrees, arcsec = divmod(seconds, 3600)
    dmin, dsec = divmod(arcsec, 60)
    sign = "-" if dec < 0 and seconds else "+"
    return f"{hours:02d}:{minutes:02d}:{rest // 10:02d}.{rest % 10} {sign}{degrees:02d}:{dmin:02d}:{dsec:02d}"


def _sky(f: OpenedFile, hdu: int, px: float, py: float) -> tuple[float, float] | None:
    """Return (ra, dec) in degrees of astropy 0-based pixel (px, py), or None."""
    wcs = f.celestial_wcs(hdu)
    if wcs is None:
        return None
    try:
        with f.lock, np.errstate(all="ignore"):  # astropy's WCS objects are not thread-safe
            world = wcs.all_pix2world([[px, py]], 0)[0]
            lng, lat = float(world[wcs.wcs.lng]), float(world[wcs.wcs.lat])
            if not str(wcs.wcs.ctype[wcs.wcs.lng]).upper().startswith("RA"):
                # Galactic or ecliptic axes: report equatorial (ICRS) coordinates.
                coord = SkyCoord(lng, lat, unit="deg", frame=wcs_to_celestial_frame(wcs)).icrs
                lng, lat = float(coord.ra.deg), float(coord.dec.deg)
    except Exception:  # a WCS that fails here behaves as no WCS
        return None
    if not (math.isfinite(lng) and math.isfinite(lat)):
        return None
    return lng % 360.0, lat


def pixel_at(path: Path, *, hdu: int, plane: int, x: float, y: float, cache_dir: Path | None = None) -> dict[str, Any]:
    """Return the value and sky position of the pixel under the viewer point ``(x, y)``.

    Parameters
    ----------
    x, y : float
        Viewer coordinates in level-0 pixels: pixel ``(i, j)`` covers ``[i, i+1) × [j, j+1)``,
        ``y = 0`` at the bottom. The sky position is that of astropy pixel
        ``(x - 0.5, y - 0.5)`` (0-based pixel centres).
    cache_dir : Path, optional
        Lets pictures be read from their decoded ``L0.npy`` instead of decoded again.

    Returns
    -------
    Pixel
        ``col``/``row`` = ``floor(x)``/``floor(y)``; ``value`` in pixel units, exact (integers
        stay integers, floats are double precision; a list per band for colour pictures; None
        outside the image or for NaN/inf/BLANK); ``ra``/``dec`` in degrees (ICRS for
        non-equatorial WCS) when the HDU has a celestial WCS, with ``world`` as
        ``hh:mm:ss.s ±dd:mm:ss``. For the mosaic (``hdu`` -1), ``ccd`` is
        ``{"hdu", "name", "col", "row"}`` (the HDU pixel under the point, 0-based) or None in
        a gap, and the value and sky position are that CCD's.

    Raises
    ------
    ToyzError
        ``bad_params`` for non-finite coordinates; ``bad_hdu``, ``bad_plane``, ``not_found``.
    """
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ToyzError("bad_params", "x and y must be finite numbers")
    col, row = math.floor(x), math.floor(y)
    ccd: CcdRef | None = None
    with opened(path) as f:
        if cache_dir is not None:
            touch_used(cache_dir, f.identity)
        src = select_view(f, hdu, plane)
        inside = 0 <= col < src.width and 0 <= row < src.height
        value: float | list[float] | None = None
        sky: tuple[float, float] | None = None
        if isinstance(src, Mosaic):
            found = locate(src, x, y) if inside else None
            if found is not None:
                _, ccd_src, ccd, hx, hy = found
                value = read_pixel(f, ccd_src, cache_dir, ccd["col"], ccd["row"])
                sky = _sky(f, ccd["hdu"], hx - 0.5, hy - 0.5)
        else:
            value = read_pixel(f, src, cache_dir, col, row) if inside else None
            sky = _sky(f, hdu, x - 0.5, y - 0.5)
    pixel = Pixel(
        x=x,
        y=y,
        col=col,
        row=row,
        inside=inside,
        value=value,
        ra=sky[0] if sky else None,
        dec=sky[1] if sky else None,
        world=_sexagesimal(*sky) if sky else None,
    )
    if hdu == MOSAIC_HDU:
        pixel["ccd"] = ccd
    return dict(pixel)


def _default_params(f: OpenedFile, src: View, cache_dir: Path) -> RenderParams:
    lo, hi = _plane_stats(f, src, cache_dir)[0]["zscale"]
    return RenderParams(stretch="linear", lo=lo, hi=hi, cmap="gray", invert=False, fmt="png")


def build_pyramid(
    path: Path,
    *,
    hdu: int | None,
    cache_dir: Path,
    progress: Progress | None = None,
    params: RenderParams | None = None,
    plane: int = 0,
) -> dict[str, Any]:
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
        mosaic = mosaic_of(f) if hdu is None or hdu == MOSAIC_HDU else None
        if hdu == MOSAIC_HDU:
            view = select_view(f, hdu, plane)
            assert isinstance(view, Mosaic)
            # The CCDs' levels are what mosaic tiles are made of; their own tiles are not needed.
            plans: list[tuple[Source, list[int], list[tuple[int, int, int]]]]
            plans = [(src, levels_to_build(src), []) for src in view.sources]
        else:
            if hdu is None:
                hdus = _image_hdus(f)
                if not hdus:
                    raise ToyzError("not_an_image", f"{f.name} has no HDU that can be shown")
                sources = [select_source(f, h, 0) for h in hdus]
            else:
                sources = [select_source(f, hdu, plane)]
            plans = [(src, levels_to_build(src), _all_tiles(src)) for src in sources]
        mosaic_tiles = _mosaic_tiles(mosaic) if mosaic else []
        total = sum(len(levels) + len(tiles) for _, levels, tiles in plans) + len(mosaic_tiles)
        reporter = _Reporter(progress, total)
        reporter.report(0, "starting")
        for src, levels, _ in plans:
            for level in levels:
                level_array(f, src, level, cache_dir)
                reporter.step(f"HDU {src.hdu}: level {level} built", force=True)
            # Unmap each source once done, so resident memory does not grow with every CCD.
            forget_npy(src.folder(cache_dir))
        views: list[tuple[View, list[tuple[int, int, int]]]] = [(src, tiles) for src, _, tiles in plans]
        if mosaic:
            views.append((mosaic, mosaic_tiles))
        for view, tiles in views:
            if not tiles:
                continue
            tile_params = params or _default_params(f, view, cache_dir)
            folder, key = view.folder(cache_dir), tile_params.key()
            name = "mosaic" if isinstance(view, Mosaic) else f"HDU {view.hdu}"
            for level, tx, ty in tiles:
                target = tile_path(folder, key, level, tx, ty, tile_params.fmt)
                if not target.exists():
                    data = _tile_data(f, view, level, tx, ty, cache_dir)
                    atomic_write_bytes(target, _render(f, view, data, tile_params, cache_dir))
                reporter.step(f"{name}: tiles of level {level}")
            for done in view.sources if isinstance(view, Mosaic) else (view,):
                forget_npy(done.folder(cache_dir))
        reporter.report(total, "done")
        built: list[View] = [src for src, _, _ in plans] if hdu != MOSAIC_HDU else []
        if mosaic:
            built.append(mosaic)
        summary = PyramidSummary(
            hdus=[view.hdu for view in built],
            levels=max(view.levels for view in built),
            tiles=sum(len(tiles) for _, tiles in views),
        )
        return dict(summary)


def _all_tiles(src: Source) -> list[tuple[int, int, int]]:
    return [
        (level, tx, ty)
        for level in range(src.levels)
        for ty in range(tile_counts(src.width, src.height, level)[1])
        for tx in range(tile_counts(src.width, src.height, level)[0])
    ]


#: The mosaic's finer levels are not pre-rendered: there each of its tiles re-grids one CCD's
#: tile (the CCDs' own tiles are pre-rendered), it is made when asked (a few ms from the CCDs'
#: level 1, or their level-0 rows: the band cache, 17 ms a band of a DECam .fz the first time),
#: and pre-rendering levels 0 and 1 would cost as much again as every CCD's pyramid.
MOSAIC_PRERENDER_FROM_LEVEL: Final = 2


def _mosaic_tiles(mosaic: Mosaic) -> list[tuple[int, int, int]]:
    """The mosaic tiles pre-rendered: from :data:`MOSAIC_PRERENDER_FROM_LEVEL` up (at least its
    top level), those some CCD reaches (tiles wholly in gaps are transparent anyway)."""
    first = min(MOSAIC_PRERENDER_FROM_LEVEL, mosaic.levels - 1)
    return [
        (level, tx, ty) for level in range(first, mosaic.levels) for tx, ty in sorted(tiles_with_data(mosaic, level))
    ]


class _Reporter:
    """Calls ``progress`` when a level is done and about every percent of the work."""

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
