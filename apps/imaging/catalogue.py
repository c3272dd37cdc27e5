"""The columns of a catalogue that an overlay needs, read for a user.

Stand-in until ``apps.sources.services`` (issue 10's sources app) offers its opened tables: the
overlay asks this module only for a table's column names and the values of two columns, so
swapping the reading for that app's is a change here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from apps.files.services import ResolvedPath, Right, User, resolve
from workers.errors import ToyzError

#: Column names that hold RA/Dec or pixel positions, most telling first (case is ignored).
_SKY = [
    ("ra", "dec"),
    ("raj2000", "dej2000"),
    ("ra_icrs", "de_icrs"),
    ("alpha_j2000", "delta_j2000"),
    ("_raj2000", "_dej2000"),
]
_PIXEL = [("x_image", "y_image"), ("xcentroid", "ycentroid"), ("x", "y"), ("xpos", "ypos")]


@dataclass(frozen=True)
class Catalogue:
    """One table of a table file, read whole (the stand-in reader keeps it small)."""

    path: ResolvedPath
    columns: dict[str, npt.NDArray[Any]]
    rows: int

    def column(self, name: str) -> npt.NDArray[np.float64]:
        """A numeric column as float64, masked and blank values NaN."""
        if name not in self.columns:
            raise ToyzError("bad_params", f"The table has no column {name!r}.")
        values = self.columns[name]
        try:
            filled = np.ma.filled(np.ma.asarray(values).astype(np.float64), np.nan)
        except (TypeError, ValueError) as exc:
            raise ToyzError("unsupported", f"{name} holds text; an overlay needs numbers.") from exc
        return np.asarray(filled, dtype=np.float64).reshape(-1)[: self.rows]

    def guess(self, pairs: list[tuple[str, str]]) -> tuple[str, str] | None:
        lower = {name.lower(): name for name in self.columns}
        for a, b in pairs:
            if a in lower and b in lower:
                return lower[a], lower[b]
        return None

    def sky(self) -> tuple[str, str] | None:
        """The RA/Dec columns found by name, or None."""
        return self.guess(_SKY)

    def pixel(self) -> tuple[str, str] | None:
        """The pixel x/y columns found by name, or None."""
        return self.guess(_PIXEL)


def open_catalogue(user: User, raw_path: object, table: int) -> Catalogue:
    """Resolve a table file the user may read and read its table ``table``."""
    resolved = resolve(user, raw_path, Right.READ)
    if resolved.is_dir:
        raise ToyzError("bad_path", "That is a folder, not a table file.")
    from astropy.table import Table

    name = resolved.real.name.lower()
    try:
        if name.endswith((".fits", ".fit", ".fts", ".fits.gz")):
            read = Table.read(resolved.real, hdu=table + 1, format="fits")
        elif name.endswith((".csv", ".tsv", ".txt", ".dat", ".ecsv", ".tbl", ".xml", ".vot", ".votable")):
            if table != 0:
                raise ToyzError("bad_table", f"{resolved.real.name} holds one table, numbered 0.")
            kind = {".csv": "ascii.csv", ".tsv": "ascii.tab", ".ecsv": "ascii.ecsv", ".tbl": "ascii.ipac"}
            fmt = next((v for k, v in kind.items() if name.endswith(k)), None)
            if name.endswith((".xml", ".vot", ".votable")):
                fmt = "votable"
            read = Table.read(resolved.real, format=fmt) if fmt else Table.read(resolved.real, format="ascii")
        else:
            raise ToyzError("unsupported", f"{resolved.real.name} is not a table file Toyz reads.")
    except ToyzError:
        raise
    except Exception as exc:  # any reader failure is a file we cannot read, said in a sentence
        raise ToyzError("unreadable", f"{resolved.real.name} could not be read as a table.") from exc
    return Catalogue(resolved, {c: read[c] for c in read.colnames}, len(read))
