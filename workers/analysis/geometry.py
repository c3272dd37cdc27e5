"""Regions on an image: their shape in viewer coordinates, their bounding box, their pixel masks.

A region arrives as plain values (the ``Region`` of ``apps/analysis/schemas.py``, as a dict): a
shape, a frame (``image``: viewer coordinates, sizes in pixels; ``sky``: ICRS degrees, sizes in
arcseconds), its points, size and angle. :func:`to_viewer` places it on one image; :func:`mask`
tells which pixels of a :class:`~workers.analysis.pixels.Cutout` it holds: a pixel belongs to a
region when its **centre** lies inside or on the boundary (no partial pixels; photometry uses
photutils' exact overlap instead, see ``workers.analysis.measure``).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError
from workers.imaging.describe import select_view
from workers.imaging.mosaic import Mosaic
from workers.imaging.project import world_to_viewer
from workers.imaging.reading import opened

from .pixels import Box, Cutout

#: The sky offset (arcseconds) whose image gives the local scale and orientation of a sky region.
_PROBE_ARCSEC: Final = 1.0
AREA_SHAPES: Final = ("circle", "ellipse", "box", "polygon", "point")


@dataclass(frozen=True)
class Shape:
    """A region in the viewer coordinates of one image.

    Attributes
    ----------
    kind : str
        circle, ellipse, box, polygon, line or point.
    points : numpy.ndarray
        ``(n, 2)`` viewer points: the centre, the vertices or the two ends.
    size : tuple of float or None
        Pixels: ``(r, r)`` for a circle, the semi-axes of an ellipse, the full width and height of a box.
    angle : float
        Degrees counter-clockwise from the viewer's +x axis (ellipse, box).
    """

    kind: str
    points: npt.NDArray[np.float64]
    size: tuple[float, float] | None = None
    angle: float = 0.0

    @property
    def centre(self) -> tuple[float, float]:
        """The centre (circle, ellipse, box, point) or the mean of the vertices."""
        c = self.points.mean(axis=0)
        return float(c[0]), float(c[1])

    @property
    def area(self) -> float:
        """The geometric area in square pixels (0 for a point or a line)."""
        if self.kind == "circle" and self.size:
            return math.pi * self.size[0] ** 2
        if self.kind == "ellipse" and self.size:
            return math.pi * self.size[0] * self.size[1]
        if self.kind == "box" and self.size:
            return self.size[0] * self.size[1]
        if self.kind == "polygon":
            x, y = self.points[:, 0], self.points[:, 1]
            return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
        return 0.0

    def bbox(self) -> Box:
        """``(xmin, ymin, xmax, ymax)`` of the shape in viewer coordinates."""
        cx, cy = self.centre
        if self.kind in ("circle", "ellipse", "box") and self.size:
            t = math.radians(self.angle)
            c, s = abs(math.cos(t)), abs(math.sin(t))
            if self.kind == "box":
                hw, hh = self.size[0] / 2, self.size[1] / 2
                hx, hy = hw * c + hh * s, hw * s + hh * c
            else:
                a, b = self.size
                hx, hy = math.hypot(a * c, b * s), math.hypot(a * s, b * c)
            return cx - hx, cy - hy, cx + hx, cy + hy
        lo, hi = self.points.min(axis=0), self.points.max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def _values(region: Mapping[str, Any]) -> tuple[str, str, npt.NDArray[np.float64], tuple[float, float] | None, float]:
    try:
        kind = str(region["shape"])
        frame = str(region.get("frame", "image"))
        points = np.asarray(region["points"], dtype=np.float64).reshape(-1, 2)
        size = region.get("size")
        angle = float(region.get("angle") or 0.0)
        pair = None if size is None else (float(size[0]), float(size[1]))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ToyzError("bad_params", "The region is malformed: it needs a shape, a frame and points.") from exc
    if kind not in (*AREA_SHAPES, "line", "text"):
        raise ToyzError("bad_params", f"Unknown region shape {kind!r}.")
    if not np.all(np.isfinite(points)) or (pair is not None and not all(math.isfinite(v) for v in pair)):
        raise ToyzError("bad_params", "The region's points and size must be finite numbers.")
    return kind, frame, points, pair, angle


def _unclipped(path: Path, hdu: int, plane: int, ra: Any, dec: Any, near: tuple[float, float] | None) -> Any:
    """Viewer positions of sky positions by one WCS, not clipped to the image: the image's own, or on
    a mosaic the WCS of the CCD under ``near`` (a vertex in a gap still has a place)."""
    from astropy.coordinates import SkyCoord
    from astropy.wcs.utils import wcs_to_celestial_frame

    with opened(path) as f:
        view = select_view(f, hdu, plane)
        offset, flips, data = (0.0, 0.0), (False, False), None
        target = hdu
        if isinstance(view, Mosaic):
            if near is None:
                return None
            ccd = min(
                view.ccds,
                key=lambda c: math.hypot(near[0] - (c.x0 + c.width / 2), near[1] - (c.y0 + c.height / 2)),
            )
            target, offset, flips, data = ccd.hdu, (float(ccd.x0), float(ccd.y0)), (ccd.flip_x, ccd.flip_y), ccd.data
        with f.lock:
            wcs = f.celestial_wcs(target)
            wcs = None if wcs is None else wcs.deepcopy()
    if wcs is None:
        return None
    lon, lat = np.asarray(ra, float), np.asarray(dec, float)
    with contextlib.suppress(Exception):  # a frame astropy does not know: take the numbers as they are
        sky = SkyCoord(lon, lat, unit="deg", frame="icrs").transform_to(wcs_to_celestial_frame(wcs))
        spherical = sky.represent_as("unitspherical")
        lon, lat = np.asarray(spherical.lon.deg), np.asarray(spherical.lat.deg)
    world = [lon, lat] if wcs.wcs.lng == 0 else [lat, lon]
    with np.errstate(all="ignore"):
        px, py = wcs.all_world2pix(*world, 0, quiet=True)
    hx, hy = np.asarray(px) + 0.5, np.asarray(py) + 0.5
    if data is not None:
        dx0, dx1, dy0, dy1 = data
        hx = dx1 - hx if flips[0] else hx - dx0
        hy = dy1 - hy if flips[1] else hy - dy0
    return np.stack([hx + offset[0], hy + offset[1]], axis=1)


def _sky_points(path: Path, hdu: int, plane: int, radec: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    placed = world_to_viewer(path, hdu=hdu, plane=plane, ra=radec[:, 0], dec=radec[:, 1])
    xy = np.stack([placed.x, placed.y], axis=1)
    missing = ~np.all(np.isfinite(xy), axis=1)
    if missing.any():
        found = xy[~missing]
        near = (float(found[:, 0].mean()), float(found[:, 1].mean())) if found.size else None
        other = _unclipped(path, hdu, plane, radec[missing, 0], radec[missing, 1], near)
        if other is None or not np.all(np.isfinite(other)):
            raise ToyzError("bad_region", "The region lies off the image: its sky position has no pixel here.")
        xy[missing] = other
    return xy


def _local_frame(
    path: Path, hdu: int, plane: int, ra: float, dec: float, centre: npt.NDArray[np.float64]
) -> tuple[float, float]:
    """(pixels per arcsecond, angle of North in degrees CCW from +x) at a sky position."""
    d = _PROBE_ARCSEC / 3600.0
    cos_dec = max(1e-6, math.cos(math.radians(dec)))
    probes = np.array([[ra, dec + d if dec + d <= 90 else dec - d], [ra + d / cos_dec, dec]])
    xy = _sky_points(path, hdu, plane, probes)
    north, east = xy[0] - centre, xy[1] - centre
    if dec + d > 90:
        north = -north
    scale = (math.hypot(*north) + math.hypot(*east)) / 2 / _PROBE_ARCSEC
    return scale, math.degrees(math.atan2(north[1], north[0]))


def to_viewer(path: Path, *, hdu: int, plane: int, region: Mapping[str, Any]) -> Shape:
    """Place a region on an image, in its viewer coordinates.

    Parameters
    ----------
    path, hdu, plane
        The image (``hdu`` -1: the focal-plane mosaic).
    region : Mapping
        ``shape``, ``frame`` (``image`` or ``sky``), ``points``, ``size``, ``angle`` as in
        ``apps.analysis.schemas.Region``.

    Returns
    -------
    Shape
        For a sky region, each point goes through the image's WCS (on a mosaic, the CCD holding it);
        sizes in arcseconds become pixels by the local scale at the centre, and the angle (from the
        longitude axis) becomes one from +x by the local direction of North, as astropy's ``regions``
        converts them: ``angle_px = angle_sky + north - 90``.

    Raises
    ------
    ToyzError
        ``bad_params`` for a malformed region or a text region; ``unsupported`` for a sky region on
        an image without WCS; ``bad_region`` for a sky position with no place on the image.
    """
    kind, frame, points, size, angle = _values(region)
    if kind == "text":
        raise ToyzError("bad_params", "A text region has no area to measure.")
    if kind in ("circle", "ellipse", "box") and (size is None or size[0] <= 0 or size[1] <= 0):
        raise ToyzError("bad_params", f"A {kind} region needs a positive size.")
    if kind == "circle" and size is not None:
        size = (size[0], size[0])
    if frame != "sky":
        return Shape(kind, points, size, angle)
    xy = _sky_points(path, hdu, plane, points)
    if kind in ("circle", "ellipse", "box") and size is not None:
        scale, north = _local_frame(path, hdu, plane, float(points[0, 0]), float(points[0, 1]), xy[0])
        size = (size[0] * scale, size[1] * scale)
        angle = angle + north - 90.0
    return Shape(kind, xy, size, angle)


#: Scan cells (rows × edges, rows × columns) handled at once by :func:`_inside_polygon`: its memory bound.
_SCAN_CELLS: Final = 1 << 21


def _inside_polygon(
    xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], vertices: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """Which points of the grid ``(xs[i], ys[j])`` (both ascending) a polygon holds: ``out[j, i]``.

    Even-odd rule; points on an edge (within 1e-9 of its length) count as inside. A scan line per row
    (or per column, whichever are fewer): its crossings toggle the parity of the columns left of them,
    so the work is rows × vertices + pixels, not vertices × pixels (a 1000-vertex polygon over
    16 million pixels took minutes that way).
    """
    if ys.size > xs.size:
        return _inside_polygon(ys, xs, vertices[:, ::-1]).T
    xa, ya = vertices[:, 0], vertices[:, 1]
    xb, yb = np.roll(xa, -1), np.roll(ya, -1)
    dx, dy = xb - xa, yb - ya
    tol = 1e-9 * np.maximum(1.0, np.hypot(dx, dy))
    lo_x, hi_x, lo_y, hi_y = np.minimum(xa, xb), np.maximum(xa, xb), np.minimum(ya, yb), np.maximum(ya, yb)
    rows, cols = ys.size, xs.size
    out = np.empty((rows, cols), dtype=bool)
    step = max(1, min(_SCAN_CELLS // len(vertices), _SCAN_CELLS // max(1, cols)))
    for start in range(0, rows, step):
        y = ys[start : start + step, None]
        r = y.shape[0]
        # Parity: a crossing at x_at toggles every column whose centre lies left of it (x < x_at).
        ri, ei = np.nonzero((ya > y) != (yb > y))
        x_at = xa[ei] + (y[ri, 0] - ya[ei]) * dx[ei] / dy[ei]
        toggles = np.zeros((r, cols + 1), dtype=np.int32)
        np.add.at(toggles, (ri, np.searchsorted(xs, x_at, side="left")), 1)
        inside = (np.cumsum(toggles[:, ::-1], axis=1)[:, ::-1][:, 1:] & 1).astype(bool)
        # On an edge: within its bounding box and collinear, |dy| * |x - x_line| <= tol (a flat edge: its span).
        ri, ei = np.nonzero((lo_y <= y) & (y <= hi_y))
        flat = dy[ei] == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            x_line = xa[ei] + (y[ri, 0] - ya[ei]) * dx[ei] / dy[ei]
            d = tol[ei] / np.abs(dy[ei])
        lo = np.where(flat, lo_x[ei], np.maximum(lo_x[ei], x_line - d))
        hi = np.where(flat, hi_x[ei], np.minimum(hi_x[ei], x_line + d))
        a0, a1 = np.searchsorted(xs, lo, side="left"), np.searchsorted(xs, hi, side="right")
        ok = a1 > a0
        marks = np.zeros((r, cols + 1), dtype=np.int32)
        np.add.at(marks, (ri[ok], a0[ok]), 1)
        np.add.at(marks, (ri[ok], a1[ok]), -1)
        out[start : start + r] = inside | (np.cumsum(marks, axis=1)[:, :cols] > 0)
    return out


def mask(shape: Shape, cut: Cutout) -> npt.NDArray[np.bool_]:
    """The pixels of a cut-out whose centres the shape holds (boundary included).

    Returns
    -------
    numpy.ndarray
        bool, the shape of ``cut.data``; a point holds the one pixel it lies in.

    Raises
    ------
    ToyzError
        ``bad_params`` for a line (it has no area: use the line profile).
    """
    rows, cols = cut.data.shape
    x = cut.x0 + 0.5 + np.arange(cols, dtype=np.float64)[None, :]
    y = cut.y0 + 0.5 + np.arange(rows, dtype=np.float64)[:, None]
    x, y = np.broadcast_to(x, (rows, cols)), np.broadcast_to(y, (rows, cols))
    cx, cy = shape.centre
    if shape.kind == "point":
        holds: npt.NDArray[np.bool_] = (np.floor(x) == math.floor(cx)) & (np.floor(y) == math.floor(cy))
        return holds
    if shape.kind == "polygon":
        return _inside_polygon(x[0], y[:, 0], shape.points)
    if shape.kind not in ("circle", "ellipse", "box") or shape.size is None:
        raise ToyzError("bad_params", f"A {shape.kind} region has no area to measure; use the line profile.")
    t = math.radians(shape.angle)
    dx, dy = x - cx, y - cy
    u, v = dx * math.cos(t) + dy * math.sin(t), -dx * math.sin(t) + dy * math.cos(t)
    a, b = shape.size
    if shape.kind == "box":
        eps = 1e-9  # a centre on an edge is inside, despite rounding in the rotation
        return (np.abs(u) <= a / 2 + eps) & (np.abs(v) <= b / 2 + eps)
    inside: npt.NDArray[np.bool_] = (u / a) ** 2 + (v / b) ** 2 <= 1.0 + 1e-12
    return inside
