"""The expression language: arithmetic, logic, functions, backticks, positions in errors, no eval."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from workers.errors import ToyzError
from workers.sources import evaluate, parse_expression
from workers.sources.model import ColumnInfo
from workers.sources.store import StoredTable

COLUMNS = {
    "g": np.array([1.0, 2.0, 3.0, np.nan]),
    "r": np.array([0.5, 2.5, 1.0, 1.0]),
    "FLUX AUTO": np.array([1, 10, 100, 0]),
    "name": np.array(["a", "b", "c", "d"]),
}


def _table() -> StoredTable:
    infos = [ColumnInfo(k, "string" if v.dtype.kind == "U" else "float", v.dtype.str) for k, v in COLUMNS.items()]
    return StoredTable("t", "t", 4, infos, [], "csv", dict(COLUMNS))


def _eval(text: str) -> Any:
    return evaluate(parse_expression(text, list(COLUMNS)), _table())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("g - r", [0.5, -0.5, 2.0, np.nan]),
        ("log10(`FLUX AUTO`)", [0.0, 1.0, 2.0, -np.inf]),
        ("hypot(g, r) ** 2", [1.25, 10.25, 10.0, np.nan]),
        ("-g ** 2", [-1.0, -4.0, -9.0, np.nan]),
        ("where(g > 1, g, 0)", [0.0, 2.0, 3.0, 0.0]),
        ("min(g, r) + pi * 0", [0.5, 2.0, 1.0, np.nan]),
        ("clip(g, 1.5, 2.5)", [1.5, 2.0, 2.5, np.nan]),
        ("g % 2", [1.0, 0.0, 1.0, np.nan]),
    ],
)
def test_arithmetic_and_functions_follow_numpy(text, expected):
    np.testing.assert_allclose(_eval(text), expected, equal_nan=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("g > 1 & r < 2", [False, False, True, False]),
        ("g > 1 and r < 2 or g == 1", [True, False, True, False]),
        ("not g > 1", [True, False, False, True]),
        ("~(g > 1) | isnan(g)", [True, False, False, True]),
        ("0 < g <= 2", [True, True, False, False]),
    ],
)
def test_logic_binds_looser_than_comparisons_and_nan_compares_false(text, expected):
    assert _eval(text).tolist() == expected


def test_a_lone_column_is_served_as_the_table_serves_it():
    assert _eval("FLUX AUTO").tolist() == [1, 10, 100, 0]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("g +", "character 4"),
        ("g $ r", "character 3"),
        ("foo(g)", "no function 'foo'"),
        ("zz * 2", "no column 'zz'"),
        ("sqrt(g, r)", "takes 1"),
        ("`g", "not closed"),
        ("__import__('os')", "character 12"),
        ("__import__(g)", "no function '__import__'"),
        ("g.real", "Unexpected '.'"),
    ],
)
def test_bad_expressions_say_where(text, where):
    with pytest.raises(ToyzError) as err:
        parse_expression(text, list(COLUMNS))
    assert err.value.code == "bad_expression" and where in err.value.message


def test_length_and_size_limits():
    with pytest.raises(ToyzError, match="1000 characters"):
        parse_expression("g" + " + g" * 300, list(COLUMNS))
    with pytest.raises(ToyzError, match="200 terms"):
        parse_expression("+".join(["1"] * 150), list(COLUMNS))


def test_text_columns_cannot_take_part_in_arithmetic():
    with pytest.raises(ToyzError) as err:
        _eval("name + 1")
    assert err.value.code == "bad_expression"
