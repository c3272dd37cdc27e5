"""The typed edges of the imaging endpoints: query models in, response models out.

The response models mirror the numeric core's TypedDicts (``workers.imaging``'s ``Description``,
``HduInfo``, ``Pixel``, ``CcdRef``) field for field, for the OpenAPI schema; a key the core leaves
out (``ccds`` of a plain HDU, ``ccd`` outside a mosaic) stays out of the JSON too, since the
endpoints answer with ``exclude_unset``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from apps.files.services import ReadClientPath
from workers.imaging import HduInfo

# Spelled out for the schema; a test checks them against the core's STRETCHES and FORMATS.
Stretch = Literal["linear", "log", "sqrt", "squared", "asinh", "power", "sinh", "histeq"]
TileFormat = Literal["png", "jpg", "webp", "raw"]


class QueryModel(BaseModel):
    """A query whose empty values (``hdu=``) mean "not given", as they always have."""

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data


class DescribeQuery(QueryModel):
    path: ReadClientPath = ""
    hdu: int | None = Field(None, description="The HDU to describe (-1: the mosaic); by default the first image.")
    plane: int = Field(0, description="The plane of a cube, 0-based.")


class PixelQuery(QueryModel):
    path: ReadClientPath = ""
    hdu: int = 0
    plane: int = 0
    x: float = Field(allow_inf_nan=False, description="Level-0 pixel units, 0 at the left edge.")
    y: float = Field(allow_inf_nan=False, description="Level-0 pixel units, 0 at the bottom edge.")


class SkyPixelQuery(QueryModel):
    path: ReadClientPath = ""
    hdu: int = 0
    plane: int = 0
    ra: float = Field(allow_inf_nan=False, description="ICRS right ascension in degrees.")
    dec: float = Field(allow_inf_nan=False, ge=-90, le=90, description="ICRS declination in degrees.")


class ColormapQuery(QueryModel):
    name: str = "gray"
    inv: bool = Field(False, description="Reverse the colormap.")


class TileQuery(QueryModel):
    """Which image a pyramid tile is of, and how to render it (ignored for ``raw`` tiles)."""

    path: ReadClientPath = ""
    hdu: int = 0
    plane: int = 0
    preview: bool = Field(False, description="Accept a preview of a mosaic level not built yet.")
    v: str = Field("", description="The file's identity: a URL naming the current one is cached for good.")
    stretch: Stretch = "linear"
    lo: float | None = Field(
        None, allow_inf_nan=False, description="Pixel value at the bottom of the colormap; zscale by default."
    )
    hi: float | None = Field(
        None, allow_inf_nan=False, description="Pixel value at the top of the colormap; zscale by default."
    )
    cmap: str = Field("gray", description="A matplotlib colormap name.")
    inv: bool = Field(False, description="Reverse the colormap.")


class DescriptionOut(BaseModel):
    """What the client needs to show a file; ``cuts`` and ``header`` are those of ``hdu``/``plane``."""

    path: str
    name: str
    format: Literal["fits", "raster"]
    identity: str = Field(description="Changes whenever the file changes; tile URLs carry it as v.")
    hdus: list[HduInfo]
    hdu: int
    plane: int
    cuts: dict[str, tuple[float, float]] = Field(
        description="(lo, hi) by method: minmax, zscale, zmax, p99.5, p99, p95."
    )
    header: list[str] = Field(description="The header cards of hdu, 80 characters each.")
    preview: bool = Field(description="A mosaic whose coarse tiles can be previews until it is pre-rendered.")


class ColormapOut(BaseModel):
    """The 255 RGB colours (0-255) of a colormap, for colorbars and client-side rendering."""

    name: str
    colors: list[list[int]]


class ColormapNamesOut(BaseModel):
    names: list[str]
