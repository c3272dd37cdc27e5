"""apps.http: the one HTTP rendering of ToyzError, and pydantic's refusals as one sentence."""

from __future__ import annotations

import json

import pytest
from django.http import Http404
from django.test import RequestFactory
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import BaseModel, Field

from apps.http import as_toyz_error, bad_params, error_response, on_exception
from workers.errors import ToyzError


class Query(BaseModel):
    level: int
    x: float = Field(allow_inf_nan=False)
    flag: bool = False


def _errors(**values: object) -> list[dict[str, object]]:
    with pytest.raises(Exception) as caught:
        Query.model_validate(values)
    return list(caught.value.errors())  # type: ignore[attr-defined]


def test_an_error_renders_as_code_and_message_with_its_status():
    response = error_response(ToyzError("not_found", "No such file."))
    assert response.status_code == 404
    assert json.loads(response.content) == {"error": {"code": "not_found", "message": "No such file."}}
    assert error_response(ToyzError("bad_hdu", "No HDU 9.", status=418)).status_code == 418


def test_refused_values_become_one_sentence_per_parameter():
    error = bad_params(_errors(level="two", x="nan", flag="perhaps"))
    assert error.code == "bad_params" and error.status == 400
    assert error.message == (
        "The parameter level must be a whole number, not 'two'. "
        "The parameter x must be a finite number, not 'nan'. "
        "The parameter flag must be 0 or 1, not 'perhaps'."
    )
    assert bad_params(_errors(x=1)).message == "The parameter level is missing."


@pytest.mark.parametrize(
    ("exc", "code", "status"),
    [
        (ToyzError("forbidden", "No."), "forbidden", 403),
        (ValidationError([{"type": "missing", "loc": ("query", "path"), "msg": "Field required"}]), "bad_params", 400),
        (AuthenticationError(), "unauthenticated", 401),
        (HttpError(403, "CSRF check Failed"), "forbidden", 403),
        (Http404(), "not_found", 404),
        (ZeroDivisionError(), "internal", 500),
    ],
)
def test_every_exception_of_an_api_view_renders_in_the_one_shape(exc, code, status):
    request = RequestFactory().get("/api/anything")
    assert as_toyz_error(request, exc).code == code
    response = on_exception(request, exc)
    assert response.status_code == status and json.loads(response.content)["error"]["code"] == code
