"""Row orders for the table view, and 2-D densities for plots of too many points to draw."""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .expressions import evaluate, evaluate_numbers, parse_expression
from .model import Table

#: Points binned at a time by :func:`density`.
CHUNK_POINTS: Final = 1 << 21
MAX_BINS: Final = 4096


def order(table: Table, sort: str | None, descending: bool, filter: str | None) -> npt.NDArray[np.int64]:
    """The row numbers of the table view, in view order.

    Parameters
    ----------
    table : Table
        The table.
    sort : str or None
        A column or expression to sort by; None keeps the file's order. Ties keep the file's
        order; NaN sorts last both ways; text sorts by code point.
    descending : bool
        Largest first.
    filter : str or None
        An expression; only rows where it is true (non-zero, not NaN) are kept.

    Returns
    -------
    ndarray of int64
        0-based row numbers.

    Raises
    ------
    ToyzError
        ``bad_expression`` for a bad sort or filter.
    """
    names = [c.name for c in table.columns]
    if filter:
        values = evaluate_numbers(parse_expression(filter, names), table)
        if values.dtype.kind != "b":
            with np.errstate(invalid="ignore"):
                values = (values != 0) & ~np.isnan(values.astype(np.float64))
        rows = np.flatnonzero(values).astype(np.int64)
    else:
        rows = np.arange(table.rows, dtype=np.int64)
    if not sort:
        return rows
    expr = parse_expression(sort, names)
    keys = np.asarray(evaluate(expr, table))
    keys = keys[rows] if filter else keys
    if keys.dtype.kind == "b":
        keys = keys.astype(np.int8)
    if not descending:
        return rows[np.argsort(keys, kind="stable")]  # numpy puts NaN last
    # Sort the reversed keys and reverse back: largest first, ties in file order.
    n = len(keys)
    back = np.argsort(keys[::-1], kind="stable")[::-1]
    ranked = (n - 1 - back).astype(np.int64)
    if keys.dtype.kind == "f":
        nan = np.isnan(keys[ranked])
        ranked = np.concatenate([ranked[~nan], ranked[nan]])  # reversing put NaN first: last again
    return rows[ranked]


def _axis_values(values: npt.NDArray[Any], log: bool) -> npt.NDArray[np.float64]:
    out = np.asarray(values, dtype=np.float64)
    if log:
        with np.errstate(all="ignore"):
            out = np.where(out > 0, np.log10(np.where(out > 0, out, 1.0)), np.nan)
    return out


def _finite_range(values: npt.NDArray[Any], log: bool) -> tuple[float, float]:
    lo, hi = math.inf, -math.inf
    for start in range(0, len(values), CHUNK_POINTS):
        part = _axis_values(values[start : start + CHUNK_POINTS], log)
        part = part[np.isfinite(part)]
        if len(part):
            lo, hi = min(lo, float(part.min())), max(hi, float(part.max()))
    if lo > hi:
        return 0.0, 1.0
    if lo == hi:
        return lo - 0.5, hi + 0.5
    return lo, hi


def _bin(values: npt.NDArray[np.float64], lo: float, hi: float, n: int) -> npt.NDArray[np.int64]:
    """The bin of each value of ``[lo, hi]`` among ``n``; halved first, so that neither a range near the
    largest float (hi - lo overflows) nor one of a few subnormals (n / (hi - lo) overflows) gives NaN."""
    with np.errstate(all="ignore"):
        frac = (values * 0.5 - lo * 0.5) / (hi * 0.5 - lo * 0.5)
    frac = np.nan_to_num(frac, nan=0.0, posinf=1.0, neginf=0.0)
    return np.clip((frac * n).astype(np.int64), 0, n - 1)


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
    """Count points per bin of a regular 2-D grid, in chunks (any number of points).

    Parameters
    ----------
    x, y : ndarray
        The points' coordinates in data units (same length).
    bins : (nx, ny)
        Bins along x and y (1 to :data:`MAX_BINS` each).
    ranges : ((x0, x1), (y0, y1)) or None
        The grid's extent in axis space (log10 of the data on a ``log`` axis); None spans the
        finite values. Bins are half-open except the last, which includes its upper edge.
    xscale, yscale : {"linear", "log"}
        On a log axis, values that are not positive are left out.
    mask : ndarray of bool, optional
        Count only these points (a selection).

    Returns
    -------
    ndarray of int64, shape (ny, nx)
        Counts; row 0 is the lowest y, column 0 the lowest x. Points outside the ranges and
        NaN are not counted.

    Raises
    ------
    ToyzError
        ``bad_params`` for bins out of bounds, an empty range, a bad scale or mismatched lengths.
    """
    nx, ny = bins
    if not (1 <= nx <= MAX_BINS and 1 <= ny <= MAX_BINS):
        raise ToyzError("bad_params", f"A density has 1 to {MAX_BINS} bins along each axis.")
    for scale in (xscale, yscale):
        if scale not in ("linear", "log"):
            raise ToyzError("bad_params", f"An axis scale is 'linear' or 'log', not {scale!r}.")
    if len(x) != len(y) or (mask is not None and len(mask) != len(x)):
        raise ToyzError("bad_params", "The x and y columns (and the selection) must have the same length.")
    xlog, ylog = xscale == "log", yscale == "log"
    if ranges is None:
        ranges = (_finite_range(x, xlog), _finite_range(y, ylog))
    (x0, x1), (y0, y1) = ranges
    if not all(math.isfinite(v) for v in (x0, x1, y0, y1)) or x1 <= x0 or y1 <= y0:
        raise ToyzError("bad_params", "A density's ranges need finite bounds with lo < hi.")
    counts = np.zeros(nx * ny, dtype=np.int64)
    for start in range(0, len(x), CHUNK_POINTS):
        stop = min(len(x), start + CHUNK_POINTS)
        xs = _axis_values(x[start:stop], xlog)
        ys = _axis_values(y[start:stop], ylog)
        with np.errstate(invalid="ignore"):
            keep = (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)
        if mask is not None:
            keep &= mask[start:stop]
        ix = _bin(xs[keep], x0, x1, nx)
        iy = _bin(ys[keep], y0, y1, ny)
        counts += np.bincount(iy * nx + ix, minlength=nx * ny)
    return counts.reshape(ny, nx)
