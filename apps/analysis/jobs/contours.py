"""Analysis jobs: contours of an image, or of another image aligned to it by WCS."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.conf import settings
from pydantic import BaseModel, Field

from apps.analysis.schemas import ImageRef
from apps.jobs.services import Coordinate, JobContext, JobParams, Number, Whole, register
from workers.analysis.contours import (
    DEFAULT_DETAIL,
    DEFAULT_MIN_LENGTH,
    DEFAULT_SMOOTH,
    MAX_LEVELS,
    MAX_POINTS,
    MAX_WORK_PIXELS,
    contours,
)


class ContoursParams(JobParams):
    image: ImageRef = Field(description="The image the contours are drawn on.")
    levels: Annotated[list[Number], Field(min_length=1, max_length=MAX_LEVELS)] | None = Field(
        default=None, description="The levels in pixel units; by default `count` levels between `limits`."
    )
    count: Annotated[Whole, Field(ge=1, le=MAX_LEVELS)] = Field(default=7, description="How many levels.")
    scale: Literal["linear", "log", "sqrt"] = Field(
        default="linear", description="How the levels are spaced between the limits (as the display's stretch)."
    )
    limits: tuple[Number, Number] | None = Field(
        default=None, description="Lowest and highest level; by default the contoured image's zscale cut levels."
    )
    smooth: Annotated[Number, Field(ge=0, le=100)] = Field(
        default=DEFAULT_SMOOTH, description="Gaussian smoothing sigma in pixels (0: none); removes noise contours."
    )
    detail: Annotated[Whole, Field(ge=10_000, le=MAX_WORK_PIXELS)] = Field(
        default=DEFAULT_DETAIL,
        description="The most pixels contoured: the image (or box) is binned to fit. More is finer and slower.",
    )
    min_length: Annotated[Number, Field(ge=0, le=10_000)] = Field(
        default=DEFAULT_MIN_LENGTH, description="Leave out paths shorter than this, in pixels (0: keep all)."
    )
    of: ImageRef | None = Field(
        default=None, description="Contour this other image instead, placed on `image` through both WCSs."
    )
    box: tuple[Coordinate, Coordinate, Coordinate, Coordinate] | None = Field(
        default=None, description="Only within (xmin, ymin, xmax, ymax), viewer coordinates of `image`."
    )


class ContourPathOut(BaseModel):
    """One contour line: flat viewer coordinates [x0, y0, x1, y1, ...] of the image."""

    level: float
    closed: bool
    xy: list[float]


class ContoursResult(BaseModel):
    """The levels and the paths, with what was done to keep the work bounded."""

    levels: list[float]
    paths: list[ContourPathOut]
    points: int = Field(description=f"Vertices in all (at most {MAX_POINTS}).")
    binned: int = Field(description="The binning factor the contours were computed at (1: full resolution).")
    smooth: float
    dropped: int = Field(description="Small paths left out to stay under the point limit.")
    short: int = Field(default=0, description="Paths left out as shorter than `min_length`.")
    note: str = Field(description="What was binned or left out, in a sentence; empty when nothing was.")


@register(
    "analysis.contours",
    "Contour lines of an image (or of another image aligned to it by WCS), in the image's viewer coordinates.",
    params=ContoursParams,
    result=ContoursResult,
)
def contours_job(ctx: JobContext, params: ContoursParams) -> dict[str, Any]:
    image, of = params.image, params.of
    result = contours(
        image.path.real,
        hdu=image.hdu,
        plane=image.plane,
        levels=None if params.levels is None else list(params.levels),
        count=params.count,
        scale=params.scale,
        limits=params.limits,
        smooth=params.smooth,
        detail=params.detail,
        min_length=params.min_length,
        box=params.box,
        of=None if of is None else (of.path.real, of.hdu, of.plane),
        cache_dir=settings.TOYZ_CACHE_DIR,
    )
    return dict(result)
