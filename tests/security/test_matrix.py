"""The cross-user matrix over every REST operation and job function the schema and the registry list.

For each discovered operation that takes a path, each user of the scene and each target path: the
user's answer follows `expected_rights` (allowed where the grants say, refused elsewhere), a refusal
answers exactly as the same request for a missing path next to it does (no existence oracle), no
answer is a 500, and none shows a name or a content the user may not see. Operations that name an
object in their URL (a workspace, a job...) are aimed at alice's by everyone else.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from tests.security.conftest import (
    REFUSALS,
    TARGETS,
    USERS,
    Scene,
    check_answer,
    expected_rights,
    forbidden_tokens,
    missing_sibling,
    send,
    values_for,
)
from tests.security.discovery import ADDRESS_PARAMS, Field, Operation, job_targets, operations

RIGHT_ORDER = ("list", "read", "write")


def _api_operations() -> list[Operation]:
    from toyz_site.api import api

    return operations(api.get_openapi_schema())


OPS = {op.label: op for op in _api_operations()}
PATH_OPS = sorted(label for label, op in OPS.items() if op.path_fields and not op.object_params)
OBJECT_OPS = sorted(label for label, op in OPS.items() if op.object_params and not op.is_job_start)
JOBS = sorted(job.name for job in job_targets() if job.path_fields)


def url_of(op: Operation, objects: dict[str, Any] | None = None, tile_format: str = "png") -> str:
    url = op.template
    for item in op.url_params:
        value = (objects or {}).get(item.name, ADDRESS_PARAMS.get(item.name, "0"))
        if item.name == "fmt":
            value = tile_format
        url = url.replace("{" + item.name + "}", str(value))
    return url


def needed_right(fields: list[Field]) -> str | None:
    rights = [f.right for f in fields if f.right]
    return max(rights, key=RIGHT_ORDER.index) if rights else None


def _normalised(error: dict[str, Any] | None, *paths: str) -> tuple[str, str] | None:
    if error is None:
        return None
    message = error["message"]
    for path in paths:
        message = message.replace(path, "<path>")
    return error["code"], message


def check_cell(
    user: str, target: str, right: str | None, ask: Callable[[str], Any], where: str, *, renames: bool = False
) -> None:
    """One cell of the matrix: `ask(path)` sends the request for `path` as `user` and returns (response, error)."""
    response, error = ask(target)
    rights = expected_rights(user, target)
    if user in ("anonymous", "erin"):
        assert response.status_code == 401 and error and error["code"] == "unauthenticated", where
        return
    if right is not None and right in rights:
        if renames and not target.endswith((".fits", ".txt")):
            return  # renaming or deleting a granted folder itself needs the write right on its parent
        assert error is None or error["code"] not in REFUSALS, f"{where}: refused: {error}"
        return
    if right is None and rights:
        return  # an undeclared right (test_discovery fails for it): only users without any right are checked
    assert error is not None and error["code"] in REFUSALS, f"{where}: not refused ({response.status_code})"
    twin_path = missing_sibling(target)
    twin, twin_error = ask(twin_path)
    assert twin.status_code == response.status_code, (
        f"{where}: {response.status_code} here, {twin.status_code} when missing"
    )
    assert _normalised(error, target) == _normalised(twin_error, twin_path), f"{where}: {error} vs {twin_error}"


def _swap(value: Any, target: str, path: str) -> Any:
    """A field's value with `target` (alone or as a one-path list) replaced by `path`."""
    return path if value == target else [path] if value == [target] else value


def _ask_rest(scene: Scene, op: Operation, user: str, values: dict[str, Any], target: str, path: str) -> Any:
    """Send `op` as `user` with `values`, its path fields (which hold `target`) set to `path`."""
    if op.writes:
        scene.rebuild()
    asked = {k: _swap(v, target, path) for k, v in values.items()}
    response = send(scene.clients[user], op.method, url_of(op), asked, op)
    where = f"{op.label} as {user} on {path} {asked}"
    return response, check_answer(response, where=where, tokens=forbidden_tokens(user), asked=path)


def _ask_job(scene: Scene, fn: str, user: str, values: dict[str, Any], target: str, path: str) -> Any:
    """Start the job `fn` over HTTP as `user` (run inline); the error of the request or of its run."""
    client = scene.clients[user]
    tokens = forbidden_tokens(user)
    asked = {k: _swap(v, target, path) for k, v in values.items()}
    where = f"{fn} as {user} on {path} {asked}"
    response = client.post(f"/api/jobs/{fn}", asked, content_type="application/json")
    error = check_answer(response, where=where, tokens=tokens, asked=path)
    if response.status_code == 202:
        run = client.get(f"/api/jobs/runs/{response.json()['id']}")
        check_answer(run, where=where + " (its run)", tokens=tokens, asked=path)
        body = run.json()
        assert body["status"] in ("done", "error"), f"{where}: {body}"
        error = body["error"]
        assert error is None or error["code"] not in ("job_failed", "internal"), f"{where}: {error}"
    return response, error


@pytest.mark.parametrize("label", PATH_OPS)
def test_every_path_endpoint_follows_the_grants_for_every_user(scene, label):
    op = OPS[label]
    right = needed_right(op.path_fields)
    for user in USERS:
        for name, target in TARGETS.items():
            for values in values_for(op.fields, target):
                ask = partial(_ask_rest, scene, op, user, values, target)
                where = f"{label} as {user} on {name} ({values})"
                parent = target.rpartition("/")[0]
                renames = op.writes and "write" not in expected_rights(user, parent)
                check_cell(user, target, right, ask, where, renames=renames)


@pytest.mark.parametrize("fn", JOBS)
def test_every_job_function_follows_the_grants_for_every_user_over_http(scene, inline_jobs, fn):
    job = next(j for j in job_targets() if j.name == fn)
    right = needed_right(job.path_fields)
    for user in USERS:
        for name, target in TARGETS.items():
            for values in values_for(job.fields, target):
                ask = partial(_ask_job, scene, fn, user, values, target)
                check_cell(user, target, right, ask, f"{fn} as {user} on {name} ({values})")


# --- objects named in URLs: alice's workspace, job, ... aimed at by everyone else ------------------


def object_kind(op: Operation, item: Field) -> str:
    """Which kind of object a URL parameter names, from its name or the URL around it."""
    name = item.name.lower()
    if name.endswith("_id") or name.endswith("_pk"):
        return name[:-3]
    if name in ("id", "pk"):
        segments = [s for s in op.template.split("/") if s and not s.startswith("{")]
        return segments[-1].rstrip("s") if segments else name
    return name


def _victims(scene: Scene) -> dict[str, tuple[Any, Any]]:
    """kind → (alice's object's id, an id no object has)."""
    from apps.files import trash
    from apps.files.models import PathGrant, Shortcut

    shortcut = Shortcut.objects.create(user=scene.users["alice"], path="home/alice", label="alicecut-a1c3")
    grant = PathGrant.objects.get(path="shared/night")
    deleted = trash.delete(scene.users["alice"], "home/alice/alicenotes-a1c3.txt")["id"]
    return {
        "entry": (deleted, "20260101T000000-000000000000"),
        "job": (str(scene.alice_job.pk), str(uuid.uuid4())),
        "workspace": (scene.workspace.pk, 999_999),
        "ws": (scene.workspace.pk, 999_999),
        "shortcut": (shortcut.pk, 999_999),
        "grant": (grant.pk, 999_999),
        "user": (scene.users["alice"].pk, 999_999),
    }


OBJECT_FILLERS = {"entry", "job", "workspace", "ws", "shortcut", "grant", "user"}


def _victims_unchanged(scene: Scene) -> None:
    from apps.jobs.models import Job
    from apps.workspaces.models import Workspace

    workspace = Workspace.objects.get(pk=scene.workspace.pk)
    assert (workspace.name, workspace.layout, workspace.owner_id) == ("alicews-4f0c", [], scene.users["alice"].pk)
    assert Job.objects.get(pk=scene.alice_job.pk).status == scene.alice_job.status
    # Her deletion is still in the trash, not restored by anyone else.
    assert not (scene.root / "home/alice/alicenotes-a1c3.txt").exists()


@pytest.mark.parametrize("label", OBJECT_OPS)
def test_nobody_reaches_another_users_objects(scene, label):
    op = OPS[label]
    victims = _victims(scene)
    for user in ("bob", "carol", "dave", "erin", "anonymous"):
        tokens = forbidden_tokens(user) | {"alicews-4f0c", "alicecut-a1c3"}
        answers = []
        for which in (0, 1):
            objects = {f.name: victims[object_kind(op, f)][which] for f in op.object_params}
            for values in values_for(op.fields, "home/alice"):
                response = send(scene.clients[user], op.method, url_of(op, objects), values, op)
                where = f"{label} as {user} on {objects}"
                error = check_answer(response, where=where, tokens=tokens)
                assert error is not None and error["code"] in REFUSALS, f"{where}: not refused: {response.status_code}"
                answers.append((response.status_code, error["code"]))
        # alice's objects and objects that do not exist get the same answer.
        half = len(answers) // 2
        assert answers[:half] == answers[half:], f"{label} as {user}: {answers}"
    _victims_unchanged(scene)


def test_another_users_workspace_page_is_as_missing_as_a_missing_one(scene):
    for user in ("bob", "carol", "dave"):
        client = scene.clients[user]
        page = client.get(f"/workspaces/{scene.workspace.pk}/")
        missing = client.get("/workspaces/999999/")
        assert page.status_code == missing.status_code == 404
        assert b"alicews-4f0c" not in page.content
    for user in ("erin", "anonymous"):
        page = scene.clients[user].get(f"/workspaces/{scene.workspace.pk}/")
        assert page.status_code == 302 and "/accounts/login" in page["Location"]
    listing = scene.clients["bob"].get("/workspaces/")
    assert listing.status_code == 200 and b"alicews-4f0c" not in listing.content


def test_the_tile_formats_all_follow_the_grants(scene):
    # The matrix above asks png tiles; every other format goes through the same check.
    for fmt in ("jpg", "webp", "raw"):
        for user, target, allowed in (
            ("bob", TARGETS["night_file"], True),
            ("bob", TARGETS["conf_file"], False),
            ("carol", TARGETS["night_file"], False),
            ("dave", TARGETS["night_file"], False),
        ):
            response = scene.clients[user].get(f"/tiles/0/0/0.{fmt}", {"path": target})
            assert (response.status_code == 200) is allowed, (fmt, user, target, response.status_code)
