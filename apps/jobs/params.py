"""Job parameters as pydantic models: the field types job functions declare, and their validation.

A job function declares ``params=SomeParams`` (a `JobParams`); a client's JSON is validated by it
with the user in the validation context, so a path field (`apps.files.services.ReadPath`...)
arrives resolved and checked for that user, and every refusal is one readable `ToyzError("bad_params", ...)` naming the parameter (or the
resolver's own error for a path). The model's JSON Schema is what ``GET /api/jobs`` publishes.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic import Strict as _Strict

from apps.accounts.services import User
from workers.errors import ToyzError

MAX_STRING = 4096
P = TypeVar("P", bound="JobParams")


class JobParams(BaseModel):
    """The base of every job function's parameters: unknown names are refused, values are never coerced
    from strings, and models are frozen (a job function cannot change what the runner checked)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(JobParams):
    """For job functions that take no parameter."""


def _whole(value: object) -> object:
    # bool is an int in Python, and "1" is no number: both are refused where a whole number is expected.
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


def _finite(value: object) -> object:
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number")
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return float(value)


# Bounds go inside, before the validator, so that the JSON Schema shows them as minimum/maximum:
# ``Annotated[int, Field(ge=0, le=10), BeforeValidator(whole_number)]``.
whole_number = _whole
finite_number = _finite
#: A whole number (JSON integer, or a float with no fraction), unbounded.
Whole = Annotated[int, BeforeValidator(_whole)]
#: A finite number, unbounded.
Number = Annotated[float, BeforeValidator(_finite)]
#: true or false, nothing else.
Flag = Annotated[bool, _Strict()]
#: A string of at most MAX_STRING characters.
Text = Annotated[str, _Strict(), StringConstraints(max_length=MAX_STRING)]

#: An HDU number, -1 for the focal-plane mosaic of a multi-extension file.
Hdu = Annotated[int, Field(ge=-1, le=10_000), BeforeValidator(_whole)]
#: An HDU number or null (the file's default HDU).
OptionalHdu = Annotated[Annotated[int, Field(ge=-1, le=10_000)] | None, BeforeValidator(_whole)]
#: A plane of a cube (0 for 2-D images).
Plane = Annotated[int, Field(ge=0, le=10**9), BeforeValidator(_whole)]
#: A level-0 pixel coordinate.
Coordinate = Annotated[float, Field(ge=-1e9, le=1e9), BeforeValidator(_finite)]


def _sentence(fn: str, error: Any) -> str:
    """One pydantic error as a sentence that names the parameter."""
    loc = [str(part) for part in error["loc"]]
    name = ".".join(loc)[:100] or "params"
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "model_type" and not loc:
        return "params must be an object."
    if kind == "missing":
        return f"{fn} needs the parameter {name}."
    if kind == "extra_forbidden":
        return f"{fn} takes no parameter {name}."
    if kind == "value_error":
        return f"{name} {ctx.get('error', 'is not valid')}."
    if kind == "bool_type":
        return f"{name} must be true or false."
    if kind in ("string_type", "string_too_long"):
        return f"{name} must be a string of at most {MAX_STRING} characters."
    if kind in ("greater_than_equal", "greater_than"):
        return f"{name} must be at least {ctx.get('ge', ctx.get('gt'))}."
    if kind in ("less_than_equal", "less_than"):
        return f"{name} must be at most {ctx.get('le', ctx.get('lt'))}."
    return f"{name}: {error['msg']}."


def validate_params(fn: str, model: type[P], user: User, raw: object) -> P:
    """Validate a client's parameters for the job function `fn`; paths are resolved and checked for `user`.

    Raises ToyzError: ``bad_params`` with a sentence naming the parameter, or the resolver's code
    (``outside_root``, ``forbidden``, ``not_found``, ``bad_path``) for a path.
    """
    try:
        return model.model_validate({} if raw is None else raw, context={"user": user})
    except ValidationError as exc:
        # A null HDU fails both sides of "number or null": the number's complaint is the useful one.
        errors = [e for e in exc.errors(include_url=False) if e["type"] != "none_required"] or exc.errors()
        raise ToyzError("bad_params", _sentence(fn, errors[0])) from None
