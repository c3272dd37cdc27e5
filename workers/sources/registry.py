"""Open a table of any supported file: the format by content and name, the readers, the LRU of open tables."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Final

from cachetools import LRUCache

from workers.errors import ToyzError

from . import fits_tables
from .model import MAX_PARSED_BYTES, MAX_ROWS, FileStat, Format, Table, TableInfo, format_of, stat_file, table_identity
from .store import StoredTable, load_stored, store_folder, touch_used

#: Open tables kept by the process, keyed by file identity and table index.
OPEN_TABLES_MAX: Final = 16

_lock = threading.Lock()
_open: LRUCache[tuple[str, int, str | None], Table] = LRUCache(maxsize=OPEN_TABLES_MAX)
_listed: LRUCache[str, list[TableInfo]] = LRUCache(maxsize=64)
# One lock per table being converted, so two requests do not convert the same table at once.
_converting: dict[tuple[str, int], threading.Lock] = {}

_MAGIC: Final[tuple[tuple[bytes, Format], ...]] = (
    (b"SIMPLE  =", "fits"),
    (b"PAR1", "parquet"),
    (b"ARROW1", "feather"),
    (b"FEA1", "feather"),
    (b"\x89HDF\r\n\x1a\n", "hdf5"),
    (b"\x93NUMPY", "npy"),
)


def clear_open_tables() -> None:
    """Forget every open table and listing (tests; a fresh process)."""
    with _lock:
        _open.clear()
        _listed.clear()
    fits_tables.clear_column_cache()


def detect_format(st: FileStat) -> Format:
    """The file's format: by its first bytes where they tell, else by its name."""
    try:
        with Path(st.real).open("rb") as fh:
            magic = fh.read(16)
    except OSError as exc:
        raise ToyzError("unreadable", f"{st.name}: {exc.strerror}") from None
    for prefix, fmt in _MAGIC:
        if magic.startswith(prefix):
            return fmt
    by_name = format_of(st.name)
    if magic.startswith(b"PK\x03\x04") and by_name == "npz":
        return "npz"
    # Text formats that say what they are in their first bytes (an IPAC table named .dat).
    head = magic.lstrip()
    if head.startswith(b"# %ECSV"):
        return "ecsv"
    if head.startswith((b"<?xml", b"<VOTABLE")) and by_name in (None, "votable", "csv"):
        return "votable"
    if head.startswith((b"\\", b"|")) and by_name in (None, "csv", "ipac"):
        return "ipac"
    if by_name is not None:
        return by_name
    raise ToyzError(
        "unsupported",
        f"{st.name} is not a table file Toyz reads (CSV, TSV, FITS, VOTable, ECSV, IPAC, Parquet, Feather, HDF5, .npy, .npz).",
    )


def _gzipped(st: FileStat) -> bool:
    with Path(st.real).open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def list_tables(path: str | os.PathLike[str], *, cache_dir: str | None = None) -> list[TableInfo]:
    """Every table of a file: each table HDU of a FITS file, each table of a VOTable, ...

    Files of one table (CSV, ECSV, Parquet...) are opened (converted into the column store of
    ``cache_dir`` when needed) to count their rows.

    Raises
    ------
    ToyzError
        As :func:`open_table`.
    """
    st = stat_file(path)
    with _lock:
        cached = _listed.get(st.identity)
    if cached is not None:
        return cached
    fmt = detect_format(st)
    if fmt == "fits" and not _gzipped(st):
        fd = os.open(st.real, os.O_RDONLY)
        try:
            infos = fits_tables.list_fits_tables(fits_tables.walk_hdus(fd, st.size))
        finally:
            os.close(fd)
    elif fmt in ("votable", "hdf5", "npz", "fits"):
        from . import parsed

        infos = parsed.list_parsed_tables(st, fmt)
    else:
        table = open_table(path, 0, cache_dir=cache_dir)
        infos = [TableInfo(0, table.name, table.rows, len(table.columns))]
    with _lock:
        _listed[st.identity] = infos
    return infos


def open_table(
    path: str | os.PathLike[str],
    table: int = 0,
    *,
    cache_dir: str | os.PathLike[str] | None,
    max_rows: int = MAX_ROWS,
    max_parsed_bytes: int = MAX_PARSED_BYTES,
) -> Table:
    """Open table ``table`` (0-based, among the file's tables) of a table file.

    Uncompressed FITS tables are read lazily with ``pread``; Parquet and Feather by pyarrow one
    column at a time; every other format is converted once into the column store under
    ``cache_dir`` (in memory when it is None) and memory-mapped from there. Open tables are kept
    in a per-process LRU of :data:`OPEN_TABLES_MAX` keyed by the file's identity.

    Parameters
    ----------
    path : str or PathLike
        The file (already resolved and checked by the caller).
    table : int
        The table's index, as :func:`list_tables` numbers them.
    cache_dir : str, PathLike or None
        The cache root (``TOYZ_CACHE_DIR``).
    max_rows : int
        Tables with more rows are refused with ``too_large``.
    max_parsed_bytes : int
        Files that must be parsed whole (VOTable, ECSV, IPAC, gzipped FITS) larger than this
        are refused with ``too_large``.

    Raises
    ------
    ToyzError
        ``not_found`` (no such file), ``unsupported`` (not a table format), ``unreadable``
        (damaged, malformed or truncated, with a sentence saying where), ``bad_table`` (no such
        table in the file, or no table at all), ``too_large`` (too many rows).
    """
    st = stat_file(path)
    cache = str(cache_dir) if cache_dir is not None else None
    key = (st.identity, table, cache)
    with _lock:
        found = _open.get(key)
    if found is not None and not _still_stored(found):
        # The cache eviction removed its column store: convert the file again rather than fail until restart.
        with _lock:
            _open.pop(key, None)
        found = None
    if found is not None:
        if cache is not None:
            touch_used(cache, st.identity)
        return found
    if table < 0:
        raise ToyzError("bad_table", f"{st.name}: table numbers start at 0.")
    fmt = detect_format(st)
    with _lock:
        convert_lock = _converting.setdefault((st.identity, table), threading.Lock())
    try:
        with convert_lock:
            with _lock:
                found = _open.get(key)
            if found is None:
                found = _open_uncached(st, fmt, table, cache, max_rows, max_parsed_bytes)
                with _lock:
                    _open[key] = found
    finally:
        with _lock:
            _converting.pop((st.identity, table), None)
    return found


def _still_stored(table: Table) -> bool:
    """False for a table of the column store whose folder is gone (evicted with the cache)."""
    folder = getattr(table, "folder", None) if isinstance(table, StoredTable) else None
    return folder is None or (folder / "meta.json").is_file()


def _open_uncached(
    st: FileStat, fmt: Format, table: int, cache: str | None, max_rows: int, max_parsed_bytes: int
) -> Table:
    if fmt == "fits" and not _gzipped(st):
        return fits_tables.open_fits_table(st.real, st.name, st.identity, st.size, table, max_rows)
    if fmt in ("parquet", "feather"):
        from .arrow import open_arrow_table

        return open_arrow_table(st, fmt, table, max_rows)
    folder: Path | None = None
    if cache is not None:
        touch_used(cache, st.identity)
        folder = store_folder(cache, st.identity, table)
        stored = load_stored(folder, table_identity(st.identity, table))
        if stored is not None:
            if stored.rows > max_rows:
                from .model import check_rows

                check_rows(st.name, stored.rows, max_rows)
            return stored
    if fmt == "csv":
        if table != 0:
            raise ToyzError("bad_table", f"{st.name} holds one table, numbered 0.")
        from .text import read_text_table

        return read_text_table(st.real, st.name, table_identity(st.identity, 0), folder, max_rows)
    from . import parsed

    return parsed.read_parsed_table(st, fmt, table, folder, max_rows, max_parsed_bytes)
