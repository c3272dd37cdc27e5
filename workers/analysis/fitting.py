"""PSF fits on a stamp: an elliptical Gaussian and a circular Moffat, each on a constant background.

Fits use astropy's ``TRFLSQFitter`` (bounded trust-region least squares) on the finite pixels of a
stamp, positions in the stamp's 0-based array pixels (the centre of ``data[j, i]`` is ``(i, j)``).
FWHM values are in pixels; ``theta`` is degrees counter-clockwise from +x of the major axis.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Final, TypedDict

import numpy as np
import numpy.typing as npt
from astropy.modeling import fitting, models

#: sigma → FWHM of a Gaussian.
SIGMA_TO_FWHM: Final = 2.0 * math.sqrt(2.0 * math.log(2.0))
#: Iterations a fit may take.
MAX_ITERATIONS: Final = 200


class _PsfFit(TypedDict):
    """What both fits give: position, peak, background, widths, flux, quality."""

    ok: bool
    x: float
    y: float
    amplitude: float
    background: float
    fwhm: float
    ellipticity: float
    theta: float
    flux: float
    residual_rms: float


class GaussianFit(_PsfFit):
    """An elliptical Gaussian on a constant: position, widths, flux, quality."""

    fwhm_major: float
    fwhm_minor: float


class MoffatFit(_PsfFit):
    """A circular Moffat on a constant. ``alpha`` is the core width (pixels) and ``beta`` the power
    index, as Moffat (1969) and IRAF name them (astropy's ``gamma`` and ``alpha``)."""

    alpha: float
    beta: float


def _grid(data: npt.NDArray[Any]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    yy, xx = np.mgrid[0 : data.shape[0], 0 : data.shape[1]].astype(np.float64)
    return xx, yy, np.isfinite(data)


def _fit(model: Any, data: npt.NDArray[Any]) -> tuple[Any, bool, float, npt.NDArray[np.float64]]:
    xx, yy, good = _grid(data)
    z = np.asarray(data, np.float64)
    fitter = fitting.TRFLSQFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "the fit may be unsuccessful": judged below by its result instead
        with np.errstate(all="ignore"):
            fitted = fitter(model, xx[good], yy[good], z[good], maxiter=MAX_ITERATIONS)
            full = np.asarray(fitted(xx, yy), np.float64)
    residual = z[good] - full[good]
    rms = float(np.sqrt(np.mean(residual**2))) if residual.size else math.nan
    status = (fitter.fit_info or {}).get("status", 1)
    return fitted, bool(status is None or status > 0), rms, full


def _guesses(data: npt.NDArray[Any], x: float, y: float) -> tuple[float, float]:
    finite = data[np.isfinite(data)]
    background = float(np.median(finite))
    peak = float(np.nanmax(data)) - background
    return background, max(peak, 1e-12)


def fit_gaussian(
    data: npt.NDArray[Any], x: float, y: float, sigma: float = 2.0
) -> tuple[GaussianFit, npt.NDArray[np.float64]]:
    """Fit an elliptical Gaussian plus a constant to a stamp.

    Parameters
    ----------
    data : numpy.ndarray
        The stamp (NaN pixels are left out of the fit); at least 7 finite pixels.
    x, y : float
        First guess of the centre, 0-based array pixels.
    sigma : float
        First guess of the Gaussian sigma, pixels.

    Returns
    -------
    (GaussianFit, numpy.ndarray)
        The parameters (``fwhm`` the geometric mean of the major and minor FWHM; ``ellipticity``
        ``1 - minor/major``; ``flux`` ``2π A σx σy``, above the background) and the model over the
        whole stamp. ``ok`` is false when the fitter did not converge or the result is not a star
        (non-positive amplitude, a centre off the stamp, a width beyond the stamp).
    """
    background, peak = _guesses(data, x, y)
    h, w = data.shape
    star = models.Gaussian2D(amplitude=peak, x_mean=x, y_mean=y, x_stddev=sigma, y_stddev=sigma, theta=0.0)
    star.x_mean.bounds = (-0.5, w - 0.5)
    star.y_mean.bounds = (-0.5, h - 0.5)
    star.x_stddev.bounds = (0.1, max(w, h))
    star.y_stddev.bounds = (0.1, max(w, h))
    fitted, converged, rms, full = _fit(star + models.Const2D(background), data)
    g, c = fitted[0], fitted[1]
    sx, sy = abs(float(g.x_stddev.value)), abs(float(g.y_stddev.value))
    theta = math.degrees(float(g.theta.value))
    if sy > sx:  # the major axis is along y: turn theta by 90 degrees to name it
        sx, sy, theta = sy, sx, theta + 90.0
    theta = (theta + 90.0) % 180.0 - 90.0
    amplitude = float(g.amplitude.value)
    ok = converged and amplitude > 0 and sx < max(w, h) / 2 and all(math.isfinite(v) for v in (sx, sy, amplitude))
    result = GaussianFit(
        ok=bool(ok),
        x=float(g.x_mean.value),
        y=float(g.y_mean.value),
        amplitude=amplitude,
        background=float(c.amplitude.value),
        fwhm=SIGMA_TO_FWHM * math.sqrt(sx * sy),
        fwhm_major=SIGMA_TO_FWHM * sx,
        fwhm_minor=SIGMA_TO_FWHM * sy,
        ellipticity=1.0 - sy / sx if sx > 0 else 0.0,
        theta=theta,
        flux=2.0 * math.pi * amplitude * sx * sy,
        residual_rms=rms,
    )
    return result, full


def fit_moffat(
    data: npt.NDArray[Any], x: float, y: float, fwhm: float = 4.0
) -> tuple[MoffatFit, npt.NDArray[np.float64]]:
    """Fit a circular Moffat plus a constant to a stamp.

    ``A (1 + r²/α²)^-β`` with ``FWHM = 2 α sqrt(2^(1/β) - 1)`` and flux ``π A α² / (β - 1)``
    (for β > 1). β is bounded to [1.01, 100]: a Gaussian star drives it to the top, where the Moffat
    is within a few tenths of a percent of a Gaussian. Returns the parameters and the model over the
    stamp; ``ellipticity`` and ``theta`` are 0 (the model is round).
    """
    background, peak = _guesses(data, x, y)
    h, w = data.shape
    beta0 = 3.0
    gamma0 = fwhm / (2.0 * math.sqrt(2.0 ** (1.0 / beta0) - 1.0))
    star = models.Moffat2D(amplitude=peak, x_0=x, y_0=y, gamma=gamma0, alpha=beta0)
    star.x_0.bounds = (-0.5, w - 0.5)
    star.y_0.bounds = (-0.5, h - 0.5)
    star.gamma.bounds = (0.05, 10 * max(w, h))
    star.alpha.bounds = (1.01, 100.0)
    fitted, converged, rms, full = _fit(star + models.Const2D(background), data)
    m, c = fitted[0], fitted[1]
    gamma, beta = abs(float(m.gamma.value)), float(m.alpha.value)
    amplitude = float(m.amplitude.value)
    fw = 2.0 * gamma * math.sqrt(2.0 ** (1.0 / beta) - 1.0)
    ok = converged and amplitude > 0 and fw < max(w, h) and math.isfinite(fw)
    result = MoffatFit(
        ok=bool(ok),
        x=float(m.x_0.value),
        y=float(m.y_0.value),
        amplitude=amplitude,
        background=float(c.amplitude.value),
        fwhm=fw,
        alpha=gamma,
        beta=beta,
        ellipticity=0.0,
        theta=0.0,
        flux=math.pi * amplitude * gamma**2 / (beta - 1.0),
        residual_rms=rms,
    )
    return result, full
