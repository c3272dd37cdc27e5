"""Detection tables as FITS files: writing them (with the image they came from in the header) and editing
them (add a source, delete rows, relabel).

The columns are :data:`workers.analysis.detect.COLUMNS`; ``x``, ``y`` are viewer coordinates, ``x_image``,
``y_image`` 1-based FITS pixels of the CCD's HDU. The header names the image (``TOYZIMG``, ``TOYZHDU``,
``TOYZPLN``) and the detection settings, so an added source can be measured where it was found.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from astropy.io import fits
from astropy.table import Table

from workers.errors import ToyzError

from .detect import COLUMNS

__all__ = [
    "COLUMNS",
    "DESCRIPTIONS",
    "FLAG_UNMEASURED",
    "MAX_LABEL",
    "UNITS",
    "edit",
    "fits_bytes",
    "read_table",
    "to_table",
]

UNITS: Final = {
    "x": "pix", "y": "pix", "x_image": "pix", "y_image": "pix", "ra": "deg", "dec": "deg", "area": "pix",
    "fwhm": "pix", "a": "pix", "b": "pix", "theta": "deg",
}  # fmt: skip
#: Column descriptions written as ``TCOMMn``: x, y declare their convention in the words the overlay's
#: guess reads (:func:`workers.sources.guess.declared_origin`), so they are placed without a half-pixel shift.
DESCRIPTIONS: Final = {
    "x": "viewer x, level-0 pixels of the image detected on (pixel origin 0.5: the first pixel's centre)",
    "y": "viewer y, level-0 pixels of the image detected on (pixel origin 0.5: the first pixel's centre)",
    "x_image": "x in the CCD's HDU, FITS convention (pixel origin 1)",
    "y_image": "y in the CCD's HDU, FITS convention (pixel origin 1)",
}
#: ``flags`` bit of a row added by hand where no source was detected (its measurements are NaN).
FLAG_UNMEASURED: Final = 1 << 10
MAX_LABEL: Final = 64


def to_table(columns: Mapping[str, npt.NDArray[Any]], meta: Mapping[str, Any] | None = None) -> Table:
    """An astropy Table of a detection's columns (in :data:`COLUMNS` order) with units and `meta` as header cards."""
    table = Table([np.asarray(columns[name]) for name in COLUMNS], names=COLUMNS)
    for name, unit in UNITS.items():
        table[name].unit = unit
    table.meta.update(meta or {})
    return table


def fits_bytes(table: Table) -> bytes:
    """The table as a FITS file: an empty primary HDU and one binary table extension ``SOURCES``."""
    hdu = fits.BinTableHDU(table, name="SOURCES")
    for j, name in enumerate(hdu.columns.names, start=1):
        if name in DESCRIPTIONS:
            hdu.header[f"TCOMM{j}"] = DESCRIPTIONS[name]
    buffer = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(buffer)
    return buffer.getvalue()


def read_table(data: bytes, table: int = 0) -> Table:
    """Read table number `table` (0-based among the file's tables) of a detection FITS file's bytes.

    Raises ToyzError ``bad_table`` when it has no such table or it lacks the detection columns.
    """
    try:
        with fits.open(io.BytesIO(data)) as hdul:
            tables = [h for h in hdul if isinstance(h, fits.BinTableHDU)]
            if table >= len(tables):
                raise ToyzError("bad_table", f"The file has {len(tables)} table(s); there is no table {table}.")
            out = Table.read(tables[table])
    except (OSError, ValueError, TypeError, KeyError, IndexError):  # a corrupt or lying file: no traceback
        raise ToyzError("bad_table", "That file is not a FITS table; only detection tables can be edited.") from None
    missing = [c for c in ("id", "label", "x", "y") if c not in out.colnames]
    if missing:
        raise ToyzError("bad_table", f"That table has no {missing[0]!r} column: it is not a detection table.")
    if out["id"].dtype.kind not in "iu" or out["x"].dtype.kind not in "iuf" or out["y"].dtype.kind not in "iuf":
        raise ToyzError("bad_table", "That table's id, x and y columns are not numbers: it is not a detection table.")
    return out


def edit(
    table: Table,
    *,
    add: Sequence[Mapping[str, Any]] = (),
    delete: Sequence[int] = (),
    relabel: Sequence[tuple[int, str]] = (),
) -> Table:
    """Return a new table: `relabel` ``(row, label)`` applied, rows `delete` removed, then rows `add` appended.

    Rows are 0-based row numbers of `table`. Each added row is a mapping of column values (missing columns
    are NaN, or 0 / "" for ints / strings); added rows get ids after the largest one.

    Raises ToyzError ``bad_params`` for a row number out of range or a label that is too long.
    """
    n = len(table)
    out = table.copy()
    bad = [r for r in [*delete, *(r for r, _ in relabel)] if not 0 <= r < n]
    if bad:
        raise ToyzError("bad_params", f"Row {bad[0]} does not exist; the table has {n} rows (numbered from 0).")
    if relabel:
        longest = max(len(label) for _, label in relabel)
        if longest > MAX_LABEL:
            raise ToyzError("bad_params", f"Labels have at most {MAX_LABEL} characters.")
        out["label"] = np.asarray(out["label"]).astype(f"<U{max(longest, _width(out['label']), 1)}")
        for row, label in relabel:
            out["label"][row] = label
    if delete:
        out.remove_rows(sorted(set(delete)))
    next_id = int(np.max(table["id"])) + 1 if n else 1
    for offset, values in enumerate(add):
        new: dict[str, Any] = {}
        for name in out.colnames:
            kind = out[name].dtype.kind
            default: Any = "" if kind in "US" else (0 if kind in "iu" else np.nan)
            new[name] = values.get(name, default)
        new["id"] = next_id + offset
        label = str(new.get("label") or new["id"])
        if len(label) > _width(out["label"]):
            out["label"] = np.asarray(out["label"]).astype(f"<U{len(label)}")
        new["label"] = label
        out.add_row(new)
    return out


def _width(column: Any) -> int:
    dtype = np.asarray(column).dtype
    return int(dtype.itemsize // 4) if dtype.kind == "U" else int(dtype.itemsize)
