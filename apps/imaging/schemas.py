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


class ThumbnailQuery(QueryModel):
    path: ReadClientPath = ""
    size: int = Field(128, ge=16, le=256, description="The longest side, in pixels.")
    v: str | None = Field(
        None, max_length=64, description="Any version tag (the table's is the file's mtime): cached for a day."
    )


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


class RenderingQuery(QueryModel):
    """How to render an image's pyramid tiles: the fields a tile URL and a tile-url request share."""

    stretch: Stretch = "linear"
    lo: float | None = Field(
        None, allow_inf_nan=False, description="Pixel value at the bottom of the colormap; zscale by default."
    )
    hi: float | None = Field(
        None, allow_inf_nan=False, description="Pixel value at the top of the colormap; zscale by default."
    )
    cmap: str = Field("gray", description="A matplotlib colormap name.")
    inv: bool = Field(False, description="Reverse the colormap.")


class TileQuery(RenderingQuery):
    """Which image a pyramid tile is of, and how to render it (ignored for ``raw`` tiles)."""

    path: ReadClientPath = ""
    hdu: int = 0
    plane: int = 0
    preview: bool = Field(False, description="Accept a preview of a mosaic level not built yet.")
    v: str = Field("", description="The file's identity: a URL naming the current one is cached for good.")


class TileUrlQuery(RenderingQuery):
    """One rendering of an image's pyramid tiles, or its raw tiles, as a tile URL names it (no ``preview``:
    those use /tiles/)."""

    path: ReadClientPath = ""
    hdu: int = Field(0, description="The image's HDU (-1: the focal-plane mosaic).")
    plane: int = Field(0, ge=0, description="The plane of a cube, 0-based.")
    fmt: TileFormat = Field(
        "png", description="The tiles' format; raw: the raw tiles (float values), whatever the rendering fields say."
    )


class TileUrlOut(BaseModel):
    """Where this rendering's pyramid tiles are: a URL template, signed (checked by nginx) or /tiles/."""

    signed: bool = Field(description="The template is signed: it works until expires, then ask again.")
    template: str = Field(
        description="The tile URL with {level}, {tx} and {ty} to fill in (tile column and row, row 0 at the bottom)."
    )
    identity: str = Field(description="The file's identity the template names (the description's).")
    expires: int | None = Field(description="When a signed template stops working, Unix seconds (null: never).")
    lifetime: int | None = Field(
        description="Seconds the template holds from now (null: for good); renew it before they run out."
    )


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
    signed_tiles: bool = Field(
        description="Rendered tiles are asked through signed URLs (GET /api/imaging/tile-url), not /tiles/."
    )


class ColormapOut(BaseModel):
    """The 255 RGB colours (0-255) of a colormap, for colorbars and client-side rendering."""

    name: str
    colors: list[list[int]]


class ColormapNamesOut(BaseModel):
    names: list[str]


class OverlayIn(BaseModel):
    """A catalogue to place on an image: its table, which columns hold the positions, and the image."""

    path: ReadClientPath = Field(description="The table file.")
    table: int = Field(0, ge=0, description="The table's index in the file (0: the first).")
    ra: str | None = Field(None, max_length=1000, description="The column of right ascensions, degrees (ICRS).")
    dec: str | None = Field(None, max_length=1000, description="The column of declinations, degrees (ICRS).")
    x: str | None = Field(None, max_length=1000, description="The column of pixel x (columns), used without ra/dec.")
    y: str | None = Field(None, max_length=1000, description="The column of pixel y (rows), used without ra/dec.")
    pixel_origin: Literal[0, 1, "viewer"] | None = Field(
        None,
        description=(
            "The centre of the first pixel in x/y: 1 (FITS, SExtractor X_IMAGE), 0 (numpy, photutils xcentroid), "
            '"viewer" (0.5: viewer coordinates already, as a Toyz detection table\'s x, y); by default what the '
            "column's description declares (\"pixel origin 0.5\"), else 1 for SExtractor's *_IMAGE columns and 0."
        ),
    )
    image: ReadClientPath = Field(description="The image file the catalogue is drawn on.")
    hdu: int = Field(0, description="The image's HDU (-1: the focal-plane mosaic).")
    plane: int = Field(0, ge=0, description="The plane of a cube, 0-based.")

    @model_validator(mode="after")
    def _pairs(self) -> OverlayIn:
        if (self.ra is None) != (self.dec is None):
            raise ValueError("ra and dec go together: give both or neither")
        if (self.x is None) != (self.y is None):
            raise ValueError("x and y go together: give both or neither")
        return self


class SkyTransformQuery(QueryModel):
    path: ReadClientPath = ""
    hdu: int = Field(0, description="The image's HDU (-1: the focal-plane mosaic).")
    plane: int = Field(0, ge=0, description="The plane of a cube, 0-based.")


class SkyGridOut(BaseModel):
    """ICRS positions of an nx × ny grid of viewer points over [x0, x1] × [y0, y1] (sample (i, j) at index j·nx + i)."""

    ccd: int | None = Field(None, description="The CCD's HDU index on the mosaic (left out for a plain HDU).")
    x0: float
    y0: float
    x1: float
    y1: float
    nx: int
    ny: int
    ra: list[float | None] = Field(description="Right ascension, degrees ICRS (null: no position).")
    dec: list[float | None] = Field(description="Declination, degrees ICRS (null: no position).")


class SkyTransformOut(BaseModel):
    """The image's WCS as grids to interpolate (bilinearly, as unit vectors): none without a WCS."""

    system: Literal["icrs"] = "icrs"
    grids: list[SkyGridOut]
