"""The image's WCS for the browser: ICRS positions sampled on a grid of viewer coordinates.

The viewer converts between its coordinates and the sky without asking the server at every
pointer move (frame locking, blinking, regions in sky coordinates): it interpolates a grid of
sky positions sampled here. The client interpolates the *unit vectors* of the samples
bilinearly and normalises the result, which has no trouble at RA 0/360 or at a pole; the grid
is refined here until that interpolant is within :data:`MAX_ERROR_PX` of the real WCS
(SIP, TPV and ZPN distortions included) at the worst points (the cells' centres and edge
midpoints), measured in pixels of the local scale.

Viewer coordinates are those of ``docs/architecture.md`` ("Images and tiles"): level-0 pixels,
pixel ``(i, j)`` covering ``[i, i+1) × [j, j+1)``, so astropy's 0-based pixel ``p`` is the
viewer point ``p + 0.5``. On the focal-plane mosaic (``hdu`` -1) each CCD has its own grid over
its placed region, the way :func:`workers.imaging.mosaic.locate` places it (flips included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from astropy.coordinates import ICRS, SkyCoord
from astropy.wcs.utils import wcs_to_celestial_frame

from .project import Section, view_sections
from .reading import opened

Float64Array = npt.NDArray[np.float64]

#: The interpolation error the grid is refined to, viewer pixels (the contract's bound is 0.05 px).
MAX_ERROR_PX: Final = 0.02
#: The first grid's spacing, viewer pixels; halved until the error is below MAX_ERROR_PX.
START_SPACING: Final = 512.0
#: The most samples along one side of one grid (a ZPN image of 16k pixels still gets 64-px cells).
MAX_SIDE: Final = 257


@dataclass(frozen=True)
class SkyGrid:
    """ICRS positions of an nx × ny grid of viewer points over ``[x0, x1] × [y0, y1]``.

    Sample ``(i, j)`` (``i`` along x) is the viewer point ``(x0 + i (x1 - x0) / (nx - 1),
    y0 + j (y1 - y0) / (ny - 1))``; its RA and Dec (degrees, ICRS; NaN where the WCS gives no
    position) are ``ra[j * nx + i]``, ``dec[j * nx + i]``. ``ccd`` is the CCD's HDU index on a
    mosaic, else None. ``error_px`` is the interpolation error measured (pixels).
    """

    ccd: int | None
    x0: float
    y0: float
    x1: float
    y1: float
    nx: int
    ny: int
    ra: Float64Array
    dec: Float64Array
    error_px: float

    def as_json(self) -> dict[str, Any]:
        """The grid as the sky-transform endpoint sends it (NaN as null)."""
        out: dict[str, Any] = {"x0": self.x0, "y0": self.y0, "x1": self.x1, "y1": self.y1, "nx": self.nx, "ny": self.ny}
        if self.ccd is not None:
            out["ccd"] = self.ccd
        out["ra"] = [None if not math.isfinite(v) else float(v) for v in self.ra]
        out["dec"] = [None if not math.isfinite(v) else float(v) for v in self.dec]
        return out


def _to_icrs(wcs: Any) -> Any:
    """A function (lon, lat) → (ra, dec) ICRS degrees for the WCS's celestial frame."""
    try:
        frame = wcs_to_celestial_frame(wcs)
    except ValueError:  # a local sky system astropy does not know: take its numbers as they are
        frame = None
    if frame is None or isinstance(frame, ICRS):
        return lambda lon, lat: (lon, lat)

    def convert(lon: Float64Array, lat: Float64Array) -> tuple[Float64Array, Float64Array]:
        sph = SkyCoord(lon, lat, unit="deg", frame=frame).icrs.represent_as("unitspherical")
        return np.asarray(sph.lon.deg), np.asarray(sph.lat.deg)

    return convert


def _sky(wcs: Any, section: Section, vx: Float64Array, vy: Float64Array) -> tuple[Float64Array, Float64Array]:
    """ICRS degrees of viewer points (NaN where the WCS has no position)."""
    px, py = section.to_astropy(vx, vy)
    try:
        with np.errstate(all="ignore"):
            world = wcs.all_pix2world(px, py, 0)
    except Exception:  # a projection that fails here (e.g. beyond ZPN's valid zone) has no position there
        return np.full(vx.shape, np.nan), np.full(vx.shape, np.nan)
    lon, lat = np.asarray(world[wcs.wcs.lng], dtype=np.float64), np.asarray(world[wcs.wcs.lat], dtype=np.float64)
    ra, dec = _to_icrs(wcs)(lon, lat)
    return np.asarray(ra, dtype=np.float64), np.asarray(dec, dtype=np.float64)


def unit_vectors(ra: Float64Array, dec: Float64Array) -> Float64Array:
    """Unit vectors (..., 3) of ICRS positions in degrees."""
    a, d = np.radians(ra), np.radians(dec)
    return np.stack([np.cos(d) * np.cos(a), np.cos(d) * np.sin(a), np.sin(d)], axis=-1)


def interpolate(grid: SkyGrid, x: Float64Array, y: Float64Array) -> Float64Array:
    """The client's interpolant: bilinear unit vectors (normalised) at viewer points, shape (n, 3).

    Mirrors ``frontend/src/viewer/wcs.ts``; points outside the grid extrapolate from the edge cell.
    """
    vec = unit_vectors(grid.ra, grid.dec).reshape(grid.ny, grid.nx, 3)
    fx = (x - grid.x0) / (grid.x1 - grid.x0) * (grid.nx - 1)
    fy = (y - grid.y0) / (grid.y1 - grid.y0) * (grid.ny - 1)
    i = np.clip(np.floor(fx).astype(np.int64), 0, grid.nx - 2)
    j = np.clip(np.floor(fy).astype(np.int64), 0, grid.ny - 2)
    tx, ty = (fx - i)[:, None], (fy - j)[:, None]
    out = (
        vec[j, i] * (1 - tx) * (1 - ty)
        + vec[j, i + 1] * tx * (1 - ty)
        + vec[j + 1, i] * (1 - tx) * ty
        + vec[j + 1, i + 1] * tx * ty
    )
    result: Float64Array = out / np.linalg.norm(out, axis=1, keepdims=True)
    return result


def _sample(wcs: Any, section: Section, nx: int, ny: int) -> SkyGrid:
    """The grid of nx × ny samples over the section's placed region, with its error measured."""
    w, h = section.data[1] - section.data[0], section.data[3] - section.data[2]
    x0, y0, x1, y1 = float(section.x0), float(section.y0), float(section.x0 + w), float(section.y0 + h)
    gx, gy = np.meshgrid(np.linspace(x0, x1, nx), np.linspace(y0, y1, ny))
    ra, dec = _sky(wcs, section, gx.ravel(), gy.ravel())
    grid = SkyGrid(section.ccd, x0, y0, x1, y1, nx, ny, ra, dec, 0.0)
    return SkyGrid(**{**grid.__dict__, "error_px": _error_px(wcs, section, grid)})


def _error_px(wcs: Any, section: Section, grid: SkyGrid) -> float:
    """The interpolant's worst error at the cells' centres and edge midpoints, pixels of the local scale."""
    sx, sy = (grid.x1 - grid.x0) / (grid.nx - 1), (grid.y1 - grid.y0) / (grid.ny - 1)
    cx = grid.x0 + sx * np.arange(grid.nx - 1) + sx / 2
    cy = grid.y0 + sy * np.arange(grid.ny - 1) + sy / 2
    ex = grid.x0 + sx * np.arange(grid.nx)
    ey = grid.y0 + sy * np.arange(grid.ny)
    points = [np.meshgrid(cx, cy), np.meshgrid(cx, ey), np.meshgrid(ex, cy)]
    px = np.concatenate([p[0].ravel() for p in points])
    py = np.concatenate([p[1].ravel() for p in points])
    ra, dec = _sky(wcs, section, px, py)
    truth = unit_vectors(ra, dec)
    approx = interpolate(grid, px, py)
    with np.errstate(invalid="ignore"):
        angle = 2 * np.arcsin(np.clip(np.linalg.norm(truth - approx, axis=1) / 2, 0, 1))  # radians
    # The local scale: the angle between neighbouring samples over their distance in pixels.
    vec = unit_vectors(grid.ra, grid.dec).reshape(grid.ny, grid.nx, 3)
    step = np.linalg.norm(vec[:, 1:] - vec[:, :-1], axis=2) / sx
    finite_step = step[np.isfinite(step)]
    if finite_step.size == 0 or not np.any(np.isfinite(angle)):
        return math.inf if np.any(np.isfinite(grid.ra)) else 0.0
    scale = float(np.median(finite_step))  # radians per pixel
    return float(np.nanmax(angle)) / scale if scale > 0 else math.inf


def _grid_for(wcs: Any, section: Section, max_error_px: float) -> SkyGrid:
    """The coarsest grid (halving the spacing from START_SPACING) within ``max_error_px``."""
    w, h = section.data[1] - section.data[0], section.data[3] - section.data[2]
    spacing = START_SPACING
    while True:
        nx = min(MAX_SIDE, max(2, math.ceil(w / spacing) + 1))
        ny = min(MAX_SIDE, max(2, math.ceil(h / spacing) + 1))
        grid = _sample(wcs, section, nx, ny)
        full = (nx == MAX_SIDE or nx > w) and (ny == MAX_SIDE or ny > h)
        if grid.error_px <= max_error_px or full or spacing < 1:
            return grid
        spacing /= 2


def sky_grids(path: Path, *, hdu: int, plane: int, max_error_px: float = MAX_ERROR_PX) -> list[SkyGrid]:
    """Sample an image's WCS on grids of viewer points, for the client's interpolation.

    Parameters
    ----------
    path : Path
        The image file (resolved and checked by the caller).
    hdu, plane : int
        The image shown; ``hdu`` -1 is the focal-plane mosaic (one grid per CCD with a WCS).
    max_error_px : float
        The largest interpolation error allowed (pixels), reached unless the grid hits
        :data:`MAX_SIDE` samples a side.

    Returns
    -------
    list of SkyGrid
        Grids over each placed region's edges (viewer coordinates ``[x0, x0 + width]``), RA/Dec
        in ICRS degrees; empty when the image has no celestial WCS.

    Raises
    ------
    ToyzError
        ``bad_hdu``, ``bad_plane``, ``not_found``, ``unreadable`` as for any image.
    """
    with opened(path) as f:
        sections = view_sections(f, hdu, plane)
        # astropy's WCS objects are not thread-safe: copy each under the file's lock, sample without it.
        with f.lock:
            wcss = [f.celestial_wcs(s.hdu) for s in sections]
            wcss = [None if w is None else w.deepcopy() for w in wcss]
    return [_grid_for(w, s, max_error_px) for s, w in zip(sections, wcss, strict=True) if w is not None]
