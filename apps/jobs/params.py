"""Job parameters as pydantic models: the field types job functions declare, and their validation.

A job function declares ``params=SomeParams`` (a `JobParams`); a client's JSON is validated by it
with the user in the validation context, so a path field (`apps.files.services.ReadPath`...)
arrives resolved and checked for that user, and every refusal is one readable `ToyzError("bad_params", ...)` naming the parameter (or the
resolver's own error for a path). The model's JSON Schema is what ``GET /api/jobs`` publishes.
"""

from __future__ import annotations

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

from apps import shapes
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


# The number shapes are shared with the other apps' models (`apps.shapes`); kept here under their names.
whole_number = shapes.whole_number
finite_number = shapes.finite_number
Whole = shapes.Whole
Number = shapes.Number
#: true or false, nothing else.
Flag = Annotated[bool, _Strict()]
#: A string of at most MAX_STRING characters.
Text = Annotated[str, _Strict(), StringConstraints(max_length=MAX_STRING)]

#: An HDU number, -1 for the focal-plane mosaic of a multi-extension file.
Hdu = Annotated[int, Field(ge=-1, le=10_000), BeforeValidator(whole_number)]
#: An HDU number or null (the file's default HDU).
OptionalHdu = Annotated[Annotated[int, Field(ge=-1, le=10_000)] | None, BeforeValidator(whole_number)]
#: A plane of a cube (0 for 2-D images).
Plane = Annotated[int, Field(ge=0, le=10**9), BeforeValidator(whole_number)]
#: A level-0 pixel coordinate.
Coordinate = Annotated[float, Field(ge=-1e9, le=1e9), BeforeValidator(finite_number)]


def _sentence(fn: str, error: Any) -> str:
    """One pydantic error as a sentence that names the parameter."""
    loc = [str(part) for part in error["loc"]]
    name = ".".join(loc)[:100] or "params"
    kind, ctx = error["type"], error.get("ctx") or {}
    if (shared := shapes.shape_sentence(name, error)) is not None:
        return shared
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
