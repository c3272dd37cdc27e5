"""The coordinate grid over a view of an image: ``GET /api/analysis/grid``.

A cacheable GET: its ETag names the file's identity (size, modification time) and the query, so a
viewer panning back over a box it has seen revalidates without the grid being traced again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Literal

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from pydantic import BaseModel, Field

from apps.files.services import ReadClientPath
from apps.http import ERROR_RESPONSES
from apps.imaging.services import open_image
from workers.analysis.grid import coordinate_grid
from workers.errors import ToyzError
from workers.imaging import file_identity

logger = logging.getLogger(__name__)
router = Router(tags=["analysis"])


class GridQuery(BaseModel):
    path: ReadClientPath = Field(description="The image file.")
    hdu: int = Field(0, ge=-1, le=10_000, description="The HDU, 0-based; -1 the focal-plane mosaic.")
    plane: int = Field(0, ge=0, le=1_000_000, description="The plane of a cube.")
    x0: float = Field(allow_inf_nan=False, description="The view box's left edge, viewer coordinates.")
    y0: float = Field(allow_inf_nan=False, description="Its bottom edge.")
    x1: float = Field(allow_inf_nan=False, description="Its right edge.")
    y1: float = Field(allow_inf_nan=False, description="Its top edge.")
    system: Literal["icrs", "galactic"] = Field("icrs", description="RA/Dec (ICRS) or galactic l/b.")
    format: Literal["sexagesimal", "degrees"] = Field("sexagesimal", description="How labels and steps read.")


class GridLabelOut(BaseModel):
    """Where a line's label goes: a viewer point, the box edge it meets (or ``inside``), the line's direction there."""

    x: float
    y: float
    edge: str
    angle: float = Field(description="Degrees counter-clockwise from +x, pointing into the box.")


class GridLineOut(BaseModel):
    """A meridian (``lon``) or parallel (``lat``): its pieces as flat viewer coordinates [x0, y0, x1, y1, ...]."""

    axis: Literal["lon", "lat"]
    value: float = Field(description="Degrees.")
    label: str
    paths: list[list[float]]
    label_at: GridLabelOut | None


class GridOut(BaseModel):
    """The grid over a view box: its system, format, steps (degrees) and lines."""

    identity: str
    system: Literal["icrs", "galactic"]
    format: Literal["sexagesimal", "degrees"]
    lon_step: float
    lat_step: float
    lines: list[GridLineOut]


@router.get(
    "/grid",
    response={200: GridOut, 304: None, **ERROR_RESPONSES},
    url_name="analysis-grid",
)
async def grid(request: HttpRequest, query: Query[GridQuery]) -> HttpResponse:
    """RA/Dec (or galactic) grid lines over a box of the image, each with its label and where it goes."""
    image = await sync_to_async(open_image)(request.auth, query.path)  # type: ignore[attr-defined]
    # After the read check, so that a refusal never depends on the other parameters.
    if query.x1 <= query.x0 or query.y1 <= query.y0:
        raise ToyzError("bad_params", "The view box needs x1 > x0 and y1 > y0.")
    if_none_match = request.headers.get("If-None-Match")

    def work() -> tuple[str, bytes | None]:
        identity = file_identity(image.real)
        key = f"{identity}|{query.model_dump_json()}"
        etag = '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'
        # A revalidation whose ETag still holds is answered before anything is traced.
        if if_none_match == etag:
            return etag, None
        found = coordinate_grid(
            image.real,
            hdu=query.hdu,
            plane=query.plane,
            box=(query.x0, query.y0, query.x1, query.y1),
            system=query.system,
            fmt=query.format,
        )
        return etag, json.dumps(GridOut.model_validate(found).model_dump(mode="json")).encode()

    try:
        etag, body = await sync_to_async(work, thread_sensitive=False)()
    except OSError as exc:
        logger.exception("Grid request %s failed on the server's files", request.path)
        raise ToyzError("internal", "The server could not read its files; tell an admin.") from exc
    response = HttpResponse(status=304) if body is None else HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response
