"""Shared work over the socket (embedded mode): runs with one share key do the work once; the others
follow it, each getting the progress and one result under its own id (apps/jobs/sharing.py)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from apps.jobs import registry
from apps.jobs.models import Job
from apps.jobs.params import JobParams, Text
from apps.jobs.registry import JobContext
from apps.workspaces.models import Workspace
from apps.workspaces.tests.test_socket import opened

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


class BuildParams(JobParams):
    key: Text


class Build:
    """A job function that counts its runs and holds each until the test opens the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.runs = 0

    def __call__(self, ctx: JobContext, params: BuildParams) -> dict[str, Any]:
        self.runs += 1
        ctx.progress(0, 2, "started")
        if not self.gate.wait(20):
            raise RuntimeError("the test never opened the gate")
        ctx.progress(2, 2, "built")
        return {"key": params.key, "runs": self.runs}


@pytest.fixture
def build(monkeypatch: pytest.MonkeyPatch) -> Build:
    work = Build()
    spec = registry.JobSpec("test.build", "build", work, BuildParams, heavy=True, share=lambda params: params.key)
    monkeypatch.setitem(registry._REGISTRY, "test.build", spec)
    return work


async def sockets(connect: Any, workspace: Workspace, make_user: Any, count: int) -> list[Any]:
    users = [workspace.owner] + [await database_sync_to_async(make_user)(f"user{n}") for n in range(1, count)]
    opened_sockets = []
    for user in users:
        own = await database_sync_to_async(Workspace.objects.create)(owner=user, name=f"{user.username}'s")
        opened_sockets.append(await opened(connect, user, own))
    return opened_sockets


async def ask(socket: Any, client_id: int, key: str) -> None:
    await socket.send_json_to({"type": "job", "id": client_id, "fn": "test.build", "params": {"key": key}})


async def answer(socket: Any, client_id: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    progress: list[dict[str, Any]] = []
    while True:
        message = await socket.receive_json_from(timeout=20)
        assert message.get("id") == client_id, message
        if message["type"] == "result":
            return progress, message
        progress.append(message)


async def until(predicate: Callable[[], bool]) -> None:
    """Poll the database until `predicate()`, off the consumers' own thread (blocking it would stall them)."""
    check = database_sync_to_async(predicate, thread_sensitive=False)
    deadline = asyncio.get_running_loop().time() + 10
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"gave up waiting for {predicate}"
        await asyncio.sleep(0.05)


def leader_running() -> bool:
    return Job.objects.filter(fn="test.build", leader=None, status=Job.Status.RUNNING).exists()


def followers(count: int) -> bool:
    return Job.objects.filter(fn="test.build", leader__isnull=False).count() >= count


async def test_three_askers_share_one_run(connect, workspace, make_user, build):
    first, second, third = await sockets(connect, workspace, make_user, 3)
    await ask(first, 1, "exposure-1")
    await until(leader_running)
    await ask(second, 8, "exposure-1")
    await ask(third, 3, "exposure-1")
    await until(lambda: followers(2))
    build.gate.set()

    answers = [await answer(first, 1), await answer(second, 8), await answer(third, 3)]
    assert build.runs == 1
    for progress, result in answers:
        assert result["status"] == "ok" and result["result"] == {"key": "exposure-1", "runs": 1}
        assert progress[-1]["done"] == 2 and progress[-1]["total"] == 2
    for socket in (first, second, third):
        assert await socket.receive_nothing(timeout=0.3)
    rows = await database_sync_to_async(list)(Job.objects.filter(fn="test.build"))
    assert {row.status for row in rows} == {Job.Status.DONE}
    assert [row.result for row in rows] == [{"key": "exposure-1", "runs": 1}] * 3


async def test_other_work_runs_on_its_own(connect, workspace, make_user, build):
    first, second = await sockets(connect, workspace, make_user, 2)
    build.gate.set()
    await ask(first, 1, "exposure-1")
    await ask(second, 1, "exposure-2")
    (_, one), (_, two) = await answer(first, 1), await answer(second, 1)
    assert {one["result"]["key"], two["result"]["key"]} == {"exposure-1", "exposure-2"}
    assert build.runs == 2


async def test_a_follower_that_cancels_stops_following_and_the_others_get_the_result(
    connect, workspace, make_user, build
):
    first, second, third = await sockets(connect, workspace, make_user, 3)
    await ask(first, 1, "exposure-1")
    await until(leader_running)
    await ask(second, 2, "exposure-1")
    await ask(third, 3, "exposure-1")
    await until(lambda: followers(2))
    await second.send_json_to({"type": "cancel", "id": 2})
    _, cancelled = await answer(second, 2)
    assert cancelled["error"]["code"] == "cancelled"
    build.gate.set()
    (_, one), (_, three) = await answer(first, 1), await answer(third, 3)
    assert one["status"] == three["status"] == "ok"
    assert await second.receive_nothing(timeout=0.3), "the cancelled follower heard more"
    statuses = await database_sync_to_async(lambda: sorted(Job.objects.values_list("status", flat=True)))()
    assert statuses == ["cancelled", "done", "done"]


async def test_when_the_first_asker_cancels_the_work_goes_on_for_its_followers(connect, workspace, make_user, build):
    first, second = await sockets(connect, workspace, make_user, 2)
    await ask(first, 1, "exposure-1")
    await until(leader_running)
    await ask(second, 2, "exposure-1")
    await until(lambda: followers(1))
    await first.send_json_to({"type": "cancel", "id": 1})
    _, cancelled = await answer(first, 1)
    assert cancelled["error"]["code"] == "cancelled"
    build.gate.set()
    _, result = await answer(second, 2)
    assert result["status"] == "ok" and build.runs == 1
    assert await first.receive_nothing(timeout=0.3)


async def test_a_follower_who_lost_the_right_meanwhile_gets_the_refusal(connect, workspace, make_user, build):
    first, second = await sockets(connect, workspace, make_user, 2)
    await ask(first, 1, "exposure-1")
    await until(leader_running)
    await ask(second, 2, "exposure-1")
    await until(lambda: followers(1))
    # Deactivated while waiting: the follower's request is checked again before it gets the result.
    await database_sync_to_async(get_user_model().objects.filter(username="user1").update)(is_active=False)
    build.gate.set()
    _, result = await answer(first, 1)
    assert result["status"] == "ok"
    follower = await database_sync_to_async(Job.objects.get)(fn="test.build", leader__isnull=False)
    await until(lambda: Job.objects.get(pk=follower.pk).status == Job.Status.ERROR)
    refused = await database_sync_to_async(Job.objects.get)(pk=follower.pk)
    assert refused.error_code == "forbidden" and refused.result is None
