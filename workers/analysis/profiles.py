"""A star at the cursor: radial profile, curve of growth and PSF fits (IRAF's ``imexam r``).

The star is recentred first (the flux-weighted centroid of the values above the local median,
``workers.analysis.measure.recentre``), then every pixel of the square stamp within ``radius`` gives
one point of the radial profile (its distance from the centre and its value, as ``imexam`` plots
them); the curve of growth sums circular apertures (photutils' exact overlap) less the background;
an elliptical Gaussian and a circular Moffat are fitted to the stamp (``workers.analysis.fitting``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Final

import numpy as np
from astropy.stats import sigma_clipped_stats
from photutils.aperture import CircularAperture, aperture_photometry  # type: ignore[import-untyped]  # photutils ships no type information

from workers.errors import ToyzError

from .fitting import SIGMA_TO_FWHM, fit_gaussian, fit_moffat
from .measure import NO_DATA, _nullable, pixel_scale, recentre, sky_of
from .pixels import canvas

#: Largest profile radius, pixels.
MAX_RADIUS: Final = 100
#: Radii of the curve of growth: this many steps out to the profile radius.
GROWTH_STEPS: Final = 30


def _background(data: np.ndarray, r: np.ndarray, radius: float) -> float:
    """Sigma-clipped (3σ) median of the stamp's outer ring, ``0.75 radius ≤ r ≤ radius``."""
    ring = data[(r >= 0.75 * radius) & (r <= radius) & np.isfinite(data)]
    if ring.size < 5:
        ring = data[np.isfinite(data)]
    _, median, _ = sigma_clipped_stats(ring, sigma=3.0, maxiters=5)
    return float(median)


def radial_profile(
    path: Path,
    *,
    hdu: int,
    plane: int,
    x: float,
    y: float,
    radius: float = 15.0,
    recentre_star: bool = True,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """Radial profile, curve of growth and PSF fits of the star near a viewer point.

    Parameters
    ----------
    x, y : float
        Viewer coordinates near the star.
    radius : float
        Pixels: the profile, the growth curve and the fitted stamp reach this far from the centre.
    recentre_star : bool
        Move to the flux-weighted centroid within ``min(radius, 5)`` pixels first.

    Returns
    -------
    dict
        ``x``, ``y`` (the centre used, viewer coordinates), ``ra``/``dec``; ``radii``/``values`` one per
        pixel within ``radius`` sorted by radius (pixels; image units); ``background`` (the outer ring's
        clipped median); ``growth_radii``/``growth_flux`` (background subtracted); ``gaussian`` and
        ``moffat`` (see ``workers.analysis.fitting``; ``fwhm_arcsec`` with a WCS, positions turned into
        viewer coordinates); ``stamp`` ``{x0, y0, width, height, data, model, residual, fit}``: the
        square stamp (row-major from the bottom, None for blank) and the better fit's model.

    Raises
    ------
    ToyzError
        ``bad_params`` for a radius outside [2, 100]; ``bad_region`` off the image; ``no_data`` for a
        stamp with too few finite pixels.
    """
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ToyzError("bad_params", "x and y must be finite numbers.")
    if not 2 <= radius <= MAX_RADIUS:
        raise ToyzError("bad_params", f"The radius must be between 2 and {MAX_RADIUS} pixels.")
    half = radius + 6  # room to recentre
    first = canvas(path, hdu=hdu, plane=plane, box=(x - half, y - half, x + half, y + half), cache_dir=cache_dir)
    if recentre_star:
        x, y = recentre(first, x, y, min(radius, 5.0))
    cx, cy = math.floor(x), math.floor(y)
    r_int = math.ceil(radius)
    box = (cx - r_int, cy - r_int, cx + r_int + 1, cy + r_int + 1)
    stamp = canvas(path, hdu=hdu, plane=plane, box=box, cache_dir=cache_dir)
    data = stamp.data
    px, py = stamp.to_local(x, y)
    yy, xx = np.mgrid[0 : data.shape[0], 0 : data.shape[1]]
    r = np.hypot(xx - px, yy - py)
    good = np.isfinite(data)
    if np.count_nonzero(good) < 10:
        raise ToyzError("no_data", f"The area around that point {NO_DATA}.")
    within = good & (r <= radius)
    order = np.argsort(r[within], kind="stable")
    radii, values = r[within][order], data[within][order].astype(np.float64)
    background = _background(data, r, radius)

    steps = np.linspace(radius / GROWTH_STEPS, radius, GROWTH_STEPS)
    apertures = [CircularAperture((px, py), float(s)) for s in steps]
    table = aperture_photometry(data, apertures, mask=~good)
    growth = [
        float(table[f"aperture_sum_{k}"][0]) - background * float(a.area_overlap(data, mask=~good))
        for k, a in enumerate(apertures)
    ]

    # The fits see the stamp's circle only: a neighbour in a corner would pull them.
    fit_data = np.where(r <= radius, data, np.nan)
    sigma0 = max(0.5, _second_moment(fit_data - background, px, py))
    gauss, g_model = fit_gaussian(fit_data, px, py, sigma0)
    moffat, m_model = fit_moffat(fit_data, px, py, SIGMA_TO_FWHM * sigma0)
    part = stamp.part_at(x, y)
    scale = pixel_scale(part)
    out_g: dict[str, Any] = dict(gauss)
    out_m: dict[str, Any] = dict(moffat)
    for out in (out_g, out_m):
        out["x"], out["y"] = out["x"] + stamp.x0 + 0.5, out["y"] + stamp.y0 + 0.5  # to viewer coordinates
        out["fwhm_arcsec"] = out["fwhm"] * scale if scale else None
    better_moffat = moffat["ok"] and (not gauss["ok"] or moffat["residual_rms"] < gauss["residual_rms"])
    model = m_model if better_moffat else g_model
    sky = sky_of(part, x, y)
    return {
        "x": x,
        "y": y,
        "ra": sky[0] if sky else None,
        "dec": sky[1] if sky else None,
        "radii": [float(v) for v in radii],
        "values": [float(v) for v in values],
        "background": background,
        "growth_radii": [float(s) for s in steps],
        "growth_flux": growth,
        "pixel_scale": scale,
        "gaussian": out_g,
        "moffat": out_m,
        "stamp": {
            "x0": stamp.x0,
            "y0": stamp.y0,
            "width": int(data.shape[1]),
            "height": int(data.shape[0]),
            "data": _nullable(data),
            "model": _nullable(model),
            "residual": _nullable(data - model),
            "fit": "moffat" if better_moffat else "gaussian",
        },
    }


def _second_moment(above: np.ndarray, px: float, py: float) -> float:
    """A first guess of the Gaussian sigma: the flux-weighted radial second moment (pixels)."""
    yy, xx = np.mgrid[0 : above.shape[0], 0 : above.shape[1]]
    w = np.where(np.isfinite(above), np.clip(above, 0, None), 0.0)
    total = float(w.sum())
    if total <= 0:
        return 1.5
    r2 = float(np.sum(w * ((xx - px) ** 2 + (yy - py) ** 2)) / total)
    return math.sqrt(r2 / 2.0) if r2 > 0 else 1.5
