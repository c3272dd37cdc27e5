"""Contours of an image (or of another image aligned to it by WCS), as paths in viewer coordinates.

The work is bounded whatever the image: the pixels are read per CCD (one cut-out of
:mod:`workers.analysis.pixels` each), binned by one integer factor so that at most
:data:`MAX_WORK_PIXELS` are contoured, smoothed by a NaN-aware Gaussian, contoured with contourpy
(one set of paths per CCD: nothing is drawn across a gap), simplified (vertices within a fraction of
a binned pixel of the straight line through their neighbours are dropped) and, past
:data:`MAX_POINTS` vertices in all, the smallest paths are left out. Each step says so in the result.

Contours of another image (``of``) are traced on that image's pixels and each vertex is carried to
this image's viewer coordinates through both WCSs (the source's ``all_pix2world``, then
:func:`workers.imaging.project.world_to_viewer`, which picks the CCD on a mosaic); a path is cut
where it leaves this image or crosses a gap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import contourpy
import numpy as np
import numpy.typing as npt
from astropy.coordinates import ICRS, SkyCoord
from astropy.wcs.utils import wcs_to_celestial_frame
from scipy.ndimage import gaussian_filter

# typing_extensions: pydantic reads these TypedDicts as response schemas only in that form on Python 3.11.
from typing_extensions import TypedDict

from workers.errors import ToyzError
from workers.imaging.describe import default_cuts, select_view
from workers.imaging.mosaic import Mosaic
from workers.imaging.project import world_to_viewer
from workers.imaging.reading import opened

from .grid import SkyFrame, wcs_sections
from .pixels import Cutout, cutouts

Float64Array = npt.NDArray[np.float64]
Scale = Literal["linear", "log", "sqrt"]
Box = tuple[float, float, float, float]

#: The most pixels contoured (after binning), all CCDs together, whatever ``detail`` asks.
MAX_WORK_PIXELS: Final = 4_000_000
#: The default ``detail``: pixels contoured after binning (a 2k × 4k CCD is binned 3 × 3, about what a
#: screen shows of it whole; DS9 blocks by 4 by default).
DEFAULT_DETAIL: Final = 1_000_000
#: Default Gaussian smoothing sigma, level-0 pixels (DS9 smooths by default too): noise contours go.
DEFAULT_SMOOTH: Final = 2.0
#: Default shortest path kept, level-0 pixels of length (a closed path round about 2 pixels).
DEFAULT_MIN_LENGTH: Final = 6.0
#: The most level-0 pixels read for one set of contours (each CCD is read, binned and let go in turn).
MAX_READ_PIXELS: Final = 1_200_000_000
#: The most vertices returned, all paths together.
MAX_POINTS: Final = 100_000
#: The most levels one request may ask for.
MAX_LEVELS: Final = 50
#: Vertices closer than this (binned pixels) to the line through their neighbours are dropped.
SIMPLIFY_TOLERANCE: Final = 0.15
#: a of the log levels, as astropy's LogStretch: value = lo + (hi - lo) (a**t - 1) / (a - 1).
LOG_A: Final = 1000.0


class ContourPath(TypedDict):
    """One contour line: its level, whether it closes on itself, and flat viewer coordinates [x0, y0, ...]."""

    level: float
    closed: bool
    xy: list[float]


class ContourResult(TypedDict):
    """What :func:`contours` found: the levels, the paths, and what it did to keep the work bounded."""

    levels: list[float]
    paths: list[ContourPath]
    points: int
    binned: int
    smooth: float
    dropped: int
    short: int
    note: str


def contour_levels(lo: float, hi: float, count: int, scale: Scale) -> list[float]:
    """``count`` levels from ``lo`` to ``hi`` (both included), evenly spaced on the display's stretch.

    ``linear``: evenly spaced values; ``sqrt``: evenly spaced square roots of the normalised value
    (``lo + (hi - lo) t²``); ``log``: as astropy's LogStretch with a = 1000
    (``lo + (hi - lo) (a**t - 1) / (a - 1)``), so levels crowd towards ``lo``, where faint emission is.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        raise ToyzError("bad_params", f"The contour limits must be finite with low < high (got {lo:g}, {hi:g}).")
    if not 1 <= count <= MAX_LEVELS:
        raise ToyzError("bad_params", f"Ask for 1 to {MAX_LEVELS} contour levels.")
    t = np.linspace(0.0, 1.0, count) if count > 1 else np.array([0.5])
    if scale == "sqrt":
        t = t**2
    elif scale == "log":
        t = (LOG_A**t - 1.0) / (LOG_A - 1.0)
    return [float(v) for v in lo + (hi - lo) * t]


def bin_mean(data: npt.NDArray[np.float32], factor: int) -> npt.NDArray[np.float32]:
    """NaN-aware mean of ``factor`` × ``factor`` blocks; a partial last row or column of blocks is kept
    (averaged over the pixels it has). Binned pixel ``(i, j)`` covers input pixels ``[i f, (i + 1) f)``."""
    if factor == 1:
        return data
    rows, cols = data.shape
    padded_rows, padded_cols = -(-rows // factor) * factor, -(-cols // factor) * factor
    if bool(np.isfinite(data).all()):
        # The common case (no blank pixel): whole blocks by a reshape (sums one axis at a time), the
        # partial last row and column of blocks by the general way below.
        whole_rows, whole_cols = rows // factor * factor, cols // factor * factor
        out = np.empty((padded_rows // factor, padded_cols // factor), dtype=np.float32)
        blocks = data[:whole_rows, :whole_cols].reshape(whole_rows // factor, factor, whole_cols // factor, factor)
        out[: whole_rows // factor, : whole_cols // factor] = blocks.sum(axis=3, dtype=np.float64).sum(axis=1) / (
            factor * factor
        )
        if whole_rows < rows:
            out[-1, :] = _bin_nan(data[whole_rows:, :], factor)[0]
        if whole_cols < cols:
            out[:, -1] = _bin_nan(data[:, whole_cols:], factor)[:, 0]
        return out
    return _bin_nan(data, factor)


def _bin_nan(data: npt.NDArray[np.float32], factor: int) -> npt.NDArray[np.float32]:
    """:func:`bin_mean` the general way: padded with NaN to whole blocks, NaN left out of each mean."""
    rows, cols = data.shape
    padded_rows, padded_cols = -(-rows // factor) * factor, -(-cols // factor) * factor
    padded = np.full((padded_rows, padded_cols), np.nan, dtype=np.float32)
    padded[:rows, :cols] = data
    blocks = padded.reshape(padded_rows // factor, factor, padded_cols // factor, factor)
    good = np.isfinite(blocks)
    total = np.where(good, blocks, 0.0).sum(axis=(1, 3), dtype=np.float64)
    count = good.sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan).astype(np.float32)


def smooth_nan(data: npt.NDArray[np.float32], sigma: float) -> npt.NDArray[np.float32]:
    """Gaussian smoothing (``sigma`` in pixels of ``data``) that ignores NaN: a normalised convolution,
    NaN kept where the input was NaN."""
    if sigma <= 0:
        return data
    good = np.isfinite(data)
    if bool(good.all()):
        # Nothing blank: one filter; edges reflected (the normalised form's weight would be 1 inside).
        return np.asarray(gaussian_filter(data, sigma, mode="nearest"), dtype=np.float32)
    filled = np.where(good, data, 0.0).astype(np.float32)
    weight = gaussian_filter(good.astype(np.float32), sigma, mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = gaussian_filter(filled, sigma, mode="constant") / weight
    return np.where(good, out, np.nan).astype(np.float32)


def simplify_many(xy: Float64Array, end: npt.NDArray[np.bool_], tolerance: float) -> npt.NDArray[np.bool_]:
    """Which vertices to keep of many paths, ``xy`` their vertices one after another and ``end`` true at
    each path's first and last vertex (always kept, so a closed path stays closed).

    A vertex within ``tolerance`` of the segment joining its neighbours is dropped; four passes,
    alternately over even and odd vertices (never two neighbours in one pass, so each drop is judged
    against kept vertices).
    """
    index = np.arange(len(xy))
    for parity in (1, 0, 1, 0):
        if len(index) <= 3:
            break
        p = xy[index]
        a, b, c = p[:-2], p[1:-1], p[2:]
        ab, ac = b - a, c - a
        length = np.hypot(ac[:, 0], ac[:, 1])
        cross = np.abs(ac[:, 0] * ab[:, 1] - ac[:, 1] * ab[:, 0])
        with np.errstate(invalid="ignore", divide="ignore"):
            distance = np.where(length > 0, cross / length, np.hypot(ab[:, 0], ab[:, 1]))
        drop = np.zeros(len(index), dtype=bool)
        # A path's ends are never dropped, so a middle vertex's neighbours are always of its own path.
        drop[1:-1] = (distance < tolerance) & ~end[index[1:-1]] & (np.arange(1, len(index) - 1) % 2 == parity)
        index = index[~drop]
    keep = np.zeros(len(xy), dtype=bool)
    keep[index] = True
    return keep


@dataclass
class _Paths:
    """Many paths at once: vertices one after another, with each path's start, level and closure."""

    xy: Float64Array  # (n, 2) viewer points
    starts: npt.NDArray[np.int64]  # (m + 1,) offsets into xy; path k is xy[starts[k]:starts[k + 1]]
    level: Float64Array  # (m,)
    closed: npt.NDArray[np.bool_]  # (m,)

    @staticmethod
    def join(parts: list[_Paths]) -> _Paths:
        parts = [p for p in parts if len(p.level)]
        if not parts:
            return _Paths(np.zeros((0, 2)), np.zeros(1, np.int64), np.zeros(0), np.zeros(0, bool))
        shift = np.cumsum([0] + [len(p.xy) for p in parts[:-1]])
        starts = np.concatenate([parts[0].starts[:1]] + [p.starts[1:] + k for p, k in zip(parts, shift, strict=True)])
        return _Paths(
            np.concatenate([p.xy for p in parts]),
            starts.astype(np.int64),
            np.concatenate([p.level for p in parts]),
            np.concatenate([p.closed for p in parts]),
        )

    @staticmethod
    def of_list(items: list[tuple[float, bool, Float64Array]]) -> _Paths:
        if not items:
            return _Paths.join([])
        lengths = [len(xy) for _, _, xy in items]
        return _Paths(
            np.concatenate([xy for _, _, xy in items]),
            np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
            np.array([level for level, _, _ in items], dtype=np.float64),
            np.array([closed for _, closed, _ in items], dtype=bool),
        )

    def counts(self) -> npt.NDArray[np.int64]:
        return np.diff(self.starts)

    def lengths(self) -> Float64Array:
        """Each path's length along its vertices (viewer pixels)."""
        if len(self.xy) < 2:
            return np.zeros(len(self.level))
        step = np.hypot(*np.diff(self.xy, axis=0).T)
        # Segment i joins vertex i and i + 1: the ones from a path's last vertex to the next path's first do not count.
        cum = np.concatenate([[0.0], np.cumsum(step)])
        first, last = self.starts[:-1], self.starts[1:] - 1
        return np.asarray(cum[last] - cum[first], dtype=np.float64)

    def take(self, rows: npt.NDArray[np.int64]) -> _Paths:
        """The paths ``rows``, in that order."""
        counts = self.counts()[rows]
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        if len(rows):
            index = np.repeat(self.starts[:-1][rows] - starts[:-1], counts) + np.arange(starts[-1])
        else:
            index = np.zeros(0, np.int64)
        return _Paths(self.xy[index], starts, self.level[rows], self.closed[rows])

    def simplified(self, tolerance: float, min_count: int = 9) -> _Paths:
        """Paths of ``min_count`` vertices or more simplified (:func:`simplify_many`); shorter ones kept whole."""
        counts = self.counts()
        end = np.zeros(len(self.xy), dtype=bool)
        end[self.starts[:-1]] = True
        end[self.starts[1:] - 1] = True
        end |= np.repeat(counts < min_count, counts)  # short paths: every vertex kept
        keep = simplify_many(self.xy, end, tolerance)
        path_of = np.repeat(np.arange(len(counts)), counts)
        kept_counts = np.bincount(path_of[keep], minlength=len(counts))
        starts = np.concatenate([[0], np.cumsum(kept_counts)]).astype(np.int64)
        return _Paths(self.xy[keep], starts, self.level, self.closed)


@dataclass(frozen=True)
class _Piece:
    """One CCD's (or the plain HDU's) pixels, binned, with where they lie in their image's viewer."""

    data: npt.NDArray[np.float32]
    x0: float  # viewer x of data[0, 0]'s lower-left corner
    y0: float
    step: int  # viewer pixels per binned pixel
    wcs: Any | None  # the cut-out's WCS (level-0 array pixels of the cut-out)
    ox: int  # the cut-out's own x0, y0 (for the WCS's pixels)
    oy: int


def _parts(path: Path, hdu: int, plane: int, box: Box | None) -> list[Box]:
    """The boxes to read: each CCD's placed data on a mosaic (clipped to ``box``), else the image or ``box``."""
    with opened(path) as f:
        view = select_view(f, hdu, plane)
        if isinstance(view, Mosaic):
            rects = [(float(c.x0), float(c.y0), float(c.x0 + c.width), float(c.y0 + c.height)) for c in view.ccds]
        else:
            rects = [(0.0, 0.0, float(view.width), float(view.height))]
    if box is None:
        return rects
    clipped = [(max(r[0], box[0]), max(r[1], box[1]), min(r[2], box[2]), min(r[3], box[3])) for r in rects]
    return [r for r in clipped if r[2] > r[0] and r[3] > r[1]]


def _read(
    path: Path, hdu: int, plane: int, box: Box | None, cache_dir: Path | None, detail: int
) -> tuple[list[_Piece], int]:
    parts = _parts(path, hdu, plane, box)
    if not parts:
        raise ToyzError("bad_region", "The box lies outside the image: there is nothing to contour.")
    total = sum(math.ceil(r[2] - r[0]) * math.ceil(r[3] - r[1]) for r in parts)
    if total > MAX_READ_PIXELS:
        raise ToyzError(
            "too_large",
            f"Contours read at most {MAX_READ_PIXELS:,} pixels and this box covers {total:,}; draw a smaller box.",
        )
    budget = max(1, min(detail, MAX_WORK_PIXELS))
    factor = max(1, math.ceil(math.sqrt(total / budget)))
    pieces: list[_Piece] = []
    for part in parts:
        # One CCD at a time: read, bin, let the level-0 pixels go.
        cut: Cutout
        for cut in cutouts(path, hdu=hdu, plane=plane, box=part, max_pixels=MAX_READ_PIXELS, cache_dir=cache_dir):
            binned = bin_mean(cut.data, factor)
            pieces.append(_Piece(binned, float(cut.x0), float(cut.y0), factor, cut.wcs, cut.x0, cut.y0))
    return pieces, factor


def _trace(piece: _Piece, levels: list[float]) -> _Paths:
    """Paths of one piece at each level, in viewer points of its image (contourpy's combined arrays:
    no Python work per path, which matters at a noise level's 10⁵ paths)."""
    finite = np.isfinite(piece.data)
    if int(finite.sum()) < 4:
        return _Paths.join([])
    # Binned pixel i is centred at viewer x0 + (i + 0.5) step.
    xs = piece.x0 + (np.arange(piece.data.shape[1]) + 0.5) * piece.step
    ys = piece.y0 + (np.arange(piece.data.shape[0]) + 0.5) * piece.step
    z = piece.data if bool(finite.all()) else np.ma.masked_invalid(piece.data)
    generator = contourpy.contour_generator(
        x=xs, y=ys, z=z, line_type=contourpy.LineType.ChunkCombinedOffset, corner_mask=True
    )
    out: list[_Paths] = []
    for level in levels:
        # ChunkCombinedOffset: (points of each chunk, offsets of each chunk); one chunk here.
        chunks: Any = generator.lines(level)
        for chunk_xy, chunk_offsets in zip(chunks[0], chunks[1], strict=True):
            if chunk_xy is None or chunk_offsets is None or len(chunk_offsets) < 2:
                continue
            xy = np.asarray(chunk_xy, dtype=np.float64)
            starts = np.asarray(chunk_offsets, dtype=np.int64)
            first, last = xy[starts[:-1]], xy[starts[1:] - 1]
            closed = (np.diff(starts) > 2) & (first == last).all(axis=1)
            out.append(_Paths(xy, starts, np.full(len(starts) - 1, level), closed))
    paths = _Paths.join(out)
    single = paths.counts() < 2
    return paths.take(np.flatnonzero(~single)) if single.any() else paths


def _sky_of(piece: _Piece, xy: Float64Array) -> tuple[Float64Array, Float64Array]:
    """ICRS (ra, dec) degrees of viewer points of the source image (NaN where its WCS cannot place them)."""
    wcs = piece.wcs
    assert wcs is not None  # the caller skips pieces without one
    with np.errstate(all="ignore"):
        world = wcs.all_pix2world(xy[:, 0] - piece.ox - 0.5, xy[:, 1] - piece.oy - 0.5, 0)
    lon = np.asarray(world[wcs.wcs.lng], dtype=np.float64)
    lat = np.asarray(world[wcs.wcs.lat], dtype=np.float64)
    try:
        frame = wcs_to_celestial_frame(wcs)
    except ValueError:  # a local system astropy does not know: take its numbers as they are
        return lon, lat
    if isinstance(frame, ICRS):
        return lon, lat
    good = np.isfinite(lon) & np.isfinite(lat)
    coord = SkyCoord(np.where(good, lon, 0.0), np.where(good, lat, 0.0), unit="deg", frame=frame).icrs
    return np.where(good, coord.ra.deg, np.nan), np.where(good, coord.dec.deg, np.nan)


def _split(xy: Float64Array) -> list[Float64Array]:
    """Runs of finite points, two or more long."""
    good = np.isfinite(xy).all(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], good.astype(np.int8), [0]])))
    return [xy[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= 2]


def contours(
    path: Path,
    *,
    hdu: int,
    plane: int,
    levels: list[float] | None = None,
    count: int = 7,
    scale: Scale = "linear",
    limits: tuple[float, float] | None = None,
    smooth: float = DEFAULT_SMOOTH,
    box: Box | None = None,
    of: tuple[Path, int, int] | None = None,
    cache_dir: Path | None = None,
    max_points: int = MAX_POINTS,
    detail: int = DEFAULT_DETAIL,
    min_length: float = DEFAULT_MIN_LENGTH,
) -> ContourResult:
    """Contours of an image, or of another image aligned to it, in the image's viewer coordinates.

    Parameters
    ----------
    path, hdu, plane
        The image the paths are drawn on (``hdu`` -1: the focal-plane mosaic).
    levels : list of float, optional
        The levels, in pixel units; by default ``count`` levels between ``limits`` on ``scale``
        (:func:`contour_levels`).
    limits : (float, float), optional
        Default: the contoured image's stored zscale cut levels (what the viewer shows first).
    smooth : float
        Gaussian sigma in level-0 pixels of the contoured image (0: none); applied after binning,
        as ``smooth / binned`` binned pixels. The default, 2 px, removes the sky noise's own contours
        (DS9 smooths by default too).
    box : (xmin, ymin, xmax, ymax), optional
        Viewer coordinates of ``path``: contour only there (with ``of``, the part of the other image
        under it). Default: the whole image.
    of : (Path, int, int), optional
        ``(path, hdu, plane)`` of another image to contour; its paths are carried onto ``path``
        through both WCSs.
    cache_dir : Path, optional
        The pyramid cache (where the cut levels are stored; lets pictures be read decoded).
    max_points : int
        The most vertices returned; past it the smallest paths are left out (``dropped``).
    detail : int
        The most pixels contoured, all CCDs together (at most :data:`MAX_WORK_PIXELS`): the image is
        binned by the smallest integer factor that fits. The default, 10⁶, is about what a screen
        shows of a whole 2k × 4k CCD; zoomed into a ``box`` the same budget gives full resolution.
    min_length : float
        Paths shorter than this (level-0 pixels along the path; at least 2 binned pixels) are left
        out (``short``): single noise peaks and pixel-sized islands.

    Returns
    -------
    ContourResult
        ``paths`` with flat viewer coordinates (``[x0, y0, x1, y1, ...]``, 0.01 px) of ``path``, each
        vertex on the bilinear surface through the centres of the (binned) pixels; ``binned`` the
        binning factor; ``note`` a sentence on what was binned, simplified or left out.

    Raises
    ------
    ToyzError
        ``bad_params`` for bad levels or limits; ``bad_region`` when the box misses the image;
        ``too_large`` beyond :data:`MAX_READ_PIXELS`; ``unsupported`` when ``of`` is given and one of
        the two images has no celestial WCS.
    """
    src_path, src_hdu, src_plane = of if of is not None else (path, hdu, plane)
    src_box = box
    if of is not None and box is not None:
        src_box = _box_on_source(path, hdu, plane, box, of)
    if levels is None:
        if limits is None:
            if cache_dir is None:
                raise ToyzError("bad_params", "Give the contour limits (no cut levels are stored for this image).")
            limits = default_cuts(src_path, hdu=src_hdu, plane=src_plane, cache_dir=cache_dir)["zscale"]
        levels = contour_levels(float(limits[0]), float(limits[1]), count, scale)
    else:
        levels = sorted({float(v) for v in levels if math.isfinite(v)})
        if not 1 <= len(levels) <= MAX_LEVELS:
            raise ToyzError("bad_params", f"Give 1 to {MAX_LEVELS} finite contour levels.")
    pieces, factor = _read(src_path, src_hdu, src_plane, src_box, cache_dir, detail)
    if of is not None and all(p.wcs is None for p in pieces):
        raise ToyzError("unsupported", "The other image has no celestial WCS, so its contours cannot be placed here.")
    sigma = max(0.0, smooth) / factor
    traced: list[_Paths] = []
    for piece in pieces:
        smoothed = _Piece(smooth_nan(piece.data, sigma), piece.x0, piece.y0, piece.step, piece.wcs, piece.ox, piece.oy)
        found = _trace(smoothed, levels)
        if of is None:
            traced.append(found)
            continue
        if piece.wcs is None or not len(found.level):
            continue
        # Every vertex of this CCD at once through both WCSs, then cut where it leaves this image.
        ra, dec = _sky_of(piece, found.xy)
        placed = world_to_viewer(path, hdu=hdu, plane=plane, ra=ra, dec=dec)
        mapped = np.column_stack([placed.x, placed.y])
        runs_of: list[tuple[float, bool, Float64Array]] = []
        for k in range(len(found.level)):
            runs = _split(mapped[found.starts[k] : found.starts[k + 1]])
            whole = len(runs) == 1 and len(runs[0]) == found.starts[k + 1] - found.starts[k]
            runs_of.extend((float(found.level[k]), bool(found.closed[k]) and whole, run) for run in runs)
        traced.append(_Paths.of_list(runs_of))
    every = _Paths.join(traced)
    # Paths shorter than min_length (and than 2 binned pixels) go first: noise peaks, pixel-sized islands.
    shortest = max(float(min_length), 2.0 * factor) if min_length > 0 else 0.0
    long_enough = np.flatnonzero(every.lengths() >= shortest)
    short = len(every.level) - len(long_enough)
    # The biggest paths first, so that a cap leaves out the smallest; simplified all at once.
    order = long_enough[np.argsort(-every.counts()[long_enough], kind="stable")]
    # Simplified in batches of about 2 × max_points raw vertices, until the cap is reached: a noise
    # level's millions of vertices past the cap are never simplified.
    raw_total = np.cumsum(every.counts()[order])
    batches: list[_Paths] = []
    done = simplified_points = 0
    while done < len(order) and simplified_points <= max_points:
        base = raw_total[done - 1] if done else 0
        end = max(done + 1, int(np.searchsorted(raw_total, base + 2 * max_points, side="right")))
        batch = every.take(order[done:end]).simplified(SIMPLIFY_TOLERANCE * factor)
        batches.append(batch)
        simplified_points += len(batch.xy)
        done = end
    kept = _Paths.join(batches)
    counts = kept.counts()
    fits_in = np.cumsum(counts) <= max_points
    dropped = int((~fits_in).sum()) + len(order) - done
    rows = np.flatnonzero(fits_in)
    rows = rows[np.argsort(kept.level[rows], kind="stable")]
    rounded = np.round(kept.xy, 2)
    paths = [
        ContourPath(
            level=float(kept.level[k]),
            closed=bool(kept.closed[k]),
            xy=rounded[kept.starts[k] : kept.starts[k + 1]].ravel().tolist(),
        )
        for k in rows
    ]
    points = int(counts[rows].sum())
    notes = []
    if not any(np.isfinite(p.data).any() for p in pieces):
        notes.append("found nothing: the image has no valid pixels there")
    if factor > 1:
        notes.append(
            f"computed on the image binned {factor}×{factor} (at most {min(detail, MAX_WORK_PIXELS):,} pixels)"
        )
    if short:
        notes.append(f"{short} paths shorter than {shortest:g} px left out")
    if dropped:
        notes.append(f"{dropped} smallest paths left out to stay under {max_points:,} points")
    note = ("Contours " + "; ".join(notes) + ".") if notes else ""
    return ContourResult(
        levels=levels,
        paths=paths,
        points=points,
        binned=factor,
        smooth=float(smooth),
        dropped=dropped,
        short=short,
        note=note,
    )


def _box_on_source(path: Path, hdu: int, plane: int, box: Box, of: tuple[Path, int, int]) -> Box:
    """The bounding box, in the other image's viewer coordinates, of a box of this image (through both WCSs)."""
    _, _, sections = wcs_sections(path, hdu, plane)
    gx, gy = np.meshgrid(np.linspace(box[0], box[2], 17), np.linspace(box[1], box[3], 17))
    ras, decs = [], []
    for section in sections:
        rx0, ry0, rx1, ry1 = section.rect
        inside = (gx >= rx0) & (gx <= rx1) & (gy >= ry0) & (gy <= ry1)
        ra, dec = SkyFrame(section.wcs, "icrs").pix2sky(*section.to_pixel(gx[inside], gy[inside]))
        ras.append(ra)
        decs.append(dec)
    ra, dec = np.concatenate(ras), np.concatenate(decs)
    good = np.isfinite(ra) & np.isfinite(dec)
    if not np.any(good):
        raise ToyzError("bad_region", "The box lies off this image's sky: there is nothing to contour there.")
    placed = world_to_viewer(of[0], hdu=of[1], plane=of[2], ra=ra[good], dec=dec[good])
    ok = np.isfinite(placed.x)
    if not np.any(ok):
        raise ToyzError("bad_region", "The other image does not cover this box.")
    # The box is sampled every 1/16 of its side: widen by a sample step, in the other image's pixels.
    xs, ys = placed.x[ok], placed.y[ok]
    margin = max(float(np.ptp(xs)), float(np.ptp(ys))) / 16.0 + 2.0
    return (
        float(placed.x[ok].min()) - margin,
        float(placed.y[ok].min()) - margin,
        float(placed.x[ok].max()) + margin,
        float(placed.y[ok].max()) + margin,
    )
