"""Source detection: a sigma-clipped background, then the connected pixels above a threshold.

Two detectors share one background (photutils' ``Background2D``): sep (SExtractor's C core; the
default, several times faster at the same completeness — see docs/architecture.md "Source detection")
and photutils' ``detect_sources`` / ``deblend_sources`` / ``SourceCatalog``. :func:`detect` works on one
array; :func:`pieces` and :func:`detect_piece` cut an image (a plain HDU, a focal-plane mosaic or a box of
either) into per-CCD pieces, each detected on its own (in parallel, by the job) and placed in viewer
coordinates, and :func:`merge` joins them into one table.

Pixel conventions: the array functions use numpy's 0-based pixel centres (``data[j, i]`` is centred on
``(i, j)``, x the column); the rows they return carry ``x``/``y`` in viewer coordinates (pixel ``(i, j)``
covers ``[i, i+1) × [j, j+1)``), ``x_image``/``y_image`` in 1-based FITS pixels of the CCD's HDU.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError
from workers.imaging.describe import select_view
from workers.imaging.mosaic import Mosaic
from workers.imaging.reading import opened, read_region, select_plane

FloatArray = npt.NDArray[np.float64]
Method = Literal["sep", "photutils"]

#: The columns of a detection table, in order (the contract's).
COLUMNS: Final = (
    "id", "label", "x", "y", "x_image", "y_image", "ccd", "ra", "dec", "flux", "flux_err", "background",
    "peak", "area", "fwhm", "a", "b", "theta", "ellipticity", "flags",
)  # fmt: skip
#: The most pixels one piece may have: a DECam CCD is 8.4 M; float64 work arrays cost ~10× that in bytes.
MAX_PIECE_PIXELS: Final = 40_000_000
#: Gaussian FWHM (pixels) of the smoothing kernel both detectors match the image with.
FILTER_FWHM: Final = 2.5
_SIGMA_TO_FWHM: Final = 2.0 * math.sqrt(2.0 * math.log(2.0))
#: sep's pixel stack for deblending; DECam-size CCDs of crowded fields overflow the default.
_SEP_PIXSTACK: Final = 3_000_000


@dataclass(frozen=True)
class Settings:
    """What to detect: threshold in sigma of the background RMS, minimum area (pixels), deblending,
    the background's box size (pixels) and the detector."""

    threshold: float = 3.0
    min_area: int = 5
    deblend: bool = True
    box_size: int = 64
    method: Method = "sep"

    def check(self) -> None:
        """Raise ToyzError ``bad_params`` for values no detection can use."""
        if not (math.isfinite(self.threshold) and self.threshold > 0):
            raise ToyzError("bad_params", f"The threshold must be a positive number of sigma, not {self.threshold}.")
        if self.min_area < 1:
            raise ToyzError("bad_params", f"The minimum area must be at least 1 pixel, not {self.min_area}.")
        if self.box_size < 4:
            raise ToyzError("bad_params", f"The background box must be at least 4 pixels, not {self.box_size}.")
        if self.method not in ("sep", "photutils"):
            raise ToyzError("bad_params", f"The detector is sep or photutils, not {self.method!r}.")


def _background(data: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_], box: int) -> tuple[Any, Any]:
    """The 2D background and its RMS (photutils, 3-sigma clipped medians in boxes of `box` pixels)."""
    from astropy.stats import SigmaClip
    from photutils.background import Background2D, MedianBackground, StdBackgroundRMS

    height, width = data.shape
    box_shape = (max(1, min(box, height)), max(1, min(box, width)))
    try:
        bkg = Background2D(
            data,
            box_shape,
            filter_size=(3, 3),
            sigma_clip=SigmaClip(sigma=3.0, maxiters=5),
            bkg_estimator=MedianBackground(),
            bkg_rms_estimator=StdBackgroundRMS(),
            coverage_mask=mask,
            fill_value=0.0,
            exclude_percentile=50.0,
        )
    except ValueError as exc:
        raise ToyzError("no_data", f"Too few valid pixels to estimate the background: {exc}") from None
    return bkg.background, bkg.background_rms


def _kernel(min_size: int) -> Any:
    from photutils.segmentation import make_2dgaussian_kernel

    size = max(3, min(min_size | 1, 2 * round(FILTER_FWHM) + 1))
    return make_2dgaussian_kernel(FILTER_FWHM, size=size)


def _empty() -> dict[str, FloatArray]:
    keys = ("x", "y", "flux", "flux_err", "background", "peak", "area", "fwhm", "a", "b", "theta", "flags")
    return {k: np.zeros(0) for k in keys}


def _with_sep(
    sub: FloatArray, rms: FloatArray, bkg: FloatArray, mask: npt.NDArray[np.bool_], s: Settings
) -> dict[str, FloatArray]:
    import sep

    sep.set_extract_pixstack(_SEP_PIXSTACK)
    sep.set_sub_object_limit(4096)
    kernel = np.ascontiguousarray(_kernel(min(sub.shape)).array, dtype=np.float64)
    try:
        objects = sep.extract(
            np.ascontiguousarray(sub, dtype=np.float64),
            s.threshold,
            err=np.ascontiguousarray(rms, dtype=np.float64),
            mask=np.ascontiguousarray(mask),
            minarea=s.min_area,
            filter_kernel=kernel,
            filter_type="matched",
            deblend_nthresh=32,
            deblend_cont=0.005 if s.deblend else 1.0,
            clean=True,
        )
    except Exception as exc:  # sep raises plain Exception for its buffer limits
        raise ToyzError(
            "too_large", f"Too many connected pixels for the detector ({exc}); raise the threshold."
        ) from None
    if len(objects) == 0:
        return _empty()
    x, y = objects["x"].astype(np.float64), objects["y"].astype(np.float64)
    a, b = objects["a"].astype(np.float64), objects["b"].astype(np.float64)
    iy = np.clip(np.rint(y).astype(np.int64), 0, sub.shape[0] - 1)
    ix = np.clip(np.rint(x).astype(np.int64), 0, sub.shape[1] - 1)
    npix = objects["npix"].astype(np.float64)
    # The isophotal flux's error: the RMS at the centre over the object's pixels (sep keeps no per-pixel sum).
    flux_err = rms[iy, ix] * np.sqrt(npix)
    sigma = np.sqrt((objects["x2"] + objects["y2"]) / 2.0)
    return {
        "x": x,
        "y": y,
        "flux": objects["flux"].astype(np.float64),
        "flux_err": flux_err,
        "background": bkg[iy, ix].astype(np.float64),
        "peak": objects["peak"].astype(np.float64),
        "area": npix,
        "fwhm": _SIGMA_TO_FWHM * sigma,
        "a": a,
        "b": b,
        "theta": np.degrees(objects["theta"].astype(np.float64)),
        "flags": objects["flag"].astype(np.float64),
    }


def _with_photutils(
    sub: FloatArray, rms: FloatArray, bkg: FloatArray, mask: npt.NDArray[np.bool_], s: Settings
) -> dict[str, FloatArray]:
    from astropy.convolution import convolve
    from photutils.segmentation import SourceCatalog, deblend_sources, detect_sources

    if s.deblend:
        try:
            import skimage  # noqa: F401  (photutils' deblending uses its watershed)
        except ImportError:
            raise ToyzError(
                "unsupported",
                "photutils' deblending needs scikit-image, which is not installed: use sep, or no deblending.",
            ) from None

    convolved = convolve(sub, _kernel(min(sub.shape)), mask=mask, normalize_kernel=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no sources found" is an answer, not a warning
        segm = detect_sources(convolved, s.threshold * rms, npixels=s.min_area, mask=mask)
        if segm is None:
            return _empty()
        if s.deblend:
            segm = deblend_sources(convolved, segm, npixels=s.min_area, nlevels=32, contrast=0.005, progress_bar=False)
        cat = SourceCatalog(
            sub, segm, convolved_data=convolved, error=rms, mask=mask, background=bkg, progress_bar=False
        )
        x, y = np.asarray(cat.xcentroid, dtype=np.float64), np.asarray(cat.ycentroid, dtype=np.float64)
        a = np.asarray(cat.semimajor_sigma.value, dtype=np.float64)
        b = np.asarray(cat.semiminor_sigma.value, dtype=np.float64)
        return {
            "x": x,
            "y": y,
            "flux": np.asarray(cat.segment_flux, dtype=np.float64),
            "flux_err": np.asarray(cat.segment_fluxerr, dtype=np.float64),
            "background": np.asarray(cat.background_centroid, dtype=np.float64),
            "peak": np.asarray(cat.max_value, dtype=np.float64),
            "area": np.asarray(cat.area.value, dtype=np.float64),
            "fwhm": np.asarray(cat.fwhm.value, dtype=np.float64),
            "a": a,
            "b": b,
            "theta": np.asarray(cat.orientation.value, dtype=np.float64),
            "flags": np.zeros(x.size),
        }


def detect(
    data: npt.ArrayLike,
    wcs: Any = None,
    *,
    threshold: float = 3.0,
    min_area: int = 5,
    deblend: bool = True,
    box_size: int = 64,
    method: Method = "sep",
) -> dict[str, FloatArray]:
    """Detect sources in one image array.

    Parameters
    ----------
    data : array_like
        The image, ``data[y, x]`` (rows = y). NaN and infinite pixels are masked (no data).
    wcs : astropy.wcs.WCS or None
        The celestial WCS of `data`'s own 0-based array pixels; gives ``ra``/``dec``.
    threshold : float
        Detection threshold, in sigma of the local background RMS (> 0), on the smoothed image.
    min_area : int
        Minimum number of connected pixels above the threshold.
    deblend : bool
        Split blended sources (multi-threshold deblending, 32 levels, contrast 0.005).
    box_size : int
        Side (pixels) of the boxes of the sigma-clipped background mesh.
    method : {"sep", "photutils"}
        The detector.

    Returns
    -------
    dict of numpy.ndarray
        One float64 array per quantity, one entry per source: ``x``, ``y`` (0-based array pixel
        centroids, numpy's convention), ``flux`` and ``flux_err`` (isophotal, counts above the
        background), ``background`` (per pixel, at the centroid), ``peak`` (above the background),
        ``area`` (pixels), ``fwhm``, ``a``, ``b`` (pixels; a, b the semi-axes' sigmas), ``theta``
        (degrees CCW from +x), ``ellipticity`` (1 - b/a), ``flags`` (sep's; 0 for photutils), and
        ``ra``, ``dec`` (degrees; NaN without `wcs`).

    Raises
    ------
    ToyzError
        ``bad_params`` for a threshold ≤ 0, an area < 1, a box < 4 or an unknown method;
        ``no_data`` when the array has no valid pixel (or too few for a background).
    """
    settings = Settings(float(threshold), int(min_area), bool(deblend), int(box_size), method)
    settings.check()
    image = np.asarray(data, dtype=np.float32)
    if image.ndim != 2 or image.size == 0:
        raise ToyzError("bad_params", f"Detection needs a 2-D image, not an array of shape {image.shape}.")
    mask = ~np.isfinite(image)
    if mask.all():
        raise ToyzError("no_data", "There is no valid pixel here (all NaN): nothing to detect.")
    image = np.where(mask, np.float32(0.0), image)
    bkg, rms = _background(image, mask, settings.box_size)
    rms = np.where(np.isfinite(rms) & (rms > 0), rms, np.nan)
    if not np.isfinite(rms).any():
        raise ToyzError("no_data", "The background has no noise here (a constant image): nothing to detect.")
    rms = np.where(np.isfinite(rms), rms, np.nanmedian(rms))
    sub = (image - bkg).astype(np.float64)
    sub[mask] = 0.0
    run = _with_sep if settings.method == "sep" else _with_photutils
    rows = run(sub, np.asarray(rms, dtype=np.float64), np.asarray(bkg, dtype=np.float64), mask, settings)
    good = np.isfinite(rows["x"]) & np.isfinite(rows["y"])
    rows = {k: v[good] for k, v in rows.items()}
    with np.errstate(invalid="ignore", divide="ignore"):
        rows["ellipticity"] = np.where(rows["a"] > 0, 1.0 - rows["b"] / rows["a"], np.nan)
    rows["ra"], rows["dec"] = _sky(wcs, rows["x"], rows["y"])
    return rows


def _sky(wcs: Any, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    if wcs is None or x.size == 0:
        return np.full(x.size, np.nan), np.full(x.size, np.nan)
    try:
        ra, dec = wcs.all_pix2world(x, y, 0)
    except Exception:  # a WCS that cannot place some pixels (far side of a projection) gives no sky position
        return np.full(x.size, np.nan), np.full(x.size, np.nan)
    return np.asarray(ra, dtype=np.float64), np.asarray(dec, dtype=np.float64)


# --- pieces of an image ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """The part of one HDU detection reads: its data section (0-based HDU pixels, end exclusive) and where
    it goes in the viewer (``x0``, ``y0``: the viewer point of the section's lower-left corner; flips)."""

    hdu: int
    name: str
    ccd: int  # the HDU on a mosaic, -1 for a plain image
    cols: tuple[int, int]
    rows: tuple[int, int]
    x0: float
    y0: float
    flip_x: bool = False
    flip_y: bool = False

    @property
    def pixels(self) -> int:
        return (self.cols[1] - self.cols[0]) * (self.rows[1] - self.rows[0])


def pieces(path: Path, *, hdu: int, plane: int, box: tuple[float, float, float, float] | None = None) -> list[Piece]:
    """The pieces of an image that detection runs on, one per CCD (one for a plain HDU).

    Parameters
    ----------
    path : Path
        The image file.
    hdu, plane : int
        The image as the viewer shows it (``hdu`` -1: the focal-plane mosaic).
    box : tuple of float or None
        ``(xmin, ymin, xmax, ymax)`` in viewer coordinates: only the CCDs it touches, cut to it.

    Raises
    ------
    ToyzError
        ``bad_region`` when the box misses the image (or every CCD), ``too_large`` for a piece beyond
        :data:`MAX_PIECE_PIXELS`; ``bad_hdu``, ``bad_plane``, ``not_found`` as for any image.
    """
    with opened(path) as f:
        view = select_view(f, hdu, plane)
        if isinstance(view, Mosaic):
            placed = [(c.hdu, c.name, c.hdu, c.data, c.x0, c.y0, c.flip_x, c.flip_y) for c in view.ccds]
        else:
            placed = [(hdu, "", -1, (0, view.width, 0, view.height), 0, 0, False, False)]
        width, height = view.width, view.height
    out: list[Piece] = []
    for index, name, ccd, (dx0, dx1, dy0, dy1), x0, y0, fx, fy in placed:
        vx = (float(x0), float(x0 + dx1 - dx0))
        vy = (float(y0), float(y0 + dy1 - dy0))
        if box is not None:
            bx0, by0, bx1, by1 = box
            lo_x, hi_x = max(vx[0], math.floor(bx0)), min(vx[1], math.ceil(bx1))
            lo_y, hi_y = max(vy[0], math.floor(by0)), min(vy[1], math.ceil(by1))
            if hi_x - lo_x < 1 or hi_y - lo_y < 1:
                continue
            # Viewer → HDU columns/rows, through the placement's flips.
            c0, c1 = _to_hdu(lo_x, hi_x, vx[0], dx0, dx1, fx)
            r0, r1 = _to_hdu(lo_y, hi_y, vy[0], dy0, dy1, fy)
            out.append(Piece(index, name, ccd, (c0, c1), (r0, r1), lo_x, lo_y, fx, fy))
        else:
            out.append(Piece(index, name, ccd, (dx0, dx1), (dy0, dy1), vx[0], vy[0], fx, fy))
    if not out:
        if box is not None and (box[2] <= 0 or box[3] <= 0 or box[0] >= width or box[1] >= height):
            raise ToyzError("bad_region", "That region lies off the image: there is nothing to detect in it.")
        raise ToyzError("bad_region", "That region falls in the gaps between CCDs: there is nothing to detect in it.")
    for piece in out:
        if piece.pixels > MAX_PIECE_PIXELS:
            raise ToyzError(
                "too_large",
                f"{piece.name or 'The image'} has {piece.pixels / 1e6:.0f} M pixels; detection takes at most "
                f"{MAX_PIECE_PIXELS / 1e6:.0f} M at once. Select a region.",
            )
    return out


def _to_hdu(lo: float, hi: float, v0: float, d0: int, d1: int, flip: bool) -> tuple[int, int]:
    a, b = int(lo - v0), int(hi - v0)
    return (d1 - b, d1 - a) if flip else (d0 + a, d0 + b)


def detect_piece(path: Path, piece: Piece, *, plane: int, settings: Settings) -> dict[str, FloatArray]:
    """Read one piece and detect in it; rows as :func:`detect`'s plus ``x``, ``y`` in viewer coordinates,
    ``x_image``, ``y_image`` (1-based FITS pixels of the HDU) and ``ccd``.

    Raises
    ------
    ToyzError
        As :func:`detect`; ``no_data`` names the CCD.
    """
    c0, c1 = piece.cols
    r0, r1 = piece.rows
    with opened(path) as f:
        data = read_region(f, select_plane(f, piece.hdu, 0 if piece.ccd >= 0 else plane), r0, r1, c0, c1)
        with f.lock:
            wcs = f.celestial_wcs(piece.hdu)
            wcs = None if wcs is None else wcs.deepcopy()
    try:
        rows = detect(
            data,
            None,
            threshold=settings.threshold,
            min_area=settings.min_area,
            deblend=settings.deblend,
            box_size=settings.box_size,
            method=settings.method,
        )
    except ToyzError as exc:
        if piece.name and exc.code == "no_data":
            raise ToyzError(exc.code, f"{piece.name}: {exc.message}") from None
        raise
    hx, hy = rows["x"] + c0, rows["y"] + r0  # 0-based HDU pixel centres
    rows["x_image"], rows["y_image"] = hx + 1.0, hy + 1.0
    rows["ra"], rows["dec"] = _sky(wcs, hx, hy)
    u = c1 - (hx + 0.5) if piece.flip_x else hx + 0.5 - c0
    v = r1 - (hy + 0.5) if piece.flip_y else hy + 0.5 - r0
    rows["x"], rows["y"] = piece.x0 + u, piece.y0 + v
    rows["ccd"] = np.full(hx.size, float(piece.ccd))
    return rows


def merge(parts: list[tuple[Piece, dict[str, FloatArray]]]) -> dict[str, npt.NDArray[Any]]:
    """Join per-piece rows into one table (columns :data:`COLUMNS`), numbered from 1 in piece order,
    labelled ``<CCD name>-<n>`` on a mosaic and ``<n>`` otherwise."""
    keys = [c for c in COLUMNS if c not in ("id", "label")]
    merged: dict[str, npt.NDArray[Any]] = {
        k: np.concatenate([rows[k] for _, rows in parts] or [np.zeros(0)]) for k in keys
    }
    n = merged["x"].size
    merged["id"] = np.arange(1, n + 1, dtype=np.int64)
    labels: list[str] = []
    for piece, rows in parts:
        count, start = rows["x"].size, len(labels)
        # `start` taken first: extend() grows the list while it consumes the generator.
        labels.extend(f"{piece.name}-{i + 1}" if piece.name else str(start + i + 1) for i in range(count))
    merged["label"] = np.array(labels, dtype=str) if labels else np.zeros(0, dtype="<U1")
    merged["ccd"] = merged["ccd"].astype(np.int64)
    merged["flags"] = merged["flags"].astype(np.int64)
    return {k: merged[k] for k in COLUMNS}


def detect_image(
    path: Path,
    *,
    hdu: int,
    plane: int,
    settings: Settings,
    box: tuple[float, float, float, float] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[dict[str, npt.NDArray[Any]], list[dict[str, Any]]]:
    """Detect on every piece of an image one after the other (the job runs them in parallel); return the
    merged table and per-piece summaries ``{ccd, name, rows, seconds}``."""
    settings.check()
    parts = pieces(path, hdu=hdu, plane=plane, box=box)
    done: list[tuple[Piece, dict[str, FloatArray]]] = []
    summary: list[dict[str, Any]] = []
    for index, piece in enumerate(parts):
        if progress is not None:
            progress(index, len(parts), piece.name)
        start = time.perf_counter()
        rows = detect_piece(path, piece, plane=plane, settings=settings)
        done.append((piece, rows))
        summary.append(piece_summary(piece, rows, time.perf_counter() - start))
    return merge(done), summary


def piece_summary(piece: Piece, rows: dict[str, FloatArray], seconds: float) -> dict[str, Any]:
    """What the job reports of one piece."""
    return {"ccd": piece.ccd, "name": piece.name, "rows": int(rows["x"].size), "seconds": round(seconds, 3)}


# --- regions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """A region in viewer coordinates: shape, points (pixels), size (pixels: radii, semi-axes, or box width and
    height) and angle (degrees CCW from +x)."""

    shape: str
    points: FloatArray  # (n, 2)
    size: tuple[float, float] | None
    angle: float

    def box(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` holding the area."""
        if self.shape == "polygon":
            lo, hi = self.points.min(axis=0), self.points.max(axis=0)
            return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])
        cx, cy = self.points[0]
        w, h = self.size or (0.0, 0.0)
        if self.shape == "box":
            w, h = w / 2, h / 2
        t = math.radians(self.angle)
        c, s = abs(math.cos(t)), abs(math.sin(t))
        if self.shape == "box":
            dx, dy = w * c + h * s, w * s + h * c
        else:  # an ellipse's exact extent along x and y
            dx = math.hypot(w * math.cos(t), h * math.sin(t))
            dy = math.hypot(w * math.sin(t), h * math.cos(t))
        return float(cx - dx), float(cy - dy), float(cx + dx), float(cy + dy)

    def contains(self, x: FloatArray, y: FloatArray) -> npt.NDArray[np.bool_]:
        """Which viewer points lie inside the area."""
        if self.shape == "polygon":
            from matplotlib.path import Path as Polygon

            return np.asarray(Polygon(self.points).contains_points(np.c_[x, y]), dtype=bool)
        cx, cy = self.points[0]
        w, h = self.size or (1.0, 1.0)
        t = math.radians(self.angle)
        u = (x - cx) * math.cos(t) + (y - cy) * math.sin(t)
        v = -(x - cx) * math.sin(t) + (y - cy) * math.cos(t)
        if self.shape == "box":
            return np.asarray((np.abs(u) <= w / 2) & (np.abs(v) <= h / 2))
        return np.asarray((u / w) ** 2 + (v / h) ** 2 <= 1.0)


def area_of(
    path: Path,
    *,
    hdu: int,
    plane: int,
    shape: str,
    frame: str,
    points: list[tuple[float, float]],
    size: tuple[float, float] | None,
    angle: float,
) -> Area:
    """A region (the contract's ``Region`` fields) in viewer coordinates of the image.

    Sky regions (points ICRS degrees, sizes arcsec, angle from East) are placed with the image's WCS; sizes use
    the local pixel scale at the centre.

    Raises
    ------
    ToyzError
        ``bad_region`` for a shape with no area (line, point, text) or a sky region that falls off the image;
        ``unsupported`` for a sky region on an image without WCS.
    """
    if shape not in ("circle", "ellipse", "box", "polygon"):
        raise ToyzError(
            "bad_region", f"Detection needs a region with an area (circle, ellipse, box, polygon), not a {shape}."
        )
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if frame == "image":
        return Area(shape, pts, size, angle)
    from workers.imaging.project import world_to_viewer

    step = 1.0 / 3600.0  # 1 arcsec: the local scale and the direction of East, by finite differences
    ra0, dec0 = pts[0]
    cos_dec = max(math.cos(math.radians(dec0)), 1e-6)
    probe_ra = np.r_[pts[:, 0], ra0 + step / cos_dec, ra0]
    probe_dec = np.r_[pts[:, 1], dec0, dec0 + step]
    placed = world_to_viewer(path, hdu=hdu, plane=plane, ra=probe_ra, dec=probe_dec)
    vx, vy = placed.x, placed.y
    if not np.isfinite(vx).all():
        raise ToyzError("bad_region", "That region lies (partly) off the image or in a gap between CCDs.")
    n = pts.shape[0]
    east = (vx[n] - vx[0], vy[n] - vy[0])
    north = (vx[n + 1] - vx[0], vy[n + 1] - vy[0])
    scale = (math.hypot(*east) + math.hypot(*north)) / 2  # pixels per arcsec
    image_angle = angle + math.degrees(math.atan2(east[1], east[0]))
    image_size = None if size is None else (size[0] * scale, size[1] * scale)
    return Area(shape, np.c_[vx[:n], vy[:n]], image_size, image_angle)
