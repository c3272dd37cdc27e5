"""The pixel under the cursor: its exact value and its sky position."""

from __future__ import annotations

import math
from pathlib import Path
from typing import NotRequired

import astropy.units as u
import numpy as np
from astropy.coordinates import Angle, SkyCoord
from astropy.wcs.utils import wcs_to_celestial_frame

# typing_extensions: pydantic reads these TypedDicts as response schemas only in that form on Python 3.11.
from typing_extensions import TypedDict

from workers.errors import ToyzError

from .cache import touch_used
from .describe import select_view
from .mosaic import MOSAIC_HDU, CcdRef, Mosaic, locate
from .reading import OpenedFile, opened, read_pixel


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


def sexagesimal(ra: float, dec: float) -> str:
    """Format a sky position as ``hh:mm:ss.s ±dd:mm:ss``.

    Parameters
    ----------
    ra, dec : float
        Right ascension and declination in degrees.

    Returns
    -------
    str
        Rounded to 0.1 s of time and 1 arcsecond first, so the text never reads ``24:00:00.0``
        nor ``-00:00:00``.
    """
    tenths = round((ra % 360.0) / 15.0 * 36000.0) % (24 * 36000)
    seconds = round(abs(dec) * 3600.0)
    hours = Angle(tenths / 36000.0, u.hourangle).to_string(unit=u.hourangle, sep=":", precision=1, pad=True)
    signed = -seconds if dec < 0 and seconds else seconds
    degrees = Angle(signed / 3600.0, u.deg).to_string(unit=u.deg, sep=":", precision=0, pad=True, alwayssign=True)
    return f"{hours} {degrees}"


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


def pixel_at(path: Path, *, hdu: int, plane: int, x: float, y: float, cache_dir: Path | None = None) -> Pixel:
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
        world=sexagesimal(*sky) if sky else None,
    )
    if hdu == MOSAIC_HDU:
        pixel["ccd"] = ccd
    return pixel


class SkyPixel(TypedDict):
    """Where a sky position lies on an image (the inverse of ``Pixel``'s ``ra``/``dec``).

    ``x``/``y`` are viewer coordinates (level-0 pixels, ``y`` up), None when the image has no
    celestial WCS or the position has no pixel; ``inside`` whether that point is on the image
    (on the mosaic: on one of its CCDs, whose ``ccd`` is given).
    """

    x: float | None
    y: float | None
    inside: bool
    ccd: NotRequired[CcdRef | None]


def _pixel_of(f: OpenedFile, hdu: int, ra: float, dec: float) -> tuple[float, float] | None:
    """Return the astropy 0-based pixel of (ra, dec) (ICRS degrees) in HDU ``hdu``, or None."""
    wcs = f.celestial_wcs(hdu)
    if wcs is None:
        return None
    try:
        with f.lock, np.errstate(all="ignore"):  # astropy's WCS objects are not thread-safe
            lng, lat = ra, dec
            if not str(wcs.wcs.ctype[wcs.wcs.lng]).upper().startswith("RA"):
                # Galactic or ecliptic axes: the position in the image's own frame.
                coord = SkyCoord(ra, dec, unit="deg", frame="icrs").transform_to(wcs_to_celestial_frame(wcs))
                lng, lat = float(coord.spherical.lon.deg), float(coord.spherical.lat.deg)
            world = [0.0] * wcs.naxis
            world[wcs.wcs.lng], world[wcs.wcs.lat] = lng, lat
            px, py = (float(v) for v in wcs.all_world2pix([world], 0)[0][:2])
    except Exception:  # a WCS that fails here behaves as no WCS (or a position off its projection)
        return None
    if not (math.isfinite(px) and math.isfinite(py)):
        return None
    return px, py


def sky_to_pixel(path: Path, *, hdu: int, plane: int, ra: float, dec: float) -> SkyPixel:
    """Return where the sky position ``(ra, dec)`` lies on an image.

    Parameters
    ----------
    ra, dec : float
        ICRS right ascension and declination in degrees.

    Returns
    -------
    SkyPixel
        ``x``/``y`` in viewer coordinates: level-0 pixels, pixel ``(i, j)`` covering
        ``[i, i+1) × [j, j+1)`` with ``y = 0`` at the bottom, so astropy's 0-based pixel
        ``(px, py)`` is the point ``(px + 0.5, py + 0.5)``. For the mosaic (``hdu`` -1), the first
        CCD (last painted first, as the readout) whose data section holds the position, placed in
        the mosaic frame; ``x``/``y`` None when no CCD holds it.

    Raises
    ------
    ToyzError
        ``bad_params`` for non-finite or impossible coordinates; ``bad_hdu``, ``bad_plane``,
        ``not_found``.
    """
    if not (math.isfinite(ra) and math.isfinite(dec)) or abs(dec) > 90:
        raise ToyzError("bad_params", "ra and dec must be finite degrees, dec between -90 and 90.")
    with opened(path) as f:
        src = select_view(f, hdu, plane)
        if isinstance(src, Mosaic):
            for ccd in reversed(src.ccds):
                found = _pixel_of(f, ccd.hdu, ra, dec)
                if found is None:
                    continue
                hx, hy = found[0] + 0.5, found[1] + 0.5
                dx0, dx1, dy0, dy1 = ccd.data
                if not (dx0 <= hx < dx1 and dy0 <= hy < dy1):
                    continue
                # The inverse of mosaic.locate: the HDU point back into the mosaic frame.
                u = dx1 - hx if ccd.flip_x else hx - dx0
                v = dy1 - hy if ccd.flip_y else hy - dy0
                col = dx1 - 1 - math.floor(u) if ccd.flip_x else dx0 + math.floor(u)
                row = dy1 - 1 - math.floor(v) if ccd.flip_y else dy0 + math.floor(v)
                ref = CcdRef(hdu=ccd.hdu, name=ccd.name, col=col, row=row)
                return SkyPixel(x=ccd.x0 + u, y=ccd.y0 + v, inside=True, ccd=ref)
            return SkyPixel(x=None, y=None, inside=False, ccd=None)
        found = _pixel_of(f, hdu, ra, dec)
        if found is None:
            return SkyPixel(x=None, y=None, inside=False)
        x, y = found[0] + 0.5, found[1] + 0.5
        return SkyPixel(x=x, y=y, inside=0 <= x < src.width and 0 <= y < src.height)
