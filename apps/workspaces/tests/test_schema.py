"""The schemas the front end's types are generated from: `toyz_schema` writes them the same way each
time, the socket schema is complete and says what the client narrows on, and each job function's
declared result model fits what it really returns."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pydantic import RootModel

from apps.files.permissions import User
from apps.jobs import registry
from apps.workspaces.management.commands.toyz_schema import dumps
from apps.workspaces.messages import socket_schema


def refs(node: Any) -> set[str]:
    """Every ``$ref`` under a schema node."""
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(value) for value in node))
    return set()


def test_toyz_schema_writes_both_schemas_byte_for_byte_the_same_each_time(tmp_path: Path):
    call_command("toyz_schema", out=tmp_path / "a", stdout=None)
    call_command("toyz_schema", out=tmp_path / "b", stdout=None)
    for name in ("openapi.json", "socket.json"):
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes()
        assert first.endswith(b"}\n")
        assert dumps(json.loads(first)).encode() == first, "sorted keys, indent 2"
    written = json.loads((tmp_path / "a" / "socket.json").read_text())
    assert written == json.loads(json.dumps(socket_schema()))
    assert "/api/jobs" in json.loads((tmp_path / "a" / "openapi.json").read_text())["paths"]


def test_every_reference_of_the_socket_schema_is_one_of_its_definitions():
    schema = socket_schema()
    names = {f"#/$defs/{name}" for name in schema["$defs"]}
    assert refs(schema) <= names
    assert "ResolvedPath" not in schema["$defs"], "a path parameter is a string on the wire"


def test_every_server_message_always_carries_its_type_and_event():
    schema = socket_schema()
    for ref in schema["server"]["oneOf"]:
        name = ref["$ref"].rsplit("/", 1)[1]
        message = schema["$defs"][name]
        keys = ["type", "event"] if message["properties"]["type"].get("const") == "event" else ["type"]
        keys += ["status"] if "status" in message["properties"] else []
        for key in keys:
            assert "const" in message["properties"][key], f"{name}.{key} is no literal"
            assert key in message["required"], f"{name}.{key} is optional in the schema"


def test_the_job_table_lists_every_job_function_with_its_params_and_result():
    schema = socket_schema()
    table = schema["$defs"]["JobFunctions"]
    assert set(table["properties"]) == set(registry.names())
    assert set(table["required"]) == set(registry.names())
    describe = table["properties"]["imaging.describe"]["properties"]
    assert describe["params"] == {"$ref": "#/$defs/ImageParams"}
    assert describe["result"] == {"$ref": "#/$defs/DescriptionOut"}
    assert schema["$defs"]["ImageParams"]["properties"]["path"]["type"] == "string"
    listed = table["properties"]["files.list"]["properties"]
    assert listed["result"] == {"$ref": "#/$defs/ListingOut"}


class Context:
    def __init__(self, user: User) -> None:
        self.user = user
        self.workspace_id: int | None = None

    def progress(self, done: int, total: int, message: str = "") -> None:
        pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("cache_dir")
@pytest.mark.parametrize(
    ("fn", "params"),
    [
        ("files.list", {"path": "night"}),
        ("imaging.describe", {"path": "night/a.fits"}),
        ("imaging.pixel", {"path": "night/a.fits", "x": 10.5, "y": 20.5}),
        ("imaging.prerender", {"path": "night/a.fits"}),
        ("imaging.prerender_folder", {"path": "night"}),
    ],
)
def test_a_job_function_returns_what_its_result_model_says(fn: str, params: dict[str, Any], make_user, sample_fits):
    sample_fits("night/a.fits", shape=(300, 400))
    root = make_user("root", admin=True)
    spec, checked = registry.prepare(root, fn, params)
    assert spec.result is not None
    result = spec.func(Context(root), checked)
    spec.result.model_validate(result)
    names = set(spec.result.model_fields)
    if issubclass(spec.result, RootModel):
        # A core TypedDict wrapped for the schema (imaging.pixel's Pixel): its keys are the names.
        names = set(spec.result.model_fields["root"].annotation.__annotations__)
    assert set(result) <= names, "a key the schema does not name"
