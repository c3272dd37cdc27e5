from __future__ import annotations

import pytest

from apps.files.permissions import Right
from apps.jobs.registry import JobSpec, Param, clean_params, get, prepare
from workers.errors import ToyzError


def spec(*params: Param) -> JobSpec:
    return JobSpec("t.fn", "test", lambda ctx, p: {}, tuple(params))


def code(s: JobSpec, user, raw) -> str:
    with pytest.raises(ToyzError) as info:
        clean_params(s, user, raw)
    return info.value.code


def test_unknown_functions_are_refused():
    with pytest.raises(ToyzError) as info:
        get("os.system")
    assert info.value.code == "unknown_function"


@pytest.mark.parametrize(
    "raw",
    [[], "x", {"n": "1"}, {"n": True}, {"n": 1.5}, {"n": 11}, {"extra": 1}, {"f": float("nan")}, {"f": None}],
)
def test_bad_parameters_are_refused(make_user, raw):
    s = spec(Param("n", "int", default=0, minimum=0, maximum=10), Param("f", "float", default=0.0))
    assert code(s, make_user(), raw) == "bad_params"


def test_good_parameters_get_defaults(make_user):
    s = spec(Param("n", "int", default=3), Param("b", "bool", default=False), Param("s", "str", required=True))
    alice = make_user()
    assert clean_params(s, alice, {"s": "x", "n": 2.0}) == {"n": 2, "b": False, "s": "x"}
    assert code(s, alice, {}) == "bad_params"


def test_path_parameters_are_resolved_for_the_user(make_user, data_root):
    alice = make_user("alice")
    make_user("bob")
    s = spec(Param("path", "path", required=True, right=Right.READ))
    assert clean_params(s, alice, {"path": "home/alice"})["path"].client == "home/alice"
    assert code(s, alice, {"path": "home/bob"}) == "forbidden"
    assert code(s, alice, {"path": "../../etc/passwd"}) == "outside_root"


def test_prepare_knows_the_built_in_jobs(make_user):
    built_in, params = prepare(make_user(), "files.list", {})
    assert built_in.name == "files.list" and params["path"].client == ""
