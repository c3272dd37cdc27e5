"""The coordinate grid: lines of constant longitude and latitude over an image, in viewer coordinates.

How a line is found, so that it holds on rotated, mirrored and distorted (SIP, TPV, ZPN) WCSs, across
RA 0/360 and around a pole:

1. The view box (clipped to the image, or to each CCD's placed data on a focal-plane mosaic, each CCD
   with its own WCS) is sampled on a regular grid of viewer points, converted to the grid's system
   (ICRS or galactic) with ``all_pix2world``.
2. A parallel (latitude φ) is the contour ``lat = φ`` of that map; a meridian (longitude λ) is the
   contour ``sin(lon - λ) = 0`` where ``cos(lon - λ) > 0``: a field with no jump at 0/360 and only
   one zero crossing per meridian, even around a pole (where longitude takes every value).
3. Every vertex of those coarse contours is then put exactly on its line: its world position gets the
   line's own coordinate (the other kept) and goes back through ``all_world2pix``. A vertex that does
   not come back near where it was (a projection that cannot invert there) cuts the line.

Lines end where the sampled area ends: at the box, at the image's edge, at a CCD's edge (so a line
on a mosaic is several pieces, one set per CCD, and the gaps stay empty). One line has one label,
placed at the end of a piece that meets the box's edge (parallels on the left or right, meridians
at the bottom or top, when they reach one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import contourpy
import numpy as np
import numpy.typing as npt
from astropy.coordinates import Galactic, SkyCoord
from astropy.wcs.utils import wcs_to_celestial_frame

# typing_extensions: pydantic reads these TypedDicts as response schemas only in that form on Python 3.11.
from typing_extensions import TypedDict

from workers.errors import ToyzError
from workers.imaging.project import Section, view_sections
from workers.imaging.reading import opened

Float64Array = npt.NDArray[np.float64]
GridSystem = Literal["icrs", "galactic"]
GridFormat = Literal["sexagesimal", "degrees"]

#: Sample points along the longer side of each sampled box (the shorter side in proportion).
SAMPLES: Final = 64
#: About how many lines of each coordinate a view shows (the step is the next "nice" one above span / this).
TARGET_LINES: Final = 5
#: Vertices farther than this many sample cells from their coarse place after refinement cut the line.
MAX_SHIFT_CELLS: Final = 2.0

_ARCSEC: Final = 1.0 / 3600.0
#: Nice steps, degrees: declination and galactic coordinates in sexagesimal (arcseconds to degrees).
_DMS_STEPS: Final = tuple(
    [s * _ARCSEC for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800)]
    + [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 45.0, 90.0]
)
#: Nice steps, degrees: right ascension in sexagesimal (seconds of time to hours; 1 s = 15″).
_HMS_STEPS: Final = tuple(
    s * 15.0 * _ARCSEC
    for s in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1200,
              1800, 3600, 7200, 10800, 14400, 21600)
)  # fmt: skip
#: Nice steps, degrees, in decimal degrees.
_DEG_STEPS: Final = tuple([m * 10.0**k for k in range(-6, 1) for m in (1, 2, 5)] + [10.0, 20.0, 30.0, 45.0, 90.0])


class GridLabel(TypedDict):
    """Where a line's label goes: a viewer point at the end of one of its pieces, which edge of the
    box it meets (``left``, ``right``, ``bottom``, ``top``, or ``inside`` when it ends within the box),
    and the line's direction there (degrees counter-clockwise from +x, pointing into the box)."""

    x: float
    y: float
    edge: str
    angle: float


class GridLine(TypedDict):
    """One line of the grid: a meridian (``lon``) or a parallel (``lat``) at ``value`` degrees.

    ``paths`` are its pieces as flat viewer coordinates ``[x0, y0, x1, y1, ...]``.
    """

    axis: Literal["lon", "lat"]
    value: float
    label: str
    paths: list[list[float]]
    label_at: GridLabel | None


class Grid(TypedDict):
    """The grid over one view box: its system, label format, steps (degrees) and lines."""

    identity: str
    system: GridSystem
    format: GridFormat
    lon_step: float
    lat_step: float
    lines: list[GridLine]


@dataclass(frozen=True)
class WcsSection:
    """One WCS's part of the view: where its HDU is placed in the viewer (`workers.imaging.project.Section`,
    the one placement the overlays and the client's sky grid use too) and its celestial WCS."""

    wcs: Any
    placed: Section

    @property
    def rect(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) viewer coordinates of the placed data."""
        return self.placed.rect

    @property
    def data(self) -> tuple[int, int, int, int]:
        """(x0, x1, y0, y1) 0-based HDU pixels, end exclusive."""
        return self.placed.data

    def to_pixel(self, vx: Float64Array, vy: Float64Array) -> tuple[Float64Array, Float64Array]:
        """astropy 0-based pixel positions of viewer points (the centre of pixel 0 is viewer 0.5)."""
        return self.placed.to_astropy(vx, vy)

    def to_viewer(self, px: Float64Array, py: Float64Array) -> tuple[Float64Array, Float64Array]:
        """Viewer points of astropy 0-based pixel positions (the inverse of :meth:`to_pixel`)."""
        return self.placed.from_astropy(px, py)


class SkyFrame:
    """Conversions between a WCS's own celestial frame and the grid's system, in degrees."""

    def __init__(self, wcs: Any, system: GridSystem) -> None:
        self.wcs = wcs
        try:
            self.native: Any = wcs_to_celestial_frame(wcs)
        except ValueError:  # a local sky system astropy does not know: take its numbers as they are
            self.native = None
        self.target: Any = Galactic() if system == "galactic" else "icrs"

    def _same(self) -> bool:
        if self.native is None:
            return True
        name = getattr(self.native, "name", "")
        return bool(name == (self.target if isinstance(self.target, str) else self.target.name))

    def to_system(self, lon: Float64Array, lat: Float64Array) -> tuple[Float64Array, Float64Array]:
        if self._same():
            return lon % 360.0, lat
        coord = SkyCoord(lon, lat, unit="deg", frame=self.native).transform_to(self.target)
        sph = coord.represent_as("unitspherical")
        return np.asarray(sph.lon.deg) % 360.0, np.asarray(sph.lat.deg)

    def from_system(self, lon: Float64Array, lat: Float64Array) -> tuple[Float64Array, Float64Array]:
        if self._same():
            return lon, lat
        coord = SkyCoord(lon, lat, unit="deg", frame=self.target).transform_to(self.native)
        sph = coord.represent_as("unitspherical")
        return np.asarray(sph.lon.deg), np.asarray(sph.lat.deg)

    def pix2sky(self, px: Float64Array, py: Float64Array) -> tuple[Float64Array, Float64Array]:
        """Grid-system (lon, lat) of 0-based pixels; NaN where the WCS cannot place them."""
        nan = np.full(px.shape, np.nan)
        if px.size == 0:
            return nan, nan
        try:
            with np.errstate(all="ignore"):
                world = self.wcs.all_pix2world(px.ravel(), py.ravel(), 0)
        except Exception:  # a WCS that cannot convert here: no grid here
            return nan, nan
        lon = np.asarray(world[self.wcs.wcs.lng], dtype=np.float64).reshape(px.shape)
        lat = np.asarray(world[self.wcs.wcs.lat], dtype=np.float64).reshape(px.shape)
        good = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0)
        lon, lat = np.where(good, lon, 0.0), np.where(good, lat, 0.0)
        slon, slat = self.to_system(lon, lat)
        return np.where(good, slon, np.nan), np.where(good, slat, np.nan)

    def sky2pix(self, lon: Float64Array, lat: Float64Array) -> tuple[Float64Array, Float64Array]:
        """0-based pixels of grid-system (lon, lat); NaN where the projection fails."""
        nan = np.full(lon.shape, np.nan)
        if lon.size == 0:
            return nan, nan
        nlon, nlat = self.from_system(lon, lat)
        world = [nlon, nlat] if self.wcs.wcs.lng == 0 else [nlat, nlon]
        try:
            with np.errstate(all="ignore"):
                px, py = self.wcs.all_world2pix(*world, 0, quiet=True)
        except Exception:  # e.g. points on the far side of a zenithal projection
            return nan, nan
        return np.asarray(px, dtype=np.float64), np.asarray(py, dtype=np.float64)


@dataclass
class _Sampled:
    section: WcsSection
    frame: SkyFrame
    box: tuple[float, float, float, float]
    vx: Float64Array  # (nx,) viewer x of the sample columns
    vy: Float64Array  # (ny,) viewer y of the sample rows
    lon: Float64Array  # (ny, nx) grid-system longitude, degrees, NaN off the sky
    lat: Float64Array
    cell: float  # sample spacing, viewer pixels


def wcs_sections(path: Path, hdu: int, plane: int) -> tuple[str, str, list[WcsSection]]:
    """(identity, name, the parts of the image with a celestial WCS: the HDU, or each CCD of a mosaic).

    Raises ToyzError ``unsupported`` when no part has one.
    """
    with opened(path) as f:
        placed = view_sections(f, hdu, plane)
        # astropy's WCS objects are not thread-safe: copy each under the file's lock, use the copies.
        with f.lock:
            wcss = [f.celestial_wcs(p.hdu) for p in placed]
            wcss = [None if w is None else w.deepcopy() for w in wcss]
        identity, name = f.identity, f.name
    sections = [WcsSection(w, p) for w, p in zip(wcss, placed, strict=True) if w is not None]
    if not sections:
        raise ToyzError("unsupported", f"{name} has no celestial WCS here, so it has no coordinate grid.")
    return identity, name, sections


def _sample(section: WcsSection, box: tuple[float, float, float, float], system: GridSystem) -> _Sampled | None:
    rx0, ry0, rx1, ry1 = section.rect
    bx0, by0, bx1, by1 = max(box[0], rx0), max(box[1], ry0), min(box[2], rx1), min(box[3], ry1)
    if bx1 <= bx0 or by1 <= by0:
        return None
    longer = max(bx1 - bx0, by1 - by0)
    nx = max(8, round(SAMPLES * (bx1 - bx0) / longer))
    ny = max(8, round(SAMPLES * (by1 - by0) / longer))
    vx, vy = np.linspace(bx0, bx1, nx), np.linspace(by0, by1, ny)
    gx, gy = np.meshgrid(vx, vy)
    frame = SkyFrame(section.wcs, system)
    lon, lat = frame.pix2sky(*section.to_pixel(gx, gy))
    if not np.any(np.isfinite(lat)):
        return None
    cell = max((bx1 - bx0) / (nx - 1), (by1 - by0) / (ny - 1))
    return _Sampled(section, frame, (bx0, by0, bx1, by1), vx, vy, lon, lat, cell)


def _nice(raw: float, steps: tuple[float, ...]) -> float:
    """The smallest step of ``steps`` at least ``raw`` (the largest when none is)."""
    for step in steps:
        if step >= raw * (1.0 - 1e-9):
            return step
    return steps[-1]


def _lon_range(samples: list[_Sampled]) -> tuple[float, float]:
    """(start, span) of the longitudes seen, degrees, across 0/360: the circle less its largest empty arc;
    the whole circle (0, 360) when a pole is in view."""
    lon = np.concatenate([s.lon[np.isfinite(s.lon)] for s in samples])
    for s in samples:
        for pole in (90.0, -90.0):
            px, py = s.frame.sky2pix(np.array([0.0]), np.array([pole]))
            vx, vy = s.section.to_viewer(px, py)
            x, y = float(vx[0]), float(vy[0])
            if math.isfinite(x) and s.box[0] <= x <= s.box[2] and s.box[1] <= y <= s.box[3]:
                return 0.0, 360.0
    ordered = np.sort(lon % 360.0)
    gaps = np.diff(np.concatenate([ordered, [ordered[0] + 360.0]]))
    widest = int(np.argmax(gaps))
    span = 360.0 - float(gaps[widest])
    if span > 270.0:
        return 0.0, 360.0
    return float(ordered[(widest + 1) % ordered.size]), span


def _multiples(lo: float, hi: float, step: float) -> list[float]:
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)]


def _decimals(step_units: float) -> int:
    """Decimals needed to tell apart multiples of a step (in the label's smallest unit)."""
    if step_units >= 1.0 - 1e-9:
        return 0
    return max(0, min(6, math.ceil(-math.log10(step_units) - 1e-9)))


def _sexagesimal(total: float, step: float, units: tuple[str, str, str], signed: bool) -> str:
    """``total`` and ``step`` in the largest unit (hours or degrees) as ``12h05m30s`` or ``+12°05′30″``."""
    negative = total < 0
    total = abs(total)
    if step >= 1.0 - 1e-9:
        fields, scale = 1, 1.0
    elif step * 60.0 >= 1.0 - 1e-9:
        fields, scale = 2, 60.0
    else:
        fields, scale = 3, 3600.0
    decimals = _decimals(step * scale) if fields == 3 else 0
    count = round(total * scale * 10**decimals)  # the whole value in the smallest unit shown, rounded once
    smallest = count / 10**decimals
    parts: list[str] = []
    whole = int(smallest // (scale if fields > 1 else 1))
    parts.append(f"{whole}{units[0]}")
    if fields >= 2:
        minutes = int((smallest - whole * scale) // (scale / 60.0))
        parts.append(f"{minutes:02d}{units[1]}")
        if fields == 3:
            seconds = smallest - whole * 3600.0 - minutes * 60.0
            width = 2 + (decimals + 1 if decimals else 0)
            parts.append(f"{seconds:0{width}.{decimals}f}{units[2]}")
    text = "".join(parts)
    if signed:
        sign = "-" if negative and count else ("+" if count else "")
        return sign + text
    return text


def label_text(axis: Literal["lon", "lat"], value: float, step: float, system: GridSystem, fmt: GridFormat) -> str:
    """The label of the line at ``value`` degrees for lines ``step`` degrees apart.

    Right ascension in hours (``13h``, ``13h05m``, ``13h05m20s``, ``13h05m20.5s``), declination and
    galactic coordinates in degrees, arcminutes and arcseconds (``+12°``, ``+12°30′``...), with only
    the fields the step needs; ``degrees``: decimal degrees with the decimals the step needs.
    """
    if fmt == "degrees":
        shown = value % 360.0 if axis == "lon" else value
        return f"{shown:.{_decimals(step)}f}°"
    if axis == "lon" and system == "icrs":
        return _sexagesimal((value % 360.0) / 15.0, step / 15.0, ("h", "m", "s"), signed=False)
    shown = value % 360.0 if axis == "lon" else value
    return _sexagesimal(shown, step, ("°", "′", "″"), signed=axis == "lat")


def _trace(s: _Sampled, axis: Literal["lon", "lat"], value: float) -> list[Float64Array]:
    """The coarse pieces of one line on one sampled box: (n, 2) viewer points each."""
    if axis == "lat":
        field = np.ma.masked_invalid(s.lat)
        level = value
    else:
        delta = np.radians(s.lon - value)
        with np.errstate(invalid="ignore"):
            field = np.ma.masked_where(~(np.cos(delta) > 0.0), np.sin(delta))
        field = np.ma.masked_invalid(field)
        level = 0.0
    if field.count() == 0:
        return []
    generator = contourpy.contour_generator(
        x=s.vx, y=s.vy, z=field, line_type=contourpy.LineType.Separate, corner_mask=True
    )
    return [np.asarray(piece, dtype=np.float64) for piece in generator.lines(level) if len(piece) >= 2]


def _refine(s: _Sampled, axis: Literal["lon", "lat"], value: float, piece: Float64Array) -> list[Float64Array]:
    """Put each vertex of a coarse piece exactly on its line; cut where the WCS cannot follow."""
    frame, section = s.frame, s.section
    lon, lat = frame.pix2sky(*section.to_pixel(piece[:, 0], piece[:, 1]))
    if axis == "lat":
        lat = np.full_like(lat, value)
    else:
        lon = np.full_like(lon, value)
    vx, vy = section.to_viewer(*frame.sky2pix(lon, lat))
    bx0, by0, bx1, by1 = s.box
    with np.errstate(invalid="ignore"):
        shift = np.hypot(vx - piece[:, 0], vy - piece[:, 1])
        good = np.isfinite(shift) & (shift <= MAX_SHIFT_CELLS * s.cell)
        vx, vy = np.clip(vx, bx0, bx1), np.clip(vy, by0, by1)  # a vertex on the edge may land just outside
    pieces: list[Float64Array] = []
    start = None
    for i, ok in enumerate([*good.tolist(), False]):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            if i - start >= 2:
                pieces.append(np.column_stack([vx[start:i], vy[start:i]]))
            start = None
    return pieces


def _label_at(
    axis: Literal["lon", "lat"], pieces: list[Float64Array], box: tuple[float, float, float, float]
) -> GridLabel | None:
    """The end of a piece nearest the box's edge, parallels preferring the left/right, meridians bottom/top."""
    bx0, by0, bx1, by1 = box
    tolerance = 0.01 * max(bx1 - bx0, by1 - by0)
    preferred = ("left", "right") if axis == "lat" else ("bottom", "top")
    best: tuple[float, GridLabel] | None = None
    for piece in pieces:
        for end, inner in ((piece[0], piece[1]), (piece[-1], piece[-2])):
            x, y = float(end[0]), float(end[1])
            distances = {"left": x - bx0, "right": bx1 - x, "bottom": y - by0, "top": by1 - y}
            edge = min(distances, key=lambda e: (distances[e] > tolerance, e not in preferred, distances[e]))
            score = (
                (distances[edge] > tolerance) * 2 + (edge not in preferred) + distances[edge] / (bx1 - bx0 + by1 - by0)
            )
            angle = math.degrees(math.atan2(float(inner[1]) - y, float(inner[0]) - x))
            label = GridLabel(
                x=round(x, 2),
                y=round(y, 2),
                edge=edge if distances[edge] <= tolerance else "inside",
                angle=round(angle, 2),
            )
            if best is None or score < best[0]:
                best = (score, label)
    return None if best is None else best[1]


def coordinate_grid(
    path: Path,
    *,
    hdu: int,
    plane: int,
    box: tuple[float, float, float, float],
    system: GridSystem = "icrs",
    fmt: GridFormat = "sexagesimal",
) -> Grid:
    """The coordinate grid of an image over a view box.

    Parameters
    ----------
    path : Path
        The image file (resolved and checked by the caller).
    hdu, plane : int
        The image shown; ``hdu`` -1 is the focal-plane mosaic (each CCD's own WCS draws its part).
    box : tuple of float
        ``(xmin, ymin, xmax, ymax)`` in viewer coordinates (level-0 pixels, pixel ``(i, j)`` covering
        ``[i, i+1) × [j, j+1)``, y up); what is outside the image is ignored.
    system : {"icrs", "galactic"}
        The grid's coordinates: RA/Dec (ICRS) or galactic l/b, whatever the WCS's own frame.
    fmt : {"sexagesimal", "degrees"}
        Labels and steps: RA in hours, minutes, seconds and the rest in degrees, arcminutes,
        arcseconds; or decimal degrees.

    Returns
    -------
    Grid
        The steps (degrees) and lines. Each line's ``paths`` are flat viewer coordinates to 0.01 px,
        each vertex exactly on its line (to ``all_world2pix``'s precision); no lines when the box
        misses the image.

    Raises
    ------
    ToyzError
        ``bad_params`` for an empty or non-finite box; ``unsupported`` when the image has no
        celestial WCS; ``bad_hdu``, ``bad_plane``, ``not_found``, ``unreadable`` as for any image.
    """
    if not all(math.isfinite(v) for v in box) or box[2] <= box[0] or box[3] <= box[1]:
        raise ToyzError("bad_params", "The box must be finite, with x1 > x0 and y1 > y0 (viewer coordinates).")
    identity, _, sections = wcs_sections(path, hdu, plane)
    samples = [s for s in (_sample(section, box, system) for section in sections) if s is not None]
    grid = Grid(identity=identity, system=system, format=fmt, lon_step=0.0, lat_step=0.0, lines=[])
    if not samples:
        return grid
    lat_all = np.concatenate([s.lat[np.isfinite(s.lat)] for s in samples])
    lat_lo, lat_hi = float(lat_all.min()), float(lat_all.max())
    lon_start, lon_span = _lon_range(samples)
    sexagesimal = fmt == "sexagesimal"
    lat_steps = _DMS_STEPS if sexagesimal else _DEG_STEPS
    lon_steps = (_HMS_STEPS if system == "icrs" else _DMS_STEPS) if sexagesimal else _DEG_STEPS
    lat_step = _nice(max(lat_hi - lat_lo, 1e-9) / TARGET_LINES, lat_steps)
    # Around a pole meridians fan out: more of them (3 h, 45°) than across a field.
    lon_step = _nice(max(lon_span, 1e-9) / (8 if lon_span >= 360.0 else TARGET_LINES), lon_steps)
    grid["lat_step"], grid["lon_step"] = lat_step, lon_step
    wanted: list[tuple[Literal["lon", "lat"], float]] = [
        ("lat", v) for v in _multiples(lat_lo, lat_hi, lat_step) if abs(v) < 90.0
    ]
    lons = _multiples(lon_start, lon_start + lon_span, lon_step)
    seen: set[float] = set()
    for v in lons:
        key = round(v % 360.0, 9)
        if key not in seen and not (lon_span >= 360.0 and math.isclose(v, 360.0)):
            seen.add(key)
            wanted.append(("lon", v % 360.0))
    for axis, value in wanted:
        pieces = [
            refined for s in samples for coarse in _trace(s, axis, value) for refined in _refine(s, axis, value, coarse)
        ]
        if not pieces:
            continue
        grid["lines"].append(
            GridLine(
                axis=axis,
                value=value,
                label=label_text(axis, value, lat_step if axis == "lat" else lon_step, system, fmt),
                paths=[np.round(p, 2).ravel().tolist() for p in pieces],
                label_at=_label_at(axis, pieces, box),
            )
        )
    return grid
