"""The columns of a catalogue that an overlay needs, read for a user through the sources app.

The overlay asks only for a table's position columns (given, or found by UCD and name) and their
values as float64 with NaN for blanks; `apps.sources.services` checks the read right and opens the
table (kept open per process), `workers.sources` guesses the columns and their pixel convention.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from apps.files.services import ResolvedPath, User
from apps.sources.services import check_source, column_origin, column_values, load_source, open_source
from workers.errors import ToyzError
from workers.imaging.project import PixelOrigin
from workers.sources import Table, guess_pixel, guess_sky


@dataclass(frozen=True)
class Catalogue:
    """One opened table of a table file."""

    table: Table

    @property
    def rows(self) -> int:
        return int(self.table.rows)

    def column(self, name: str) -> npt.NDArray[np.float64]:
        """A numeric column (or an expression on the columns) as float64, blanks NaN."""
        values = column_values(self.table, name)
        if values.dtype.kind not in "biuf":
            raise ToyzError("unsupported", f"{name} holds text; an overlay needs numbers.")
        return np.asarray(values, dtype=np.float64).reshape(-1)

    def sky(self) -> tuple[str, str] | None:
        """The RA/Dec columns found by UCD or name, or None."""
        return guess_sky(self.table.columns)

    def pixel(self) -> tuple[str, str] | None:
        """The pixel x/y columns found by UCD or name, or None."""
        return guess_pixel(self.table.columns)

    def origin_of(self, x_column: str) -> PixelOrigin:
        """The first pixel's centre in a pixel column: what its description declares ("pixel origin 0.5":
        viewer coordinates, as Toyz's detection tables), else 1 for SExtractor's ``*_IMAGE`` and 0 for others."""
        return column_origin(self.table.columns, x_column)


def open_catalogue(user: User, raw_path: object, table: int) -> Catalogue:
    """Check the user's read right on a table file and open its table ``table``."""
    return Catalogue(open_source(user, raw_path, table))


def check_catalogue(user: User, raw_path: object) -> ResolvedPath:
    """The table file resolved and checked for the read right (a database read: Django's sync thread)."""
    return check_source(user, raw_path)


def load_catalogue(user: User, where: ResolvedPath, table: int) -> Catalogue:
    """Open table ``table`` of a checked file (file work, a first conversion maybe: the thread pool)."""
    return Catalogue(load_source(user, where, table).table)
