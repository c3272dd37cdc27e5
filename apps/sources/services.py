"""What the sources endpoints, jobs and other apps share about data sources: path checks around the core.

A source is one table of a table file (`path`, `table`), or a folder's header index (``kind="headers"``,
given by the app that keeps the index through `register_headers`). `open_source` checks the user's
right and opens it; everything else takes the opened `Source` and calls the numeric core
(`workers.sources`), which keeps the open tables in a per-process LRU keyed by the file's identity.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final, Literal

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache
from django.conf import settings

from apps.files.services import ResolvedPath, Right, User, create_file, resolve
from apps.sources.selection import MAX_EXPRESSION, SelectionState, selection_sentence
from workers.errors import ToyzError
from workers.sources import (
    ColumnInfo,
    Table,
    TableInfo,
    density,
    estimated_size,
    evaluate,
    evaluate_selection,
    guess_pixel,
    guess_sky,
    is_table_file,
    list_tables,
    open_table,
    order,
    parse_expression,
    parse_selection,
    pixel_origin,
    write_table,
)
from workers.sources import column_origin as column_origin

__all__ = [
    "MAX_EXPRESSION",
    "ColumnInfo",
    "SelectionState",
    "Source",
    "Table",
    "checked_source",
    "column_origin",
    "column_values",
    "is_table_file",
    "open_source",
    "pixel_origin",
    "register_headers",
    "selection_mask",
    "selection_sentence",
]

SourceKind = Literal["file", "headers"]
INDEX_COLUMN: Final = "index"
#: What the front end gets for each kind of values: little-endian typed arrays JavaScript can view.
_WIRE_DTYPES: Final = {
    "b": "uint8",
    "i1": "int8",
    "i2": "int16",
    "i4": "int32",
    "u1": "uint8",
    "u2": "uint16",
    "u4": "uint32",
    "f2": "float32",
    "f4": "float32",
    "f8": "float64",
}
_EXPORT_SUFFIXES: Final = {"csv": (".csv",), "fits": (".fits", ".fit", ".fts"), "votable": (".vot", ".xml", ".votable")}


# --- opening ---------------------------------------------------------------------------------------

HeadersOpener = Callable[[User, ResolvedPath], Table]
_headers: list[HeadersOpener] = []


def register_headers(opener: HeadersOpener) -> None:
    """Let the app that keeps the header index serve folders as sources (``kind="headers"``).

    `opener(user, folder)` returns the folder's index as a `Table` of the rows `user` may read; it is
    called with the folder resolved for the list right, in Django's thread for sync code.
    """
    _headers[:] = [opener]


class IndexedTable:
    """A table with the row number as one more column, ``index`` (0-based, file order), first.

    So that plots, filters, sorts and selections can all name the row number like any column. A table
    that has its own column of that name keeps it, and gets no row-number column.
    """

    def __init__(self, table: Table) -> None:
        self.inner = table
        self.identity, self.name, self.rows = table.identity, table.name, table.rows
        self.notes: list[str] = list(getattr(table, "notes", []))
        self.format: str = str(getattr(table, "format", ""))
        own = any(info.name == INDEX_COLUMN for info in table.columns)
        row_number = ColumnInfo(
            name=INDEX_COLUMN, kind="int", dtype="int64", description="The row number in the file, from 0."
        )
        self.columns: list[ColumnInfo] = list(table.columns) if own else [row_number, *table.columns]
        self._virtual = not own

    def column(self, name: str) -> npt.NDArray[Any]:
        if self._virtual and name == INDEX_COLUMN:
            return np.arange(self.rows, dtype=np.int64)
        return self.inner.column(name)

    def take(self, name: str, rows: npt.NDArray[Any]) -> npt.NDArray[Any]:
        if self._virtual and name == INDEX_COLUMN:
            taken = np.asarray(rows, dtype=np.int64)
            if taken.size and (taken.min() < 0 or taken.max() >= self.rows):
                raise ToyzError("bad_params", f"{self.name} has rows 0 to {self.rows - 1}.")
            return taken
        return self.inner.take(name, rows)


@dataclass(frozen=True)
class Source:
    """An opened source: where it is, which table, and the table (with its row-number column)."""

    path: ResolvedPath
    kind: SourceKind
    index: int
    table: IndexedTable

    @property
    def names(self) -> list[str]:
        return [info.name for info in self.table.columns]


def check_source(user: User, raw_path: object, kind: SourceKind = "file") -> ResolvedPath:
    """Resolve a source's path for `user`: a file they may read, or a folder they may list (its headers).

    The one permission check (a quick database read): async views call it in Django's sync thread.
    """
    if kind == "headers":
        folder = resolve(user, raw_path, Right.LIST)
        if not folder.is_dir:
            raise ToyzError("bad_path", "A header index is of a folder; that is a file.")
        return folder
    resolved = resolve(user, raw_path, Right.READ)
    if resolved.is_dir:
        raise ToyzError("bad_path", "That is a folder, not a table file.")
    return resolved


def load_source(user: User, where: ResolvedPath, table: int = 0, kind: SourceKind = "file") -> Source:
    """Open the checked source `where` (file work: call it in the thread pool)."""
    if kind == "headers":
        if table != 0:
            raise ToyzError("bad_table", "A folder's header index has one table, number 0.")
        if not _headers:
            raise ToyzError("unsupported", "This server keeps no header index; ask an admin.")
        return Source(where, kind, 0, IndexedTable(_headers[0](user, where)))
    opened = open_table(
        str(where.real), table, cache_dir=str(settings.TOYZ_CACHE_DIR), max_rows=int(settings.TOYZ_SOURCES_MAX_ROWS)
    )
    return Source(where, kind, table, IndexedTable(opened))


def checked_source(user: User, raw_path: object, table: int = 0, kind: SourceKind = "file") -> Source:
    """Check and open a source in one call (jobs); raises ToyzError: the resolver's codes, then the core's
    (``unsupported``, ``unreadable``, ``bad_table``, ``too_large``)."""
    return load_source(user, check_source(user, raw_path, kind), table, kind)


def open_source(user: User, raw_path: object, table: int = 0, kind: SourceKind = "file") -> Table:
    """The table of a source `user` may read, for other apps (the image overlay): a `workers.sources.Table`
    whose first column is the row number ``index``. Errors as `checked_source`."""
    return checked_source(user, raw_path, table, kind).table


def tables_of(source: Source) -> list[TableInfo]:
    """Every table of the source's file (a header index has one)."""
    if source.kind == "headers":
        return [TableInfo(0, source.table.name, source.table.rows, len(source.table.columns))]
    return list_tables(str(source.path.real), cache_dir=str(settings.TOYZ_CACHE_DIR))


def describe(source: Source) -> dict[str, Any]:
    """The source as `schemas.SourceDescription` says: tables, columns, rows, sky and pixel columns."""
    table = source.table
    sky, pixel = guess_sky(table.columns), guess_pixel(table.columns)
    return {
        "path": source.path.client,
        "name": source.path.name if source.kind == "file" else table.name,
        "kind": source.kind,
        "format": table.format or source.kind,
        "identity": table.identity,
        "tables": [info.as_dict() for info in tables_of(source)],
        "table": source.index,
        "rows": table.rows,
        "columns": [info.as_dict() for info in table.columns],
        "sky": None if sky is None else {"ra": sky[0], "dec": sky[1]},
        "pixel": None if pixel is None else {"x": pixel[0], "y": pixel[1]},
        "notes": table.notes,
    }


# --- columns -------------------------------------------------------------------------------------


def column_values(table: Table, name_or_expr: str, *, expr: bool | None = None) -> npt.NDArray[Any]:
    """The values of a column of `table`, or of an expression on its columns, one per row.

    With `expr` None, a name of the table is the column and anything else an expression (as the
    selection states take them); True always parses an expression, False always takes a column.
    """
    names = [info.name for info in table.columns]
    if expr is False or (expr is None and name_or_expr in names):
        if name_or_expr not in names:
            raise ToyzError("not_found", f"{table.name} has no column {name_or_expr!r}.")
        return table.column(name_or_expr)
    return np.asarray(evaluate(parse_expression(name_or_expr, names), table))


def _info(source: Source, name: str) -> ColumnInfo | None:
    return next((info for info in source.table.columns if info.name == name), None)


def wire_values(values: npt.NDArray[Any], what: str, dtype: Literal["float32", "native"]) -> npt.NDArray[Any]:
    """Values as they travel: float32, or the nearest type a JavaScript typed array holds, little-endian.

    Text is refused (``unsupported``), since plots need numbers; 64-bit integers and times travel as float64.
    """
    values = np.asarray(values)
    if values.ndim != 1:
        raise ToyzError("unsupported", f"{what} holds more than one value per row; plots need one number per row.")
    kind = values.dtype.kind
    if kind in "USO":
        raise ToyzError("unsupported", f"{what} holds text; plots need numbers.")
    if kind not in "biuf":
        raise ToyzError("unsupported", f"{what} holds values that are not numbers; plots need numbers.")
    if dtype == "float32":
        return values.astype("<f4", copy=False)
    code = _WIRE_DTYPES.get(f"{kind}{values.dtype.itemsize}" if kind != "b" else "b", "float64")
    return values.astype(np.dtype(code).newbyteorder("<"), copy=False)


def column_wire(
    source: Source, column: str | None, expr: str | None, dtype: Literal["float32", "native"]
) -> npt.NDArray[Any]:
    """The column (or expression) `/api/sources/column` sends."""
    if (column is None) == (expr is None):
        raise ToyzError("bad_params", "Give either column or expr.")
    if column is not None:
        info = _info(source, column)
        if info is None:
            raise ToyzError("not_found", f"{source.table.name} has no column {column!r}.")
        if info.kind == "string":
            raise ToyzError("unsupported", f"{column} holds text; plots need numbers.")
        return wire_values(source.table.column(column), column, dtype)
    assert expr is not None
    return wire_values(column_values(source.table, expr, expr=True), "That expression", dtype)


# --- selections, views ---------------------------------------------------------------------------


def selection_mask(source: Source, state: SelectionState | dict[str, Any]) -> npt.NDArray[np.bool_]:
    """The rows a selection state selects, as a boolean array of one value per row."""
    raw = state.as_json() if isinstance(state, SelectionState) else state
    mask = evaluate_selection(parse_selection(raw, source.names), source.table)
    return np.asarray(mask, dtype=bool)


# Row orders of the table view, by (identity, sort, desc, filter, selection digest): scrolling asks for page
# after page.
_orders: LRUCache[tuple[str, str | None, bool, str | None, str | None], npt.NDArray[np.int64]] = LRUCache(
    maxsize=256 * 1024**2, getsizeof=lambda rows: max(int(rows.nbytes), 1)
)
_orders_lock = threading.Lock()


def _selection_digest(state: SelectionState) -> str:
    # A row set may hold 100,000 numbers: the cache key keeps a digest, not the state.
    text = json.dumps(state.as_json(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def view_order(
    source: Source,
    sort: str | None,
    desc: bool,
    filter: str | None,
    selection: SelectionState | None = None,
) -> npt.NDArray[np.int64] | None:
    """Row numbers in view order; None when that is simply file order (no sort, filter or selection).

    With a selection, only the selected rows of that order ("only selected" in the table view).
    """
    if sort is None and filter is None and not desc and selection is None:
        return None
    digest = None if selection is None else _selection_digest(selection)
    key = (source.table.identity, sort, desc, filter, digest)
    with _orders_lock:
        found = _orders.get(key)
    if found is None:
        if selection is None:
            found = np.asarray(order(source.table, sort, desc, filter), dtype=np.int64)
        else:
            base = view_order(source, sort, desc, filter)
            mask = selection_mask(source, selection)
            found = np.flatnonzero(mask).astype(np.int64) if base is None else base[mask[base]]
        if found.nbytes <= _orders.maxsize:
            with _orders_lock:
                _orders[key] = found
    return found


def _cell(value: Any) -> Any:
    """One value as JSON: NaN, infinities and masked values as null, bytes as text, arrays as lists."""
    if isinstance(value, np.ndarray):
        return [_cell(item) for item in value.tolist()] if value.ndim else _cell(value.item())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list):
        return [_cell(item) for item in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if np.ma.is_masked(value):
        return None
    return str(value)


def rows_page(
    source: Source,
    start: int,
    count: int,
    sort: str | None,
    desc: bool,
    filter: str | None,
    columns: Sequence[str] | None,
    selection: SelectionState | None = None,
) -> dict[str, Any]:
    """A page of the table view (`schemas.RowsPage`); with a selection, of the selected rows only."""
    names = list(columns) if columns else source.names
    missing = [name for name in names if name not in source.names]
    if missing:
        raise ToyzError("not_found", f"{source.table.name} has no column {missing[0]!r}.")
    ordered = view_order(source, sort, desc, filter, selection)
    total = source.table.rows if ordered is None else len(ordered)
    stop = min(total, start + count)
    index = np.arange(min(start, total), stop, dtype=np.int64) if ordered is None else ordered[min(start, total) : stop]
    by_column = [source.table.take(name, index) for name in names]
    cells = [[_cell(values[i]) for values in by_column] for i in range(len(index))]
    return {"total": int(total), "start": start, "index": index.tolist(), "columns": names, "cells": cells}


def locate(source: Source, state: SelectionState, sort: str | None, desc: bool, filter: str | None) -> int | None:
    """Where the first selected row sits in the view order (None: no selected row is in view)."""
    mask = selection_mask(source, state)
    ordered = view_order(source, sort, desc, filter)
    in_view = mask if ordered is None else mask[ordered]
    hits = np.flatnonzero(in_view)
    return int(hits[0]) if hits.size else None


def _axis(values: npt.NDArray[Any], scale: str) -> npt.NDArray[np.float64]:
    data = np.asarray(values, dtype=np.float64)
    if scale == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(data > 0, np.log10(data), np.nan)
    return data


def _range(values: npt.NDArray[np.float64], lo: float | None, hi: float | None) -> tuple[float, float]:
    if lo is None or hi is None:
        finite = values[np.isfinite(values)]
        found = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        lo = found[0] if lo is None else lo
        hi = found[1] if hi is None else hi
    if not hi > lo:
        # One value, or bounds the wrong way round: a bin of width one around it.
        lo, hi = (lo - 0.5, lo + 0.5) if hi == lo else (hi, lo)
    return lo, hi


@dataclass(frozen=True)
class Density:
    """Counts per bin, row 0 the lowest y, and the ranges they cover (in the axes' space)."""

    counts: npt.NDArray[np.float32]
    xrange: tuple[float, float]
    yrange: tuple[float, float]


def density_of(
    source: Source,
    x: str,
    y: str,
    *,
    bins: tuple[int, int],
    limits: tuple[float | None, float | None, float | None, float | None],
    scales: tuple[str, str],
    selection: SelectionState | None = None,
) -> Density:
    """The 2-D histogram of `y` against `x` (of the selected rows when a selection is given).

    Limits left out are the finite data's extent in the axes' space (log10 of the data on a log axis).
    """
    xs, ys = column_values(source.table, x), column_values(source.table, y)
    for name, values in ((x, xs), (y, ys)):
        if values.dtype.kind not in "biuf":
            # A density counts positions along an axis: a column of text has none.
            raise ToyzError("bad_expression", f"{name} holds text; a density needs numbers.")
    xrange = _range(_axis(xs, scales[0]), limits[0], limits[1])
    yrange = _range(_axis(ys, scales[1]), limits[2], limits[3])
    mask = None if selection is None else selection_mask(source, selection)
    counts = density(xs, ys, bins=bins, ranges=(xrange, yrange), xscale=scales[0], yscale=scales[1], mask=mask)
    return Density(np.asarray(counts, dtype="<f4"), xrange, yrange)


# --- export --------------------------------------------------------------------------------------


def check_folder(user: User, raw_folder: object) -> ResolvedPath:
    """The folder an export goes to, checked for the write right."""
    folder = resolve(user, raw_folder, Right.WRITE)
    if not folder.is_dir:
        raise ToyzError("bad_path", "Exports go into a folder; that is a file.")
    return folder


def export_name(name: str, fmt: Literal["csv", "fits", "votable"]) -> str:
    """The file name with the format's ending, added when it has none of them."""
    suffixes = _EXPORT_SUFFIXES[fmt]
    return name if name.lower().endswith(suffixes) else name + suffixes[0]


def _check_room(folder: ResolvedPath, needed: int) -> None:
    """Refuse an export that the disk of `folder` has no room for (`needed`: the estimated bytes)."""
    info = os.statvfs(folder.real)
    free = info.f_bavail * info.f_frsize
    if free < needed:
        where = folder.client or "the data root"
        raise ToyzError(
            "no_space",
            f"The export would take about {_megabytes(needed)} and the disk of {where} has {_megabytes(free)} "
            "free: export fewer rows or columns, choose another folder, or ask an admin to make room.",
        )


def _megabytes(n: int) -> str:
    """A size for people: KB below a megabyte, MB below a gigabyte, then GB."""
    for unit, power in (("GB", 3), ("MB", 2)):
        if n >= 1024**power:
            return f"{n / 1024**power:,.1f} {unit}"
    return f"{max(n, 0) / 1024:,.0f} KB"


def export(
    user: User,
    source: Source,
    selection: SelectionState | None,
    columns: list[str] | None,
    fmt: Literal["csv", "fits", "votable"],
    folder: object,
    name: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    """Write the selected rows (every row without a selection) as a new file of a folder `user` may write.

    Never over an existing name (``exists``); the folder's readers are told. Returns ``{path, rows}``.
    """
    if columns is not None:
        missing = [column for column in columns if column not in source.names]
        if missing:
            raise ToyzError("not_found", f"{source.table.name} has no column {missing[0]!r}.")
    if progress is not None:
        progress(0, 2, "Selecting the rows")
    rows = (
        np.arange(source.table.rows, dtype=np.int64)
        if selection is None
        else np.flatnonzero(selection_mask(source, selection)).astype(np.int64)
    )
    if progress is not None:
        progress(1, 2, f"Writing {len(rows):,} rows")

    # The row number is a column of ours, not of the file: written only when asked for.
    table = source.table if columns is not None else source.table.inner
    _check_room(check_folder(user, folder), estimated_size(table, len(rows), columns, fmt))

    def write(out: IO[bytes]) -> None:
        write_table(table, rows, columns, fmt, out)  # type: ignore[arg-type]

    entry = create_file(user, folder, export_name(name, fmt), write)
    return {"path": entry["path"], "rows": len(rows)}
