"""Formats converted once into the column store: VOTable, ECSV, IPAC, gzipped FITS (parsed whole
by astropy), HDF5 (h5py, in row chunks), ``.npy`` and ``.npz`` (read in row chunks, never mapped).

A VOTable's tables are all converted by one parse (parsing is the slow part); every other
format converts only the table asked for.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .model import (
    MAX_COLUMNS,
    MAX_PARSED_BYTES,
    ColumnInfo,
    FileStat,
    Format,
    TableInfo,
    check_rows,
    dtype_name,
    table_identity,
    unique_names,
)
from .store import ChunkedColumn, Served, StoredTable, build_stored, load_stored, serve, write_meta, write_npy

#: Bytes of rows read at a time from HDF5, .npy and .npz.
CHUNK_BYTES: Final = 16 * 1024 * 1024
#: Bytes of a file read at a time when it is checked before astropy parses it.
SCAN_BYTES: Final = 1024 * 1024
#: A STREAM tag longer than this is refused rather than followed to its end.
MAX_TAG_BYTES: Final = 64 * 1024
_STREAM_TAG: Final = re.compile(rb"<\s*(?:[A-Za-z_][\w.-]*:)?STREAM\b")
_HREF: Final = re.compile(rb"\bhref\s*=", re.IGNORECASE)


def _too_big(st: FileStat, limit: int, fmt: str) -> None:
    if st.size > limit:
        raise ToyzError(
            "too_large",
            f"{st.name} is {st.size / 1024**3:.1f} GB; {fmt} files are read whole, and Toyz reads such files up to "
            f"{limit / 1024**3:.1f} GB. Convert it to FITS or Parquet, which are read a column at a time.",
        )


# --- astropy tables (VOTable, ECSV, IPAC, gzipped FITS) ------------------------------------------


def _compressed(real: str) -> bool:
    with open(real, "rb") as fh:  # noqa: PTH123 -- the first bytes only
        magic = fh.read(6)
    return magic.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ"))


def check_before_parsing(st: FileStat, fmt: Format, limit: int) -> None:
    """Refuse what astropy must not be given: a VOTable that links to data elsewhere, or a compressed file
    that holds more than ``limit`` bytes.

    astropy opens a VOTable ``STREAM``'s ``href`` with ``urllib`` (``file://`` included): any file the
    server may read, or any URL it can reach, would come back as the user's table. Entity declarations
    could build such a tag (and expand without bound), so they are refused too. Compressed files are
    read through as astropy reads them (gzip, bzip2, xz), counting what they hold.
    """
    from astropy.utils.data import get_readable_fileobj

    scan = fmt == "votable"
    compressed = _compressed(st.real)
    if not scan and not compressed:
        return
    total = 0
    tail = b""
    try:
        with get_readable_fileobj(st.real, encoding="binary") as fh:
            while chunk := fh.read(SCAN_BYTES):
                total += len(chunk)
                if total > limit:
                    _too_big(FileStat(st.real, st.name, total, st.identity), limit, fmt)
                if not scan:
                    continue
                buf = tail + chunk
                if b"<!ENTITY" in buf:
                    raise ToyzError("unsupported", f"{st.name} declares XML entities; Toyz reads VOTables without.")
                keep = max(0, len(buf) - 16)  # a tag name cut between two reads is seen whole in the next
                for match in _STREAM_TAG.finditer(buf):
                    end = buf.find(b">", match.end())
                    if end < 0:
                        keep = min(keep, match.start())
                        break
                    if _HREF.search(buf, match.end(), end):
                        raise ToyzError(
                            "unsupported",
                            f"{st.name} keeps its data in another file or at a URL (a STREAM href); Toyz reads "
                            "VOTables whose data is inside them.",
                        )
                tail = buf[keep:]
                if len(tail) > MAX_TAG_BYTES:
                    raise ToyzError("unreadable", f"{st.name} has a STREAM tag that does not end; it is damaged.")
    except (OSError, EOFError, ValueError) as exc:
        raise ToyzError("unreadable", f"{st.name} cannot be read: {exc}") from None


def _astropy_read(st: FileStat, fmt: Format, limit: int) -> list[tuple[str, Any]]:
    """Every table of the file as (name, astropy Table); the file is checked first (`check_before_parsing`)."""
    import warnings

    check_before_parsing(st, fmt, limit)

    from astropy.io import fits, votable
    from astropy.table import Table as AstropyTable

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # astropy warns about every quirk of a VOTable or header
            if fmt == "votable":
                vot = votable.parse(st.real, verify="ignore")
                out = []
                for i, t in enumerate(vot.iter_tables()):
                    table = t.to_table(use_names_over_ids=True)
                    for field, col in zip(t.fields, table.columns.values(), strict=False):
                        if field.ucd:
                            col.meta["ucd"] = field.ucd
                    out.append((t.name or t.ID or f"TABLE {i}", table))
                return out
            if fmt == "fits":
                out = []
                with fits.open(st.real, memmap=False) as hdul:
                    for h, hdu in enumerate(hdul):
                        if isinstance(hdu, (fits.BinTableHDU, fits.TableHDU)) and not isinstance(
                            hdu, fits.CompImageHDU
                        ):
                            table = AstropyTable.read(hdu)
                            for j, col in enumerate(table.columns.values(), start=1):
                                ucd = hdu.header.get(f"TUCD{j}")
                                if ucd:
                                    col.meta["ucd"] = str(ucd)
                                comm = hdu.header.get(f"TCOMM{j}")
                                if comm and not col.description:
                                    col.description = str(comm)
                            out.append((hdu.name or f"HDU {h}", table))
                return out
            astropy_format = {"ecsv": "ascii.ecsv", "ipac": "ascii.ipac"}[fmt]
            return [(Path(st.name).stem, AstropyTable.read(st.real, format=astropy_format))]
    except ToyzError:
        raise
    except Exception as exc:  # astropy's parsers raise many types; each means the file cannot be read
        raise ToyzError("unreadable", f"{st.name} is not a readable {fmt} file: {exc}") from None


def _served_columns(table: Any, notes: list[str]) -> list[tuple[str, Served]]:
    """The served values of an astropy table's columns (times as MJD, other mixins split)."""
    from astropy.table import Column, MaskedColumn
    from astropy.table.serialize import represent_mixins_as_columns
    from astropy.time import Time

    table = table.copy(copy_data=False)
    for name in list(table.colnames):
        col = table[name]
        if isinstance(col, Time):
            desc = getattr(col.info, "description", None)
            mjd = (
                np.ma.masked_invalid(np.asarray(col.mjd, dtype=np.float64))
                if not getattr(col, "masked", False)
                else col.mjd
            )
            table[name] = Column(
                np.ma.filled(np.ma.asarray(mjd, dtype=np.float64), np.nan),
                unit="d",
                description=desc or f"MJD ({col.scale})",
            )
            table[name].meta["kind"] = "time"
    try:
        plain = represent_mixins_as_columns(table)
    except Exception:  # an exotic mixin: drop it rather than refuse the table
        plain = table.__class__([c for c in table.itercols() if isinstance(c, (Column, MaskedColumn))])
    names = unique_names(plain.colnames, notes)
    out = []
    for name, col in zip(names, plain.itercols(), strict=True):
        values = col.data if not isinstance(col, MaskedColumn) else np.ma.MaskedArray(col.data, mask=col.mask)
        served = serve(values, name, notes)
        served.unit = str(col.unit) if col.unit is not None else None
        served.description = col.description or served.description
        served.ucd = col.meta.get("ucd") if col.meta else None
        if col.meta and col.meta.get("kind") == "time":
            served.kind = "time"
        out.append((name, served))
    return out


# --- row streams (HDF5, .npy, .npz) -----------------------------------------------------------


def _npy_header(fh: IO[bytes], where: str) -> tuple[np.dtype[Any], tuple[int, ...], bool]:
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
    except ValueError as exc:
        raise ToyzError("unreadable", f"{where} is not a readable .npy array: {exc}") from None
    if dtype.hasobject:
        raise ToyzError("unsupported", f"{where} holds Python objects; Toyz reads arrays of numbers and text only.")
    return dtype, tuple(shape), bool(fortran)


def _npy_rows(fh: IO[bytes], dtype: np.dtype[Any], shape: tuple[int, ...], where: str) -> Iterator[npt.NDArray[Any]]:
    """The array's rows in chunks (C order), read with plain reads."""
    row = dtype.itemsize * int(np.prod(shape[1:], dtype=np.int64))
    n = shape[0] if shape else 1
    step = max(1, CHUNK_BYTES // max(1, row))
    for start in range(0, n, step):
        m = min(step, n - start)
        buf = fh.read(m * row)
        if len(buf) < m * row:
            raise ToyzError("unreadable", f"{where} ends before its last row; it is truncated.")
        yield np.frombuffer(buf, dtype=dtype).reshape((m, *shape[1:]))


def _columns_of(dtype: np.dtype[Any], shape: tuple[int, ...]) -> list[str]:
    if dtype.names:
        return list(dtype.names)
    if len(shape) == 2:
        # A header can claim any width (a tiny file of shape (1, 10**9)): one name per column would not fit.
        if shape[1] > MAX_COLUMNS:
            raise ToyzError(
                "too_large", f"That array has {shape[1]:,} columns; Toyz reads tables of at most {MAX_COLUMNS:,}."
            )
        return [f"col{j}" for j in range(shape[1])]
    return ["col0"]


def _split(chunk: npt.NDArray[Any], dtype: np.dtype[Any]) -> list[npt.NDArray[Any]]:
    if dtype.names:
        return [chunk[name] for name in dtype.names]
    if chunk.ndim == 2:
        return [chunk[:, j] for j in range(chunk.shape[1])]
    return [chunk.reshape(len(chunk), *chunk.shape[1:])]


def _store_stream(
    st: FileStat,
    index: int,
    name: str,
    fmt: str,
    raw_names: list[str],
    chunks: Iterator[list[npt.NDArray[Any]]],
    folder: Path | None,
    max_rows: int,
    meta: dict[str, dict[str, Any]] | None = None,
) -> StoredTable:
    """Stream column chunks into the store (or memory) and open the result."""
    notes: list[str] = []
    names = unique_names(raw_names, notes)
    work = folder if folder is not None else Path(tempfile.gettempdir())
    work.mkdir(parents=True, exist_ok=True)
    cols = [ChunkedColumn(work, n, notes) for n in names]
    rows = 0
    identity = table_identity(st.identity, index)
    try:
        for parts in chunks:
            rows += len(parts[0]) if parts else 0
            check_rows(st.name, rows, max_rows)
            for col, part in zip(cols, parts, strict=True):
                col.add(part)
        infos: list[ColumnInfo] = []
        arrays: dict[str, npt.NDArray[Any]] = {}
        for j, (col, raw) in enumerate(zip(cols, raw_names, strict=True)):
            kind, dtype, parts_iter = col.finish()
            extra = (meta or {}).get(raw, {})
            shape = col.trail
            infos.append(
                ColumnInfo(
                    col.name,
                    kind,
                    dtype_name(dtype),
                    extra.get("unit") or col.unit,
                    extra.get("ucd"),
                    extra.get("description") or col.description,
                    shape,
                )
            )
            if folder is None:
                got = list(parts_iter)
                arrays[col.name] = np.concatenate(got) if got else np.zeros((0, *shape), dtype=dtype)
            else:
                write_npy(folder / f"c{j}.npy", parts_iter, (rows, *shape), dtype)
    finally:
        for col in cols:
            col.close()
    if folder is None:
        return StoredTable(identity, name, rows, infos, notes, fmt, arrays)
    write_meta(folder, name, fmt, rows, infos, notes)
    return StoredTable(identity, name, rows, infos, notes, fmt, {}, folder)


def _npz_members(zf: zipfile.ZipFile) -> list[str]:
    return [m for m in zf.namelist() if m.endswith(".npy")]


def _npz_tables(st: FileStat) -> tuple[zipfile.ZipFile, list[tuple[str, list[str]]]]:
    """The tables of an .npz: one table of equal-length 1-D arrays, or one table per array."""
    try:
        zf = zipfile.ZipFile(st.real)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ToyzError("unreadable", f"{st.name} is not a readable .npz file: {exc}") from None
    shapes: dict[str, tuple[np.dtype[Any], tuple[int, ...]]] = {}
    for m in _npz_members(zf):
        with zf.open(m) as fh:
            dtype, shape, _ = _npy_header(fh, f"{st.name}:{m}")
        shapes[m] = (dtype, shape)
    if not shapes:
        zf.close()
        raise ToyzError("bad_table", f"{st.name} holds no arrays.")
    flat = [m for m, (d, s) in shapes.items() if len(s) == 1 and not d.names]
    if len(flat) == len(shapes) and len({shapes[m][1] for m in flat}) == 1:
        return zf, [("arrays", flat)]
    return zf, [(m.removesuffix(".npy"), [m]) for m in shapes]


def _hdf5_tables(st: FileStat) -> tuple[Any, list[str]]:
    import h5py

    try:
        f = h5py.File(st.real, "r")
    except OSError as exc:
        raise ToyzError("unreadable", f"{st.name} is not a readable HDF5 file: {exc}") from None
    found: list[str] = []

    def visit(name: str, obj: Any) -> None:
        if not isinstance(obj, h5py.Dataset) or name.endswith("__table_column_meta__"):
            return
        # A compound 1-D dataset is a table (astropy writes them so); a 2-D numeric one, columns of numbers.
        if (obj.dtype.names and obj.ndim == 1) or (obj.ndim == 2 and obj.dtype.kind in "biuf"):
            found.append(name)

    f.visititems(visit)
    return f, found


def _yaml_meta(lines: list[str]) -> dict[str, dict[str, Any]]:
    try:
        from astropy.table import meta as table_meta

        header = table_meta.get_header_from_yaml(lines)
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


def list_parsed_tables(st: FileStat, fmt: Format, max_parsed_bytes: int = MAX_PARSED_BYTES) -> list[TableInfo]:
    """Every table of a file of a converted format (HDF5, .npz, VOTable, gzipped FITS)."""
    if fmt == "npz":
        zf, tables = _npz_tables(st)
        with zf:
            infos = []
            for i, (name, members) in enumerate(tables):
                with zf.open(members[0]) as fh:
                    dtype, shape, _ = _npy_header(fh, st.name)
                ncols = len(members) if len(members) > 1 or name == "arrays" else len(_columns_of(dtype, shape))
                infos.append(TableInfo(i, name, shape[0] if shape else 1, ncols))
            return infos
    if fmt == "hdf5":
        f, names = _hdf5_tables(st)
        with f:
            return [
                TableInfo(i, n, int(f[n].shape[0]), len(_columns_of(f[n].dtype, f[n].shape)))
                for i, n in enumerate(names)
            ]
    if fmt in ("votable", "fits"):
        _too_big(st, max_parsed_bytes, fmt)
        found = _astropy_read(st, fmt, max_parsed_bytes)
        return [TableInfo(i, name, len(t), len(t.colnames)) for i, (name, t) in enumerate(found)]
    return []


def read_parsed_table(
    st: FileStat, fmt: Format, table: int, folder: Path | None, max_rows: int, max_parsed_bytes: int
) -> StoredTable:
    """Convert table ``table`` of a file into the column store ``folder`` (memory when None)."""
    if fmt in ("votable", "ecsv", "ipac", "fits"):
        _too_big(st, max_parsed_bytes, fmt)
        tables = _astropy_read(st, fmt, max_parsed_bytes)
        if not tables:
            raise ToyzError("bad_table", f"{st.name} holds no table.")
        if not 0 <= table < len(tables):
            raise ToyzError("bad_table", f"{st.name} has {len(tables)} table(s), numbered 0 to {len(tables) - 1}.")
        chosen: StoredTable | None = None
        for i, (name, atable) in enumerate(tables):
            if i != table and (folder is None or fmt != "votable"):
                continue  # one parse converts every table of a VOTable into the store
            check_rows(f"{st.name} ({name})", len(atable), max_rows)
            notes: list[str] = []
            cols = _served_columns(atable, notes)
            target = None if folder is None else folder.parent / f"table-{i}"
            if target is not None and i != table and load_stored(target, table_identity(st.identity, i)) is not None:
                continue
            built = build_stored(table_identity(st.identity, i), name, fmt, cols, len(atable), notes, target)
            if i == table:
                chosen = built
        assert chosen is not None
        return chosen
    if fmt == "npy":
        if table != 0:
            raise ToyzError("bad_table", f"{st.name} holds one table, numbered 0.")
        with open(st.real, "rb") as fh:  # noqa: PTH123 -- a plain file object for numpy's header reader
            dtype, shape, fortran = _npy_header(fh, st.name)
            if fortran and len(shape) > 1:
                raise ToyzError("unsupported", f"{st.name} is stored column-major (Fortran order); save it in C order.")
            names = _columns_of(dtype, shape)
            check_rows(st.name, shape[0] if shape else 1, max_rows)
            return _store_stream(
                st,
                0,
                Path(st.name).stem,
                "npy",
                names,
                (_split(c, dtype) for c in _npy_rows(fh, dtype, shape or (1,), st.name)),
                folder,
                max_rows,
            )
    if fmt == "npz":
        zf, tables = _npz_tables(st)
        with zf:
            if not 0 <= table < len(tables):
                raise ToyzError("bad_table", f"{st.name} has {len(tables)} table(s), numbered 0 to {len(tables) - 1}.")
            name, members = tables[table]
            if len(members) > 1 or name == "arrays":
                return _store_stream(
                    st,
                    table,
                    name,
                    "npz",
                    [m.removesuffix(".npy") for m in members],
                    _zip_columns(zf, members, st.name),
                    folder,
                    max_rows,
                )
            with zf.open(members[0]) as member:
                dtype, shape, fortran = _npy_header(member, st.name)
                if fortran and len(shape) > 1:
                    raise ToyzError("unsupported", f"{st.name}: {name} is stored column-major (Fortran order).")
                check_rows(st.name, shape[0] if shape else 1, max_rows)
                return _store_stream(
                    st,
                    table,
                    name,
                    "npz",
                    _columns_of(dtype, shape),
                    (_split(c, dtype) for c in _npy_rows(member, dtype, shape or (1,), f"{st.name}:{name}")),
                    folder,
                    max_rows,
                )
    if fmt == "hdf5":
        f, names = _hdf5_tables(st)
        with f:
            if not names:
                raise ToyzError("bad_table", f"{st.name} holds no table (a compound or 2-D dataset).")
            if not 0 <= table < len(names):
                raise ToyzError("bad_table", f"{st.name} has {len(names)} table(s), numbered 0 to {len(names) - 1}.")
            ds = f[names[table]]
            if ds.external or ds.is_virtual:
                # Its values live in other files (any file the server may read): never follow them.
                raise ToyzError(
                    "unsupported",
                    f"{st.name}: {names[table]} keeps its values in other files; Toyz reads datasets stored "
                    "inside the file.",
                )
            meta_name = names[table] + ".__table_column_meta__"
            meta = (
                _yaml_meta([x.decode("utf-8") if isinstance(x, bytes) else str(x) for x in f[meta_name][()]])
                if meta_name in f
                else {}
            )
            row = max(1, ds.dtype.itemsize * (ds.shape[1] if ds.ndim == 2 else 1))
            step = max(1, CHUNK_BYTES // row)
            n = int(ds.shape[0])
            check_rows(st.name, n, max_rows)

            def chunks() -> Iterator[list[npt.NDArray[Any]]]:
                for start in range(0, n, step):
                    yield _split(np.asarray(ds[start : start + step]), ds.dtype)

            return _store_stream(
                st,
                table,
                names[table].rsplit("/", 1)[-1],
                "hdf5",
                _columns_of(ds.dtype, ds.shape),
                chunks(),
                folder,
                max_rows,
                meta,
            )
    raise ToyzError("unsupported", f"{st.name}: {fmt} tables are not supported.")


def _zip_columns(zf: zipfile.ZipFile, members: list[str], where: str) -> Iterator[list[npt.NDArray[Any]]]:
    """Equal-length 1-D members of an .npz read side by side in row chunks."""
    handles = [zf.open(m) for m in members]
    try:
        streams = []
        for m, fh in zip(members, handles, strict=True):
            dtype, shape, _ = _npy_header(fh, f"{where}:{m}")
            streams.append(_npy_rows(fh, dtype, (shape[0],) if shape else (1,), f"{where}:{m}"))
        # Each stream picks its own chunk length (by item size): re-cut them to a common one.
        buffers: list[list[npt.NDArray[Any]]] = [[] for _ in streams]
        while True:
            for k, s in enumerate(streams):
                while sum(len(b) for b in buffers[k]) < 65536:
                    nxt = next(s, None)
                    if nxt is None:
                        break
                    buffers[k].append(nxt)
            have = min(sum(len(b) for b in buf) for buf in buffers)
            if have == 0:
                return
            out = []
            for k in range(len(streams)):
                joined = np.concatenate(buffers[k])
                out.append(joined[:have])
                buffers[k] = [joined[have:]]
            yield out
    finally:
        for fh in handles:
            fh.close()
