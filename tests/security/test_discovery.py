"""The suites attack what they discover: these tests make sure the discovery finds what is there, and that
every new endpoint declares its paths in a way the suites (and clients) can see."""

from __future__ import annotations

from pathlib import Path

from tests.security.corpus import crafted_paths, wire_queries
from tests.security.discovery import job_targets, operations
from tests.security.test_matrix import OBJECT_FILLERS, object_kind


def test_it_finds_every_known_path_endpoint_and_path_job(openapi):
    ops = {op.label: op for op in operations(openapi)}
    with_paths = {label for label, op in ops.items() if op.path_fields}
    assert {
        "GET /api/files/list",
        "GET /api/imaging/describe",
        "GET /api/imaging/pixel",
        "GET /tiles/{level}/{x}/{y}.{fmt}",
    } <= with_paths
    assert ops["GET /api/files/list"].path_fields[0].right == "list"
    assert ops["GET /tiles/{level}/{x}/{y}.{fmt}"].path_fields[0].right == "read"
    jobs = {job.name: job for job in job_targets()}
    assert {"files.list", "imaging.describe", "imaging.pixel", "imaging.prerender", "imaging.prerender_folder"} <= {
        name for name, job in jobs.items() if job.path_fields
    }
    assert jobs["imaging.prerender"].path_fields[0].right == "read"


def test_every_path_field_declares_that_it_is_a_path_and_the_right_it_needs(openapi):
    # A field named like a path must use apps.files.services' ReadClientPath (list/write) or ReadPath:
    # its schema then says format "path" and x-right, and the matrix knows what to expect of it.
    undeclared = [
        f"{op.label}: {f.name}"
        for op in operations(openapi)
        for f in op.path_fields
        if f.item_schema.get("format") != "path" or f.right not in ("list", "read", "write")
    ]
    undeclared += [
        f"job {job.name}: {f.name}"
        for job in job_targets()
        for f in job.path_fields
        if f.item_schema.get("format") != "path" or f.right not in ("list", "read", "write")
    ]
    assert not undeclared, f"Path fields without format 'path' and x-right: {undeclared}"


def test_every_object_named_in_a_url_is_one_the_matrix_can_aim_at(openapi):
    unknown = [
        f"{op.label}: {f.name}"
        for op in operations(openapi)
        for f in op.object_params
        if object_kind(op, f) not in OBJECT_FILLERS
    ]
    assert not unknown, f"Teach tests/security/test_matrix.py's OBJECT_FILLERS these URL parameters: {unknown}"


def test_the_corpus_holds_at_least_200_distinct_crafted_paths(tmp_path):
    corpus = crafted_paths(tmp_path / "data", tmp_path / "outside")
    assert len(corpus) >= 200 and len(set(corpus)) == len(corpus)
    assert any("\x00" in p for p in corpus) and any("\ud800" in p for p in corpus)
    assert max(len(p) for p in corpus) > 4096 and any(p.startswith(str(Path(tmp_path))) for p in corpus)
    assert len(wire_queries()) >= 20


def _models(annotation: object) -> list[type]:
    """The pydantic models an annotation names (inside lists, unions and Annotated too)."""
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models(arg)]


def test_no_two_models_of_the_api_share_a_name():
    # The schema names each model once: a second model of the same name is documented as the first, so a
    # body's path field (files' RenameIn beside workspaces' RenameIn) vanished from the schema and the suites.
    from toyz_site.api import api

    seen: dict[str, set[str]] = {}
    for _, router in api._routers:
        for path_operation in router.path_operations.values():
            for operation in path_operation.operations:
                wrappers = [*operation.models, *operation.response_models.values()]
                for wrapper in wrappers:
                    for item in getattr(wrapper, "model_fields", {}).values():
                        for model in _models(item.annotation):
                            seen.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    clashes = {name: sorted(where) for name, where in seen.items() if len(where) > 1}
    assert not clashes, f"Models of the API that share a name (rename one): {clashes}"
