"""Data-source endpoints (under /api/sources/): describe, column, mask, rows, locate, density, export.

Async views, as imaging's: the permission check (a quick database read) runs in Django's one thread for
sync code, the table work in the thread pool. Columns, masks and densities travel as binary (little-endian
typed arrays, gzip), never as JSON lists of numbers.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable
from typing import Any, Final, TypeVar

import numpy as np
from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from apps.files.services import ResolvedPath
from apps.http import ERROR_RESPONSES
from apps.sources import services
from apps.sources.schemas import (
    ColumnQuery,
    DensityIn,
    DensityQuery,
    ExportIn,
    ExportOut,
    LocateIn,
    LocateOut,
    MaskIn,
    RowsIn,
    RowsPage,
    RowsQuery,
    SourceDescription,
    SourceKind,
    SourceQuery,
)
from workers.errors import ToyzError

logger = logging.getLogger(__name__)
T = TypeVar("T")

router = Router(tags=["sources"])

ROWS_HEADER: Final = "X-Toyz-Rows"
DTYPE_HEADER: Final = "X-Toyz-Dtype"
COUNT_HEADER: Final = "X-Toyz-Count"
RANGE_HEADER: Final = "X-Toyz-Range"
BINS_HEADER: Final = "X-Toyz-Bins"
_OCTETS: Final = "application/octet-stream"


async def _in_pool(
    request: HttpRequest, path: str, table: int, kind: SourceKind, work: Callable[[services.Source], T]
) -> T:
    """Check the user's right on the source, then open it and run ``work(source)`` in the pool."""
    user = request.auth  # type: ignore[attr-defined]
    try:
        where: ResolvedPath = await sync_to_async(services.check_source)(user, path, kind)
        if kind == "headers":
            # A header index asks the database which files the user may read: Django's sync thread.
            source = await sync_to_async(services.load_source)(user, where, table, kind)
            return await sync_to_async(work, thread_sensitive=False)(source)

        def run() -> T:
            return work(services.load_source(user, where, table, kind))

        return await sync_to_async(run, thread_sensitive=False)()
    except OSError as exc:
        # The cache folder full or read-only, a disk gone: the log has the details, the user a sentence.
        logger.exception("Sources request %s failed on the server's files", request.path)
        raise ToyzError("internal", "The server could not read or write its files; tell an admin.") from exc


def _etag(*parts: object) -> str:
    return '"' + hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32] + '"'


def _binary(request: HttpRequest, data: bytes, headers: dict[str, str], *, etag: str | None = None,
            cache_control: str = "private, no-cache") -> HttpResponse:  # fmt: skip
    """Bytes as ``application/octet-stream``, gzip when the client takes it (browsers always do)."""
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(gzip.compress(data, 1) if gzipped else data, content_type=_OCTETS)
    if gzipped:
        response["Content-Encoding"] = "gzip"
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = cache_control
    if etag is not None:
        response["ETag"] = etag
    for name, value in headers.items():
        response[name] = value
    return response


def _binary_docs(description: str, headers: dict[str, str], *, cached: bool = False) -> dict[str, Any]:
    responses: dict[int, Any] = {
        200: {
            "description": description,
            "content": {_OCTETS: {"schema": {"type": "string", "format": "binary"}}},
            "headers": {name: {"schema": {"type": "string"}, "description": text} for name, text in headers.items()},
        }
    }
    if cached:
        responses[304] = {"description": "Not modified: the ETag sent in If-None-Match still holds."}
    return {"responses": responses}


@router.get("/describe", response={200: SourceDescription, **ERROR_RESPONSES}, url_name="sources-describe")
async def describe(request: HttpRequest, query: Query[SourceQuery]) -> dict[str, Any]:
    """A source's tables, the chosen table's columns (units, UCDs), row count, sky and pixel columns."""
    return await _in_pool(request, query.path, query.table, query.kind, services.describe)


_COLUMN_HEADERS: Final = {
    DTYPE_HEADER: "The values' type: float32, float64, int32, uint8...",
    ROWS_HEADER: "How many values (one per row).",
    "ETag": "Follows the file's identity and what was asked.",
}


@router.get(
    "/column",
    response={200: None, 304: None, **ERROR_RESPONSES},
    openapi_extra=_binary_docs("The values, little-endian, one per row.", _COLUMN_HEADERS, cached=True),
    url_name="sources-column",
)
async def column(request: HttpRequest, query: Query[ColumnQuery]) -> HttpResponse:
    """One column (or an expression on the columns) as a typed array: what a plot draws."""
    if_none_match = request.headers.get("If-None-Match")

    def work(source: services.Source) -> tuple[str, str, Any]:
        identity = source.table.identity
        etag = _etag(identity, source.kind, source.index, query.column, query.expr, query.dtype)
        if if_none_match == etag:
            return etag, identity, None  # a revalidation whose ETag still holds: the column is not read
        return etag, identity, services.column_wire(source, query.column, query.expr, query.dtype)

    etag, identity, values = await _in_pool(request, query.path, query.table, query.kind, work)
    # A URL naming the current version of the file never changes; an old one must be revalidated.
    cache_control = "private, max-age=31536000, immutable" if query.v == identity else "private, no-cache"
    if values is None:
        response = HttpResponse(status=304)
        response["ETag"], response["Cache-Control"] = etag, cache_control
        return response
    headers = {DTYPE_HEADER: values.dtype.newbyteorder("=").name, ROWS_HEADER: str(len(values))}
    return _binary(request, values.tobytes(), headers, etag=etag, cache_control=cache_control)


@router.post(
    "/mask",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra=_binary_docs(
        "One bit per row, np.packbits(mask, bitorder='little'): row i is bit i % 8 of byte i // 8.",
        {ROWS_HEADER: "How many rows.", COUNT_HEADER: "How many rows are selected."},
    ),
    url_name="sources-mask",
)
async def mask(request: HttpRequest, body: MaskIn) -> HttpResponse:
    """The rows a selection state selects, as a bit mask."""
    selected = await _in_pool(
        request, body.path, body.table, body.kind, lambda s: services.selection_mask(s, body.selection)
    )
    packed = np.packbits(selected, bitorder="little")
    headers = {ROWS_HEADER: str(len(selected)), COUNT_HEADER: str(int(np.count_nonzero(selected)))}
    return _binary(request, packed.tobytes(), headers, cache_control="no-store")


@router.get("/rows", response={200: RowsPage, **ERROR_RESPONSES}, url_name="sources-rows")
async def rows(request: HttpRequest, query: Query[RowsQuery]) -> dict[str, Any]:
    """A page of the table view: sorted and filtered on the server, at most 500 rows."""
    names = None if query.columns is None else [name for name in query.columns.split(",") if name]
    return await _in_pool(
        request,
        query.path,
        query.table,
        query.kind,
        lambda s: services.rows_page(s, query.start, query.count, query.sort, query.desc, query.filter, names),
    )


@router.post("/rows", response={200: RowsPage, **ERROR_RESPONSES}, url_name="sources-rows-selected")
async def rows_selected(request: HttpRequest, body: RowsIn) -> dict[str, Any]:
    """The rows page as a POST, taking a selection: the table view's "only selected" pages."""
    return await _in_pool(
        request,
        body.path,
        body.table,
        body.kind,
        lambda s: services.rows_page(
            s, body.start, body.count, body.sort, body.desc, body.filter, body.columns, body.selection
        ),
    )


@router.post("/locate", response={200: LocateOut, **ERROR_RESPONSES}, url_name="sources-locate")
async def locate(request: HttpRequest, body: LocateIn) -> dict[str, Any]:
    """Where the first selected row sits in a view order: the table view scrolls there."""
    position = await _in_pool(
        request,
        body.path,
        body.table,
        body.kind,
        lambda s: services.locate(s, body.selection, body.sort, body.desc, body.filter),
    )
    return {"position": position}


_DENSITY_HEADERS: Final = {
    BINS_HEADER: "nx,ny: the counts are ny rows of nx float32 values, row 0 the lowest y.",
    RANGE_HEADER: "xlo,xhi,ylo,yhi: the ranges the bins cover, in the axes' space (log10 on a log axis).",
    ROWS_HEADER: "How many rows the source has.",
}


def _density_response(request: HttpRequest, found: services.Density, rows_total: int, **cache: Any) -> HttpResponse:
    ny, nx = found.counts.shape
    headers = {
        BINS_HEADER: f"{nx},{ny}",
        RANGE_HEADER: ",".join(repr(float(v)) for v in (*found.xrange, *found.yrange)),
        ROWS_HEADER: str(rows_total),
    }
    return _binary(request, found.counts.astype("<f4").tobytes(), headers, **cache)


@router.get(
    "/density",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra=_binary_docs("float32 counts per bin, ny rows of nx.", _DENSITY_HEADERS),
    url_name="sources-density",
)
async def density(request: HttpRequest, query: Query[DensityQuery]) -> HttpResponse:
    """A 2-D histogram of y against x, binned on the server: for plots with more points than pixels."""

    def work(source: services.Source) -> tuple[services.Density, int, str]:
        found = services.density_of(
            source,
            query.x,
            query.y,
            bins=(query.nx, query.ny),
            limits=(query.xlo, query.xhi, query.ylo, query.yhi),
            scales=(query.xscale, query.yscale),
        )
        return found, source.table.rows, source.table.identity

    found, total, identity = await _in_pool(request, query.path, query.table, query.kind, work)
    cache_control = "private, max-age=31536000, immutable" if query.v and query.v == identity else "private, no-cache"
    etag = _etag(identity, query.model_dump_json())
    return _density_response(request, found, total, etag=etag, cache_control=cache_control)


@router.post(
    "/density",
    response={200: None, **ERROR_RESPONSES},
    openapi_extra=_binary_docs("float32 counts per bin of the selected rows, ny rows of nx.", _DENSITY_HEADERS),
    url_name="sources-density-selected",
)
async def density_selected(request: HttpRequest, body: DensityIn) -> HttpResponse:
    """The density of the selected rows (or of all rows without a selection)."""

    def work(source: services.Source) -> tuple[services.Density, int]:
        found = services.density_of(
            source,
            body.x,
            body.y,
            bins=(body.nx, body.ny),
            limits=(body.xlo, body.xhi, body.ylo, body.yhi),
            scales=(body.xscale, body.yscale),
            selection=body.selection,
        )
        return found, source.table.rows

    found, total = await _in_pool(request, body.path, body.table, body.kind, work)
    return _density_response(request, found, total, cache_control="no-store")


@router.post("/export", response={200: ExportOut, **ERROR_RESPONSES}, url_name="sources-export")
async def export(request: HttpRequest, body: ExportIn) -> dict[str, Any]:
    """Write the selected rows (all without a selection) as a new CSV, FITS or VOTable file in a folder the
    user may write; never over an existing file (``exists``)."""
    user = request.auth  # type: ignore[attr-defined]
    # Refused before any row is read; apps.files checks again where it makes the file.
    await sync_to_async(services.check_folder)(user, body.folder)
    return await _in_pool(
        request,
        body.path,
        body.table,
        body.kind,
        lambda s: services.export(user, s, body.selection, body.columns, body.format, body.folder, body.name),
    )
