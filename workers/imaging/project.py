"""Catalogues on the image: sky positions and pixel columns to the viewer's pixel coordinates.

The viewer's coordinates (``docs/architecture.md``, "Images and tiles"): level-0 pixels, ``x`` the
column, ``y`` from the bottom, pixel ``(i, j)`` covering ``[i, i+1) × [j, j+1)``, so astropy's
0-based pixel centre ``(i, j)`` is the viewer point ``(i + 0.5, j + 0.5)``. On the focal-plane
mosaic (``hdu`` -1) each position is projected with every CCD's own WCS and lands on the CCD whose
data section holds it, placed the way :func:`workers.imaging.mosaic.locate` reads it back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
from astropy.coordinates import ICRS, SkyCoord
from astropy.wcs.utils import wcs_to_celestial_frame

from workers.errors import ToyzError

from .describe import select_view
from .mosaic import Mosaic
from .reading import OpenedFile, opened

Float64Array = npt.NDArray[np.float64]

#: The footprint's cone is widened by this fraction, so that a distorted edge is never cut off.
FOOTPRINT_MARGIN: Final = 0.05
#: Points along each edge of a data section whose sky positions bound its footprint.
EDGE_POINTS: Final = 9
#: The most rows one call projects (float64 work arrays of a few times this many values).
MAX_ROWS: Final = 50_000_000


@dataclass(frozen=True)
class Placed:
    """Viewer positions of a catalogue's rows: NaN where a row falls off the image or has no position."""

    x: Float64Array
    y: Float64Array

    @property
    def inside(self) -> int:
        """How many rows land on the image."""
        return int(np.count_nonzero(np.isfinite(self.x)))

    def pairs(self) -> npt.NDArray[np.float32]:
        """Interleaved little-endian float32 ``x0, y0, x1, y1, ...`` (what the overlay endpoint sends)."""
        out = np.empty((self.x.size, 2), dtype="<f4")
        out[:, 0] = self.x
        out[:, 1] = self.y
        return out.reshape(-1)


@dataclass(frozen=True)
class Section:
    """Where one HDU's pixels go in the viewer: its data section and placement (identity for a plain HDU).

    ``ccd`` is the CCD's HDU index on the focal-plane mosaic, None for a plain HDU.
    """

    hdu: int
    data: tuple[int, int, int, int]  # (x0, x1, y0, y1), 0-based HDU pixels, end exclusive
    x0: int = 0
    y0: int = 0
    flip_x: bool = False
    flip_y: bool = False
    ccd: int | None = None

    def to_astropy(self, vx: Float64Array, vy: Float64Array) -> tuple[Float64Array, Float64Array]:
        """astropy 0-based HDU pixels of viewer points in this section's placed region."""
        dx0, dx1, dy0, dy1 = self.data
        u, v = vx - self.x0, vy - self.y0
        hx = dx1 - u if self.flip_x else dx0 + u
        hy = dy1 - v if self.flip_y else dy0 + v
        return hx - 0.5, hy - 0.5

    def from_astropy(self, px: Float64Array, py: Float64Array) -> tuple[Float64Array, Float64Array]:
        """Viewer points of astropy 0-based HDU pixels (the inverse of :meth:`to_astropy`)."""
        dx0, dx1, dy0, dy1 = self.data
        hx, hy = px + 0.5, py + 0.5
        u = dx1 - hx if self.flip_x else hx - dx0
        v = dy1 - hy if self.flip_y else hy - dy0
        return self.x0 + u, self.y0 + v

    @property
    def rect(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax): the viewer rectangle the placed data covers."""
        dx0, dx1, dy0, dy1 = self.data
        return float(self.x0), float(self.y0), float(self.x0 + dx1 - dx0), float(self.y0 + dy1 - dy0)


def _as_float(values: Any, name: str) -> Float64Array:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ToyzError("bad_params", f"{name} must hold numbers.") from exc
    if array.ndim != 1:
        raise ToyzError("bad_params", f"{name} must be a one-dimensional list of numbers.")
    return array


def _pair(a: Any, b: Any, names: tuple[str, str]) -> tuple[Float64Array, Float64Array]:
    first, second = _as_float(a, names[0]), _as_float(b, names[1])
    if first.size != second.size:
        raise ToyzError(
            "bad_params", f"{names[0]} and {names[1]} must have as many values ({first.size} and {second.size})."
        )
    if first.size > MAX_ROWS:
        raise ToyzError("too_large", f"{first.size} rows are more than the {MAX_ROWS} an overlay can place.")
    return first, second


def _unit_vectors(lon_deg: Float64Array, lat_deg: Float64Array) -> Float64Array:
    """Unit vectors (3, n) of sky positions in degrees; NaN where a position is not finite."""
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    cos_lat = np.cos(lat)
    return np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def view_sections(f: OpenedFile, hdu: int, plane: int) -> list[Section]:
    """The HDUs an image shows and where each goes in the viewer: one per CCD on the mosaic (``hdu`` -1)."""
    view = select_view(f, hdu, plane)
    if isinstance(view, Mosaic):
        return [Section(c.hdu, c.data, c.x0, c.y0, c.flip_x, c.flip_y, ccd=c.hdu) for c in view.ccds]
    return [Section(hdu, (0, view.width, 0, view.height))]


def _footprint(wcs: Any, data: tuple[int, int, int, int]) -> tuple[Float64Array, float] | None:
    """A cone (centre unit vector, cosine of its radius) holding the sky area of a data section,
    or None when the WCS cannot place its edges (then every row is projected)."""
    x0, x1, y0, y1 = data
    xs = np.linspace(x0 - 0.5, x1 - 0.5, EDGE_POINTS)
    ys = np.linspace(y0 - 0.5, y1 - 0.5, EDGE_POINTS)
    px = np.concatenate([xs, xs, np.full(EDGE_POINTS, xs[0]), np.full(EDGE_POINTS, xs[-1]), [xs[EDGE_POINTS // 2]]])
    py = np.concatenate([np.full(EDGE_POINTS, ys[0]), np.full(EDGE_POINTS, ys[-1]), ys, ys, [ys[EDGE_POINTS // 2]]])
    try:
        world = wcs.all_pix2world(px, py, 0)
    except Exception:  # a WCS that cannot project its own edges: no shortcut, project everything
        return None
    edge = _unit_vectors(np.asarray(world[wcs.wcs.lng]), np.asarray(world[wcs.wcs.lat]))
    if not np.all(np.isfinite(edge)):
        return None
    centre = edge.mean(axis=1)
    norm = float(np.linalg.norm(centre))
    if norm < 1e-6:
        return None
    centre /= norm
    radius = math.acos(min(1.0, float(np.min(centre @ edge))))
    widened = min(math.pi, radius * (1.0 + FOOTPRINT_MARGIN) + math.radians(1.0 / 3600.0))
    return centre, math.cos(widened)


class _Frames:
    """ICRS positions converted once into each celestial frame the image's WCSs use, with their unit vectors."""

    def __init__(self, ra: Float64Array, dec: Float64Array) -> None:
        self.ra, self.dec = ra, dec
        self._seen: dict[str, tuple[Float64Array, Float64Array, Float64Array]] = {}

    def of(self, wcs: Any) -> tuple[Float64Array, Float64Array, Float64Array]:
        """(lon, lat, unit vectors) of the positions in the frame of ``wcs``."""
        try:
            frame = wcs_to_celestial_frame(wcs)
            key = repr(frame)
        except ValueError:  # no frame astropy knows (a local sky system): take the numbers as they are
            frame, key = None, "native"
        if key not in self._seen:
            lon, lat = self.ra, self.dec
            if frame is not None and not isinstance(frame, ICRS):
                coord = SkyCoord(self.ra, self.dec, unit="deg", frame="icrs").transform_to(frame)
                spherical = coord.represent_as("unitspherical")
                lon, lat = np.asarray(spherical.lon.deg), np.asarray(spherical.lat.deg)
            self._seen[key] = (lon, lat, _unit_vectors(lon, lat))
        return self._seen[key]


def _project(wcs: Any, lon: Float64Array, lat: Float64Array) -> tuple[Float64Array, Float64Array]:
    """astropy 0-based pixel positions of sky positions (NaN where the projection fails)."""
    world = [lon, lat] if wcs.wcs.lng == 0 else [lat, lon]
    try:
        with np.errstate(all="ignore"):
            px, py = wcs.all_world2pix(*world, 0, quiet=True)
    except Exception:  # e.g. positions on the far side of a zenithal projection
        return np.full(lon.size, np.nan), np.full(lon.size, np.nan)
    return np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)


def _place(
    section: Section, hx: Float64Array, hy: Float64Array
) -> tuple[Float64Array, Float64Array, npt.NDArray[np.bool_]]:
    """Viewer positions on the image of HDU viewer positions, and which fall in the data section."""
    dx0, dx1, dy0, dy1 = section.data
    u = dx1 - hx if section.flip_x else hx - dx0
    v = dy1 - hy if section.flip_y else hy - dy0
    with np.errstate(invalid="ignore"):
        keep = (u >= 0) & (u < dx1 - dx0) & (v >= 0) & (v < dy1 - dy0)
    return section.x0 + u, section.y0 + v, keep


def world_to_viewer(path: Path, *, hdu: int, plane: int, ra: Any, dec: Any) -> Placed:
    """Place sky positions on an image: level-0 viewer coordinates of each (RA, Dec).

    Parameters
    ----------
    path : Path
        The image file (resolved and checked by the caller).
    hdu, plane : int
        The image shown; ``hdu`` -1 is the focal-plane mosaic.
    ra, dec : array_like
        Right ascension and declination in degrees, ICRS (converted to the WCS's own frame, e.g.
        FK5 or galactic, when it has another). Non-finite values have no position.

    Returns
    -------
    Placed
        ``x``, ``y`` in viewer coordinates (x = column, y from the bottom; astropy's 0-based
        pixel centre ``(i, j)`` is ``(i + 0.5, j + 0.5)``), NaN outside the image, in the gaps
        between CCDs, and for rows without a position. On the mosaic a row lands on the CCD
        whose data section holds it (the last in HDU order where CCDs overlap, as they are painted).

    Raises
    ------
    ToyzError
        ``unsupported`` when the image has no celestial WCS; ``bad_params`` for arrays that differ
        in length; ``bad_hdu``, ``bad_plane``, ``not_found``, ``unreadable`` as for any image.
    """
    ra_deg, dec_deg = _pair(ra, dec, ("ra", "dec"))
    n = ra_deg.size
    out_x, out_y = np.full(n, np.nan), np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(ra_deg) & np.isfinite(dec_deg) & (np.abs(dec_deg) <= 90.0)
    rows = np.flatnonzero(valid)
    with opened(path) as f:
        sections = view_sections(f, hdu, plane)
        # astropy's WCS objects are not thread-safe: copy each under the file's lock, project without it.
        with f.lock:
            wcss = [f.celestial_wcs(s.hdu) for s in sections]
            wcss = [None if w is None else w.deepcopy() for w in wcss]
        name = f.name
    if all(w is None for w in wcss):
        raise ToyzError(
            "unsupported", f"{name} has no celestial WCS here, so RA/Dec cannot be placed on it; use pixel columns."
        )
    if rows.size == 0:
        return Placed(out_x, out_y)
    frames = _Frames(ra_deg[rows], dec_deg[rows])
    for section, wcs in zip(sections, wcss, strict=True):
        if wcs is None:
            continue
        lon, lat, vectors = frames.of(wcs)
        cone = _footprint(wcs, section.data)
        # Only the rows near the CCD are projected: a focal plane of 62 CCDs costs about one projection.
        near = np.arange(rows.size) if cone is None else np.flatnonzero(cone[0] @ vectors >= cone[1])
        if near.size == 0:
            continue
        px, py = _project(wcs, lon[near], lat[near])
        vx, vy, keep = _place(section, px + 0.5, py + 0.5)
        target = rows[near[keep]]
        out_x[target], out_y[target] = vx[keep], vy[keep]
    return Placed(out_x, out_y)


#: Where a pixel column puts the first pixel's centre: 1 (FITS, SExtractor), 0 (numpy, photutils), or
#: ``"viewer"`` (0.5: the values are viewer coordinates already, as a Toyz detection table's x, y).
PixelOrigin = Literal[0, 1, "viewer"]
_ORIGIN_CENTRE: dict[object, float] = {0: 0.0, 1: 1.0, "viewer": 0.5}


def pixels_to_viewer(path: Path, *, hdu: int, plane: int, x: Any, y: Any, pixel_origin: PixelOrigin = 1) -> Placed:
    """Place a catalogue's pixel columns on an image: level-0 viewer coordinates.

    Parameters
    ----------
    x, y : array_like
        Pixel centres of the rows in the image's own frame (the mosaic's for ``hdu`` -1),
        x the column. ``pixel_origin`` 1: FITS and SExtractor's ``X_IMAGE``/``Y_IMAGE`` (the
        first pixel's centre is 1); 0: photutils' ``xcentroid`` and numpy (its centre is 0);
        ``"viewer"``: viewer coordinates already (its centre is 0.5), taken as they are.

    Returns
    -------
    Placed
        ``x - centre + 0.5``, ``y - centre + 0.5`` (centre 1, 0 or 0.5); NaN outside ``[0, width) ×
        [0, height)`` and for non-finite values.

    Raises
    ------
    ToyzError
        ``bad_params`` for a bad origin or arrays of different lengths; ``bad_hdu``, ``bad_plane``...
    """
    if pixel_origin not in _ORIGIN_CENTRE or isinstance(pixel_origin, bool):
        raise ToyzError(
            "bad_params", 'pixel_origin must be 0 (numpy, photutils), 1 (FITS, SExtractor) or "viewer" (0.5).'
        )
    centre = _ORIGIN_CENTRE[pixel_origin]
    px, py = _pair(x, y, ("x", "y"))
    with opened(path) as f:
        view = select_view(f, hdu, plane)
        width, height = view.width, view.height
    vx, vy = px - centre + 0.5, py - centre + 0.5
    with np.errstate(invalid="ignore"):
        keep = (vx >= 0) & (vx < width) & (vy >= 0) & (vy < height)
    return Placed(np.where(keep, vx, np.nan), np.where(keep, vy, np.nan))
