"""Write chosen rows of a table as CSV, FITS or VOTable, keeping units, UCDs and descriptions.

CSV is written in row chunks (it keeps names only: the format has no place for units). FITS
and VOTable are built by astropy from the chosen rows in memory (an export is a selection, at
most the table); FITS gets TUNITn, TUCDn and TCOMMn, VOTable the fields' unit, ucd and
description.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
from typing import Any, BinaryIO, Final, Literal

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .model import ColumnInfo, Table, column_info

#: Rows written to CSV at a time.
CSV_CHUNK_ROWS: Final = 50_000


def _cell(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return " ".join(str(_cell(v)) for v in value.reshape(-1))
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, (np.bool_, bool)):
        return "true" if value else "false"
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_csv(table: Table, rows: npt.NDArray[np.int64], infos: list[ColumnInfo], out: BinaryIO) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow([c.name for c in infos])
        for start in range(0, len(rows), CSV_CHUNK_ROWS):
            part = rows[start : start + CSV_CHUNK_ROWS]
            cols = [table.take(c.name, part) for c in infos]
            for k in range(len(part)):
                writer.writerow([_cell(col[k]) for col in cols])
        text.flush()
    finally:
        text.detach()  # leave ``out`` open for the caller


def _astropy_table(table: Table, rows: npt.NDArray[np.int64], infos: list[ColumnInfo]) -> Any:
    from astropy.table import Column
    from astropy.table import Table as AstropyTable

    out = AstropyTable()
    for c in infos:
        values = table.take(c.name, rows)
        if values.dtype == object:
            values = values.astype(str)
        out[c.name] = Column(values, unit=c.unit, description=c.description)
    return out


def _write_fits(table: Table, rows: npt.NDArray[np.int64], infos: list[ColumnInfo], out: BinaryIO) -> None:
    from astropy.io import fits

    data = _astropy_table(table, rows, infos)
    hdu = fits.table_to_hdu(data)
    hdu.name = table.name[:68] if table.name else "TABLE"
    for j, c in enumerate(infos, start=1):
        if c.ucd:
            hdu.header[f"TUCD{j}"] = c.ucd
        if c.description:
            hdu.header[f"TCOMM{j}"] = c.description[:68]
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(out)


def _write_votable(table: Table, rows: npt.NDArray[np.int64], infos: list[ColumnInfo], out: BinaryIO) -> None:
    from astropy.io.votable import from_table

    vot = from_table(_astropy_table(table, rows, infos))
    fields = vot.get_first_table().fields
    for f, c in zip(fields, infos, strict=True):
        if c.ucd:
            # astropy refuses a UCD that breaks its syntax; the column then goes without one.
            with contextlib.suppress(Exception):
                f.ucd = c.ucd
        if c.description:
            f.description = c.description
    vot.to_xml(out)


def estimated_size(table: Table, rows: int, columns: list[str] | None, fmt: str) -> int:
    """Roughly how many bytes `write_table` writes for `rows` rows of `columns` (None: all) in `fmt`.

    FITS stores the values' bytes; CSV and VOTable (TABLEDATA) write each value as text, estimated at
    two characters per byte of a number (a float64 as about 17 digits with sign, point and exponent),
    a character per character of a string, plus the separators (and tags). A guide for refusing early
    when the disk is too full, not a promise.
    """
    names = columns if columns is not None else [c.name for c in table.columns]
    infos = [column_info(table.columns, n, table.name) for n in names]
    binary = text = 0
    for c in infos:
        dtype = np.dtype(c.dtype)
        values = math.prod(c.shape)
        size = dtype.itemsize if dtype.kind != "O" else 16
        binary += size * values
        width = size // 4 if dtype.kind == "U" else size if dtype.kind in "SO" else 2 * size + 2
        text += (width + 1) * values
    if fmt == "fits":
        return 2 * 2880 + rows * binary
    if fmt == "votable":
        return 4096 + rows * (text + len(infos) * len("<TD></TD>") + len("<TR></TR>\n"))
    return 1024 + rows * (text + 1)


def write_table(
    table: Table,
    rows: npt.NDArray[np.integer[Any]],
    columns: list[str] | None,
    fmt: Literal["csv", "fits", "votable"],
    out: BinaryIO,
) -> None:
    """Write rows of a table to ``out``.

    Parameters
    ----------
    table : Table
        The table.
    rows : ndarray of int
        0-based row numbers, written in this order.
    columns : list of str or None
        The columns to write, in this order; None writes every column.
    fmt : {"csv", "fits", "votable"}
        The format. CSV writes vector cells as space-separated values and NaN as empty.
    out : binary file
        Where to write; it is left open.

    Raises
    ------
    ToyzError
        ``bad_params`` for an unknown format, ``not_found`` for an unknown column.
    """
    if fmt not in ("csv", "fits", "votable"):
        raise ToyzError("bad_params", f"Tables are exported as csv, fits or votable, not {fmt!r}.")
    names = columns if columns is not None else [c.name for c in table.columns]
    if not names:
        raise ToyzError("bad_params", "Choose at least one column to export.")
    infos = [column_info(table.columns, n, table.name) for n in names]
    index = np.asarray(rows, dtype=np.int64).reshape(-1)
    if fmt == "csv":
        _write_csv(table, index, infos, out)
    elif fmt == "fits":
        _write_fits(table, index, infos, out)
    else:
        _write_votable(table, index, infos, out)
