"""Region files (ds9 and CASA's CRTF) to and from the viewer's regions, with astropy's ``regions``.

A region here is a plain dict of the shape ``apps.analysis.schemas.Region`` validates: ``shape``,
``frame`` (``"image"`` or ``"sky"``), ``points``, ``size``, ``angle``, ``text``, ``color`` and ``id``.

Coordinates
-----------
- ``image``: viewer coordinates, level-0 pixels with pixel ``(i, j)`` covering ``[i, i+1) × [j, j+1)``.
  A ds9 file counts image pixels from 1 (the first pixel's centre is 1) and astropy's ``PixCoord`` from
  0, so ``viewer = ds9 - 0.5 = pixcoord + 0.5``. Sizes in pixels.
- ``sky``: ICRS right ascension and declination in degrees; regions in other frames (FK5, FK4,
  galactic, ecliptic) are converted, their angles turned by the frames' relative rotation at the
  region. Sizes in arcseconds.
- Angles are degrees counter-clockwise, as ``regions`` has them: from +x in ``image``; in ``sky`` from
  the longitude axis, so that ``pixel angle = sky angle - (angle of North from +x - 90°)`` on an image.

A file's lines that cannot be read (an unknown shape, a typo) are skipped with a note each; only a
text from which nothing at all could be read is refused.
"""

from __future__ import annotations

import math
import secrets
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import astropy.units as u
import numpy as np
from astropy.coordinates import SkyCoord

# astropy's regions ships no type information (no py.typed).
from regions import (
    CirclePixelRegion,
    CircleSkyRegion,
    EllipsePixelRegion,
    EllipseSkyRegion,
    LinePixelRegion,
    LineSkyRegion,
    PixCoord,
    PixelRegion,
    PointPixelRegion,
    PointSkyRegion,
    PolygonPixelRegion,
    PolygonSkyRegion,
    RectanglePixelRegion,
    RectangleSkyRegion,
    Region,
    RegionMeta,
    Regions,
    RegionVisual,
    SkyRegion,
    TextPixelRegion,
    TextSkyRegion,
)

from workers.errors import ToyzError
from workers.imaging.describe import select_view
from workers.imaging.project import world_to_viewer
from workers.imaging.reading import opened

from .grid import SkyFrame, WcsSection, wcs_sections

#: The longest region text read or written (characters).
MAX_TEXT_CHARS: Final = 1_000_000
#: The most regions kept from one file (the viewer's limit: apps.analysis.schemas.MAX_REGIONS).
MAX_REGIONS: Final = 500
#: The most vertices of one polygon (apps.analysis.schemas.MAX_REGION_POINTS).
MAX_POINTS: Final = 1000
#: Notes beyond this many are summed up in one.
MAX_NOTES: Final = 50
#: The step (arcseconds, pixels) of the finite differences that carry sizes and angles across frames.
_STEP_ARCSEC: Final = 1.0
_STEP_PX: Final = 1.0

RegionDict = dict[str, Any]
Format = Literal["ds9", "crtf"]


@dataclass
class Parsed:
    """What a region text held: the regions read (viewer/ICRS coordinates) and a sentence per line skipped."""

    regions: list[RegionDict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- the image a region file is read against or written for --------------------------------------------


class ImageFrame:
    """An image's pixel frame for regions: its size and the mapping between viewer and sky coordinates.

    Both ways work on every image with a celestial WCS, the focal-plane mosaic included: sky to viewer
    through :func:`workers.imaging.project.world_to_viewer`; viewer to sky on a mosaic through the WCS of
    the CCD whose placed data holds the point, or of the nearest CCD for a point in a gap or off the
    focal plane (as :mod:`workers.analysis.geometry` places a sky vertex in a gap), so a region drawn
    across a gap keeps one sky position per vertex.
    """

    def __init__(self, path: Path, *, hdu: int, plane: int) -> None:
        self.path, self.hdu, self.plane = path, hdu, plane
        with opened(path) as f:
            view = select_view(f, hdu, plane)
            self.width, self.height = int(view.width), int(view.height)
            self.name = f.name
            wcs = None if hdu < 0 else f.celestial_wcs(hdu)
            # astropy's WCS objects are not thread-safe: a copy of our own, made under the file's lock.
            with f.lock:
                self._wcs = None if wcs is None else wcs.deepcopy()
        self._has_sky: bool | None = None if hdu < 0 else self._wcs is not None
        self._sections: list[WcsSection] | None = None

    def _mosaic_sections(self) -> list[WcsSection]:
        """The mosaic's CCDs that have a celestial WCS (each with its placed rectangle), read once."""
        if self._sections is None:
            try:
                self._sections = wcs_sections(self.path, self.hdu, self.plane)[2]
            except ToyzError as exc:
                raise self._no_wcs() from exc
        return self._sections

    def _section_of(self, x: float, y: float) -> WcsSection:
        """The CCD whose placed data holds viewer (x, y) (the later one where two overlap, as the tiles
        paint them), else the one whose rectangle is nearest."""
        sections = self._mosaic_sections()

        def distance(s: WcsSection) -> float:
            x0, y0, x1, y1 = s.rect
            return math.hypot(max(x0 - x, 0.0, x - x1), max(y0 - y, 0.0, y - y1))

        inside = [s for s in sections if distance(s) == 0.0]
        return inside[-1] if inside else min(sections, key=distance)

    @property
    def has_sky(self) -> bool:
        """Whether the image has a celestial WCS."""
        if self._has_sky is None:
            try:
                world_to_viewer(self.path, hdu=self.hdu, plane=self.plane, ra=[0.0], dec=[0.0])
                self._has_sky = True
            except ToyzError:
                self._has_sky = False
        return self._has_sky

    def inside(self, x: float, y: float) -> bool:
        """Whether the viewer point ``(x, y)`` lies on the image's pixels."""
        return 0 <= x < self.width and 0 <= y < self.height

    def sky_to_viewer(self, ra: Sequence[float], dec: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """ICRS degrees → viewer coordinates (NaN where a position misses the image)."""
        if self._wcs is not None:
            sky = SkyCoord(np.asarray(ra, float) * u.deg, np.asarray(dec, float) * u.deg, frame="icrs")
            with np.errstate(invalid="ignore"):
                px, py = self._wcs.world_to_pixel(sky)
            return np.asarray(px, float) + 0.5, np.asarray(py, float) + 0.5
        if self.hdu >= 0:
            raise self._no_wcs()
        try:
            placed = world_to_viewer(self.path, hdu=self.hdu, plane=self.plane, ra=ra, dec=dec)
        except ToyzError as exc:
            raise self._no_wcs() from exc
        return placed.x, placed.y

    def viewer_to_sky(self, x: Sequence[float], y: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """Viewer coordinates → ICRS degrees (on a mosaic: each point through its CCD, or the nearest)."""
        if self._wcs is None:
            if self.hdu >= 0:
                raise self._no_wcs()
            xs, ys = np.asarray(x, float), np.asarray(y, float)
            ra, dec = np.full(len(xs), np.nan), np.full(len(xs), np.nan)
            for k, (vx, vy) in enumerate(zip(xs, ys, strict=True)):
                section = self._section_of(float(vx), float(vy))
                px, py = section.to_pixel(np.array([vx]), np.array([vy]))
                lon, lat = SkyFrame(section.wcs, "icrs").pix2sky(px, py)
                ra[k], dec[k] = float(lon[0]), float(lat[0])
            return ra, dec
        sky = self._wcs.pixel_to_world(np.asarray(x, float) - 0.5, np.asarray(y, float) - 0.5).icrs
        return np.asarray(sky.ra.deg, float), np.asarray(sky.dec.deg, float)

    def sky_to_viewer_near(self, ra: Sequence[float], dec: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`sky_to_viewer`, except that on a mosaic a position in a gap (NaN there) is placed through
        the WCS of the CCD nearest to the other positions' mean, unclipped: a region's vertex in a gap
        keeps its place, as :meth:`viewer_to_sky` gave it."""
        xs, ys = self.sky_to_viewer(ra, dec)
        missing = ~(np.isfinite(xs) & np.isfinite(ys))
        if self.hdu >= 0 or not missing.any():
            return xs, ys
        found = ~missing
        near = (float(xs[found].mean()), float(ys[found].mean())) if found.any() else (self.width / 2, self.height / 2)
        section = self._section_of(*near)
        px, py = SkyFrame(section.wcs, "icrs").sky2pix(np.asarray(ra, float)[missing], np.asarray(dec, float)[missing])
        vx, vy = section.to_viewer(px, py)
        xs, ys = xs.copy(), ys.copy()
        xs[missing], ys[missing] = vx, vy
        return xs, ys

    def _no_wcs(self) -> ToyzError:
        return ToyzError(
            "unsupported", f"{self.name} has no celestial WCS, so sky regions cannot be placed on it or written for it."
        )

    def sky_local(self, ra: float, dec: float) -> tuple[float, float, float, float] | None:
        """At a sky position: its viewer point, pixels per arcsecond and the angle of North from +x (deg).

        Finite differences of one arcsecond, so that a distorted or mosaic frame is followed; None off
        the image.
        """
        centre = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs")
        north = centre.directional_offset_by(0 * u.deg, _STEP_ARCSEC * u.arcsec)
        xs, ys = self.sky_to_viewer([ra, float(north.ra.deg)], [dec, float(north.dec.deg)])
        if not np.all(np.isfinite(xs)) or not np.all(np.isfinite(ys)):
            return None
        dx, dy = float(xs[1] - xs[0]), float(ys[1] - ys[0])
        scale = math.hypot(dx, dy) / _STEP_ARCSEC
        return float(xs[0]), float(ys[0]), scale, math.degrees(math.atan2(dy, dx))

    def pixel_local(self, x: float, y: float) -> tuple[float, float, float, float] | None:
        """At a viewer point: its sky position, arcseconds per pixel and the angle of North from +x (deg).

        The inverse of :meth:`sky_local` (the same finite differences), None where the WCS fails. On a
        mosaic the differences are taken through the CCD that places the point (a gap included).
        """
        ra, dec = self.viewer_to_sky([x], [y])
        if self._wcs is None and self.hdu < 0:
            section = self._section_of(x, y)
            north = SkyCoord(ra[0] * u.deg, dec[0] * u.deg, frame="icrs").directional_offset_by(
                0 * u.deg, _STEP_ARCSEC * u.arcsec
            )
            px, py = SkyFrame(section.wcs, "icrs").sky2pix(
                np.array([ra[0], north.ra.deg], float), np.array([dec[0], north.dec.deg], float)
            )
            vx, vy = section.to_viewer(px, py)
            dx, dy = float(vx[1] - vx[0]), float(vy[1] - vy[0])
            if not (math.isfinite(dx) and math.isfinite(dy)) or math.hypot(dx, dy) == 0:
                return None
            return float(ra[0]), float(dec[0]), _STEP_ARCSEC / math.hypot(dx, dy), math.degrees(math.atan2(dy, dx))
        local = self.sky_local(float(ra[0]), float(dec[0]))
        if local is None or not local[2] > 0:
            return None
        return float(ra[0]), float(dec[0]), 1.0 / local[2], local[3]


# --- reading ---------------------------------------------------------------------------------------------


def detect_format(text: str) -> Format:
    """CRTF when the text starts with its ``#CRTF`` header, else ds9."""
    return "crtf" if text.lstrip().upper().startswith("#CRTF") else "ds9"


def parse(text: str, fmt: Literal["ds9", "crtf", "auto"] = "auto") -> Parsed:
    """Read a ds9 or CRTF region text into region dicts (viewer coordinates for image, ICRS for sky).

    Parameters
    ----------
    text : str
        The file's text, at most `MAX_TEXT_CHARS` characters.
    fmt : {"ds9", "crtf", "auto"}
        The format; "auto" looks for CRTF's header.

    Returns
    -------
    Parsed
        The regions (at most `MAX_REGIONS`; ids ``r…`` fresh) and a note per line or region skipped:
        unknown shapes (annuli, vectors, compasses...), typos, polygons of too many vertices.

    Raises
    ------
    ToyzError
        ``bad_params`` for an empty or too long text; ``bad_file`` when not one region could be read.
    """
    if not text.strip():
        raise ToyzError("bad_params", "The region text is empty: paste or choose a ds9 or CRTF region file.")
    if len(text) > MAX_TEXT_CHARS:
        raise ToyzError(
            "too_large",
            f"That region text has {len(text):,} characters; at most {MAX_TEXT_CHARS:,} are read. Split the file.",
        )
    kind: Format = detect_format(text) if fmt == "auto" else fmt
    found, notes = _parse_tolerant(text, kind)
    out = Parsed(notes=notes)
    for index, region in enumerate(found):
        if len(out.regions) >= MAX_REGIONS:
            out.notes.append(f"Only the first {MAX_REGIONS} regions were kept; the file has {len(found)}.")
            break
        try:
            converted = _from_astropy(region)
        except (ValueError, TypeError, u.UnitsError) as exc:
            out.notes.append(f"Region {index + 1} ({_shape_name(region)}) was skipped: {exc}.")
            continue
        if converted is None:
            out.notes.append(f"Region {index + 1} was skipped: {_shape_name(region)} is not a shape the viewer draws.")
            continue
        out.regions.append(converted)
    if not out.regions:
        why = f" ({out.notes[0]})" if out.notes else ""
        raise ToyzError("bad_file", f"No region could be read from that {kind} text{why}.")
    out.notes = _capped_notes(out.notes)
    return out


def _parse_tolerant(text: str, kind: Format) -> tuple[list[Region], list[str]]:
    """Parse the whole text; when the parser gives up on a line, parse line by line and note the bad ones."""
    try:
        return _parse_quietly(text, kind)
    except Exception:  # regions raises many kinds for one bad line; the fallback below notes each
        found: list[Region] = []
    notes: list[str] = []
    context: list[str] = ["#CRTFv0"] if kind == "crtf" else []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        lowered = stripped.lower()
        # Lines that set the frame or defaults for those after them.
        if kind == "ds9" and (lowered.startswith("global") or _is_ds9_frame(lowered)):
            context.append(stripped)
            continue
        if kind == "crtf" and lowered.startswith("global"):
            context.append(stripped)
            continue
        try:
            regions, line_notes = _parse_quietly("\n".join([*context, stripped]), kind)
        except Exception as exc:  # one unreadable line is a note, not a failure
            notes.append(f"Line {number} was skipped: {_first_sentence(exc)}")
            continue
        found.extend(regions)
        notes.extend(f"Line {number}: {n}" for n in line_notes)
        if len(found) > MAX_REGIONS:
            break
    return found, notes


_DS9_FRAMES: Final = ("image", "physical", "fk4", "fk5", "icrs", "galactic", "ecliptic", "j2000", "b1950", "linear")


def _is_ds9_frame(line: str) -> bool:
    return line.rstrip(";").strip() in _DS9_FRAMES


def _parse_quietly(text: str, kind: Format) -> tuple[list[Region], list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        regions = Regions.parse(text, format=kind)
    return list(regions), [_first_sentence(w.message) for w in caught]


def _first_sentence(message: object) -> str:
    text = str(message).strip().replace("\n", " ")
    return text[:300] if text.endswith(".") else text[:300] + "."


def _capped_notes(notes: list[str]) -> list[str]:
    if len(notes) <= MAX_NOTES:
        return notes
    return [*notes[:MAX_NOTES], f"... and {len(notes) - MAX_NOTES} more lines skipped."]


def _shape_name(region: Region) -> str:
    name = type(region).__name__
    for suffix in ("PixelRegion", "SkyRegion"):
        name = name.removesuffix(suffix)
    return name.lower() or "a region"


def new_id() -> str:
    """A fresh region id."""
    return "r" + secrets.token_hex(6)


def _style(region: Region) -> tuple[str, str]:
    visual = region.visual
    color = visual.get("color") or visual.get("edgecolor") or ""
    label = region.meta.get("text") or region.meta.get("label") or ""
    return str(color)[:32], str(label)[:200]


def _sky_points(coord: SkyCoord) -> list[list[float]]:
    icrs = coord.icrs
    ra = np.atleast_1d(icrs.ra.deg)
    dec = np.atleast_1d(icrs.dec.deg)
    return [[float(a), float(d)] for a, d in zip(ra, dec, strict=True)]


def _pix_points(coord: PixCoord) -> list[list[float]]:
    xs = np.atleast_1d(coord.x)
    ys = np.atleast_1d(coord.y)
    # astropy's PixCoord is 0-based (the first pixel's centre is 0): viewer = pixcoord + 0.5.
    return [[float(x) + 0.5, float(y) + 0.5] for x, y in zip(xs, ys, strict=True)]


def frame_rotation(coord: SkyCoord) -> float:
    """Degrees to add to an angle measured in ``coord``'s frame to measure it in ICRS, at ``coord``.

    The position angle, in ICRS, of the frame's own North at that place (0 for ICRS, a few
    milli-arcseconds for FK5, up to 180° for galactic).
    """
    if coord.frame.name == "icrs":
        return 0.0
    north = coord.directional_offset_by(0 * u.deg, _STEP_ARCSEC * u.arcsec)
    return float(coord.icrs.position_angle(north.icrs).deg)


def _from_astropy(region: Region) -> RegionDict | None:
    """One astropy region as a region dict, None for a shape the viewer does not draw."""
    color, label = _style(region)
    out: RegionDict = {"id": new_id(), "angle": 0.0, "size": None, "text": label, "color": color}
    if isinstance(region, PixelRegion):
        out["frame"] = "image"
        if isinstance(region, CirclePixelRegion):
            r = float(region.radius)
            out |= {"shape": "circle", "points": _pix_points(region.center), "size": [r, r]}
        elif isinstance(region, EllipsePixelRegion):
            size = [float(region.width) / 2, float(region.height) / 2]
            angle = float(region.angle.to_value(u.deg))
            out |= {"shape": "ellipse", "points": _pix_points(region.center), "size": size, "angle": angle}
        elif isinstance(region, RectanglePixelRegion):
            size = [float(region.width), float(region.height)]
            angle = float(region.angle.to_value(u.deg))
            out |= {"shape": "box", "points": _pix_points(region.center), "size": size, "angle": angle}
        elif isinstance(region, PolygonPixelRegion):
            out |= {"shape": "polygon", "points": _pix_points(region.vertices)}
        elif isinstance(region, LinePixelRegion):
            out |= {"shape": "line", "points": _pix_points(region.start) + _pix_points(region.end)}
        elif isinstance(region, TextPixelRegion):
            out |= {"shape": "text", "points": _pix_points(region.center), "text": str(region.text)[:200]}
        elif isinstance(region, PointPixelRegion):
            out |= {"shape": "point", "points": _pix_points(region.center)}
        else:
            return None
    elif isinstance(region, SkyRegion):
        out["frame"] = "sky"
        if isinstance(region, CircleSkyRegion):
            r = float(region.radius.to_value(u.arcsec))
            out |= {"shape": "circle", "points": _sky_points(region.center), "size": [r, r]}
        elif isinstance(region, EllipseSkyRegion | RectangleSkyRegion):
            width = float(region.width.to_value(u.arcsec))
            height = float(region.height.to_value(u.arcsec))
            ellipse = isinstance(region, EllipseSkyRegion)
            angle = float(region.angle.to_value(u.deg)) + frame_rotation(region.center)
            out |= {
                "shape": "ellipse" if ellipse else "box",
                "points": _sky_points(region.center),
                "size": [width / 2, height / 2] if ellipse else [width, height],
                "angle": _wrap(angle),
            }
        elif isinstance(region, PolygonSkyRegion):
            out |= {"shape": "polygon", "points": _sky_points(region.vertices)}
        elif isinstance(region, LineSkyRegion):
            out |= {"shape": "line", "points": _sky_points(region.start) + _sky_points(region.end)}
        elif isinstance(region, TextSkyRegion):
            out |= {"shape": "text", "points": _sky_points(region.center), "text": str(region.text)[:200]}
        elif isinstance(region, PointSkyRegion):
            out |= {"shape": "point", "points": _sky_points(region.center)}
        else:
            return None
    else:
        return None
    points = out["points"]
    if len(points) > MAX_POINTS:
        raise ValueError(f"it has {len(points)} vertices, more than {MAX_POINTS}")
    if not all(math.isfinite(c) for p in points for c in p):
        raise ValueError("a coordinate is not a number")
    if out["size"] is not None and not (out["size"][0] > 0 and out["size"][1] > 0):
        raise ValueError("its size is not positive")
    return out


def _wrap(angle: float) -> float:
    """An angle in [0, 360)."""
    return float(angle % 360.0)


def off_image(regions: Sequence[RegionDict], image: ImageFrame) -> list[str]:
    """A note for each region whose first point misses the image (the region is kept all the same)."""
    notes: list[str] = []
    sky = [r for r in regions if r["frame"] == "sky"]
    placed: dict[str, tuple[float, float]] = {}
    if sky and image.has_sky:
        xs, ys = image.sky_to_viewer([r["points"][0][0] for r in sky], [r["points"][0][1] for r in sky])
        placed = {r["id"]: (float(x), float(y)) for r, x, y in zip(sky, xs, ys, strict=True)}
    elif sky:
        notes.append(f"{len(sky)} region(s) are in sky coordinates but {image.name} has no celestial WCS.")
    for index, region in enumerate(regions, start=1):
        if region["frame"] == "sky":
            where = placed.get(region["id"])
            if where is None:
                continue
        else:
            where = (region["points"][0][0], region["points"][0][1])
        x, y = where
        if not (math.isfinite(x) and math.isfinite(y) and image.inside(x, y)):
            notes.append(f"Region {index} ({region['shape']}) lies off the image; it is kept.")
    return _capped_notes(notes)


# --- writing ---------------------------------------------------------------------------------------------


def serialize(
    regions: Sequence[RegionDict],
    fmt: Format,
    frame: Literal["image", "sky"],
    image: ImageFrame | None = None,
) -> tuple[str, list[str]]:
    """Write regions as a ds9 or CRTF text, in image pixels (1-based in the file) or ICRS.

    Parameters
    ----------
    regions : sequence of dict
        Region dicts (already validated against ``apps.analysis.schemas.Region``).
    fmt : {"ds9", "crtf"}
        CRTF is written in sky coordinates only.
    frame : {"image", "sky"}
        The coordinates of the file. A region kept in the other frame is converted through `image`'s
        WCS (both ways on the focal-plane mosaic too: a vertex in a gap goes through the nearest CCD).
    image : ImageFrame, optional
        Needed only when a region must change frame.

    Returns
    -------
    text, notes
        The file's text, and a sentence for each region that could not be written (off the WCS).

    Raises
    ------
    ToyzError
        ``unsupported`` for CRTF in image coordinates, or a frame change without an image WCS.
    """
    if fmt == "crtf" and frame == "image":
        raise ToyzError("unsupported", "CRTF files are written in sky coordinates here; choose ds9 for image pixels.")
    out: list[Region] = []
    notes: list[str] = []
    convert: Callable[[RegionDict], Region | None] = _to_pixel if frame == "image" else _to_sky
    for index, region in enumerate(regions, start=1):
        if region["frame"] != frame and image is None:
            raise ToyzError(
                "bad_params",
                f"Region {index} is in {region['frame']} coordinates: name the image to write it in {frame} ones.",
            )
        moved = region if region["frame"] == frame else _reframe(region, frame, image)  # type: ignore[arg-type]
        written = None if moved is None else convert(moved)
        if written is None:
            notes.append(f"Region {index} ({region['shape']}) was left out: it does not land on the image's WCS.")
            continue
        out.append(written)
    if not out:
        raise ToyzError("bad_params", "There is no region to write.")
    text = Regions(out).serialize(format=fmt)
    if len(text) > MAX_TEXT_CHARS * 5:
        raise ToyzError("too_large", "Those regions make too long a file.")
    return text, _capped_notes(notes)


def _reframe(region: RegionDict, frame: Literal["image", "sky"], image: ImageFrame) -> RegionDict | None:
    """A region dict moved into the other frame through the image's WCS (None where it misses the WCS)."""
    points = region["points"]
    size = region["size"]
    moved = dict(region, frame=frame)
    if frame == "image":
        ra0, dec0 = points[0]
        local = image.sky_local(ra0, dec0)
        if local is None:
            return None
        _, _, px_per_arcsec, north = local
        xs, ys = image.sky_to_viewer_near([p[0] for p in points], [p[1] for p in points])
        if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
            return None
        moved["points"] = [[float(x), float(y)] for x, y in zip(xs, ys, strict=True)]
        moved["size"] = None if size is None else [size[0] * px_per_arcsec, size[1] * px_per_arcsec]
        moved["angle"] = _wrap(region["angle"] - (north - 90.0))
    else:
        x0, y0 = points[0]
        found = image.pixel_local(x0, y0)
        if found is None:
            return None
        _, _, arcsec_per_px, north = found
        ras, decs = image.viewer_to_sky([p[0] for p in points], [p[1] for p in points])
        moved["points"] = [[float(a), float(d)] for a, d in zip(ras, decs, strict=True)]
        moved["size"] = None if size is None else [size[0] * arcsec_per_px, size[1] * arcsec_per_px]
        moved["angle"] = _wrap(region["angle"] + (north - 90.0))
    return moved


def _visual(region: RegionDict) -> tuple[RegionMeta, RegionVisual]:
    meta = RegionMeta()
    visual = RegionVisual()
    if region.get("text") and region["shape"] != "text":
        meta["text"] = region["text"]
    if region.get("color"):
        visual["color"] = region["color"]
    return meta, visual


def _to_pixel(region: RegionDict) -> Region | None:
    meta, visual = _visual(region)
    # viewer = pixcoord + 0.5: the file gets 1-based pixels from regions' own writer.
    pts = [PixCoord(p[0] - 0.5, p[1] - 0.5) for p in region["points"]]
    shape, size, angle = region["shape"], region["size"], region["angle"] * u.deg
    centre = pts[0]
    kw: dict[str, Any] = {"meta": meta, "visual": visual}
    if shape == "circle":
        return CirclePixelRegion(centre, size[0], **kw)
    if shape == "ellipse":
        return EllipsePixelRegion(centre, 2 * size[0], 2 * size[1], angle, **kw)
    if shape == "box":
        return RectanglePixelRegion(centre, size[0], size[1], angle, **kw)
    if shape == "polygon":
        return PolygonPixelRegion(PixCoord([p.x for p in pts], [p.y for p in pts]), **kw)
    if shape == "line":
        return LinePixelRegion(pts[0], pts[1], **kw)
    if shape == "text":
        return TextPixelRegion(centre, region["text"] or " ", **kw)
    if shape == "point":
        return PointPixelRegion(centre, **kw)
    return None


def _to_sky(region: RegionDict) -> Region | None:
    meta, visual = _visual(region)
    points = region["points"]
    coords = SkyCoord([p[0] for p in points] * u.deg, [p[1] for p in points] * u.deg, frame="icrs")
    centre = coords[0]
    shape, size, angle = region["shape"], region["size"], region["angle"] * u.deg
    kw: dict[str, Any] = {"meta": meta, "visual": visual}
    if shape == "circle":
        return CircleSkyRegion(centre, size[0] * u.arcsec, **kw)
    if shape == "ellipse":
        return EllipseSkyRegion(centre, 2 * size[0] * u.arcsec, 2 * size[1] * u.arcsec, angle, **kw)
    if shape == "box":
        return RectangleSkyRegion(centre, size[0] * u.arcsec, size[1] * u.arcsec, angle, **kw)
    if shape == "polygon":
        return PolygonSkyRegion(coords, **kw)
    if shape == "line":
        return LineSkyRegion(coords[0], coords[1], **kw)
    if shape == "text":
        return TextSkyRegion(centre, region["text"] or " ", **kw)
    if shape == "point":
        return PointSkyRegion(centre, **kw)
    return None
