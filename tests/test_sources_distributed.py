"""Data sources in the distributed mode: the sources and header-index jobs run in a real `celery worker`
process against PostgreSQL and Redis, and the header index is searched and served as a table from there."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from channels.db import database_sync_to_async
from django.test import Client

from apps.sources.tests.conftest import write_catalogue
from apps.workspaces.models import Workspace
from tests.test_distributed import collect, open_socket

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def owner_and_workspace(make_user):
    alice = make_user("alice")
    return alice, Workspace.objects.create(owner=alice, name="Sources")


def _exposure(path: Path, date: str, band: str, exptime: float) -> None:
    header = fits.Header({"DATE-OBS": date, "FILTER": band, "EXPTIME": exptime, "OBJECT": "NGC 1"})
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.PrimaryHDU(np.zeros((8, 8), np.float32), header=header).writeto(path)


async def test_sources_jobs_run_in_the_worker(celery_worker: subprocess.Popen[bytes], owner_and_workspace, settings):
    alice, workspace = owner_and_workspace
    write_catalogue(Path(settings.TOYZ_DATA_ROOT) / "home/alice/cat.fits")
    socket = await open_socket(alice, workspace)
    await socket.send_json_to(
        {"type": "job", "id": 1, "fn": "sources.describe", "params": {"path": "home/alice/cat.fits"}}
    )
    _, result = await collect(socket, 1)
    assert result["status"] == "ok", result
    assert result["result"]["rows"] == 1000 and result["result"]["sky"] == {"ra": "RA", "dec": "DEC"}
    selection = {"kind": "range", "column": "g", "lo": 18.0, "hi": None}
    params = {"path": "home/alice/cat.fits", "folder": "home/alice", "name": "bright", "format": "votable",
              "selection": selection}  # fmt: skip
    await socket.send_json_to({"type": "job", "id": 2, "fn": "sources.export", "params": params})
    _, result = await collect(socket, 2)
    assert result["status"] == "ok", result
    assert result["result"]["path"] == "home/alice/bright.vot" and 300 < result["result"]["rows"] < 700
    assert (Path(settings.TOYZ_DATA_ROOT) / "home/alice/bright.vot").is_file()
    log = celery_worker.log_path.read_text()  # type: ignore[attr-defined]
    assert "toyz.run_job" in log
    await socket.disconnect()


async def test_the_header_index_is_built_by_the_worker_and_searched_on_postgresql(
    celery_worker, owner_and_workspace, settings
):
    alice, workspace = owner_and_workspace
    night = Path(settings.TOYZ_DATA_ROOT) / "home/alice/night"
    _exposure(night / "a.fits", "2026-11-23T01:00:00", "r", 90.0)
    _exposure(night / "b.fits", "2026-11-23T02:00:00", "g", 30.0)
    _exposure(night / "sub/c.fits", "2026-11-24T03:00:00", "r DECam", 120.0)
    socket = await open_socket(alice, workspace)
    await socket.send_json_to({"type": "job", "id": 3, "fn": "headers.index", "params": {"path": "home/alice/night"}})
    _, result = await collect(socket, 3)
    assert result["status"] == "ok", result
    assert result["result"]["files"] == 3 and result["result"]["read"] == 3
    await socket.disconnect()

    def search_and_table() -> None:
        client = Client()
        client.force_login(alice)
        found = client.get("/api/headers/search", {"path": "home/alice/night", "q": "FILTER=r* EXPTIME>60"})
        assert found.status_code == 200, found.content
        assert [r["path"] for r in found.json()["results"]] == [
            "home/alice/night/a.fits",
            "home/alice/night/sub/c.fits",
        ]
        dated = client.get("/api/headers/search", {"path": "home/alice/night", "q": "DATE-OBS:2026-11-23"})
        assert dated.json()["total"] == 2
        rows = client.get("/api/sources/rows", {"path": "home/alice/night", "kind": "headers", "sort": "EXPTIME"})
        assert rows.status_code == 200, rows.content
        page = rows.json()
        assert page["total"] == 3
        name_at = page["columns"].index("name")
        assert [cells[name_at] for cells in page["cells"]] == ["b.fits", "a.fits", "c.fits"]

    await database_sync_to_async(search_and_table)()
