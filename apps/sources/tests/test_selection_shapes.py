"""A selection state and a job function's parameters take numbers through the same shapes (`apps.shapes`)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from apps.jobs.params import JobParams, Number, Whole, validate_params
from apps.sources.selection import SelectionState, selection_sentence
from workers.errors import ToyzError


class _Params(JobParams):
    x0: Number
    row: Whole


def _selection_sentence(raw: object) -> str:
    with pytest.raises(ValidationError) as caught:
        SelectionState.model_validate(raw)
    return selection_sentence(caught.value.errors()[0])


def _params_sentence(raw: object) -> str:
    with pytest.raises(ToyzError) as caught:
        validate_params("t.fn", _Params, None, raw)  # type: ignore[arg-type]  # no path field: no user needed
    return caught.value.message


BOX = {"kind": "box", "x": "a", "y": "b", "x0": 0, "x1": 1, "y0": 0, "y1": 1}


@pytest.mark.parametrize("bad", ["1", True, float("nan"), float("inf")])
def test_it_refuses_a_bad_number_with_the_same_sentence_in_a_selection_and_in_job_parameters(bad: object) -> None:
    assert _selection_sentence({**BOX, "x0": bad}) == "x0 must be a finite number."
    assert _params_sentence({"x0": bad, "row": 1}) == "x0 must be a finite number."


@pytest.mark.parametrize("bad", [2.5, True, "3"])
def test_it_refuses_a_bad_row_number_with_the_same_sentence_in_a_selection_and_in_job_parameters(bad: object) -> None:
    assert _selection_sentence({"kind": "rows", "rows": [1, bad]}) == "rows.1 must be a whole number."
    assert _params_sentence({"x0": 0, "row": bad}) == "row must be a whole number."


def test_it_takes_a_row_number_sent_as_a_float_with_no_fraction_as_job_parameters_do() -> None:
    assert SelectionState.model_validate({"kind": "rows", "rows": [3.0]}).as_json()["rows"] == [3]
