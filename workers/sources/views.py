"""Row orders for the table view, and 2-D densities for plots of many points."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .model import Table


def order(table: Table, sort: str | None, descending: bool, filter: str | None) -> npt.NDArray[np.int64]:
    """Row numbers in view order."""
    if sort is None and filter is None:
        return np.arange(table.rows, dtype=np.int64)
    raise ToyzError("unsupported", "Sorting and filtering are not supported yet.")


def density(
    x: npt.NDArray[Any],
    y: npt.NDArray[Any],
    *,
    bins: tuple[int, int],
    ranges: tuple[tuple[float, float], tuple[float, float]] | None = None,
    xscale: str = "linear",
    yscale: str = "linear",
    mask: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.int64]:
    """Counts of points per bin, shape (ny, nx)."""
    raise ToyzError("unsupported", "Densities are not supported yet.")
