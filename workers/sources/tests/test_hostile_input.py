"""Expressions, selections and densities built to crash the server: a sentence each, never an exception."""

from __future__ import annotations

import numpy as np
import pytest

from workers.errors import ToyzError
from workers.sources import density, evaluate, evaluate_selection, order, parse_expression, parse_selection
from workers.sources.model import ColumnInfo
from workers.sources.store import StoredTable

NAMES = ["a", "b", "s"]


@pytest.fixture
def table() -> StoredTable:
    columns = [
        ColumnInfo("a", "float", "float64"),
        ColumnInfo("b", "float", "float64"),
        ColumnInfo("s", "string", "<U3"),
    ]
    arrays = {"a": np.arange(10.0), "b": np.arange(10.0) * 2, "s": np.array([f"x{i}" for i in range(10)])}
    return StoredTable("t-id", "t", 10, columns, [], "csv", arrays)


@pytest.mark.parametrize(
    "text", ["(" * 400 + "a" + ")" * 400, "+" * 999 + "a", "-" * 999 + "a", "~" * 999 + "a", "not " * 240 + "a"]
)
def test_a_deeply_nested_expression_is_refused_with_a_sentence(text):
    with pytest.raises(ToyzError) as err:
        parse_expression(text, NAMES)
    assert err.value.code == "bad_expression"
    assert "nests" in err.value.message or "too long" in err.value.message


def test_moderate_nesting_still_parses(table):
    assert evaluate(parse_expression("((((a + 1))))* -(-b)", NAMES), table)[1] == 4.0


@pytest.mark.parametrize("digits", ["nan", "inf", "-inf", "1e30", "1e10", "a - a + nan"])
def test_round_takes_any_number_of_decimals(table, digits):
    values = evaluate(parse_expression(f"round(a / 3, {digits})", NAMES), table)
    assert values.shape == (10,)


def test_round_on_a_table_of_no_rows():
    empty = StoredTable("e", "e", 0, [ColumnInfo("a", "float", "float64")], [], "csv", {"a": np.zeros(0)})
    assert evaluate(parse_expression("round(a, a)", ["a"]), empty).shape == (0,)


@pytest.mark.parametrize(
    "state",
    [
        {"kind": "range", "column": "s", "lo": 1},
        {"kind": "box", "x": "s", "y": "a", "x0": 0, "x1": 1, "y0": 0, "y1": 1},
        {"kind": "lasso", "x": "a", "y": "s", "points": [[0, 0], [1, 0], [1, 1]]},
        {"kind": "expr", "expr": "s"},
    ],
)
def test_a_selection_on_a_text_column_is_refused_with_a_sentence(table, state):
    with pytest.raises(ToyzError) as err:
        evaluate_selection(parse_selection(state, NAMES), table)
    assert err.value.code == "bad_expression"
    assert "s holds text" in err.value.message


def test_a_filter_that_is_a_text_column_is_refused_and_a_sort_by_text_works(table):
    with pytest.raises(ToyzError) as err:
        order(table, None, False, "s")
    assert err.value.code == "bad_expression"
    assert order(table, "s", True, None).tolist() == list(range(9, -1, -1))


@pytest.mark.parametrize(
    "ranges",
    [((0.0, 5e-324), (0.0, 1.0)), ((0.0, 1e-310), (0.0, 1.0)), ((-1e308, 1e308), (0.0, 10.0)), ((0.0, 1e308), (0, 9))],
)
def test_a_density_over_extreme_ranges_counts_without_failing(ranges):
    x = np.array([0.0, 1e-310, 1e308, 5.0, np.nan])
    counts = density(x, np.full(5, 0.5), bins=(10, 10), ranges=ranges)
    assert counts.shape == (10, 10)
    assert counts.min() >= 0
    inside = np.count_nonzero((x >= ranges[0][0]) & (x <= ranges[0][1]) & (ranges[1][0] <= 0.5) & (ranges[1][1] >= 0.5))
    assert counts.sum() == inside
