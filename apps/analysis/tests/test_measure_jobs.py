"""The measurement jobs through the real workspace socket (embedded mode: jobs in the server's pool)."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import pytest_asyncio
from astropy.io import fits
from astropy.modeling import models
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.workspaces.models import Workspace
from apps.workspaces.tests.conftest import session_cookie
from toyz_site.asgi import application
from workers.imaging.synthetic import tan_header, write_decam_like

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

STAR = (60.3, 50.7)
FWHM = 3.5
FLUX = 20_000.0


def write_star(path: Path) -> Path:
    """A Gaussian star of FWHM 3.5 px and flux 20000 on a sky of 100 (noise 1), TAN WCS at 0.5"/px."""
    sigma = FWHM / (2 * math.sqrt(2 * math.log(2)))
    yy, xx = np.mgrid[0:100, 0:120]
    star = models.Gaussian2D(FLUX / (2 * math.pi * sigma**2), STAR[0] - 0.5, STAR[1] - 0.5, sigma, sigma)
    image = star(xx, yy) + 100.0 + np.random.default_rng(2).normal(0.0, 1.0, xx.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.PrimaryHDU(image.astype(np.float32), tan_header((60.5, 50.5), (150.0, 2.0), 0.5 / 3600)).writeto(path)
    return path


@pytest.fixture
def workspace(make_user: Any) -> Workspace:
    return Workspace.objects.create(owner=make_user("alice"), name="Night 1")


@pytest_asyncio.fixture
async def connect() -> AsyncIterator[Callable[..., Any]]:
    """Open the real ASGI app's workspace socket as a user (as apps/workspaces/tests does)."""
    sockets: list[WebsocketCommunicator] = []

    async def open_socket(user: Any, ws: Workspace) -> WebsocketCommunicator:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"), (b"cookie", cookie)]
        socket = WebsocketCommunicator(application, f"/ws/workspaces/{ws.pk}/", headers=headers)
        sockets.append(socket)
        return socket

    yield open_socket
    for socket in sockets:
        await socket.disconnect()


async def opened(connect: Any, user: Any, ws: Workspace) -> WebsocketCommunicator:
    socket: WebsocketCommunicator = await connect(user, ws)
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from())["event"] == "workspace"
    return socket


async def run_job(socket: WebsocketCommunicator, job_id: int, fn: str, params: Any) -> dict[str, Any]:
    await socket.send_json_to({"type": "job", "id": job_id, "fn": fn, "params": params})
    while True:
        message = await socket.receive_json_from(timeout=30)
        if message.get("id") == job_id and message["type"] != "progress":
            return dict(message)


IMAGE = {"path": "home/alice/star.fits", "hdu": 0, "plane": 0}
BOX = {"id": "b1", "shape": "box", "frame": "image", "points": [[60, 50]], "size": [40, 30]}


async def test_profile_and_photometry_recover_the_star(connect, workspace, data_root):
    write_star(data_root / "home/alice/star.fits")
    socket = await opened(connect, workspace.owner, workspace)
    profile = await run_job(socket, 1, "analysis.profile", {"image": IMAGE, "x": 61, "y": 50})
    assert profile["status"] == "ok", profile
    result = profile["result"]
    assert result["gaussian"]["fwhm"] == pytest.approx(FWHM, rel=0.02)
    assert result["moffat"]["fwhm_arcsec"] == pytest.approx(FWHM * 0.5, rel=0.02)
    assert result["x"] == pytest.approx(STAR[0], abs=0.05)
    phot = await run_job(
        socket, 2, "analysis.photometry", {"image": IMAGE, "x": 60, "y": 51, "radius": 12, "annulus": [15, 25]}
    )
    assert phot["result"]["flux"] == pytest.approx(FLUX, rel=0.01)


async def test_region_jobs_and_cuts_answer(connect, workspace, data_root):
    write_star(data_root / "home/alice/star.fits")
    socket = await opened(connect, workspace.owner, workspace)
    stats = (await run_job(socket, 1, "analysis.stats", {"image": IMAGE, "region": BOX}))["result"]
    assert stats["count"] == 1200 and stats["centroid"]["x"] == pytest.approx(STAR[0], abs=0.2)
    assert stats["centroid"]["dec"] == pytest.approx(2.0, abs=0.01)
    hist = (await run_job(socket, 2, "analysis.histogram", {"image": IMAGE, "region": BOX, "bins": 16}))["result"]
    assert sum(hist["counts"]) == 1200 and len(hist["edges"]) == 17
    surface = (await run_job(socket, 3, "analysis.surface", {"image": IMAGE, "x": 60, "y": 50, "half": 5}))["result"]
    assert surface["width"] == surface["height"] == 11 and len(surface["values"]) == 121
    line = await run_job(socket, 4, "analysis.line", {"image": IMAGE, "start": [0.5, 50.5], "end": [119.5, 50.5]})
    assert len(line["result"]["values"]) == 120 and line["result"]["method"] == "nearest"
    flat = await run_job(socket, 5, "analysis.spectrum", {"image": IMAGE, "x": 5, "y": 5})
    assert flat["status"] == "error" and flat["error"]["code"] == "unsupported"


async def test_a_region_across_a_ccd_gap_says_so(connect, workspace, data_root):
    path = data_root / "home/alice/mosaic.fits"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_decam_like(path, n_ccds=4, ccd_shape=(256, 128), seed=3)
    socket = await opened(connect, workspace.owner, workspace)
    region = {"id": "g", "shape": "box", "frame": "image", "points": [[130, 105]], "size": [20, 10]}
    image = {"path": "home/alice/mosaic.fits", "hdu": -1, "plane": 0}
    result = (await run_job(socket, 1, "analysis.stats", {"image": image, "region": region}))["result"]
    assert [c["name"] for c in result["per_ccd"]] == ["S1", "S2"] and "gap" in result["note"]


async def test_errors_are_sentences_and_bad_params_are_refused(connect, workspace, data_root):
    write_star(data_root / "home/alice/star.fits")
    socket = await opened(connect, workspace.owner, workspace)
    off = await run_job(socket, 1, "analysis.profile", {"image": IMAGE, "x": 5000, "y": 5000})
    assert off["status"] == "error" and off["error"]["code"] == "bad_region"
    assert "outside the image" in off["error"]["message"]
    bad = await run_job(socket, 2, "analysis.profile", {"image": IMAGE, "x": 60, "y": 50, "radius": 1000})
    assert bad["status"] == "error" and bad["error"]["code"] == "bad_params"


async def test_a_user_without_the_read_right_is_refused(connect, workspace, data_root, make_user):
    bob = await database_sync_to_async(make_user)("bob")
    write_star(data_root / "home/bob/star.fits")
    socket = await opened(connect, workspace.owner, workspace)
    image = {"path": "home/bob/star.fits", "hdu": 0, "plane": 0}
    refused = await run_job(socket, 1, "analysis.stats", {"image": image, "region": BOX})
    assert refused["status"] == "error" and refused["error"]["code"] == "forbidden", refused
    assert bob.username == "bob"
