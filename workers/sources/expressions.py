"""The safe expression language of derived columns, filters and sorts (never ``eval``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .model import Table


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its text and the columns it reads."""

    text: str
    columns: frozenset[str]


def parse_expression(text: str, columns: Sequence[str]) -> Expression:
    """Parse ``text``; ToyzError ``bad_expression`` with the position when it is not valid."""
    if text in columns:
        return Expression(text, frozenset([text]))
    raise ToyzError("bad_expression", "Expressions are not supported yet.")


def evaluate(expr: Expression, table: Table) -> npt.NDArray[Any]:
    """The expression's values over every row of ``table``."""
    if len(expr.columns) == 1 and expr.text in expr.columns:
        return np.asarray(table.column(expr.text))
    raise ToyzError("bad_expression", "Expressions are not supported yet.")
