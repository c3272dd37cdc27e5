"""Analysis jobs: measurements on a region or at the cursor (statistics, photometry, histogram,
radial profile and PSF fits, surface, line profile, spectrum). Quick jobs: each reads at most
16 million pixels (``workers.analysis.pixels.MAX_PIXELS``). Positions are viewer coordinates."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

from django.conf import settings
from pydantic import BaseModel, BeforeValidator, Field

from apps.analysis.schemas import ImageRef, Region
from apps.jobs.services import Coordinate, Flag, JobContext, JobParams, register
from apps.shapes import finite_number, whole_number
from workers.analysis import measure as core
from workers.analysis.profiles import radial_profile

# Bounds inside, before the validator, so that the JSON Schema shows them as minimum/maximum.
Radius = Annotated[float, Field(gt=0, le=500), BeforeValidator(finite_number)]
# An annulus of 10^308 pixels is refused as a parameter, not as a region of a 300-digit pixel count.
AnnulusRadius = Annotated[float, Field(ge=0, le=1000), BeforeValidator(finite_number)]
ProfileRadius = Annotated[float, Field(ge=2, le=100), BeforeValidator(finite_number)]
Bins = Annotated[int, Field(ge=1, le=1000), BeforeValidator(whole_number)]
Half = Annotated[int, Field(ge=1, le=100), BeforeValidator(whole_number)]
Samples = Annotated[int, Field(ge=2, le=core.MAX_SAMPLES), BeforeValidator(whole_number)]


def _clean(value: Any) -> Any:
    """NaN and ±inf (a fit that failed) become null: JSON has no such numbers."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _cleaned(result: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = _clean(result)
    return cleaned


def _where(image: ImageRef) -> dict[str, Any]:
    return {"hdu": image.hdu, "plane": image.plane}


def _cache() -> Path:
    return Path(settings.TOYZ_CACHE_DIR)


# --- parameters ---------------------------------------------------------------------------------


class RegionParams(JobParams):
    image: ImageRef
    region: Region = Field(description="A circle, ellipse, box, polygon or point region.")


class HistogramParams(RegionParams):
    bins: Bins = Field(default=64, description="Equal bins from the minimum to the maximum.")


class PhotometryParams(JobParams):
    image: ImageRef
    x: Coordinate | None = Field(default=None, description="Aperture centre, viewer x (or give a region).")
    y: Coordinate | None = Field(default=None, description="Aperture centre, viewer y.")
    radius: Radius = Field(default=5.0, description="Aperture radius, pixels.")
    annulus: tuple[AnnulusRadius, AnnulusRadius] = Field(
        default=(10.0, 15.0),
        description="Background annulus radii, pixels (added to the region's radius for a region aperture).",
    )
    recentre: Flag = Field(default=True, description="Move to the star's centroid first (circular aperture).")
    region: Region | None = Field(default=None, description="A circle, ellipse, box or polygon as the aperture.")


class PointParams(JobParams):
    image: ImageRef
    x: Coordinate = Field(description="Viewer x (level-0 pixels, 0 at the left edge).")
    y: Coordinate = Field(description="Viewer y (level-0 pixels, 0 at the bottom edge).")


class ProfileParams(PointParams):
    radius: ProfileRadius = Field(default=15.0, description="Profile radius, pixels.")
    recentre: Flag = Field(default=True, description="Move to the star's centroid first.")


class SurfaceParams(PointParams):
    half: Half = Field(default=25, description="Half-size of the square, pixels.")


class LineParams(JobParams):
    image: ImageRef
    start: tuple[Coordinate, Coordinate] = Field(description="Viewer (x, y) of the first end.")
    end: tuple[Coordinate, Coordinate] = Field(description="Viewer (x, y) of the second end.")
    samples: Samples | None = Field(
        default=None, description="Samples, ends included; by default one per pixel of length."
    )
    method: Literal["nearest", "bilinear"] = Field(
        default="nearest", description="nearest: the value of the pixel under each sample; bilinear: interpolated."
    )


# --- results ------------------------------------------------------------------------------------


class Centroid(BaseModel):
    """Flux-weighted centre of the values above the region's median, viewer coordinates (and ICRS degrees)."""

    x: float
    y: float
    ra: float | None = None
    dec: float | None = None


class CcdStats(BaseModel):
    """One CCD's share of a region that spans a gap (count 0 and no values when all of it is blank)."""

    ccd: int | None
    name: str
    count: int
    nan: int
    sum: float | None = None
    mean: float | None = None
    median: float | None = None
    std: float | None = None
    min: float | None = None
    max: float | None = None


class StatsResult(BaseModel):
    """Statistics of the finite pixels whose centres the region holds (std: population)."""

    count: int
    sum: float
    mean: float
    median: float
    std: float
    min: float
    max: float
    nan: int = Field(description="Blank (NaN/BLANK) pixels inside, left out.")
    centroid: Centroid
    per_ccd: list[CcdStats] = Field(description="On a mosaic, when the region spans CCDs; else empty.")
    note: str


class PhotometryResult(BaseModel):
    """Aperture photometry: flux above the sigma-clipped median background, its error from the background scatter."""

    x: float
    y: float
    ra: float | None
    dec: float | None
    flux: float
    flux_err: float
    background: float = Field(description="Per pixel.")
    background_std: float
    area: float = Field(description="Pixels in the aperture.")
    annulus_area: float
    snr: float | None
    mag_inst: float | None = Field(description="-2.5 log10(flux); null for flux <= 0.")
    note: str


class HistogramResult(BaseModel):
    edges: list[float]
    counts: list[int]
    log_counts: list[float] = Field(description="log10(1 + count).")
    nan: int
    note: str


class GaussianOut(BaseModel):
    """Elliptical Gaussian fit: FWHM in pixels (arcsec with a WCS), theta degrees CCW from +x."""

    ok: bool
    x: float | None
    y: float | None
    amplitude: float | None
    background: float | None
    fwhm: float | None
    fwhm_arcsec: float | None
    fwhm_major: float | None
    fwhm_minor: float | None
    ellipticity: float | None
    theta: float | None
    flux: float | None
    residual_rms: float | None


class MoffatOut(BaseModel):
    """Circular Moffat fit: alpha the core width (pixels), beta the power index."""

    ok: bool
    x: float | None
    y: float | None
    amplitude: float | None
    background: float | None
    fwhm: float | None
    fwhm_arcsec: float | None
    alpha: float | None
    beta: float | None
    ellipticity: float | None
    theta: float | None
    flux: float | None
    residual_rms: float | None


class Stamp(BaseModel):
    """The fitted square, row-major from the bottom row; null for blank pixels."""

    x0: int
    y0: int
    width: int
    height: int
    data: list[float | None]
    model: list[float | None]
    residual: list[float | None]
    fit: Literal["gaussian", "moffat"]


class ProfileResult(BaseModel):
    """Radial profile (one point per pixel), curve of growth and PSF fits of the star at (x, y)."""

    x: float
    y: float
    ra: float | None
    dec: float | None
    radii: list[float]
    values: list[float]
    background: float | None
    growth_radii: list[float]
    growth_flux: list[float | None]
    pixel_scale: float | None = Field(description="Arcseconds per pixel; null without WCS.")
    gaussian: GaussianOut
    moffat: MoffatOut
    stamp: Stamp


class SurfaceResult(BaseModel):
    x0: int
    y0: int
    width: int
    height: int
    values: list[float | None] = Field(description="Row-major from the bottom row; null for blank or off the image.")


class LineResult(BaseModel):
    distance: list[float]
    values: list[float | None]
    x: list[float]
    y: list[float]
    method: Literal["nearest", "bilinear"]


class SpectralAxis(BaseModel):
    name: str
    unit: str
    values: list[float]


class SpectrumResult(BaseModel):
    x: float
    y: float
    ra: float | None
    dec: float | None
    planes: list[int]
    values: list[float | None]
    axis: SpectralAxis | None


# --- the jobs -----------------------------------------------------------------------------------


@register(
    "analysis.stats",
    "Statistics of a region: count, sum, mean, median, std, min, max, blank pixels, centroid; per CCD on a mosaic.",
    params=RegionParams,
    result=StatsResult,
)
def stats(ctx: JobContext, params: RegionParams) -> dict[str, Any]:
    return _cleaned(
        core.region_stats(
            params.image.path.real, **_where(params.image), region=params.region.model_dump(), cache_dir=_cache()
        )
    )


@register(
    "analysis.photometry",
    "Aperture photometry at (x, y) or in a region, with a background annulus.",
    params=PhotometryParams,
    result=PhotometryResult,
)
def photometry(ctx: JobContext, params: PhotometryParams) -> dict[str, Any]:
    return _cleaned(
        core.photometry(
            params.image.path.real,
            **_where(params.image),
            x=params.x,
            y=params.y,
            radius=params.radius,
            annulus=params.annulus,
            recentre_star=params.recentre,
            region=None if params.region is None else params.region.model_dump(),
            cache_dir=_cache(),
        )
    )


@register(
    "analysis.histogram",
    "Histogram of the values in a region.",
    params=HistogramParams,
    result=HistogramResult,
)
def histogram(ctx: JobContext, params: HistogramParams) -> dict[str, Any]:
    return _cleaned(
        core.histogram(
            params.image.path.real,
            **_where(params.image),
            region=params.region.model_dump(),
            bins=params.bins,
            cache_dir=_cache(),
        )
    )


@register(
    "analysis.profile",
    "Radial profile, curve of growth and Gaussian/Moffat fits of the star at (x, y).",
    params=ProfileParams,
    result=ProfileResult,
)
def profile(ctx: JobContext, params: ProfileParams) -> dict[str, Any]:
    return _cleaned(
        radial_profile(
            params.image.path.real,
            **_where(params.image),
            x=params.x,
            y=params.y,
            radius=params.radius,
            recentre_star=params.recentre,
            cache_dir=_cache(),
        )
    )


@register(
    "analysis.surface",
    "The pixels of a square around (x, y), for a surface plot.",
    params=SurfaceParams,
    result=SurfaceResult,
)
def surface(ctx: JobContext, params: SurfaceParams) -> dict[str, Any]:
    return _cleaned(
        core.surface(
            params.image.path.real, **_where(params.image), x=params.x, y=params.y, half=params.half, cache_dir=_cache()
        )
    )


@register(
    "analysis.line",
    "Values along a segment (a row or column cut, or a line region).",
    params=LineParams,
    result=LineResult,
)
def line(ctx: JobContext, params: LineParams) -> dict[str, Any]:
    return _cleaned(
        core.line_profile(
            params.image.path.real,
            **_where(params.image),
            start=params.start,
            end=params.end,
            samples=params.samples,
            method=params.method,
            cache_dir=_cache(),
        )
    )


@register(
    "analysis.spectrum",
    "The values of the pixel at (x, y) through every plane of a cube, with the spectral axis from the WCS.",
    params=PointParams,
    result=SpectrumResult,
)
def spectrum(ctx: JobContext, params: PointParams) -> dict[str, Any]:
    return _cleaned(core.spectrum(params.image.path.real, **_where(params.image), x=params.x, y=params.y))
