"""Imaging endpoints: describe, pixel, colormaps (under /api/imaging/) and pyramid tiles (/tiles/).

describe, pixel and tile are async views: the permission check (a quick database read) runs in
Django's one thread for sync code, and the file work in a thread pool, since running it in that
one thread would serialise every tile of every user.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any, Final, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import register_converter
from ninja import Query, Router

from apps.files.services import ResolvedPath
from apps.http import ERROR_RESPONSES
from apps.imaging import services
from apps.imaging.schemas import (
    ColormapNamesOut,
    ColormapOut,
    ColormapQuery,
    DescribeQuery,
    DescriptionOut,
    OverlayIn,
    PixelQuery,
    SkyPixelQuery,
    SkyTransformOut,
    SkyTransformQuery,
    ThumbnailQuery,
    TileFormat,
    TileQuery,
    TileUrlOut,
    TileUrlQuery,
)
from workers.errors import ToyzError
from workers.imaging import Pixel, RenderParams, SkyPixel, TileAddress, colormap_names, palette, raw_gzip

logger = logging.getLogger(__name__)
T = TypeVar("T")

router = Router(tags=["imaging"])
tiles_router = Router(tags=["tiles"])

#: Marks a tile shown from a mosaic preview (see workers.imaging.fetch_tile): the viewer asks for
#: the pyramid to be built and shows the real tiles when it is.
PREVIEW_HEADER: Final = "X-Toyz-Preview"
#: On every tile response: ``hit`` when nothing was rendered (a tile file already on disk, or a 304),
#: ``miss`` when the tile was rendered (or read from the float levels) for this request.
CACHE_HEADER: Final = "X-Toyz-Cache"
_BINARY: Final = {"schema": {"type": "string", "format": "binary"}}
_MEDIA_TYPES: Final = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "raw": "application/octet-stream"}


class FormatConverter:
    """The ``<tilefmt:fmt>`` part of a tile URL: an unknown format is a 404, as for any unknown address."""

    regex = "png|jpg|webp|raw"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "tilefmt")


async def _in_pool(request: HttpRequest, path: str, work: Callable[[ResolvedPath], T]) -> T:
    """Check the user's read right on ``path``, then run ``work(image)`` in the pool."""
    try:
        image = await sync_to_async(services.open_image)(request.auth, path)  # type: ignore[attr-defined]
        return await sync_to_async(work, thread_sensitive=False)(image)
    except OSError as exc:
        # The cache folder full or read-only, a disk gone: the log has the details, the user a sentence.
        logger.exception("Imaging request %s failed on the server's files", request.path)
        raise ToyzError("internal", "The server could not read or write its files; tell an admin.") from exc


@router.get(
    "/describe", response={200: DescriptionOut, **ERROR_RESPONSES}, exclude_unset=True, url_name="imaging-describe"
)
async def describe(request: HttpRequest, query: Query[DescribeQuery]) -> dict[str, Any]:
    """Describe an image file: its HDUs, the chosen HDU's header and default cuts, its identity."""
    return await _in_pool(request, query.path, lambda image: services.describe_image(image, query.hdu, query.plane))


@router.get("/tile-url", response={200: TileUrlOut, **ERROR_RESPONSES}, url_name="imaging-tile-url")
async def tile_url(request: HttpRequest, response: HttpResponse, query: Query[TileUrlQuery]) -> dict[str, Any]:
    """The URL template of one rendering's pyramid tiles, or of the raw tiles (``fmt=raw``): signed for this
    session (nginx checks it and sends tiles on disk itself) when the server has signed tiles on, else
    the /tiles/ one.
    Ask again before ``lifetime`` runs out: each answer checks the read right anew."""
    # fmt=raw: the raw tiles of the HDU's plane (the rendering fields do not apply).
    params = (
        None
        if query.fmt == "raw"
        else RenderParams.create(
            stretch=query.stretch, lo=query.lo, hi=query.hi, cmap=query.cmap, invert=query.inv, fmt=query.fmt
        )
    )
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    now = time.time()
    # Signed for this session: no cache may keep it for another.
    response["Cache-Control"] = "private, no-store"
    return await _in_pool(
        request,
        query.path,
        lambda image: services.tile_url(image, query.hdu, query.plane, params, session, now=now),
    )


@router.get("/pixel", response={200: Pixel, **ERROR_RESPONSES}, exclude_unset=True, url_name="imaging-pixel")
async def pixel(request: HttpRequest, query: Query[PixelQuery]) -> dict[str, Any]:
    """The value and sky position of the pixel under a point (level-0 pixel units)."""
    return await _in_pool(
        request, query.path, lambda image: services.pixel(image, query.hdu, query.plane, query.x, query.y)
    )


@router.get(
    "/world-to-pixel",
    response={200: SkyPixel, **ERROR_RESPONSES},
    exclude_unset=True,
    url_name="imaging-world-to-pixel",
)
async def world_to_pixel(request: HttpRequest, query: Query[SkyPixelQuery]) -> dict[str, Any]:
    """Where a sky position lies on the image (level-0 pixel units): a table row's place, centred on."""
    return await _in_pool(
        request, query.path, lambda image: services.sky_pixel(image, query.hdu, query.plane, query.ra, query.dec)
    )


_SKY_TRANSFORM_DOCS: Final[dict[str, Any]] = {
    "responses": {304: {"description": "Not modified: the ETag sent in If-None-Match still holds."}}
}


@router.get(
    "/sky-transform",
    response={200: SkyTransformOut, 304: None, **ERROR_RESPONSES},
    exclude_unset=True,
    openapi_extra=_SKY_TRANSFORM_DOCS,
    url_name="imaging-sky-transform",
)
async def sky_transform(request: HttpRequest, query: Query[SkyTransformQuery]) -> Any:
    """The image's WCS as grids of ICRS positions at viewer points, one per CCD on a mosaic (none
    without a WCS): the browser interpolates them to within 0.05 px instead of asking per point."""
    identity, found = await _in_pool(
        request, query.path, lambda image: services.sky_transform(image, query.hdu, query.plane)
    )
    etag = '"' + hashlib.sha256(f"sky|{identity}|{query.hdu}|{query.plane}".encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(json.dumps(found, allow_nan=False), content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@router.get(
    "/thumbnail",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra={"responses": {200: {"description": "A PNG of the whole image.", "content": {"image/png": _BINARY}}}},
    url_name="imaging-thumbnail",
)
async def thumbnail(request: HttpRequest, query: Query[ThumbnailQuery]) -> HttpResponse:
    """A small PNG of the whole image (the focal-plane mosaic of an exposure), for lists and tables."""
    found = await _in_pool(request, query.path, lambda image: services.thumbnail(image, query.size))
    response = HttpResponse(found.data, content_type="image/png")
    response["ETag"] = '"' + hashlib.sha256(f"{found.identity}|{query.size}".encode()).hexdigest()[:32] + '"'
    # A preview of a mosaic not built yet must not stay in the browser's cache.
    response["Cache-Control"] = (
        "no-store" if found.preview else ("private, max-age=86400" if query.v else "private, no-cache")
    )
    return response


#: Rows of an overlay: how many the table has, and how many land on the image.
ROWS_HEADER: Final = "X-Toyz-Rows"
INSIDE_HEADER: Final = "X-Toyz-Inside"
_OVERLAY_DOCS: Final[dict[str, Any]] = {
    "responses": {
        200: {
            "description": (
                "Little-endian float32 pairs x0, y0, x1, y1, ... (one per row, in file order): level-0 viewer "
                "coordinates (x the column, y from the bottom, pixel (i, j) covering [i, i+1)), NaN where a row "
                "falls off the image, in a gap between CCDs, or has no position. Gzip-encoded when accepted."
            ),
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            "headers": {
                ROWS_HEADER: {"schema": {"type": "integer"}, "description": "Rows of the table."},
                INSIDE_HEADER: {"schema": {"type": "integer"}, "description": "Rows that land on the image."},
            },
        }
    }
}


@router.post(
    "/overlay", response={200: None, **ERROR_RESPONSES}, openapi_extra=_OVERLAY_DOCS, url_name="imaging-overlay"
)
async def overlay(request: HttpRequest, body: OverlayIn) -> HttpResponse:
    """A catalogue's rows placed on an image: by its RA/Dec through the image's WCS (each CCD's on a
    mosaic), or by its pixel columns; the columns found by name when none are given."""
    user = request.auth  # type: ignore[attr-defined]
    try:
        # The rights in Django's one sync thread; opening the table (a first conversion can take minutes) in the pool.
        where, image = await sync_to_async(services.check_overlay)(user, body.path, body.image)
        sky = (body.ra, body.dec) if body.ra is not None and body.dec is not None else None
        pixel = (body.x, body.y) if body.x is not None and body.y is not None else None
        placed = await sync_to_async(
            lambda: services.overlay(
                services.load_overlay_catalogue(user, where, body.table),
                image,
                hdu=body.hdu,
                plane=body.plane,
                sky=sky,
                pixel=pixel,
                pixel_origin=body.pixel_origin,
            ),
            thread_sensitive=False,
        )()
    except OSError as exc:
        logger.exception("Overlay request %s failed on the server's files", request.path)
        raise ToyzError("internal", "The server could not read or write its files; tell an admin.") from exc
    data = placed.pairs().tobytes()
    response = HttpResponse(content_type="application/octet-stream")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.content = gzip.compress(data, 1)
        response["Content-Encoding"] = "gzip"
    else:
        response.content = data
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "private, no-cache"
    response[ROWS_HEADER] = str(placed.x.size)
    response[INSIDE_HEADER] = str(placed.inside)
    return response


@router.get("/colormap", response={200: ColormapOut, **ERROR_RESPONSES}, url_name="imaging-colormap")
def colormap(request: HttpRequest, query: Query[ColormapQuery]) -> dict[str, Any]:
    """The 255 colours of a colormap (for colorbars and client-side rendering)."""
    table = palette(query.name, query.inv)
    return {"name": query.name, "colors": table[:255, :3].tolist()}


@router.get("/colormaps", response={200: ColormapNamesOut, **ERROR_RESPONSES}, url_name="imaging-colormaps")
def colormaps(request: HttpRequest) -> dict[str, Any]:
    """The names of the colormaps (any of them reversed with ``inv``)."""
    return {"names": colormap_names()}


# --- pyramid tiles --------------------------------------------------------------------------------


def _render_params(query: TileQuery, fmt: TileFormat) -> RenderParams | None:
    """The rendering a tile URL asks for; None for raw tiles (float values, rendered by the client).

    Limits left out (None) are the image's zscale cuts, which the core fills in from the open file.
    """
    if fmt == "raw":
        return None
    return RenderParams.create(
        stretch=query.stretch, lo=query.lo, hi=query.hi, cmap=query.cmap, invert=query.inv, fmt=fmt
    )


def tile_etag(identity: str, key: str, where: TileAddress) -> str:
    """A tile's ETag: its file version, rendering and place, spelled so that nginx builds the same one
    from a signed URL's parts (deploy/nginx.d/signed-tiles.conf) without hashing anything."""
    return f'"{identity}.hdu{where.hdu}-p{where.plane}.{key}.{where.level}.{where.x}.{where.y}"'


def _tile_response(
    data: bytes, media_type: str | None, etag: str, cache_control: str, *, status: int = 200
) -> HttpResponse:
    response = HttpResponse(data, content_type=media_type, status=status)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


def _raw_response(data: bytes, packed: bool, request: HttpRequest, etag: str, cache_control: str) -> HttpResponse:
    """A raw tile (``packed``: ``data`` is gzip already, as stored): gzip-encoded for a client that takes it
    (the browser inflates it itself), else the 256×256 float32 values."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = _tile_response(data if packed else raw_gzip(data), _MEDIA_TYPES["raw"], etag, cache_control)
        response["Content-Encoding"] = "gzip"
    else:
        response = _tile_response(gzip.decompress(data) if packed else data, _MEDIA_TYPES["raw"], etag, cache_control)
    response["Vary"] = "Accept-Encoding"
    return response


_TILE_DOCS: Final[dict[str, Any]] = {
    "responses": {
        200: {
            "description": "The tile: an image, or (raw) 256×256 little-endian float32 values, first row the highest y.",
            "content": {media_type: _BINARY for media_type in _MEDIA_TYPES.values()},
            "headers": {
                "ETag": {"schema": {"type": "string"}},
                "Cache-Control": {"schema": {"type": "string"}},
                PREVIEW_HEADER: {"schema": {"type": "string"}, "description": "1 on a preview (never stored)."},
                CACHE_HEADER: {
                    "schema": {"type": "string", "enum": ["hit", "miss"]},
                    "description": "hit: served from a tile file already on disk; miss: rendered for this request.",
                },
            },
        },
        304: {"description": "Not modified: the ETag sent in If-None-Match still holds."},
    }
}


@tiles_router.get(
    "/{int:level}/{int:x}/{int:y}.{tilefmt:fmt}",
    response={200: None, 304: None, **ERROR_RESPONSES},
    openapi_extra=_TILE_DOCS,
    url_name="tile",
)
async def tile(
    request: HttpRequest, level: int, x: int, y: int, fmt: TileFormat, query: Query[TileQuery]
) -> HttpResponse:
    """A pyramid tile: level 0 is full resolution, each next level binned 2×2; y counts from the bottom."""
    where = TileAddress(hdu=query.hdu, plane=query.plane, level=level, x=x, y=y)
    params = _render_params(query, fmt)
    # preview=1: the client takes a stand-in for tiles whose levels are not built yet (the
    # coarse levels of a new mosaic); it is marked, never stored, and shown until rebuilt.
    if_none_match = request.headers.get("If-None-Match")

    def etag_of(identity: str, key: str) -> str:
        return tile_etag(identity, key, where)

    def unchanged(identity: str, key: str) -> bool:
        # A revalidation whose ETag still holds is answered before anything is read or rendered.
        return if_none_match is not None and if_none_match == etag_of(identity, key)

    # Behind nginx, a tile already on disk is not read here: nginx sends the file.
    load = settings.TOYZ_ACCEL_REDIRECT is None
    found = await _in_pool(
        request,
        query.path,
        lambda image: services.tile(image, where, params, allow_preview=query.preview, unchanged=unchanged, load=load),
    )
    data, identity, preview = found.data, found.identity, found.preview
    etag = etag_of(identity, found.key)
    # A URL naming the current version of the file never changes; an old one must be revalidated.
    cache_control = "private, max-age=31536000, immutable" if query.v == identity else "private, no-cache"
    if preview:
        etag, cache_control = '"preview-' + etag[1:], "no-store"
    elif found.not_modified or if_none_match == etag:
        response = _tile_response(b"", None, etag, cache_control, status=304)
        response[CACHE_HEADER] = "hit"
        return response
    redirect = services.accel_redirect(found)
    if redirect is not None:
        # After the read check above: nginx's internal location sends the file with these headers.
        response = _tile_response(b"", _MEDIA_TYPES[fmt], etag, cache_control)
        response["X-Accel-Redirect"] = redirect
        response[CACHE_HEADER] = "hit"
        if fmt == "raw":
            # A stored raw tile is gzip: nginx sends it so, or inflates it (gunzip) for a client that takes no gzip.
            response["Vary"] = "Accept-Encoding"
        return response
    if fmt == "raw":
        response = _raw_response(data, found.encoding == "gzip", request, etag, cache_control)
    else:
        response = _tile_response(data, _MEDIA_TYPES[fmt], etag, cache_control)
    if preview:
        response[PREVIEW_HEADER] = "1"
    response[CACHE_HEADER] = "hit" if found.cached else "miss"
    return response
