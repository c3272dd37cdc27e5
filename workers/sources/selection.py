"""The selection state: which rows are selected, described as JSON rather than listed.

States (``docs/architecture.md``, "Data sources")::

    {"kind": "box",   "x": X, "y": Y, "x0": a, "x1": b, "y0": c, "y1": d, "xscale": "linear"|"log", "yscale": ...}
    {"kind": "lasso", "x": X, "y": Y, "points": [[px, py], ...], "xscale": ..., "yscale": ...}
    {"kind": "range", "column": X, "lo": a | null, "hi": b | null}
    {"kind": "rows",  "rows": [int, ...]}
    {"kind": "expr",  "expr": "g - r > 1"}
    {"kind": "and" | "or", "of": [state, ...]}     {"kind": "not", "of": [state]}

X, Y and column are a column's name or an expression. Box and lasso coordinates are in the
plot's axis space: on a ``log`` axis they are log10 of the data. Bounds are inclusive; a row
whose value is NaN (or not positive on a log axis) is never selected.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .expressions import Expression, evaluate_numbers, parse_expression
from .model import Table

MAX_VERTICES: Final = 2000
MAX_ROWS_LISTED: Final = 100_000
MAX_DEPTH: Final = 16
MAX_STATES: Final = 200
#: Points tested against a lasso at a time.
CHUNK_POINTS: Final = 1 << 20
_KINDS: Final = ("box", "lasso", "range", "rows", "expr", "and", "or", "not")

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Selection:
    """A parsed selection state (see the module's docstring); ``of`` holds the parts of and/or/not."""

    kind: str
    x: Expression | None = None
    y: Expression | None = None
    xlog: bool = False
    ylog: bool = False
    bounds: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # box: x0, x1, y0, y1; range: lo, hi
    points: npt.NDArray[np.float64] | None = None
    rows: npt.NDArray[np.int64] | None = None
    of: tuple[Selection, ...] = ()


def _bad(message: str) -> ToyzError:
    return ToyzError("bad_selection", message)


def _number(state: dict[str, Any], key: str, *, optional: bool = False) -> float | None:
    value = state.get(key)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(f"A {state['kind']} selection needs a finite number as {key!r}.")
    return float(value)


def _scale(state: dict[str, Any], key: str) -> bool:
    value = state.get(key, "linear")
    if value not in ("linear", "log"):
        raise _bad(f"{key} must be 'linear' or 'log', not {value!r}.")
    return bool(value == "log")


def _expr(state: dict[str, Any], key: str, columns: Sequence[str]) -> Expression:
    text = state.get(key)
    if not isinstance(text, str) or not text:
        raise _bad(f"A {state['kind']} selection needs a column or expression as {key!r}.")
    try:
        return parse_expression(text, columns)
    except ToyzError as exc:
        raise _bad(f"In {key!r}: {exc.message}") from None


class _Counter:
    def __init__(self) -> None:
        self.states = 0


def parse_selection(state: Any, columns: Sequence[str]) -> Selection:
    """Validate a selection state against the table's column names.

    Raises
    ------
    ToyzError
        ``bad_selection`` with a sentence naming what is wrong.
    """
    return _parse(state, columns, 0, _Counter())


def _parse(state: Any, columns: Sequence[str], depth: int, counter: _Counter) -> Selection:
    if depth > MAX_DEPTH:
        raise _bad(f"Selections nest at most {MAX_DEPTH} deep.")
    counter.states += 1
    if counter.states > MAX_STATES:
        raise _bad(f"A selection combines at most {MAX_STATES} parts.")
    if not isinstance(state, dict):
        raise _bad("A selection is an object with a 'kind'.")
    kind = state.get("kind")
    if kind not in _KINDS:
        raise _bad(f"Unknown selection kind {kind!r}; use one of {', '.join(_KINDS)}.")
    if kind == "box":
        x0, x1 = sorted([_number(state, "x0") or 0.0, _number(state, "x1") or 0.0])
        y0, y1 = sorted([_number(state, "y0") or 0.0, _number(state, "y1") or 0.0])
        return Selection(
            "box",
            _expr(state, "x", columns),
            _expr(state, "y", columns),
            _scale(state, "xscale"),
            _scale(state, "yscale"),
            (x0, x1, y0, y1),
        )
    if kind == "lasso":
        raw = state.get("points")
        if not isinstance(raw, list) or not 3 <= len(raw) <= MAX_VERTICES:
            raise _bad(f"A lasso needs 'points': a list of 3 to {MAX_VERTICES} [x, y] pairs.")
        try:
            points = np.array(raw, dtype=np.float64)
        except (TypeError, ValueError):
            raise _bad("A lasso's points must be [x, y] pairs of numbers.") from None
        if points.shape != (len(raw), 2) or not np.isfinite(points).all():
            raise _bad("A lasso's points must be [x, y] pairs of finite numbers.")
        return Selection(
            "lasso",
            _expr(state, "x", columns),
            _expr(state, "y", columns),
            _scale(state, "xscale"),
            _scale(state, "yscale"),
            points=points,
        )
    if kind == "range":
        lo = _number(state, "lo", optional=True)
        hi = _number(state, "hi", optional=True)
        if lo is not None and hi is not None and lo > hi:
            lo, hi = hi, lo
        bounds = (-math.inf if lo is None else lo, math.inf if hi is None else hi, 0.0, 0.0)
        return Selection("range", _expr(state, "column", columns), bounds=bounds)
    if kind == "rows":
        rows = state.get("rows")
        if not isinstance(rows, list) or len(rows) > MAX_ROWS_LISTED:
            raise _bad(f"A rows selection needs 'rows': a list of at most {MAX_ROWS_LISTED:,} row numbers.")
        if not all(isinstance(r, int) and not isinstance(r, bool) and r >= 0 for r in rows):
            raise _bad("Row numbers are whole numbers from 0.")
        return Selection("rows", rows=np.array(rows, dtype=np.int64))
    if kind == "expr":
        return Selection("expr", _expr(state, "expr", columns))
    parts = state.get("of")
    if not isinstance(parts, list) or not parts or (kind == "not" and len(parts) != 1):
        want = "one state" if kind == "not" else "a list of states"
        raise _bad(f"A {kind!r} selection needs 'of': {want}.")
    return Selection(kind, of=tuple(_parse(p, columns, depth + 1, counter) for p in parts))


def _axis(table: Table, expr: Expression, log: bool) -> npt.NDArray[np.float64]:
    values = np.asarray(evaluate_numbers(expr, table), dtype=np.float64)
    if log:
        with np.errstate(all="ignore"):
            values = np.where(values > 0, np.log10(np.where(values > 0, values, 1.0)), np.nan)
    return values


def points_in_polygon(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], polygon: npt.NDArray[np.float64]) -> Mask:
    """Which points lie inside a polygon (even-odd rule), vectorised.

    Parameters
    ----------
    x, y : ndarray
        The points' coordinates (NaN is outside).
    polygon : ndarray, shape (n, 2)
        The vertices in order; the last joins the first.

    Returns
    -------
    ndarray of bool
        True for points inside. The points are sorted by y once, so each edge tests only the
        points within its own y span (ray casting towards +x): the work grows with the points
        times the edges that cross each point's row, not with points times edges.
    """
    out = np.zeros(len(x), dtype=bool)
    x0, y0 = polygon.min(axis=0)
    x1, y1 = polygon.max(axis=0)
    with np.errstate(invalid="ignore"):
        candidates = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
    if not len(candidates):
        return out
    by_y = candidates[np.argsort(y[candidates], kind="stable")]
    px, py = x[by_y], y[by_y]
    inside = np.zeros(len(by_y), dtype=bool)
    ex0, ey0 = polygon[:, 0], polygon[:, 1]
    ex1, ey1 = np.roll(ex0, -1), np.roll(ey0, -1)
    for ax, ay, bx, by in zip(ex0, ey0, ex1, ey1, strict=True):
        if ay == by:
            continue  # a horizontal edge never crosses a horizontal ray
        lo_y, hi_y = (ay, by) if ay < by else (by, ay)
        # The half-open span [lo_y, hi_y) counts a vertex shared by two edges once.
        start, stop = np.searchsorted(py, [lo_y, hi_y], side="left")
        if start == stop:
            continue
        seg_y = py[start:stop]
        cross_x = ax + (seg_y - ay) * (bx - ax) / (by - ay)
        inside[start:stop] ^= px[start:stop] < cross_x
    out[by_y] = inside
    return out


def evaluate_selection(sel: Selection, table: Table) -> Mask:
    """The selected rows of ``table`` as a boolean mask of ``table.rows`` values.

    Raises
    ------
    ToyzError
        ``bad_expression`` or ``not_found`` when a column or expression does not fit the table.
    """
    n = table.rows
    kind = sel.kind
    if kind == "box":
        assert sel.x is not None and sel.y is not None
        x0, x1, y0, y1 = sel.bounds
        xs = _axis(table, sel.x, sel.xlog)
        ys = _axis(table, sel.y, sel.ylog)
        with np.errstate(invalid="ignore"):
            return np.asarray((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1), dtype=bool)
    if kind == "lasso":
        assert sel.x is not None and sel.y is not None and sel.points is not None
        xs = _axis(table, sel.x, sel.xlog)
        ys = _axis(table, sel.y, sel.ylog)
        out = np.zeros(n, dtype=bool)
        for start in range(0, n, CHUNK_POINTS):
            stop = min(n, start + CHUNK_POINTS)
            out[start:stop] = points_in_polygon(xs[start:stop], ys[start:stop], sel.points)
        return out
    if kind == "range":
        assert sel.x is not None
        lo, hi = sel.bounds[0], sel.bounds[1]
        values = np.asarray(evaluate_numbers(sel.x, table), dtype=np.float64)
        with np.errstate(invalid="ignore"):
            return np.asarray((values >= lo) & (values <= hi), dtype=bool)
    if kind == "rows":
        assert sel.rows is not None
        out = np.zeros(n, dtype=bool)
        out[sel.rows[sel.rows < n]] = True  # rows past the end (a table that shrank) select nothing
        return out
    if kind == "expr":
        assert sel.x is not None
        values = evaluate_numbers(sel.x, table)
        if values.dtype.kind == "b":
            return np.asarray(values, dtype=bool)
        with np.errstate(invalid="ignore"):
            return np.asarray((values != 0) & ~np.isnan(values.astype(np.float64)), dtype=bool)
    masks = [evaluate_selection(part, table) for part in sel.of]
    if kind == "not":
        return ~masks[0]
    combined = masks[0].copy()
    for mask in masks[1:]:
        if kind == "and":
            combined &= mask
        else:
            combined |= mask
    return combined
