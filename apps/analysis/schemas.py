"""The shapes the analysis tools share with the front end: an image reference and a region.

A region is kept in sky coordinates where its image has a WCS (``frame: "sky"``), so it stays on its
objects in an aligned frame, and in viewer coordinates otherwise (``frame: "image"``; see
`workers.analysis`). Sizes follow the frame: pixels for ``image``, arcseconds for ``sky``. Angles are
degrees counter-clockwise: from the +x axis in ``image``, from the longitude axis (East) in ``sky``, as
astropy's ``regions`` has them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from apps.files.services import ReadPath

MAX_REGION_POINTS = 1000
MAX_REGIONS = 500

_Coordinate = Annotated[float, Field(allow_inf_nan=False)]
_Point = tuple[_Coordinate, _Coordinate]


class ImageRef(BaseModel):
    """An image as the viewer shows it: a file, its HDU (-1: the focal-plane mosaic) and a cube's plane."""

    model_config = ConfigDict(extra="forbid")

    path: ReadPath = Field(description="The image file, inside the data roots.")
    hdu: int = Field(default=0, ge=-1, le=10_000, description="The image HDU, 0-based; -1 the focal-plane mosaic.")
    plane: int = Field(default=0, ge=0, le=1_000_000, description="The plane of a cube, 0-based.")


RegionShape = Literal["circle", "ellipse", "box", "polygon", "line", "point", "text"]


class Region(BaseModel):
    """One region drawn on a viewer (or read from a region file)."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(description="Unique within its viewer.")
    shape: RegionShape
    frame: Literal["image", "sky"] = Field(
        description="image: viewer coordinates (pixels); sky: ICRS right ascension and declination in degrees."
    )
    points: Annotated[list[_Point], Field(min_length=1, max_length=MAX_REGION_POINTS)] = Field(
        description="The centre (circle, ellipse, box, point, text), the vertices (polygon) or the two ends (line)."
    )
    size: tuple[_Coordinate, _Coordinate] | None = Field(
        default=None,
        description="circle: (radius, radius); ellipse: the semi-axes; box: the full width and height. "
        "Pixels in the image frame, arcseconds in the sky frame.",
    )
    angle: _Coordinate = Field(default=0.0, description="Degrees counter-clockwise (ellipse, box).")
    text: Annotated[str, StringConstraints(max_length=200)] = Field(
        default="", description="A label, or a text region's text."
    )
    color: Annotated[str, StringConstraints(max_length=32)] = Field(
        default="", description="A CSS colour; empty: the default."
    )

    @model_validator(mode="after")
    def _well_formed(self) -> Region:
        need = {"polygon": 3, "line": 2}.get(self.shape, 1)
        if len(self.points) < need or (self.shape not in ("polygon", "line") and len(self.points) != 1):
            raise ValueError(
                f"a {self.shape} region needs {'at least ' if self.shape == 'polygon' else ''}{need} point(s)"
            )
        if self.shape in ("circle", "ellipse", "box") and (
            self.size is None or not (self.size[0] > 0 and self.size[1] > 0)
        ):
            raise ValueError(f"a {self.shape} region needs a positive size")
        return self
