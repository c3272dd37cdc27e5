"""Parquet and Feather (Arrow IPC) tables, read by pyarrow one column at a time.

Neither file is memory-mapped (``memory_map=False``): pyarrow reads the column's pages or
buffers into memory, so a file truncated in place gives an error, not SIGBUS. Decoded columns
share the FITS reader's process-wide LRU. Units, UCDs and descriptions come from the metadata
astropy writes (``table_meta_yaml``) when it is there.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq

from workers.errors import ToyzError

from . import fits_tables
from .model import (
    ColumnInfo,
    FileStat,
    Format,
    Kind,
    check_row_numbers,
    check_rows,
    column_info,
    scalar_or_refuse,
    table_identity,
    unique_names,
)
from .store import serve


def _kind(t: pa.DataType) -> tuple[Kind, str]:
    if pa.types.is_boolean(t):
        return "bool", "bool"
    if pa.types.is_integer(t):
        return "int", np.dtype(t.to_pandas_dtype()).name
    if pa.types.is_floating(t):
        return "float", "float32" if pa.types.is_float16(t) or t == pa.float32() else "float64"
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        return "string", "<U"  # the width is known only once the column is read
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return "time", "float64"
    if pa.types.is_duration(t):
        return "float", "float64"
    return "other", "object"


def _astropy_meta(schema: pa.Schema) -> dict[str, dict[str, Any]]:
    """Per-column unit/ucd/description from astropy's ``table_meta_yaml``, if any."""
    meta = schema.metadata or {}
    yaml_text = meta.get(b"table_meta_yaml")
    if not yaml_text:
        return {}
    try:
        from astropy.table import meta as table_meta

        header = table_meta.get_header_from_yaml(yaml_text.decode("utf-8").splitlines())
    except Exception:  # metadata someone else wrote: without it the columns still read
        return {}
    out: dict[str, dict[str, Any]] = {}
    for col in header.get("datatype", []):
        extra = col.get("meta", {}) or {}
        out[str(col.get("name"))] = {
            "unit": col.get("unit"),
            "description": col.get("description"),
            "ucd": extra.get("ucd") if isinstance(extra, dict) else None,
        }
    return out


def refuse_external_chunks(meta: Any, file_name: str) -> None:
    """Refuse a Parquet file whose column chunks live in another file (``ColumnChunk.file_path``).

    The format lets a file's metadata point its data at other files (a dataset's ``_metadata``): the
    server would then read a file the user named nowhere, perhaps one they may not read.

    Raises
    ------
    ToyzError
        ``unreadable``, naming the column and the file it points at.
    """
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            if chunk.file_path:
                raise ToyzError(
                    "unreadable",
                    f"{file_name} keeps its column {chunk.path_in_schema} in another file "
                    f"({str(chunk.file_path)[:200]}); Toyz reads only Parquet files that hold their own data.",
                )


class ArrowTable:
    """A Parquet or Feather file's table; columns are read one at a time (see the module)."""

    def __init__(self, st: FileStat, fmt: Format, max_rows: int) -> None:
        self.identity = table_identity(st.identity, 0)
        self.name = st.name.rsplit(".", 1)[0]
        self.format: str = fmt
        self.notes: list[str] = []
        self._real = st.real
        self._file_name = st.name
        self._lock = threading.Lock()
        try:
            if fmt == "parquet":
                self._parquet: Any = pq.ParquetFile(st.real, memory_map=False)
                refuse_external_chunks(self._parquet.metadata, st.name)
                schema = self._parquet.schema_arrow
                self.rows = int(self._parquet.metadata.num_rows)
            else:
                self._parquet = None
                with pa.OSFile(st.real, "rb") as fh:
                    try:
                        reader = pa.ipc.open_file(fh)
                        schema = reader.schema
                        self.rows = sum(reader.get_batch(i).num_rows for i in range(reader.num_record_batches))
                    except pa.ArrowInvalid:
                        # Feather version 1 has no IPC footer: read its schema through the feather reader.
                        whole = feather.read_table(st.real, memory_map=False)
                        schema, self.rows = whole.schema, whole.num_rows
        except (pa.ArrowException, OSError) as exc:
            raise ToyzError("unreadable", f"{st.name} is not a readable {fmt} file: {exc}") from None
        check_rows(st.name, self.rows, max_rows)
        self._fields = [f.name for f in schema]
        # astropy writes a masked column X with its mask as the boolean column "X.mask".
        masks = {
            f.name[:-5]: k
            for k, f in enumerate(schema)
            if f.name.endswith(".mask") and pa.types.is_boolean(f.type) and f.name[:-5] in self._fields
        }
        kept = [k for k, f in enumerate(schema) if k not in masks.values()]
        names = unique_names([self._fields[k] for k in kept], self.notes)
        meta = _astropy_meta(schema)
        self.columns: list[ColumnInfo] = []
        self._source: dict[str, int] = {}
        self._mask_of: dict[str, int] = {}
        for k, name in zip(kept, names, strict=True):
            field = schema.field(k)
            if field.name in masks:
                self._mask_of[name] = masks[field.name]
            kind, dtype = _kind(field.type)
            extra = dict(meta.get(field.name, {}))
            if kind == "time":
                extra["unit"], extra["description"] = "d", extra.get("description") or "MJD"
            self.columns.append(
                ColumnInfo(name, kind, dtype, extra.get("unit"), extra.get("ucd"), extra.get("description"), ())
            )
            self._source[name] = k
        self._resolve_dtypes()

    def _resolve_dtypes(self) -> None:
        """Integer columns that hold nulls are served as float64: Parquet's statistics say, Feather's data."""
        fixed = []
        for info in self.columns:
            k = self._source[info.name]
            if info.kind == "int" and (info.name in self._mask_of or self._nulls(k)):
                info = ColumnInfo(info.name, "int", "float64", info.unit, info.ucd, info.description, ())
            fixed.append(info)
        self.columns = fixed

    def _nulls(self, k: int) -> bool:
        if self._parquet is not None:
            meta = self._parquet.metadata
            for g in range(meta.num_row_groups):
                stats = meta.row_group(g).column(k).statistics
                if stats is None or not stats.has_null_count:
                    return True
                if stats.null_count:
                    return True
            return False
        return bool(self._read_arrow(k).null_count)

    def _read_arrow(self, k: int) -> Any:
        field = self._fields[k]
        try:
            if self._parquet is not None:
                with self._lock:
                    data = self._parquet.read(columns=[field], use_threads=False)
            else:
                data = feather.read_table(self._real, columns=[k], memory_map=False)
        except (pa.ArrowException, OSError) as exc:
            raise ToyzError("unreadable", f"{self._file_name}: {exc}") from None
        return data.column(0)

    def _read(self, name: str) -> npt.NDArray[Any]:
        key = (self.identity, name)
        with fits_tables._cache_lock:
            cached = fits_tables._columns.get(key)
        if cached is not None:
            return cached
        chunked = self._read_arrow(self._source[name])
        if pa.types.is_dictionary(chunked.type):
            chunked = chunked.cast(chunked.type.value_type)
        if chunked.null_count == 0 and (pa.types.is_floating(chunked.type) or pa.types.is_integer(chunked.type)):
            values: Any = chunked.to_numpy()
        elif pa.types.is_floating(chunked.type) or pa.types.is_integer(chunked.type):
            # Nulls become NaN (integers with nulls are served as float64).
            values = chunked.to_numpy(zero_copy_only=False).astype(np.float64)
        elif pa.types.is_timestamp(chunked.type) or pa.types.is_date(chunked.type):
            values = chunked.cast(pa.timestamp("ns")).to_numpy(zero_copy_only=False)
        elif pa.types.is_boolean(chunked.type):
            values = chunked.fill_null(False).to_numpy(zero_copy_only=False)
        else:
            values = chunked.to_numpy(zero_copy_only=False)
        if name in self._mask_of:
            mask = self._read_arrow(self._mask_of[name]).fill_null(True).to_numpy(zero_copy_only=False)
            values = np.ma.MaskedArray(values, mask=mask)
        out = serve(values, name, self.notes).values
        out.flags.writeable = False
        with fits_tables._cache_lock:
            fits_tables._columns[key] = out
        return out

    def column(self, name: str) -> npt.NDArray[Any]:
        """See :meth:`workers.sources.Table.column`."""
        scalar_or_refuse(column_info(self.columns, name, self.name))
        return self._read(name)

    def take(self, name: str, rows: npt.NDArray[np.integer[Any]]) -> npt.NDArray[Any]:
        """See :meth:`workers.sources.Table.take`."""
        column_info(self.columns, name, self.name)
        index = check_row_numbers(rows, self.rows, self.name)
        return np.asarray(self._read(name)[index])


def open_arrow_table(st: FileStat, fmt: Format, table: int, max_rows: int) -> ArrowTable:
    """Open a Parquet or Feather file's table (each holds one, numbered 0)."""
    if table != 0:
        raise ToyzError("bad_table", f"{st.name} holds one table, numbered 0.")
    return ArrowTable(st, fmt, max_rows)
