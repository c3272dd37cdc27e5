"""Value shapes that several apps' pydantic models share, and the sentences for their refusals.

A job function's parameters (`apps.jobs.params`) and a selection state (`apps.sources.selection`) both
take JSON numbers from clients: both use these validators, so that ``true``, ``"1"``, ``NaN`` and ``2.5``
are refused the same way, with the same sentence, everywhere. Pydantic only: any app may import it.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

#: The error types these validators raise; `shape_sentence` words them.
WHOLE_NUMBER = "toyz_whole_number"
NUMBER = "toyz_number"


def whole_number(value: object) -> object:
    """A whole number: a JSON integer, or a float with no fraction (as JavaScript sends 3 as 3.0)."""
    # bool is an int in Python, and "1" is no number: both are refused where a whole number is expected.
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError(WHOLE_NUMBER, "must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError(WHOLE_NUMBER, "must be a whole number")
        return int(value)
    return value


def finite_number(value: object) -> object:
    """A finite number (not NaN, not infinite), as a float."""
    if value is None:
        return value
    # One sentence for "1", true and NaN alike: the client learns what is wanted.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PydanticCustomError(NUMBER, "must be a finite number")
    return float(value)


# Bounds go inside, before the validator, so that the JSON Schema shows them as minimum/maximum:
# ``Annotated[int, Field(ge=0, le=10), BeforeValidator(whole_number)]``.
#: A whole number, unbounded.
Whole = Annotated[int, BeforeValidator(whole_number)]
#: A finite number, unbounded.
Number = Annotated[float, BeforeValidator(finite_number)]


def shape_sentence(name: str, error: Any) -> str | None:
    """A pydantic error of these shapes or of their bounds as a sentence about `name`; None for other errors."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in (WHOLE_NUMBER, NUMBER):
        return f"{name} {error['msg']}."
    # A null passes the validators above (for the optional fields) and is refused by the type behind them.
    if kind == "float_type":
        return f"{name} must be a finite number."
    if kind == "int_type":
        return f"{name} must be a whole number."
    if kind in ("greater_than_equal", "greater_than"):
        return f"{name} must be at least {ctx.get('ge', ctx.get('gt'))}."
    if kind in ("less_than_equal", "less_than"):
        return f"{name} must be at most {ctx.get('le', ctx.get('lt'))}."
    return None
