"""The column store, and the values every reader serves.

Formats whose readers cannot fetch one column (text, VOTable, ECSV, IPAC, HDF5, ``.npy``/``.npz``)
are converted once into ``<cache_dir>/<file identity>/table-<n>/``: one ``c<j>.npy`` per column
and a ``meta.json`` written last (each through a temporary name and a rename), then memory-mapped.
These are our own files, never truncated in place, so mapping them is safe (the user's files
are never mapped: see ``docs/architecture.md``, "Reading"). Without a cache folder the columns
stay in memory.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .model import (
    MAX_STRING_CHARS,
    ColumnInfo,
    Kind,
    check_row_numbers,
    column_info,
    dtype_name,
    kind_of,
    scalar_or_refuse,
)

#: Bumped when the layout of the store changes, so older stores are converted again.
STORE_VERSION: Final = 1
LAST_USED: Final = ".last_used"
_MJD_EPOCH: Final = np.datetime64("1858-11-17T00:00:00", "ns")


@dataclass
class Served:
    """A column's values as served, with what the reader knows about them."""

    values: npt.NDArray[Any]
    kind: Kind
    unit: str | None = None
    ucd: str | None = None
    description: str | None = None

    def info(self, name: str) -> ColumnInfo:
        """The :class:`ColumnInfo` of these values under ``name``."""
        shape = tuple(int(n) for n in self.values.shape[1:])
        return ColumnInfo(name, self.kind, dtype_name(self.values.dtype), self.unit, self.ucd, self.description, shape)


def _clean_text(text: Any) -> str | None:
    if text is None:
        return None
    out = str(text).strip()
    return out or None


def _strings(
    values: npt.NDArray[Any], mask: npt.NDArray[np.bool_] | None, name: str, notes: list[str]
) -> npt.NDArray[Any]:
    """Text values as a fixed-width unicode array (masked and missing values empty)."""
    if values.dtype.kind == "S":
        try:
            out = values.astype("U")
        except UnicodeDecodeError:
            out = np.array([v.decode("utf-8", errors="replace") for v in values.reshape(-1)]).reshape(values.shape)
    elif values.dtype.kind == "U":
        out = values
    else:
        flat = values.reshape(-1)
        text = ["" if _missing(v) else (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)) for v in flat]
        if any(len(t) > MAX_STRING_CHARS for t in text):
            # Cut before the array is made: its width is the longest value's, for every row of the chunk.
            notes.append(f"{name} holds text longer than {MAX_STRING_CHARS} characters; longer values are cut.")
            text = [t[:MAX_STRING_CHARS] for t in text]
        out = np.array(text, dtype="U").reshape(values.shape) if text else np.zeros(values.shape, dtype="U1")
    if mask is not None and mask.any():
        out = out.copy()
        out[mask] = ""
    if out.dtype.itemsize // 4 > MAX_STRING_CHARS:
        notes.append(f"{name} holds text longer than {MAX_STRING_CHARS} characters; longer values are cut.")
        out = out.astype(f"U{MAX_STRING_CHARS}")
    if out.dtype.itemsize == 0:
        out = out.astype("U1")
    return out


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pandas' NA compare unequal to themselves
    except (TypeError, ValueError):
        return False


def serve(values: Any, name: str, notes: list[str]) -> Served:
    """Turn any reader's column (numpy, masked, astropy) into the values Toyz serves.

    Floats keep their width (float16 becomes float32) with NaN where masked; integers keep theirs
    unless some value is masked, then they become float64 with NaN; booleans stay booleans (a
    masked one is False); text becomes fixed-width unicode; datetimes become float64 MJD
    (kind ``time``); anything else (complex, objects) is kind ``other``. Byte order is native.
    """
    mask: npt.NDArray[np.bool_] | None = None
    if isinstance(values, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(values)
        if not mask.any():
            mask = None
        values = np.ma.getdata(values)
    arr = np.asarray(values)
    if arr.dtype.byteorder not in ("=", "|") and arr.dtype.kind != "V":
        arr = arr.astype(arr.dtype.newbyteorder("="))
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype.itemsize < 4:
            arr = arr.astype(np.float32)
        if mask is not None:
            arr = arr.copy()
            arr[mask] = np.nan
        return Served(arr, "float")
    if kind in "iu":
        if mask is not None:
            out = arr.astype(np.float64)
            out[mask] = np.nan
            return Served(out, "int")
        return Served(arr, "int")
    if kind == "b":
        if mask is not None:
            arr = arr & ~mask
        return Served(arr, "bool")
    if kind in "US":
        return Served(_strings(arr, mask, name, notes), "string")
    if kind == "M":
        nat = np.isnat(arr)
        mjd = (arr.astype("datetime64[ns]") - _MJD_EPOCH).astype(np.float64) / 86400e9
        mjd[nat] = np.nan
        if mask is not None:
            mjd[mask] = np.nan
        return Served(mjd, "time", unit="d", description="MJD")
    if kind == "m":
        seconds = arr.astype("timedelta64[ns]").astype(np.float64) / 1e9
        seconds[np.isnat(arr)] = np.nan
        return Served(seconds, "float", unit="s")
    if kind == "O":
        flat = [v for v in arr.reshape(-1)[:1000] if not _missing(v)]
        if all(isinstance(v, (str, bytes)) for v in flat):
            return Served(_strings(arr, mask, name, notes), "string")
        if all(isinstance(v, (bool, np.bool_)) for v in flat) and flat:
            return Served(np.array([bool(v) and not _missing(v) for v in arr.reshape(-1)]).reshape(arr.shape), "bool")
        try:
            num = arr.astype(np.float64)
        except (TypeError, ValueError):
            return Served(_strings(arr, mask, name, notes), "string")
        return Served(num, "float")
    return Served(arr, kind_of(arr.dtype))


def _temp(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


def write_npy(target: Path, chunks: Iterable[npt.NDArray[Any]], shape: tuple[int, ...], dtype: np.dtype[Any]) -> None:
    """Write ``chunks`` (rows in order) as the ``.npy`` ``target`` through a temporary file and a rename."""
    tmp = _temp(target)
    try:
        with tmp.open("wb") as fh:
            header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
            np.lib.format.write_array_header_1_0(fh, header)
            written = 0
            for chunk in chunks:
                fh.write(np.ascontiguousarray(chunk, dtype=dtype).tobytes())
                written += len(chunk)
        if written != shape[0]:
            raise ValueError(f"{written} rows written of {shape[0]}")
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_json(target: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``target`` through a temporary file and a rename."""
    tmp = _temp(target)
    try:
        tmp.write_text(json.dumps(data))
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def store_folder(cache_dir: str | os.PathLike[str], file_identity: str, index: int) -> Path:
    """The column store folder of table ``index`` of a file."""
    return Path(cache_dir) / file_identity / f"table-{index}"


def touch_used(cache_dir: str | os.PathLike[str], file_identity: str) -> None:
    """Mark the file's cache folder as used (the cache eviction removes the oldest first)."""
    folder = Path(cache_dir) / file_identity
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LAST_USED).touch()
    except OSError:
        pass  # a read-only or full cache must not break reading


class ChunkedColumn:
    """A column that arrives in row chunks whose types may differ (a text reader's chunks).

    Chunks go to a temporary file as they come (bounded memory); :meth:`finish` promotes them
    to one type (int and float to float64, anything with text to text, the widest text) and
    yields the final chunks.
    """

    def __init__(self, folder: Path, name: str, notes: list[str]) -> None:
        self.name = name
        self.notes = notes
        self.rows = 0
        self.kinds: list[tuple[Kind, np.dtype[Any]]] = []
        self.unit: str | None = None
        self.description: str | None = None
        #: The per-row shape (vector columns), from the first chunk.
        self.trail: tuple[int, ...] = ()
        fd, path = tempfile.mkstemp(dir=folder, prefix=".chunks.", suffix=".tmp")
        self._path = Path(path)
        self._fh: IO[bytes] = os.fdopen(fd, "w+b")

    def add(self, values: Any) -> None:
        """Append one chunk of rows."""
        served = serve(values, self.name, self.notes)
        if not self.kinds:
            self.trail = tuple(int(k) for k in served.values.shape[1:])
        self.kinds.append((served.kind, served.values.dtype))
        self.unit = self.unit or served.unit
        self.description = self.description or served.description
        np.save(self._fh, served.values, allow_pickle=False)
        self.rows += len(served.values)

    def target(self) -> tuple[Kind, np.dtype[Any]]:
        """The kind and dtype every chunk is converted to."""
        if not self.kinds:
            return "float", np.dtype(np.float64)
        kinds = {k for k, _ in self.kinds}
        dtypes = [d for _, d in self.kinds]
        if "string" in kinds:
            width = max((d.itemsize // 4 if d.kind == "U" else 32) for d in dtypes)
            return "string", np.dtype(f"U{max(1, width)}")
        if len(kinds) == 1:
            only = kinds.pop()
            return only, np.result_type(*dtypes)
        if kinds <= {"int", "float", "bool"}:
            return ("int" if "float" not in kinds and "int" in kinds else "float"), np.dtype(np.float64)
        return "other", np.result_type(*dtypes)

    def finish(self) -> tuple[Kind, np.dtype[Any], Iterable[npt.NDArray[Any]]]:
        """The final kind, dtype and chunks (read back from the temporary file)."""
        kind, dtype = self.target()

        def chunks() -> Iterable[npt.NDArray[Any]]:
            self._fh.seek(0)
            for _ in self.kinds:
                part = np.load(self._fh, allow_pickle=False)
                if dtype.kind == "U" and part.dtype.kind != "U":
                    part = (
                        np.where(np.isnan(part), "", part.astype(str)) if part.dtype.kind == "f" else part.astype(str)
                    )
                yield part.astype(dtype, copy=False)

        return kind, dtype, chunks()

    def close(self) -> None:
        """Remove the temporary file."""
        self._fh.close()
        self._path.unlink(missing_ok=True)


@dataclass(eq=False)
class StoredTable:
    """A table whose columns are whole arrays: memory-mapped ``.npy`` files or in-memory arrays."""

    identity: str
    name: str
    rows: int
    columns: list[ColumnInfo]
    notes: list[str]
    format: str
    arrays: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    folder: Path | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _array(self, name: str) -> npt.NDArray[Any]:
        info = column_info(self.columns, name, self.name)
        with self._lock:
            arr = self.arrays.get(name)
            if arr is None:
                assert self.folder is not None
                index = self.columns.index(info)
                try:
                    arr = np.load(self.folder / f"c{index}.npy", mmap_mode="r", allow_pickle=False)
                except (OSError, ValueError):
                    raise ToyzError(
                        "unreadable", f"The converted copy of {self.name} is gone; open the table again."
                    ) from None
                self.arrays[name] = arr
        return arr

    def column(self, name: str) -> npt.NDArray[Any]:
        """See :meth:`workers.sources.Table.column`."""
        scalar_or_refuse(column_info(self.columns, name, self.name))
        return self._array(name)

    def take(self, name: str, rows: npt.NDArray[np.integer[Any]]) -> npt.NDArray[Any]:
        """See :meth:`workers.sources.Table.take`."""
        index = check_row_numbers(rows, self.rows, self.name)
        return np.asarray(self._array(name)[index])


def build_stored(
    identity: str,
    name: str,
    fmt: str,
    columns: Sequence[tuple[str, Served]],
    rows: int,
    notes: list[str],
    folder: Path | None,
) -> StoredTable:
    """A :class:`StoredTable` of whole columns, written into ``folder`` first when it is given."""
    infos = [served.info(col) for col, served in columns]
    if folder is None:
        arrays = {col: served.values for col, served in columns}
        return StoredTable(identity, name, rows, infos, notes, fmt, arrays)
    for j, (_, served) in enumerate(columns):
        write_npy(folder / f"c{j}.npy", [served.values], served.values.shape, served.values.dtype)
    write_meta(folder, name, fmt, rows, infos, notes)
    return StoredTable(identity, name, rows, infos, notes, fmt, {}, folder)


def write_meta(folder: Path, name: str, fmt: str, rows: int, infos: Sequence[ColumnInfo], notes: list[str]) -> None:
    """Write ``meta.json`` (last: its presence says the store is complete)."""
    meta = {
        "version": STORE_VERSION,
        "name": name,
        "format": fmt,
        "rows": rows,
        "columns": [c.as_dict() for c in infos],
        "notes": notes,
    }
    write_json(folder / "meta.json", meta)


def load_stored(folder: Path, identity: str) -> StoredTable | None:
    """The stored table in ``folder``, or None when it is missing, incomplete or of an older layout."""
    try:
        meta = json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("version") != STORE_VERSION:
        return None
    infos = [ColumnInfo.from_dict(c) for c in meta["columns"]]
    if not all((folder / f"c{j}.npy").exists() for j in range(len(infos))):
        return None
    return StoredTable(
        identity, meta["name"], int(meta["rows"]), infos, list(meta["notes"]), meta["format"], {}, folder
    )
