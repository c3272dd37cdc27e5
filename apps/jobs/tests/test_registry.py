from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BeforeValidator, Field

from apps.files.services import ReadPath
from apps.jobs.params import Flag, JobParams, Number, Text, Whole, validate_params, whole_number
from apps.jobs.registry import get, prepare
from workers.errors import ToyzError


class Counts(JobParams):
    n: Annotated[int, Field(ge=0, le=10), BeforeValidator(whole_number)] = 0
    f: Number = 0.0


class Mixed(JobParams):
    n: Whole = 3
    b: Flag = False
    s: Text


class OnePath(JobParams):
    path: ReadPath


def refusal(model: type[JobParams], user, raw) -> ToyzError:
    with pytest.raises(ToyzError) as info:
        validate_params("t.fn", model, user, raw)
    return info.value


def test_unknown_functions_are_refused():
    with pytest.raises(ToyzError) as info:
        get("os.system")
    assert info.value.code == "unknown_function"


@pytest.mark.parametrize(
    "raw",
    [[], "x", {"n": "1"}, {"n": True}, {"n": 1.5}, {"n": 11}, {"extra": 1}, {"f": float("nan")}, {"f": None}],
)
def test_bad_parameters_are_refused(make_user, raw):
    assert refusal(Counts, make_user(), raw).code == "bad_params"


@pytest.mark.parametrize(
    ("raw", "sentence"),
    [
        ({"n": True}, "n must be a whole number."),
        ({"n": 11}, "n must be at most 10."),
        ({"n": -1}, "n must be at least 0."),
        ({"f": float("inf")}, "f must be a finite number."),
        ({"f": "2"}, "f must be a finite number."),  # as a selection says it (apps.shapes)
        ({"extra": 1}, "t.fn takes no parameter extra."),
        ([], "params must be an object."),
    ],
)
def test_refusals_are_sentences_naming_the_parameter(make_user, raw, sentence):
    assert refusal(Counts, make_user(), raw).message == sentence


def test_good_parameters_get_defaults(make_user):
    alice = make_user()
    params = validate_params("t.fn", Mixed, alice, {"s": "x", "n": 2.0})
    assert (params.n, params.b, params.s) == (2, False, "x") and isinstance(params.n, int)
    missing = refusal(Mixed, alice, {})
    assert (missing.code, missing.message) == ("bad_params", "t.fn needs the parameter s.")
    assert refusal(Mixed, alice, {"s": "x" * 4097}).code == "bad_params"
    assert refusal(Mixed, alice, {"s": "x", "b": 1}).message == "b must be true or false."


def test_path_parameters_are_resolved_for_the_user(make_user, data_root):
    alice = make_user("alice")
    make_user("bob")
    assert validate_params("t.fn", OnePath, alice, {"path": "home/alice"}).path.client == "home/alice"
    assert refusal(OnePath, alice, {"path": "home/bob"}).code == "forbidden"
    assert refusal(OnePath, alice, {"path": "../../etc/passwd"}).code == "outside_root"
    assert refusal(OnePath, alice, {"path": 5}).code == "bad_path"


def test_a_path_through_a_symlink_is_checked_where_it_lands(make_user, data_root):
    alice = make_user("alice")
    make_user("bob")
    (data_root / "home/bob/secret.fits").write_bytes(b"SIMPLE")
    (data_root / "home/alice/link.fits").symlink_to(data_root / "home/bob/secret.fits")
    assert refusal(OnePath, alice, {"path": "home/alice/link.fits"}).code == "forbidden"


def test_bounds_are_in_the_schema():
    assert Counts.model_json_schema()["properties"]["n"] | {"title": ""} == {
        "type": "integer",
        "minimum": 0,
        "maximum": 10,
        "default": 0,
        "title": "",
    }


def test_a_path_field_says_so_in_its_schema():
    schema = OnePath.model_json_schema()
    path = {k: v for k, v in schema["properties"]["path"].items() if k != "title"}
    assert path == {"type": "string", "format": "path", "x-right": "read", "maxLength": 4096}
    assert schema["required"] == ["path"] and schema["additionalProperties"] is False


def test_prepare_knows_the_built_in_jobs(make_user):
    built_in, params = prepare(make_user(), "files.list", {})
    assert built_in.name == "files.list" and params.path.client == ""  # type: ignore[attr-defined]
