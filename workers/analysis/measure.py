"""Measurements on an image: region statistics, aperture photometry, histograms, surfaces, line
profiles and spectra through a cube.

Positions are viewer coordinates (see ``workers.analysis``); values are in the image's units (BSCALE
and BZERO applied). On a focal-plane mosaic a region is measured on each CCD it covers and the
results combined, each CCD's own listed (``per_ccd``) with a ``note`` that says so; nothing is ever
interpolated across a gap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from astropy.stats import SigmaClip
from photutils.aperture import ApertureStats, CircularAnnulus, CircularAperture, aperture_photometry  # type: ignore[import-untyped]  # photutils ships no type information

from workers.errors import ToyzError
from workers.imaging.describe import select_view
from workers.imaging.mosaic import Mosaic
from workers.imaging.reading import opened, read_region, select_plane

from .geometry import Shape, mask, to_viewer
from .pixels import Canvas, Cutout, canvas, cutouts

#: Values of one line profile at most.
MAX_SAMPLES: Final = 20_000
#: Half-size of a surface at most (a 201 × 201 stamp).
MAX_SURFACE_HALF: Final = 100
#: Planes of one spectrum at most.
MAX_PLANES: Final = 100_000
NO_DATA: Final = "holds only blank (NaN) pixels: there is nothing to measure"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def sky_of(part: Cutout | None, x: float, y: float) -> tuple[float, float] | None:
    """ICRS (ra, dec) in degrees of the viewer point ``(x, y)`` by a cut-out's WCS, or None."""
    if part is None or part.wcs is None:
        return None
    from astropy.wcs.utils import pixel_to_skycoord

    try:
        px, py = part.to_local(x, y)
        with np.errstate(all="ignore"):
            coord = pixel_to_skycoord(px, py, part.wcs, origin=0, mode="all").icrs
        ra, dec = float(coord.ra.deg), float(coord.dec.deg)
    except Exception:  # a WCS that cannot convert this point: no sky position
        return None
    return (ra % 360.0, dec) if math.isfinite(ra) and math.isfinite(dec) else None


def pixel_scale(part: Cutout | None) -> float | None:
    """Arcseconds per pixel of a cut-out's WCS (geometric mean of its two axes), or None."""
    if part is None or part.wcs is None:
        return None
    from astropy.wcs.utils import proj_plane_pixel_scales

    try:
        scales = proj_plane_pixel_scales(part.wcs)
        value = float(math.sqrt(abs(scales[0] * scales[1]))) * 3600.0
    except Exception:  # no scale: sizes stay in pixels
        return None
    return value if math.isfinite(value) and value > 0 else None


def _region_pixels(
    path: Path, hdu: int, plane: int, region: Mapping[str, Any], cache_dir: Path | None
) -> tuple[Shape, list[tuple[Cutout, npt.NDArray[np.bool_]]]]:
    shape = to_viewer(path, hdu=hdu, plane=plane, region=region)
    parts = cutouts(path, hdu=hdu, plane=plane, box=shape.bbox(), cache_dir=cache_dir)
    found = [(part, m) for part in parts if (m := mask(shape, part)).any()]
    if not found:
        raise ToyzError("bad_region", "The region holds no pixel centre on the image; draw it larger or on the image.")
    return shape, found


def _summary(values: npt.NDArray[np.float32], blank: int) -> dict[str, Any]:
    v = values.astype(np.float64)
    return {
        "count": int(v.size),
        "sum": float(v.sum()),
        "mean": float(v.mean()),
        "median": float(np.median(v)),
        "std": float(v.std()),
        "min": float(v.min()),
        "max": float(v.max()),
        "nan": blank,
    }


def _gap_note(parts: list[tuple[Cutout, npt.NDArray[np.bool_]]]) -> str:
    names = [p.name or f"HDU {p.ccd}" for p, _ in parts]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"The region spans CCDs {listed} (across the gap): measured on each CCD; the totals combine them."


def region_stats(
    path: Path, *, hdu: int, plane: int, region: Mapping[str, Any], cache_dir: Path | None = None
) -> dict[str, Any]:
    """Statistics of the pixels a region holds (pixel centres inside; see ``workers.analysis.geometry``).

    Returns
    -------
    dict
        ``count`` (finite pixels), ``sum``, ``mean``, ``median``, ``std`` (population), ``min``,
        ``max``, ``nan`` (blank pixels inside), ``centroid`` ``{x, y, ra?, dec?}``: the flux-weighted
        centre of the values above the region's median (viewer coordinates), ``per_ccd`` (on a mosaic
        when the region spans CCDs: the same numbers per CCD with ``ccd`` and ``name``) and ``note``.

    Raises
    ------
    ToyzError
        ``bad_region`` for a region off the image or holding no pixel centre, ``no_data`` when its
        pixels are all blank, ``bad_params`` for a malformed or line/text region.
    """
    _, found = _region_pixels(path, hdu, plane, region, cache_dir)
    values, xs, ys = [], [], []
    per_ccd = []
    blank_total = 0
    for part, m in found:
        inside = part.data[m]
        good = np.isfinite(inside)
        jj, ii = np.nonzero(m)
        values.append(inside[good])
        xs.append(part.x0 + ii[good] + 0.5)
        ys.append(part.y0 + jj[good] + 0.5)
        blank = int(np.count_nonzero(~good))
        blank_total += blank
        if good.any():
            per_ccd.append({"ccd": part.ccd, "name": part.name, **_summary(inside[good], blank)})
        else:
            per_ccd.append({"ccd": part.ccd, "name": part.name, "count": 0, "nan": blank})
    v = np.concatenate(values)
    if v.size == 0:
        raise ToyzError("no_data", f"The region {NO_DATA}.")
    x, y = np.concatenate(xs), np.concatenate(ys)
    out = _summary(v, blank_total)
    weights = np.clip(v.astype(np.float64) - out["median"], 0.0, None)
    if weights.sum() > 0:
        cx, cy = float(np.dot(weights, x) / weights.sum()), float(np.dot(weights, y) / weights.sum())
    else:  # a flat region: its geometric centre
        cx, cy = float(x.mean()), float(y.mean())
    centroid: dict[str, Any] = {"x": cx, "y": cy}
    holder = next((p for p, _ in found if p.contains(cx, cy)), found[0][0])
    sky = sky_of(holder, cx, cy)
    if sky is not None:
        centroid["ra"], centroid["dec"] = sky
    out["centroid"] = centroid
    spans = len(found) > 1
    out["per_ccd"] = per_ccd if spans else []
    out["note"] = _gap_note(found) if spans else ""
    return out


def histogram(
    path: Path, *, hdu: int, plane: int, region: Mapping[str, Any], bins: int = 64, cache_dir: Path | None = None
) -> dict[str, Any]:
    """Histogram of a region's finite values: ``bins`` equal bins from its minimum to its maximum.

    Returns ``edges`` (bins + 1 values), ``counts`` and ``log_counts`` (``log10(1 + count)``, for a
    plot of a long tail), ``nan`` (blank pixels left out) and ``note`` (CCDs spanned).
    """
    if not 1 <= bins <= 10_000:
        raise ToyzError("bad_params", "bins must be between 1 and 10000.")
    _, found = _region_pixels(path, hdu, plane, region, cache_dir)
    inside = np.concatenate([part.data[m] for part, m in found])
    good = inside[np.isfinite(inside)].astype(np.float64)
    if good.size == 0:
        raise ToyzError("no_data", f"The region {NO_DATA}.")
    lo, hi = float(good.min()), float(good.max())
    if hi == lo:  # one value: a bin of width 1 around it
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(good, bins=bins, range=(lo, hi))
    return {
        "edges": [float(e) for e in edges],
        "counts": [int(c) for c in counts],
        "log_counts": [float(np.log10(1.0 + c)) for c in counts],
        "nan": int(inside.size - good.size),
        "note": _gap_note(found) if len(found) > 1 else "",
    }


def _centroid(data: npt.NDArray[np.float32], x: float, y: float, half: float) -> tuple[float, float]:
    """Flux-weighted centre (0-based array pixels) of the values above the local median within
    ``half`` pixels of ``(x, y)``, iterated three times; ``(x, y)`` when there is no signal."""
    rows, cols = data.shape
    yy, xx = np.mgrid[0:rows, 0:cols]
    cx, cy = x, y
    for _ in range(3):
        near = (np.hypot(xx - cx, yy - cy) <= half) & np.isfinite(data)
        if np.count_nonzero(near) < 3:
            break
        values = data[near].astype(np.float64)
        w = np.clip(values - np.median(values), 0, None)
        if w.sum() <= 0:
            break
        nx, ny = float(np.dot(w, xx[near]) / w.sum()), float(np.dot(w, yy[near]) / w.sum())
        if math.hypot(nx - x, ny - y) > half:  # wandered off to a neighbour: keep the last
            break
        cx, cy = nx, ny
    return cx, cy


def recentre(stamp: Canvas, x: float, y: float, half: float) -> tuple[float, float]:
    """The flux-weighted centre (viewer coordinates) near the viewer point ``(x, y)`` of a stamp."""
    px, py = stamp.to_local(x, y)
    cx, cy = _centroid(stamp.data, px, py, half)
    return cx + stamp.x0 + 0.5, cy + stamp.y0 + 0.5


def _check_point(x: float, y: float) -> None:
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ToyzError("bad_params", "x and y must be finite numbers.")


def photometry(
    path: Path,
    *,
    hdu: int,
    plane: int,
    x: float | None = None,
    y: float | None = None,
    radius: float = 5.0,
    annulus: tuple[float, float] = (10.0, 15.0),
    recentre_star: bool = True,
    region: Mapping[str, Any] | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Aperture photometry with a background annulus.

    Parameters
    ----------
    x, y : float
        The aperture's centre, viewer coordinates (or ``region`` instead).
    radius : float
        Aperture radius, pixels.
    annulus : tuple of float
        Inner and outer radii of the background annulus, pixels. With a ``region`` aperture they
        are added to the radius of the region's bounding circle.
    recentre_star : bool
        Move the centre to the flux-weighted centroid within ``radius`` first (circular aperture only).
    region : Mapping, optional
        A circle, ellipse, box or polygon used as the aperture (pixel-centre membership).

    Returns
    -------
    dict
        ``x``, ``y`` (the centre used), ``flux`` (sum in the aperture less ``background`` × ``area``),
        ``flux_err`` (``std · sqrt(area · (1 + area / annulus_area))``: the background scatter in the
        aperture plus the error of the background level), ``background`` (sigma-clipped median per
        pixel of the annulus, 3σ), ``background_std``, ``area`` and ``annulus_area`` (pixels used:
        photutils' exact overlap for a circle, the pixel count for a region), ``snr``, ``mag_inst``
        (``-2.5 log10 flux``, None for flux ≤ 0), ``ra``/``dec`` of the centre, ``note``.

    Raises
    ------
    ToyzError
        ``bad_params`` for radii that are not positive and increasing; ``bad_region`` off the image;
        ``no_data`` for an aperture or annulus of blank pixels.
    """
    inner, outer = float(annulus[0]), float(annulus[1])
    if not (radius > 0 and 0 <= inner < outer):
        raise ToyzError("bad_params", "The radius must be positive and the annulus radii increasing (inner < outer).")
    shape: Shape | None = None
    if region is not None:
        shape = to_viewer(path, hdu=hdu, plane=plane, region=region)
        if shape.kind not in ("circle", "ellipse", "box", "polygon"):
            raise ToyzError("bad_params", "A photometry aperture must be a circle, ellipse, box or polygon.")
        x, y = shape.centre
        bx = shape.bbox()
        reach = math.hypot(bx[2] - bx[0], bx[3] - bx[1]) / 2
        inner, outer = reach + inner, reach + outer
        recentre_star = False
    if x is None or y is None:
        raise ToyzError("bad_params", "Give x and y, or a region.")
    _check_point(x, y)
    half = outer + 2
    stamp = canvas(path, hdu=hdu, plane=plane, box=(x - half, y - half, x + half, y + half), cache_dir=cache_dir)
    if recentre_star:
        x, y = recentre(stamp, x, y, radius)
    data = stamp.data
    bad = ~np.isfinite(data)
    px, py = stamp.to_local(x, y)
    ring = CircularAnnulus((px, py), inner if inner > 0 else 1e-3, outer)
    ring_stats = ApertureStats(data, ring, mask=bad, sigma_clip=SigmaClip(sigma=3.0, maxiters=5))
    annulus_area = float(ring_stats.sum_aper_area.value)
    background = float(ring_stats.median)
    scatter = float(ring_stats.std)
    if not (annulus_area > 0 and math.isfinite(background)):
        raise ToyzError("no_data", f"The background annulus {NO_DATA}; move it onto the image.")
    notes = []
    if shape is not None:
        stamp_part = Cutout(data, stamp.x0, stamp.y0, None, "", None)
        inside = mask(shape, stamp_part)
        values = data[inside & ~bad]
        area = float(values.size)
        total = float(values.astype(np.float64).sum())
        blank = int(np.count_nonzero(inside & bad))
    else:
        aperture = CircularAperture((px, py), radius)
        table = aperture_photometry(data, aperture, mask=bad)
        total = float(table["aperture_sum"][0])
        area = float(aperture.area_overlap(data, mask=bad))
        blank = round(float(aperture.area) - area)
    if area <= 0:
        raise ToyzError("no_data", f"The aperture {NO_DATA}.")
    if blank > 0:
        notes.append(f"{blank} blank pixel(s) in the aperture (a gap, the edge or BLANK) were left out.")
    if len({p.ccd for p in stamp.parts}) > 1:
        notes.append("The aperture and annulus reach more than one CCD; each pixel keeps its own CCD's value.")
    flux = total - background * area
    flux_err = scatter * math.sqrt(area * (1.0 + area / annulus_area))
    sky = sky_of(stamp.part_at(x, y), x, y)
    return {
        "x": x,
        "y": y,
        "ra": sky[0] if sky else None,
        "dec": sky[1] if sky else None,
        "flux": flux,
        "flux_err": flux_err,
        "background": background,
        "background_std": scatter,
        "area": area,
        "annulus_area": annulus_area,
        "snr": flux / flux_err if flux_err > 0 else None,
        "mag_inst": -2.5 * math.log10(flux) if flux > 0 else None,
        "note": " ".join(notes),
    }


def _nullable(values: npt.NDArray[Any]) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in values.ravel().tolist()]


def surface(
    path: Path, *, hdu: int, plane: int, x: float, y: float, half: int = 25, cache_dir: Path | None = None
) -> dict[str, Any]:
    """The pixels of a square around a viewer point, for a surface plot.

    Returns ``x0``, ``y0`` (viewer coordinates of the lower-left corner), ``width``, ``height`` and
    ``values``: row-major from the bottom row, None for blank pixels and pixels off the image.
    """
    _check_point(x, y)
    if not 1 <= half <= MAX_SURFACE_HALF:
        raise ToyzError("bad_params", f"half must be between 1 and {MAX_SURFACE_HALF} pixels.")
    cx, cy = math.floor(x), math.floor(y)
    stamp = canvas(
        path, hdu=hdu, plane=plane, box=(cx - half, cy - half, cx + half + 1, cy + half + 1), cache_dir=cache_dir
    )
    if not np.isfinite(stamp.data).any():
        raise ToyzError("no_data", f"The area around that point {NO_DATA}.")
    return {
        "x0": stamp.x0,
        "y0": stamp.y0,
        "width": int(stamp.data.shape[1]),
        "height": int(stamp.data.shape[0]),
        "values": _nullable(stamp.data),
    }


def _sample(
    stamp: Canvas, xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], method: str
) -> npt.NDArray[np.float64]:
    data = stamp.data.astype(np.float64)
    px, py = xs - stamp.x0 - 0.5, ys - stamp.y0 - 0.5
    rows, cols = data.shape
    if method == "nearest":
        i, j = np.floor(px + 0.5).astype(int), np.floor(py + 0.5).astype(int)
        ok = (i >= 0) & (i < cols) & (j >= 0) & (j < rows)
        out = np.full(xs.shape, np.nan)
        out[ok] = data[j[ok], i[ok]]
        return out
    i0, j0 = np.floor(px).astype(int), np.floor(py).astype(int)
    fx, fy = px - i0, py - j0
    out = np.zeros(xs.shape)
    for di, dj, w in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        i, j = np.clip(i0 + di, 0, cols - 1), np.clip(j0 + dj, 0, rows - 1)
        inside = (i0 + di >= 0) & (i0 + di < cols) & (j0 + dj >= 0) & (j0 + dj < rows)
        value = np.where(inside, data[j, i], np.nan)
        # A neighbour of weight 0 (a sample exactly on a pixel centre's row or column) may be blank.
        out += np.where(w > 0, w * value, 0.0)
    return out


def line_profile(
    path: Path,
    *,
    hdu: int,
    plane: int,
    start: tuple[float, float],
    end: tuple[float, float],
    samples: int | None = None,
    method: str = "nearest",
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Values along a segment between two viewer points.

    Parameters
    ----------
    samples : int, optional
        Points along the segment, ends included; by default one per pixel of length (plus one).
    method : str
        ``nearest``: each sample takes the value of the pixel it lies in (exact values, as a row or
        column cut shows them); ``bilinear``: interpolated between the four nearest pixel centres
        (blank if one of those with weight is blank).

    Returns
    -------
    dict
        ``distance`` (pixels from ``start``), ``values`` (None for blank or off-image samples), ``x``,
        ``y`` (viewer coordinates of the samples), ``note``.
    """
    (x1, y1), (x2, y2) = start, end
    for v in (x1, y1, x2, y2):
        _check_point(v, 0.0)
    if method not in ("nearest", "bilinear"):
        raise ToyzError("bad_params", "method must be nearest or bilinear.")
    length = math.hypot(x2 - x1, y2 - y1)
    n = samples if samples is not None else math.floor(length) + 1
    if not 2 <= n <= MAX_SAMPLES:
        raise ToyzError("bad_params", f"A line profile takes 2 to {MAX_SAMPLES} samples; this one would take {n}.")
    t = np.linspace(0.0, 1.0, n)
    xs, ys = x1 + t * (x2 - x1), y1 + t * (y2 - y1)
    values = np.full(n, np.nan)
    # In pieces of 256 samples: a long diagonal reads strips along it, never its whole bounding box.
    touched = False
    for k in range(0, n, 256):
        px, py = xs[k : k + 256], ys[k : k + 256]
        box = (float(px.min()) - 1, float(py.min()) - 1, float(px.max()) + 1, float(py.max()) + 1)
        try:
            stamp = canvas(path, hdu=hdu, plane=plane, box=box, cache_dir=cache_dir)
        except ToyzError as exc:
            if exc.code != "bad_region":
                raise
            continue  # this piece is off the image (or in a gap)
        touched = True
        values[k : k + 256] = _sample(stamp, px, py, method)
    if not touched or not np.isfinite(values).any():
        raise ToyzError("no_data", f"The line lies off the image or {NO_DATA}.")
    return {
        "distance": [float(d) for d in t * length],
        "values": _nullable(values),
        "x": [float(v) for v in xs],
        "y": [float(v) for v in ys],
        "method": method,
    }


def spectrum(path: Path, *, hdu: int, plane: int, x: float, y: float) -> dict[str, Any]:
    """The values of one pixel through every plane of a cube.

    Parameters
    ----------
    x, y : float
        Viewer coordinates; the pixel ``(floor(x), floor(y))``.
    plane : int
        Ignored (every plane is read); kept for the image reference.

    Returns
    -------
    dict
        ``planes`` (0-based plane numbers), ``values`` (None for blank), ``axis`` ``{name, unit,
        values}`` from the WCS's third axis (e.g. ``FREQ``/``Hz`` or ``WAVE``/``m``) when the header
        has one that converts, else None; ``x``, ``y``, ``ra``, ``dec``.

    Raises
    ------
    ToyzError
        ``unsupported`` for an image with one plane (or the mosaic); ``bad_region`` off the image.
    """
    _check_point(x, y)
    col, row = math.floor(x), math.floor(y)
    with opened(path) as f:
        view = select_view(f, hdu, plane)
        if isinstance(view, Mosaic) or view.format != "fits" or f.infos[hdu]["planes"] < 2:
            raise ToyzError("unsupported", "This image has one plane: a spectrum needs a cube.")
        info = f.infos[hdu]
        if not (0 <= col < view.width and 0 <= row < view.height):
            raise ToyzError("bad_region", "The point lies outside the image.")
        count = int(info["planes"])
        if count > MAX_PLANES:
            raise ToyzError("too_large", f"The cube has {count} planes, more than the {MAX_PLANES} a spectrum reads.")
        values = np.empty(count)
        for k in range(count):
            values[k] = float(read_region(f, select_plane(f, hdu, k), row, row + 1, col, col + 1)[0, 0])
        header = f.header(hdu).copy()
        celestial = f.celestial_wcs(hdu)
        celestial = None if celestial is None else celestial.deepcopy()
    axis = _spectral_axis(header, col, row, count)
    part = Cutout(np.zeros((1, 1), np.float32), 0, 0, None, "", celestial)
    sky = sky_of(part, x, y)
    return {
        "x": x,
        "y": y,
        "ra": sky[0] if sky else None,
        "dec": sky[1] if sky else None,
        "planes": list(range(count)),
        "values": _nullable(values),
        "axis": axis,
    }


def _spectral_axis(header: Any, col: int, row: int, count: int) -> dict[str, Any] | None:
    """World values of the third pixel axis at pixel (col, row), or None without a usable WCS."""
    from astropy.wcs import WCS

    try:
        wcs = WCS(header)
        if wcs.naxis != 3:
            return None
        pixels = np.zeros((count, 3))
        pixels[:, 0], pixels[:, 1], pixels[:, 2] = col, row, np.arange(count)
        with np.errstate(all="ignore"):
            world = wcs.wcs_pix2world(pixels, 0)[:, 2]
        if not np.all(np.isfinite(world)):
            return None
        name = str(wcs.wcs.ctype[2]).split("-")[0] or "axis 3"
        return {"name": name, "unit": str(wcs.wcs.cunit[2]), "values": [float(v) for v in world]}
    except Exception:  # a header whose third axis does not convert: planes only
        return None
