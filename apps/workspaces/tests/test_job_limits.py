"""The socket's cap on jobs in flight (`MAX_PENDING`): the job beyond it is refused, the others finish."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from channels.db import database_sync_to_async
from pydantic import BeforeValidator, Field

from apps.jobs import registry
from apps.jobs.models import Job
from apps.jobs.params import JobParams, whole_number
from apps.workspaces import consumers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

CAP = 3


@pytest.fixture
def held_jobs(monkeypatch) -> Iterator[threading.Event]:
    """A job function `test.held` that waits until the returned event is set; the cap is lowered to CAP."""
    release = threading.Event()

    class HeldParams(JobParams):
        n: Annotated[int, Field(ge=0), BeforeValidator(whole_number)]

    def held(ctx: Any, params: HeldParams) -> dict[str, Any]:
        if not release.wait(timeout=30):
            raise RuntimeError("never released")
        return {"n": params.n}

    spec = registry.JobSpec("test.held", "waits", held, HeldParams)
    monkeypatch.setitem(registry._REGISTRY, "test.held", spec)
    monkeypatch.setattr(consumers, "MAX_PENDING", CAP)
    yield release
    release.set()  # a failing test must not leave pool threads waiting


async def results(socket, count: int) -> dict[int, dict[str, Any]]:
    """The next `count` results, by client id (progress messages skipped)."""
    found: dict[int, dict[str, Any]] = {}
    while len(found) < count:
        message = await socket.receive_json_from(timeout=20)
        if message["type"] == "result":
            found[message["id"]] = message
    return found


async def test_the_job_beyond_the_cap_is_refused_and_the_others_still_finish(connect, workspace, held_jobs):
    socket = await connect(workspace.owner, workspace)
    assert (await socket.connect())[0]
    await socket.receive_json_from()  # the workspace event
    for n in range(1, CAP + 1):
        await socket.send_json_to({"type": "job", "id": n, "fn": "test.held", "params": {"n": n}})
    await socket.send_json_to({"type": "job", "id": 99, "fn": "test.held", "params": {"n": 99}})
    refused = await socket.receive_json_from(timeout=20)
    assert refused["type"] == "result" and refused["id"] == 99, refused
    assert refused["status"] == "error" and refused["error"]["code"] == "too_many_jobs"
    # The refused job was never recorded, let alone started.
    assert await database_sync_to_async(Job.objects.count)() == CAP
    held_jobs.set()
    finished = await results(socket, CAP)
    assert {n: (r["status"], r["result"]) for n, r in finished.items()} == {
        n: ("ok", {"n": n}) for n in range(1, CAP + 1)
    }
    # Finished jobs leave the count: there is room again.
    await socket.send_json_to({"type": "job", "id": 100, "fn": "test.held", "params": {"n": 100}})
    assert (await results(socket, 1))[100]["status"] == "ok"
    assert await socket.receive_nothing(timeout=0.2)


async def test_the_cap_is_per_socket(connect, workspace, held_jobs):
    first = await connect(workspace.owner, workspace)
    second = await connect(workspace.owner, workspace)
    for socket in (first, second):
        assert (await socket.connect())[0]
        await socket.receive_json_from()
    for n in range(1, CAP + 1):
        await first.send_json_to({"type": "job", "id": n, "fn": "test.held", "params": {"n": n}})
    # Another page of the same workspace is not held back by the first one's jobs.
    await second.send_json_to({"type": "job", "id": 1, "fn": "test.held", "params": {"n": 1}})
    held_jobs.set()
    assert (await results(second, 1))[1]["status"] == "ok"
    assert {r["status"] for r in (await results(first, CAP)).values()} == {"ok"}
