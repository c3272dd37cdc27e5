"""Write the selected rows of a table as CSV, FITS or VOTable."""

from __future__ import annotations

from typing import Any, BinaryIO, Literal

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .model import Table


def write_table(
    table: Table,
    rows: npt.NDArray[np.integer[Any]],
    columns: list[str] | None,
    fmt: Literal["csv", "fits", "votable"],
    out: BinaryIO,
) -> None:
    """Write rows ``rows`` (0-based, in that order) of ``columns`` (None: all) to ``out``."""
    raise ToyzError("unsupported", "Export is not supported yet.")
