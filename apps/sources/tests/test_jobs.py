"""The sources jobs over the workspace socket: describe and export, with progress and one result."""

from __future__ import annotations

from typing import Any

import pytest

from apps.sources.tests.conftest import write_catalogue
from apps.workspaces.models import Workspace
from apps.workspaces.tests.conftest import connect  # noqa: F401  (the socket fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def run(socket: Any, job_id: int, fn: str, params: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    await socket.send_json_to({"type": "job", "id": job_id, "fn": fn, "params": params})
    progress = []
    while True:
        message = await socket.receive_json_from(timeout=30)
        if message.get("id") != job_id:
            continue
        if message["type"] == "progress":
            progress.append(message)
        else:
            return progress, message


@pytest.fixture
def workspace(make_user, data_root) -> Workspace:
    alice = make_user("alice")
    make_user("bob")
    write_catalogue(data_root / "home/alice/cat.fits", rows=50)
    return Workspace.objects.create(owner=alice, name="Catalogues")


async def opened(connect: Any, workspace: Workspace) -> Any:  # noqa: F811
    socket = await connect(workspace.owner, workspace)
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from())["event"] == "workspace"
    return socket


async def test_describe_runs_as_a_job(connect, workspace):  # noqa: F811
    socket = await opened(connect, workspace)
    _, result = await run(socket, 1, "sources.describe", {"path": "home/alice/cat.fits"})
    assert result["status"] == "ok", result
    assert result["result"]["rows"] == 50 and result["result"]["sky"] == {"ra": "RA", "dec": "DEC"}


async def test_a_job_path_without_the_read_right_is_refused(connect, workspace, data_root):  # noqa: F811
    write_catalogue(data_root / "home/bob/cat.fits", rows=5)
    socket = await opened(connect, workspace)
    _, result = await run(socket, 2, "sources.describe", {"path": "home/bob/cat.fits"})
    assert result["status"] == "error" and result["error"]["code"] == "forbidden"


async def test_export_runs_as_a_job_with_progress(connect, workspace, data_root):  # noqa: F811
    socket = await opened(connect, workspace)
    params = {"path": "home/alice/cat.fits", "format": "csv", "folder": "home/alice", "name": "out"}
    progress, result = await run(socket, 3, "sources.export", params)
    assert result["status"] == "ok", result
    assert result["result"] == {"path": "home/alice/out.csv", "rows": 50}
    assert progress and (data_root / "home/alice/out.csv").is_file()
    _, again = await run(socket, 4, "sources.export", params)
    assert again["error"]["code"] == "exists"


async def test_export_to_a_folder_without_the_write_right_is_refused(connect, workspace):  # noqa: F811
    socket = await opened(connect, workspace)
    params = {"path": "home/alice/cat.fits", "format": "csv", "folder": "home/bob", "name": "out"}
    _, result = await run(socket, 5, "sources.export", params)
    assert result["error"]["code"] == "forbidden"


async def test_a_bad_selection_in_a_job_names_the_parameter(connect, workspace):  # noqa: F811
    socket = await opened(connect, workspace)
    params = {
        "path": "home/alice/cat.fits",
        "format": "csv",
        "folder": "home/alice",
        "name": "o",
        "selection": {"kind": "x"},
    }
    _, result = await run(socket, 6, "sources.export", params)
    assert result["error"]["code"] == "bad_params" and "selection" in result["error"]["message"]
