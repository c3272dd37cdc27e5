"""The one HTTP rendering of :class:`workers.errors.ToyzError`, and what the API's handlers share.

Every JSON error of the site has one shape, ``{"error": {"code": ..., "message": ...}}``, with the
status the error carries; the socket has its own renderer (``apps.jobs.messages``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import BaseModel

from workers.errors import STATUS, ToyzError

logger = logging.getLogger(__name__)

UNAUTHENTICATED: Final = ToyzError("unauthenticated", "Log in first.")


class ErrorBody(BaseModel):
    """What went wrong: a code for programs and a sentence for people."""

    code: str
    message: str


class ErrorOut(BaseModel):
    """The body of every JSON error of the site."""

    error: ErrorBody


#: The error responses every endpoint documents, as ninja's ``response=`` takes them.
ERROR_RESPONSES: Final[dict[int, type[ErrorOut]]] = dict.fromkeys(sorted(set(STATUS.values())), ErrorOut)


def error_response(error: ToyzError) -> JsonResponse:
    """Render ``error`` as ``{"error": {"code", "message"}}`` with its HTTP status."""
    return JsonResponse({"error": error.as_dict()}, status=error.status)


# --- pydantic validation errors as one readable sentence ----------------------------------------

# pydantic's error types, as the sentence that follows "The parameter <name> ..."
_SENTENCES: Final[Mapping[str, str]] = {
    "missing": "is missing",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "bool_parsing": "must be 0 or 1",
    "bool_type": "must be 0 or 1",
    "string_type": "must be text",
}


def _parameter_name(location: Sequence[Any]) -> str:
    # ninja puts where the value came from ("query", "path") and the model's field first.
    parts = [str(part) for part in location if part not in ("query", "path", "body", "header", "cookie")]
    return parts[-1] if parts else "?"


def _sentence(detail: Mapping[str, Any]) -> str:
    name = _parameter_name(detail.get("loc", ()))
    kind = str(detail.get("type", ""))
    context = detail.get("ctx") or {}
    if kind == "literal_error":
        what = f"must be one of {context.get('expected', '')}"
    elif kind in _SENTENCES:
        what = _SENTENCES[kind]
    else:
        what = "is not valid: " + str(detail.get("msg", "")).rstrip(".").lower()
    if kind != "missing" and "input" in detail and not isinstance(detail["input"], dict):
        what += f", not {detail['input']!r}"
    return f"The parameter {name} {what}."


def bad_params(errors: Sequence[Mapping[str, Any]]) -> ToyzError:
    """A ``bad_params`` error whose message names each parameter pydantic refused and why."""
    return ToyzError("bad_params", " ".join(_sentence(detail) for detail in errors) or "The parameters are not valid.")


# --- ninja's exception handler -------------------------------------------------------------------

#: What ninja raises itself, each rendered like any ToyzError by :func:`on_exception`.
HANDLED: Final = (ToyzError, ValidationError, AuthenticationError, HttpError, Http404, Exception)


def as_toyz_error(request: HttpRequest, exc: Exception | type[Exception]) -> ToyzError:
    """The ToyzError an exception of an API view stands for; an unexpected one is logged as a bug."""
    if isinstance(exc, ToyzError):
        return exc
    if isinstance(exc, ValidationError):
        return bad_params(exc.errors)
    if isinstance(exc, AuthenticationError):
        return UNAUTHENTICATED
    if isinstance(exc, HttpError):
        # ninja's own refusals (a failed CSRF check): the first code of that status, ninja's sentence.
        code = next((code for code, status in STATUS.items() if status == exc.status_code), "bad_request")
        return ToyzError(code, str(exc.message), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        # A JSON body over Django's DATA_UPLOAD_MAX_MEMORY_SIZE: the client's fault, not a bug.
        return ToyzError("too_large", "That request is too large; send less at once.")
    if isinstance(exc, Http404):
        return ToyzError("not_found", "There is nothing at this address.")
    # A bug: the log has the traceback, the client the one shape of error.
    logger.error("API request %s failed", request.path, exc_info=exc if isinstance(exc, Exception) else None)
    return ToyzError("internal", "The server failed to answer; tell an admin.")


def on_exception(request: HttpRequest, exc: Exception | type[Exception]) -> JsonResponse:
    """ninja's handler for every exception of an API view: one shape, the status of the error."""
    return error_response(as_toyz_error(request, exc))


# --- JSON from clients (socket messages and job parameters over HTTP) ----------------------------

MAX_CLIENT_JSON_BYTES: Final = 1024 * 1024
MAX_CLIENT_JSON_DEPTH: Final = 32


def _refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON, and the database refuses them in a saved layout.
    raise ValueError(f"{name} is not allowed")


def _depth(value: Any) -> int:
    """How deeply a decoded JSON value nests (iteratively: the point is to refuse deep ones)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_CLIENT_JSON_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def load_client_json(text: str | bytes | None, *, code: str, what: str) -> Any:
    """Decode JSON sent by a client, under 1 MB, nesting at most 32 levels, without NaN or Infinity.

    ``what`` names the thing in the error's sentence ("Messages", "The parameters"). Raises
    ToyzError(``code``, ...) for anything else.
    """
    if text is None or len(text) > MAX_CLIENT_JSON_BYTES:
        raise ToyzError(code, f"{what} must be JSON text under 1 MB.")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ToyzError(code, f"{what} must be valid JSON (no NaN or Infinity).") from None
    if _depth(value) > MAX_CLIENT_JSON_DEPTH:
        raise ToyzError(code, f"{what} may nest at most {MAX_CLIENT_JSON_DEPTH} levels.")
    return value
