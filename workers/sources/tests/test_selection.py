"""Selection states: box, lasso (against matplotlib's Path), range, rows, expr, and/or/not, log axes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from matplotlib.path import Path as MplPath

from workers.errors import ToyzError
from workers.sources import evaluate_selection, parse_selection
from workers.sources.model import ColumnInfo
from workers.sources.selection import points_in_polygon
from workers.sources.store import StoredTable


def _table(**cols: Any) -> StoredTable:
    n = len(next(iter(cols.values())))
    infos = [ColumnInfo(k, "float", "float64") for k in cols]
    return StoredTable("t", "t", n, infos, [], "csv", {k: np.asarray(v, dtype=float) for k, v in cols.items()})


def _select(state: Any, table: StoredTable) -> Any:
    return evaluate_selection(parse_selection(state, [c.name for c in table.columns]), table).tolist()


def test_a_box_is_inclusive_and_skips_nan():
    t = _table(x=[0, 1, 2, np.nan], y=[0, 1, 2, 1])
    state = {"kind": "box", "x": "x", "y": "y", "x0": 1, "x1": 2, "y0": 0, "y1": 5}
    assert _select(state, t) == [False, True, True, False]


def test_a_box_on_log_axes_uses_log10_coordinates_and_drops_non_positive_values():
    t = _table(x=[-1, 1, 10, 100], y=[1, 1, 1, 1])
    state = {"kind": "box", "x": "x", "y": "y", "x0": 0.5, "x1": 2.5, "y0": -1, "y1": 1, "xscale": "log"}
    assert _select(state, t) == [False, False, True, True]


def test_a_lasso_matches_matplotlib_on_a_concave_polygon():
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-1, 2, 200_000), rng.uniform(-1, 2, 200_000)
    star: list[list[float]] = [[0, 0], [1, 0.2], [0.5, 0.5], [1, 1], [0.3, 0.7], [0, 1.2], [0.1, 0.5]]
    got = points_in_polygon(x, y, np.array(star, dtype=float))
    path = MplPath(np.array(star, dtype=float))
    want = path.contains_points(np.column_stack([x, y]))
    # Points exactly on an edge may go either way; random floats never land there.
    assert (got == want).all()
    t = _table(x=x, y=y)
    assert _select({"kind": "lasso", "x": "x", "y": "y", "points": star}, t) == want.tolist()


def test_range_rows_expr_and_combinations():
    t = _table(g=[1, 2, 3, 4], r=[0, 0, 1, 1])
    names = ["g", "r"]
    rng = {"kind": "range", "column": "g - r", "lo": 1.5, "hi": None}
    assert _select(rng, t) == [False, True, True, True]
    assert _select({"kind": "rows", "rows": [0, 3, 99]}, t) == [True, False, False, True]
    assert _select({"kind": "expr", "expr": "r > 0"}, t) == [False, False, True, True]
    assert _select({"kind": "and", "of": [rng, {"kind": "expr", "expr": "r > 0"}]}, t) == [False, False, True, True]
    assert _select({"kind": "or", "of": [{"kind": "rows", "rows": [0]}, {"kind": "rows", "rows": [1]}]}, t) == [
        True,
        True,
        False,
        False,
    ]
    assert _select({"kind": "not", "of": [rng]}, t) == [True, False, False, False]
    assert names


@pytest.mark.parametrize(
    "state",
    [
        None,
        {"kind": "circle"},
        {"kind": "box", "x": "g", "y": "r", "x0": 0, "x1": "a", "y0": 0, "y1": 1},
        {"kind": "box", "x": "g", "y": "nope", "x0": 0, "x1": 1, "y0": 0, "y1": 1},
        {"kind": "lasso", "x": "g", "y": "r", "points": [[0, 0], [1, 1]]},
        {"kind": "lasso", "x": "g", "y": "r", "points": [[0, 0], [1, 1], [1, float("nan")]]},
        {"kind": "rows", "rows": [-1]},
        {"kind": "rows", "rows": list(range(100_001))},
        {"kind": "not", "of": [{"kind": "rows", "rows": []}, {"kind": "rows", "rows": []}]},
        {"kind": "and", "of": []},
        {"kind": "box", "x": "g", "y": "r", "x0": 0, "x1": 1, "y0": 0, "y1": 1, "xscale": "sqrt"},
    ],
)
def test_bad_states_are_refused_with_a_sentence(state):
    with pytest.raises(ToyzError) as err:
        parse_selection(state, ["g", "r"])
    assert err.value.code == "bad_selection" and err.value.message.endswith(".")


def test_deep_nesting_is_refused():
    state = {"kind": "rows", "rows": [0]}
    for _ in range(40):
        state = {"kind": "not", "of": [state]}
    with pytest.raises(ToyzError):
        parse_selection(state, ["g"])
