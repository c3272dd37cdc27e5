"""FITS binary and ASCII tables, read lazily with ``os.pread``.

The headers are found by walking the file's 2880-byte blocks (no data is read); a column is
read in row chunks of about :data:`CHUNK_BYTES` with ``pread`` and decoded field by field, so a
column read never holds the other columns. The user's file is never memory-mapped: a file
truncated in place while mapped kills the server with SIGBUS; here a short read becomes an
``unreadable`` error. Decoded columns are kept in a process-wide LRU of :data:`COLUMN_CACHE_BYTES`.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from astropy.io import fits
from cachetools import LRUCache

from workers.errors import ToyzError

from .model import (
    ColumnInfo,
    Kind,
    TableInfo,
    check_row_numbers,
    column_info,
    scalar_or_refuse,
    table_identity,
    unique_names,
)

BLOCK: Final = 2880
#: Bytes of rows read by one ``pread`` when a whole column is read.
CHUNK_BYTES: Final = 8 * 1024 * 1024
#: Decoded columns kept by the process (bytes), shared by every open FITS table.
COLUMN_CACHE_BYTES: Final = 512 * 1024 * 1024
#: A header longer than this many blocks is refused (a corrupt file could claim anything).
MAX_HEADER_BLOCKS: Final = 10_000
#: take() reads rows one run at a time below this many rows, and in whole chunks above.
TAKE_BY_RUNS: Final = 4096
CHANGED: Final = "The file changed or is truncated; reopen it."
FITS_MAGIC: Final = b"SIMPLE  ="

_TFORM: Final = re.compile(r"^\s*(\d*)\s*([LXBIJKAEDCMPQ])", re.IGNORECASE)
_ASCII_TFORM: Final = re.compile(r"^\s*([AIFED])\s*(\d+)", re.IGNORECASE)
_WIDTH: Final = {"L": 1, "B": 1, "I": 2, "J": 4, "K": 8, "A": 1, "E": 4, "D": 8, "C": 8, "M": 16, "P": 8, "Q": 16}
_STORED: Final = {"B": ">u1", "I": ">i2", "J": ">i4", "K": ">i8", "E": ">f4", "D": ">f8", "C": ">c8", "M": ">c16"}

_cache_lock = threading.Lock()
_columns: LRUCache[tuple[str, str], npt.NDArray[Any]] = LRUCache(
    maxsize=COLUMN_CACHE_BYTES, getsizeof=lambda a: max(1, int(a.nbytes))
)


def clear_column_cache() -> None:
    """Forget every decoded column (tests; a fresh process)."""
    with _cache_lock:
        _columns.clear()


@dataclass(frozen=True)
class HduEntry:
    """One HDU as the block walk found it."""

    index: int
    header: Any  # astropy.io.fits.Header
    data_offset: int
    data_bytes: int
    table: str | None  # "BINTABLE", "TABLE" or None for images and compressed images


def _read_header(fd: int, offset: int, size: int) -> tuple[Any, int] | None:
    """The header starting at ``offset`` and the offset of its data; None at the end of the file."""
    chunks: list[bytes] = []
    pos = offset
    for _ in range(MAX_HEADER_BLOCKS):
        block = os.pread(fd, BLOCK, pos)
        if len(block) < BLOCK:
            return None
        chunks.append(block)
        pos += BLOCK
        for k in range(0, BLOCK, 80):
            if block[k : k + 8] == b"END     ":
                text = b"".join(chunks).decode("ascii", errors="replace")
                return fits.Header.fromstring(text), pos
    raise ToyzError("unreadable", "A FITS header has no END card within 28 MB; the file is damaged.")


class DamagedHeader(ValueError):
    """A header keyword that does not hold what the standard says (a size that is text or negative)."""


def count(header: Any, key: str, default: int) -> int:
    """A keyword that holds a size or a count: a whole number, not negative.

    Raises
    ------
    DamagedHeader
        When the value is anything else (the file is damaged or built to mislead).
    """
    value = header.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise DamagedHeader(f"{key} = {value!r} is not a whole number from 0")
    return int(value)


def _real(header: Any, key: str, default: float) -> float:
    value = header.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise DamagedHeader(f"{key} = {value!r} is not a number")
    return float(value)


def _data_bytes(header: Any) -> int:
    naxis = count(header, "NAXIS", 0)
    if naxis == 0:
        return 0
    dims = [count(header, f"NAXIS{i}", 0) for i in range(1, naxis + 1)]
    bitpix = header.get("BITPIX", 8)
    if isinstance(bitpix, bool) or not isinstance(bitpix, (int, np.integer)):
        raise DamagedHeader(f"BITPIX = {bitpix!r} is not a whole number")
    bits = abs(int(bitpix))
    gcount = count(header, "GCOUNT", 1)
    pcount = count(header, "PCOUNT", 0)
    if header.get("SIMPLE") is True and header.get("GROUPS") is True and dims[0] == 0:
        dims = dims[1:]  # random groups: NAXIS1 = 0 is a placeholder
    return bits // 8 * gcount * (pcount + math.prod(dims))


def walk_hdus(fd: int, size: int) -> list[HduEntry]:
    """Every HDU of an uncompressed FITS file, by reading its headers only.

    The walk stops at the end of the file or at an HDU whose data runs past it (that HDU is
    still listed: opening it says the file is truncated).
    """
    return list(_hdus(fd, size))


def _hdus(fd: int, size: int) -> Iterator[HduEntry]:
    """The HDUs of `walk_hdus`, one header read at a time (a caller may stop early)."""
    index = 0
    offset = 0
    while offset < size:
        found = _read_header(fd, offset, size)
        if found is None:
            break
        header, data_offset = found
        try:
            nbytes = _data_bytes(header)
        except DamagedHeader as exc:
            raise ToyzError("unreadable", f"HDU {index} has a damaged header: {exc}.") from None
        xt = str(header.get("XTENSION", "")).strip().upper() if index else ""
        table = None
        if xt in ("BINTABLE", "A3DTABLE") and not header.get("ZIMAGE", False):
            table = "BINTABLE"
        elif xt == "TABLE":
            table = "TABLE"
        yield HduEntry(index, header, data_offset, nbytes, table)
        index += 1
        offset = data_offset + (nbytes + BLOCK - 1) // BLOCK * BLOCK


def holds_only_tables(real: str) -> bool:
    """Whether the FITS file `real` holds tables and no image data (no HDU but tables has data).

    Reads headers only, and stops at the first image with data: an exposure of many CCDs costs two
    headers. False for anything that is not a plain FITS file (gzipped, damaged, unreadable): the
    viewer then opens it and says what it holds or what is wrong with it.
    """
    try:
        fd = os.open(real, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not is_fits(fd):
            return False
        tables = False
        for entry in _hdus(fd, os.fstat(fd).st_size):
            if entry.table is not None:
                tables = True
            elif entry.data_bytes > 0:
                return False
        return tables
    except (ToyzError, OSError, ValueError):
        return False
    finally:
        os.close(fd)


def is_fits(fd: int) -> bool:
    """True when the file starts like a FITS file."""
    return os.pread(fd, len(FITS_MAGIC), 0) == FITS_MAGIC


def table_hdus(entries: list[HduEntry]) -> list[HduEntry]:
    """The table HDUs, in file order (their position is the table index)."""
    return [e for e in entries if e.table is not None]


def table_name(entry: HduEntry) -> str:
    """EXTNAME (with EXTVER when it is not 1), or ``HDU <n>``."""
    name = str(entry.header.get("EXTNAME", "")).strip()
    if not name:
        return f"HDU {entry.index}"
    ver = entry.header.get("EXTVER")
    return f"{name},{ver}" if isinstance(ver, int) and ver != 1 else name


def list_fits_tables(entries: list[HduEntry]) -> list[TableInfo]:
    """The :class:`TableInfo` of each table HDU."""
    try:
        return [
            TableInfo(i, table_name(e), count(e.header, "NAXIS2", 0), count(e.header, "TFIELDS", 0))
            for i, e in enumerate(table_hdus(entries))
        ]
    except DamagedHeader as exc:
        raise ToyzError("unreadable", f"A table's header is damaged: {exc}.") from None


@dataclass(frozen=True)
class FitsColumn:
    """Where one column's bytes are in a row and how they become the served values."""

    info: ColumnInfo
    offset: int
    width: int  # bytes in the row
    code: str  # the TFORM letter (binary) or "a:<letter>" (ASCII)
    repeat: int
    scale: float
    zero: float
    null: int | str | None


def _text(header: Any, key: str) -> str | None:
    value = header.get(key)
    if value is None:
        return None
    out = str(value).strip()
    return out or None


def _descr(header: Any, j: int) -> str | None:
    # TCOMMn is the standard's place for a column description; many writers use TTYPEn's comment.
    text = _text(header, f"TCOMM{j}")
    if text:
        return text
    try:
        comment = str(header.comments[f"TTYPE{j}"]).strip()
    except (KeyError, IndexError):
        comment = ""
    return comment or None


def _tdim(header: Any, j: int) -> tuple[int, ...] | None:
    text = _text(header, f"TDIM{j}")
    if not text:
        return None
    try:
        dims = [int(d) for d in text.strip("() ").split(",")]
    except ValueError:
        return None
    return tuple(reversed(dims))  # FITS lists the fastest axis first; numpy last


def _binary_column(header: Any, j: int, name: str, offset: int) -> FitsColumn:
    tform = str(header.get(f"TFORM{j}", ""))
    m = _TFORM.match(tform)
    if not m:
        raise ToyzError("unreadable", f"Column {j} has the format {tform!r}, which is not a FITS binary table format.")
    repeat = int(m.group(1)) if m.group(1) else 1
    code = m.group(2).upper()
    width = (repeat + 7) // 8 if code == "X" else repeat * _WIDTH[code]
    if code in "PQ":
        width = _WIDTH[code]
    scale = _real(header, f"TSCAL{j}", 1.0)
    zero = _real(header, f"TZERO{j}", 0.0)
    tnull = header.get(f"TNULL{j}")
    null = int(tnull) if isinstance(tnull, (int, np.integer)) and code in "BIJK" else None
    unit, ucd, descr = _text(header, f"TUNIT{j}"), _text(header, f"TUCD{j}"), _descr(header, j)
    dim = _tdim(header, j)
    kind: Kind
    if code == "A":
        # TDIM splits the characters into several strings only when its sizes account for all of them.
        split = dim is not None and len(dim) > 1 and min(dim) > 0 and math.prod(dim) == repeat
        shape: tuple[int, ...] = dim[:-1] if split and dim else ()
        chars = dim[-1] if split and dim else repeat
        kind, dtype = ("string", f"<U{chars}") if chars > 0 else ("other", "object")
    elif code in "PQCM":
        shape, kind, dtype = (), "other", "object" if code in "PQ" else "complex128"
    else:
        shape = () if repeat == 1 else (dim if dim and math.prod(dim) == repeat else (repeat,))
        if code in "LX":
            kind, dtype = "bool", "bool"
        elif code in "BIJK":
            kind = "int"
            unsigned = _unsigned(code, scale, zero)
            if null is not None:
                dtype = "float64"
            elif unsigned is not None:
                dtype = unsigned
            elif scale != 1 or zero != 0:
                kind, dtype = "float", "float64"
            else:
                dtype = np.dtype(_STORED[code]).newbyteorder("=").name
        else:
            kind = "float"
            dtype = "float32" if code == "E" and scale == 1 and zero == 0 else "float64"
    info = ColumnInfo(name, kind, dtype, unit, ucd, descr, shape)
    return FitsColumn(info, offset, width, code, repeat, scale, zero, null)


def _unsigned(code: str, scale: float, zero: float) -> str | None:
    """The dtype of the FITS unsigned (and signed byte) conventions, when TSCAL/TZERO say so."""
    if scale != 1:
        return None
    return {
        ("B", -128.0): "int8",
        ("I", 32768.0): "uint16",
        ("J", 2147483648.0): "uint32",
        ("K", 2.0**63): "uint64",
    }.get((code, zero))


def _ascii_column(header: Any, j: int, name: str) -> FitsColumn:
    tform = str(header.get(f"TFORM{j}", ""))
    m = _ASCII_TFORM.match(tform)
    if not m:
        raise ToyzError("unreadable", f"Column {j} has the format {tform!r}, which is not a FITS ASCII table format.")
    code, width = m.group(1).upper(), int(m.group(2))
    start = count(header, f"TBCOL{j}", 1) - 1
    scale = _real(header, f"TSCAL{j}", 1.0)
    zero = _real(header, f"TZERO{j}", 0.0)
    tnull = header.get(f"TNULL{j}")
    null = str(tnull).strip() if tnull is not None else None
    kind: Kind
    if code == "A":
        kind, dtype = "string", f"<U{width}"
    elif code == "I" and null is None and scale == 1 and zero == 0:
        kind, dtype = "int", "int64"
    else:
        kind, dtype = ("int" if code == "I" else "float"), "float64"
    unit, ucd, descr = _text(header, f"TUNIT{j}"), _text(header, f"TUCD{j}"), _descr(header, j)
    return FitsColumn(
        ColumnInfo(name, kind, dtype, unit, ucd, descr, ()), start, width, "a:" + code, 1, scale, zero, null
    )


def _decode_binary(col: FitsColumn, raw: npt.NDArray[np.uint8]) -> npt.NDArray[Any]:
    """Served values of ``col`` from the raw bytes ``raw`` (rows × width)."""
    n = raw.shape[0]
    code, info = col.code, col.info
    if code == "A":
        if info.kind == "other":
            return np.full((n, *info.shape), "", dtype=object)  # a column of no characters (TFORM 0A)
        chars = int(info.dtype[2:])
        strings = np.ascontiguousarray(raw).view(f"S{chars}").reshape((n, *info.shape))
        strings = np.strings.rstrip(strings, b" ")
        try:
            return strings.astype(info.dtype)
        except UnicodeDecodeError:
            flat = [s.decode("latin-1") for s in strings.reshape(-1)]
            return np.array(flat, dtype=info.dtype).reshape(strings.shape)
    if code == "L":
        logical: npt.NDArray[np.bool_] = (raw == ord("T")).reshape((n, *info.shape))
        return logical
    if code == "X":
        bits = np.unpackbits(raw, axis=1)[:, : col.repeat].astype(bool)
        return bits.reshape((n, *info.shape))
    if code in "PQ":
        pairs = np.ascontiguousarray(raw).view(">i4" if code == "P" else ">i8")
        return np.array([f"({int(k)} values)" for k in pairs[:, 0]], dtype=object)
    stored = np.ascontiguousarray(raw).view(_STORED[code]).reshape((n, *info.shape))
    if code in "CM":
        return stored.astype(info.dtype)
    target = np.dtype(info.dtype)
    if code in "BIJK" and target.kind in "iu" and col.zero != 0:
        # The unsigned conventions: flip the sign bit instead of adding TZERO in float.
        size = stored.dtype.itemsize
        pattern = stored.astype(stored.dtype.newbyteorder("=")).view(f"u{size}")
        flipped: npt.NDArray[Any] = pattern ^ np.array(1 << (size * 8 - 1), dtype=f"u{size}")
        return flipped.view(target)
    if target.kind == "f" and (col.null is not None or col.scale != 1 or col.zero != 0):
        out = stored.astype(np.float64)
        if col.scale != 1 or col.zero != 0:
            out = out * col.scale + col.zero
        if col.null is not None:
            out[stored == col.null] = np.nan
        return out
    return stored.astype(target)


def _decode_ascii(col: FitsColumn, raw: npt.NDArray[np.uint8]) -> npt.NDArray[Any]:
    n = raw.shape[0]
    field = np.ascontiguousarray(raw).view(f"S{col.width}").reshape(n)
    field = np.strings.strip(field)
    if col.code == "a:A":
        return np.strings.rstrip(field).astype(col.info.dtype)
    blank = field == b""
    if col.null is not None:
        blank |= field == str(col.null).encode("ascii", "replace")
    field = np.where(blank, b"nan", np.strings.replace(np.strings.upper(field), b"D", b"E"))
    try:
        values = field.astype(np.float64)
    except ValueError:
        values = np.array([_to_float(v) for v in field], dtype=np.float64)
    if col.scale != 1 or col.zero != 0:
        values = values * col.scale + col.zero
    return values.astype(col.info.dtype)


def _to_float(text: bytes) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _close_fd(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


class FitsTable:
    """One table HDU of an uncompressed FITS file, read lazily (see the module's docstring)."""

    format = "fits"

    def __init__(self, real: str, file_name: str, file_identity: str, index: int, entry: HduEntry, fd: int) -> None:
        header = entry.header
        self.identity = table_identity(file_identity, index)
        self.name = table_name(entry)
        self.rows = count(header, "NAXIS2", 0)
        self.row_bytes = count(header, "NAXIS1", 0)
        self.offset = entry.data_offset
        self.file_name = file_name
        self.notes: list[str] = []
        self._fd = fd
        nfields = count(header, "TFIELDS", 0)
        names = unique_names([str(header.get(f"TTYPE{j}", "")) for j in range(1, nfields + 1)], self.notes)
        ascii_table = entry.table == "TABLE"
        cols: list[FitsColumn] = []
        offset = 0
        for j, name in enumerate(names, start=1):
            if ascii_table:
                col = _ascii_column(header, j, name)
            else:
                col = _binary_column(header, j, name, offset)
                offset += col.width
            if col.offset + col.width > self.row_bytes:
                raise ToyzError("unreadable", f"{self.name}: column {name} runs past the end of the row (NAXIS1).")
            cols.append(col)
        self._cols = {c.info.name: c for c in cols}
        self.columns = [c.info for c in cols]
        self._ascii = ascii_table
        # The descriptor closes when the last user of this table lets it go. Registered last: a header that
        # fails above leaves the descriptor to the caller, which closes it; a finalizer registered before would
        # close the same number again at some later collection, by then another file's (or socket's).
        self._finalizer = weakref.finalize(self, _close_fd, fd)

    def close(self) -> None:
        """Close the descriptor now (it also closes when the table is collected)."""
        self._finalizer()

    def _read(self, start: int, stop: int) -> npt.NDArray[np.uint8]:
        """Rows ``[start, stop)`` as raw bytes (rows × NAXIS1)."""
        nbytes = (stop - start) * self.row_bytes
        try:
            buf = os.pread(self._fd, nbytes, self.offset + start * self.row_bytes)
        except OSError as exc:
            raise ToyzError("unreadable", f"{self.file_name}: {exc.strerror}") from None
        if len(buf) < nbytes:
            raise ToyzError("unreadable", f"{self.file_name}: {CHANGED}")
        return np.frombuffer(buf, dtype=np.uint8).reshape(stop - start, self.row_bytes)

    def _decode(self, col: FitsColumn, raw: npt.NDArray[np.uint8]) -> npt.NDArray[Any]:
        part = raw[:, col.offset : col.offset + col.width]
        try:
            return _decode_ascii(col, part) if self._ascii else _decode_binary(col, part)
        except (ValueError, TypeError) as exc:
            # A header whose formats contradict each other: the column cannot be read, the others still can.
            raise ToyzError(
                "unreadable", f"{self.file_name}: column {col.info.name} cannot be decoded ({exc})."
            ) from None

    def _chunk_rows(self) -> int:
        return max(1, CHUNK_BYTES // max(1, self.row_bytes))

    def column(self, name: str) -> npt.NDArray[Any]:
        """See :meth:`workers.sources.Table.column`; decoded columns are cached (read-only)."""
        info = column_info(self.columns, name, self.name)
        scalar_or_refuse(info)
        key = (self.identity, name)
        with _cache_lock:
            cached = _columns.get(key)
        if cached is not None:
            return cached
        col = self._cols[name]
        out = np.empty(self.rows, dtype=info.dtype)
        step = self._chunk_rows()
        for start in range(0, self.rows, step):
            stop = min(self.rows, start + step)
            out[start:stop] = self._decode(col, self._read(start, stop))
        out.flags.writeable = False
        with _cache_lock:
            _columns[key] = out
        return out

    def take(self, name: str, rows: npt.NDArray[np.integer[Any]]) -> npt.NDArray[Any]:
        """See :meth:`workers.sources.Table.take`."""
        info = column_info(self.columns, name, self.name)
        index = check_row_numbers(rows, self.rows, self.name)
        col = self._cols[name]
        with _cache_lock:
            cached = _columns.get((self.identity, name))
        if cached is not None:
            return np.asarray(cached[index])
        dtype = object if info.dtype == "object" else info.dtype
        out = np.empty((len(index), *info.shape), dtype=dtype)
        if not len(index):
            return out
        order = np.argsort(index, kind="stable")
        wanted = index[order]
        if len(wanted) <= TAKE_BY_RUNS:
            # Consecutive row numbers are read together; each run is one pread.
            breaks = np.flatnonzero(np.diff(wanted) != 1) + 1
            for run in np.split(np.arange(len(wanted)), breaks):
                first, last = int(wanted[run[0]]), int(wanted[run[-1]])
                out[order[run]] = self._decode(col, self._read(first, last + 1))
            return out
        step = self._chunk_rows()
        for start in range(int(wanted[0]), int(wanted[-1]) + 1, step):
            lo, hi = np.searchsorted(wanted, [start, start + step])
            if lo == hi:
                continue
            stop = min(self.rows, start + step)
            values = self._decode(col, self._read(start, stop))
            out[order[lo:hi]] = values[wanted[lo:hi] - start]
        return out


def open_fits_table(real: str, file_name: str, file_identity: str, size: int, index: int, max_rows: int) -> FitsTable:
    """Open table ``index`` of an uncompressed FITS file (see :func:`workers.sources.open_table`)."""
    from .model import check_rows

    try:
        fd = os.open(real, os.O_RDONLY)
    except OSError as exc:
        raise ToyzError("unreadable", f"{file_name}: {exc.strerror}") from None
    try:
        tables = table_hdus(walk_hdus(fd, size))
        if not tables:
            raise ToyzError("bad_table", f"{file_name} holds no table (only images); open it as an image.")
        if not 0 <= index < len(tables):
            raise ToyzError("bad_table", f"{file_name} has {len(tables)} table(s), numbered 0 to {len(tables) - 1}.")
        entry = tables[index]
        rows = count(entry.header, "NAXIS2", 0)
        row_bytes = count(entry.header, "NAXIS1", 0)
        end = entry.data_offset + rows * row_bytes
        if end > size:
            raise ToyzError(
                "unreadable",
                f"{file_name}: table {table_name(entry)} claims {rows:,} rows of {row_bytes} bytes, but the file ends "
                f"{end - size:,} bytes short of them; it is truncated.",
            )
        check_rows(f"{file_name} ({table_name(entry)})", rows, max_rows)
        return FitsTable(real, file_name, file_identity, index, entry, fd)
    except DamagedHeader as exc:
        os.close(fd)
        raise ToyzError("unreadable", f"{file_name}: the table's header is damaged: {exc}.") from None
    except BaseException:
        os.close(fd)
        raise
