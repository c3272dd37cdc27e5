"""Imaging endpoints: describe, pixel and tiles.

They are async views: the permission check (a quick database read) runs in Django's one
thread for sync code, and the file work in a thread pool, since running it in that one thread
would serialise every tile of every user.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from apps.files.resolver import ResolvedPath
from apps.imaging import services
from workers.errors import ToyzError
from workers.imaging import TileAddress, colormap_names, palette

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Marks a tile shown from a mosaic preview (see workers.imaging.fetch_tile): the viewer asks for
#: the pyramid to be built and shows the real tiles when it is.
PREVIEW_HEADER = "X-Toyz-Preview"


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _int(query: Any, name: str, default: int | None = None) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        if default is None:
            raise ToyzError("bad_params", f"The parameter {name} is missing.")
        return default
    try:
        return int(raw)
    except ValueError:
        raise ToyzError("bad_params", f"The parameter {name} must be a whole number.") from None


def _float(query: Any, name: str) -> float:
    try:
        value = float(query.get(name, ""))
    except ValueError:
        raise ToyzError("bad_params", f"The parameter {name} must be a number.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ToyzError("bad_params", f"The parameter {name} must be a finite number.")
    return value


async def _guarded(request: HttpRequest, work: Callable[[ResolvedPath], T]) -> T | JsonResponse:
    """Check the user's read right on `path`, then run `work(image)` in the pool; errors become JSON."""
    user = await request.auser()
    try:
        image = await sync_to_async(services.open_image)(user, request.GET.get("path", ""))
        return await sync_to_async(work, thread_sensitive=False)(image)
    except ToyzError as exc:
        return _error(exc.code, exc.message, exc.status)
    except OSError:
        # The cache folder full or read-only, a disk gone: the log has the details, the user a sentence.
        logger.exception("Imaging request %s failed on the server's files", request.path)
        return _error("internal", "The server could not read or write its files; tell an admin.", 500)


async def describe(request: HttpRequest) -> HttpResponse:
    query = request.GET

    def work(image: ResolvedPath) -> JsonResponse:
        hdu = _int(query, "hdu") if query.get("hdu") not in (None, "") else None
        return JsonResponse(services.describe_image(image, hdu, _int(query, "plane", 0)))

    return await _guarded(request, work)


async def pixel(request: HttpRequest) -> HttpResponse:
    query = request.GET

    def work(image: ResolvedPath) -> JsonResponse:
        result = services.pixel(
            image, _int(query, "hdu", 0), _int(query, "plane", 0), _float(query, "x"), _float(query, "y")
        )
        return JsonResponse(result)

    return await _guarded(request, work)


def _tile_response(data: bytes, content_type: str, etag: str, cache_control: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


async def tile(request: HttpRequest, level: int, x: int, y: int, fmt: str) -> HttpResponse:
    query = {key: str(value) for key, value in request.GET.items()}
    query["fmt"] = fmt
    if_none_match = request.headers.get("If-None-Match")
    accepts_gzip = "gzip" in request.headers.get("Accept-Encoding", "")

    def work(image: ResolvedPath) -> HttpResponse:
        where = TileAddress(hdu=_int(query, "hdu", 0), plane=_int(query, "plane", 0), level=level, x=x, y=y)
        params = None if fmt == "raw" else services.render_params_from_query(query)
        # preview=1: the client takes a stand-in for tiles whose levels are not built yet (the
        # coarse levels of a new mosaic); it is marked, never stored, and shown until rebuilt.
        tile = services.tile(image, where, params, allow_preview=query.get("preview") == "1")
        key = "raw" if params is None else params.key()
        address = f"{where.hdu}|{where.plane}|{where.level}|{where.x}|{where.y}"
        etag = '"' + hashlib.sha256(f"{tile.identity}|{key}|{address}".encode()).hexdigest()[:32] + '"'
        # A URL naming the current version of the file never changes; an old one must be revalidated.
        immutable = query.get("v") == tile.identity
        cache_control = "private, max-age=31536000, immutable" if immutable else "private, no-cache"
        if tile.preview:
            etag, cache_control = '"preview-' + etag[1:], "no-store"
        elif if_none_match == etag:
            return _not_modified(etag, cache_control)
        if params is None and accepts_gzip:
            # The browser inflates it itself; the client gets 256×256 float32 values.
            response = _tile_response(gzip.compress(tile.data, 1), tile.media_type, etag, cache_control)
            response["Content-Encoding"] = "gzip"
        else:
            response = _tile_response(tile.data, tile.media_type, etag, cache_control)
        if params is None:
            response["Vary"] = "Accept-Encoding"
        if tile.preview:
            response[PREVIEW_HEADER] = "1"
        return response

    return await _guarded(request, work)


def _not_modified(etag: str, cache_control: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    return response


@require_GET
def colormap(request: HttpRequest) -> JsonResponse:
    """The 255 colours of a colormap (for colorbars and client-side rendering)."""
    name = request.GET.get("name", "gray")
    try:
        table = palette(name, request.GET.get("inv") == "1")
    except ToyzError as exc:
        return _error(exc.code, exc.message, 400)
    return JsonResponse({"name": name, "colors": table[:255, :3].tolist()})


@require_GET
def colormaps(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"names": colormap_names()})
