"""analysis.contours over the workspace socket: the default levels from the stored cuts, another image, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits

from apps.workspaces.models import Workspace
from apps.workspaces.tests.conftest import connect  # noqa: F401  (the socket fixture)
from conftest import write_wcs_image

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def run(socket: Any, job_id: int, params: dict[str, Any]) -> dict[str, Any]:
    await socket.send_json_to({"type": "job", "id": job_id, "fn": "analysis.contours", "params": params})
    while True:
        message = await socket.receive_json_from(timeout=60)
        if message.get("id") == job_id and message["type"] == "result":
            return message  # type: ignore[no-any-return]


@pytest.fixture
def workspace(make_user: Any, data_root: Path) -> Workspace:
    alice = make_user("alice")
    make_user("bob")
    write_wcs_image(data_root / "home/alice/m13.fits")
    write_wcs_image(data_root / "home/alice/other.fits", shape=(200, 200), seed=2)
    write_wcs_image(data_root / "home/bob/secret.fits")
    return Workspace.objects.create(owner=alice, name="Contours")


async def opened(connect: Any, workspace: Workspace) -> Any:  # noqa: F811
    socket = await connect(workspace.owner, workspace)
    assert (await socket.connect())[0]
    assert (await socket.receive_json_from())["event"] == "workspace"
    return socket


async def test_it_contours_at_the_default_cut_levels(connect: Any, workspace: Workspace) -> None:  # noqa: F811
    socket = await opened(connect, workspace)
    result = await run(socket, 1, {"image": {"path": "home/alice/m13.fits"}, "count": 5})
    assert result["status"] == "ok", result
    body = result["result"]
    assert len(body["levels"]) == 5 and body["paths"] and body["binned"] == 1
    xy = np.asarray(body["paths"][0]["xy"]).reshape(-1, 2)
    assert xy[:, 0].min() >= 0 and xy[:, 0].max() <= 500 and xy[:, 1].max() <= 300


async def test_it_contours_another_image_and_refuses_one_the_user_may_not_read(
    connect: Any,  # noqa: F811
    workspace: Workspace,
) -> None:
    socket = await opened(connect, workspace)
    image = {"path": "home/alice/m13.fits"}
    ok = await run(socket, 2, {"image": image, "of": {"path": "home/alice/other.fits"}, "levels": [150.0]})
    assert ok["status"] == "ok", ok
    assert ok["result"]["paths"]
    refused = await run(socket, 3, {"image": image, "of": {"path": "home/bob/secret.fits"}, "levels": [1.0]})
    assert refused["status"] == "error" and refused["error"]["code"] == "forbidden"


async def test_it_says_why_bad_parameters_are_bad(connect: Any, workspace: Workspace, data_root: Path) -> None:  # noqa: F811
    socket = await opened(connect, workspace)
    bad = await run(socket, 4, {"image": {"path": "home/alice/m13.fits"}, "limits": [5, 5]})
    assert bad["status"] == "error" and bad["error"]["code"] == "bad_params"
    plain = data_root / "home/alice/plain.fits"
    fits.PrimaryHDU(np.zeros((20, 20), np.float32)).writeto(plain)
    nowcs = await run(
        socket, 5, {"image": {"path": "home/alice/m13.fits"}, "of": {"path": "home/alice/plain.fits"}, "levels": [0.5]}
    )
    assert nowcs["status"] == "error" and nowcs["error"]["code"] == "unsupported", nowcs
