"""What the security suites attack, found rather than listed: every REST operation of the live OpenAPI
schema and every registered job function, with the fields of each that name a file or folder.

A field is a path when its schema says so (``format: "path"``, which `apps.files.services`'s
``ReadClientPath``/``ReadPath`` and their list/write siblings give, with the right in ``x-right``) or,
failing that, when its name says so (``path``, ``folder``, ``dest``, ...): the second rule catches an
endpoint whose author forgot the marked type, and `test_discovery` then fails and names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

#: Field names that hold a path into the data root.
PATH_NAMES = re.compile(r"^(path|paths|folder|dir|directory|dest|destination|src|source|target|parent|into|to|from)$")
#: Field names that hold a file name (an upload's, a rename's): not a path, but attacked like one.
NAME_NAMES = re.compile(r"^(name|new_name|newname|filename|file_name|label|title)$")
#: Path parameters of the URL that the suites fill themselves (the tile address, the job function).
ADDRESS_PARAMS = {"level": "0", "x": "0", "y": "0", "fmt": "png", "fn": ""}


@dataclass(frozen=True)
class Field:
    """One input of an operation: where it goes (query, body, form, path) and its schema."""

    name: str
    where: str  # "query", "json", "form", "file", "path"
    schema: dict[str, Any]
    required: bool

    @property
    def is_array(self) -> bool:
        return self.schema.get("type") == "array"

    @property
    def item_schema(self) -> dict[str, Any]:
        """The schema of one value: the field's own, or its items' for a list of paths."""
        items = self.schema.get("items")
        if self.is_array and isinstance(items, dict):
            return items
        # An optional path (``WritePath | None``) is still a path: its schema is the non-null option.
        options = [o for o in self.schema.get("anyOf", []) if isinstance(o, dict) and o.get("type") != "null"]
        return options[0] if len(options) == 1 else self.schema

    @property
    def is_path(self) -> bool:
        return self.item_schema.get("format") == "path" or bool(PATH_NAMES.match(self.name))

    @property
    def is_name(self) -> bool:
        return not self.is_path and self.schema.get("type") == "string" and bool(NAME_NAMES.match(self.name))

    @property
    def right(self) -> str | None:
        """The right the server checks on this path ("list", "read", "write"), when the schema says."""
        right = self.item_schema.get("x-right")
        return right if isinstance(right, str) else None


@dataclass(frozen=True)
class Operation:
    """A REST operation of the schema: its method, URL template and inputs."""

    method: str
    template: str
    fields: tuple[Field, ...] = ()
    tags: tuple[str, ...] = field(default=())
    raw_body: bool = False  # the body is bytes (application/octet-stream): an upload's file

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"

    @property
    def path_fields(self) -> list[Field]:
        return [f for f in self.fields if f.where != "path" and f.is_path]

    @property
    def name_fields(self) -> list[Field]:
        return [f for f in self.fields if f.where != "path" and f.is_name]

    @property
    def url_params(self) -> list[Field]:
        return [f for f in self.fields if f.where == "path"]

    @property
    def object_params(self) -> list[Field]:
        """URL parameters naming an object (a workspace, a job...), not a tile address or a job function."""
        return [f for f in self.url_params if f.name not in ADDRESS_PARAMS]

    @property
    def is_tile(self) -> bool:
        return self.template.startswith("/tiles/")

    @property
    def is_job_start(self) -> bool:
        return self.template == "/api/jobs/{fn}"

    @property
    def writes(self) -> bool:
        return self.method not in ("get", "head", "options")


def _deref(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = root.get("components", {}).get("schemas", {}).get(name) or root.get("$defs", {}).get(name, {})
        seen += 1
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _deref(schema["allOf"][0], root)
    return schema


def body_fields(schema: dict[str, Any], root: dict[str, Any], where: str) -> list[Field]:
    """The top-level properties of an object schema (a request body, a job's parameters) as fields."""
    schema = _deref(schema, root)
    required = set(schema.get("required", []))
    out = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = _deref(prop, root)
        kind = "file" if where == "form" and prop.get("format") == "binary" else where
        out.append(Field(name, kind, prop, name in required))
    return out


def operations(openapi: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI document, with its query, URL and body fields."""
    found = []
    for template, item in sorted(openapi.get("paths", {}).items()):
        for method, op in sorted(item.items()):
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            fields = [
                Field(p["name"], p["in"], _deref(p.get("schema", {}), openapi), bool(p.get("required")))
                for p in op.get("parameters", [])
                if p.get("in") in ("query", "path")
            ]
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content and template != "/api/jobs/{fn}":
                fields += body_fields(content["application/json"].get("schema", {}), openapi, "json")
            for form in ("multipart/form-data", "application/x-www-form-urlencoded"):
                if form in content:
                    fields += body_fields(content[form].get("schema", {}), openapi, "form")
            raw = "application/octet-stream" in content
            found.append(Operation(method, template, tuple(fields), tuple(op.get("tags", [])), raw))
    return found


@dataclass(frozen=True)
class JobTarget:
    """A registered job function and the fields of its parameters."""

    name: str
    fields: tuple[Field, ...]

    @property
    def path_fields(self) -> list[Field]:
        return [f for f in self.fields if f.is_path]

    @property
    def name_fields(self) -> list[Field]:
        return [f for f in self.fields if f.is_name]


def job_targets() -> list[JobTarget]:
    """Every registered job function (`apps.jobs.registry.specs`), its parameters from their JSON Schema."""
    from apps.jobs.registry import specs

    out = []
    for spec in specs():
        schema = spec.params_schema()
        out.append(JobTarget(spec.name, tuple(body_fields(schema, schema, "json"))))
    return out


def sample_value(item: Field) -> Any:
    """A harmless valid-looking value for a field the suites do not attack."""
    schema = item.schema
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if schema.get("examples"):
        return schema["examples"][0]  # a value the schema itself offers as valid (a selection state)
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return sample_value(Field(item.name, item.where, option, item.required))
    kind = schema.get("type")
    if kind == "integer":
        return max(0, int(schema.get("minimum", 0)))
    if kind == "number":
        return float(max(0, schema.get("minimum", 0)))
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "x"


def variants(fields: tuple[Field, ...] | list[Field]) -> Iterator[dict[str, Any]]:
    """Sample values of the non-path fields: the defaults, and once more with every flag set (recursive...)."""
    base = {f.name: sample_value(f) for f in fields if f.required or "default" in f.schema}
    yield base
    flags = {f.name: True for f in fields if f.schema.get("type") == "boolean"}
    if flags:
        yield {**base, **flags}
