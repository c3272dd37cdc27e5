"""The selection state: which rows are selected, as JSON (box, lasso, range, rows, expr, and/or/not)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from .model import Table


@dataclass(frozen=True)
class Selection:
    """A parsed selection state."""

    kind: str


def parse_selection(state: Any, columns: Sequence[str]) -> Selection:
    """Validate a selection state; ToyzError ``bad_selection`` with a sentence when it is not valid."""
    raise ToyzError("bad_selection", "Selections are not supported yet.")


def evaluate_selection(sel: Selection, table: Table) -> npt.NDArray[np.bool_]:
    """The selected rows as a boolean mask of ``table.rows`` values (NaN is never selected)."""
    raise ToyzError("bad_selection", "Selections are not supported yet.")
