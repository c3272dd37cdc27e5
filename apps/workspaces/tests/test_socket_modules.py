"""Module grants over the workspace socket: a refusal says which module and whom to ask, and a grant
withdrawn while the socket is open refuses the very next job."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group

from apps.jobs import modules, registry
from apps.jobs.models import Module
from apps.jobs.tests.lab import install_lab
from apps.workspaces.tests.test_socket import opened, run_job

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

REFUSAL = (
    "lab.echo needs the module “Laboratory” (lab), which is not granted to you or your groups: "
    "ask an admin (root <root@example.org>) to grant it to you or to one of your groups."
)


@pytest.fixture
def lab(monkeypatch: pytest.MonkeyPatch) -> None:
    install_lab(monkeypatch)


def _granted_to_observers(*users: Any) -> tuple[Module, Group]:
    modules.sync(registry.module_catalogue())
    lab = Module.objects.get(name="lab")
    observers = Group.objects.create(name="observers")
    observers.user_set.add(*users)
    modules.grant(lab, observers)
    return lab, observers


async def granted_to_observers(*users: Any) -> tuple[Module, Group]:
    """The lab module granted to a new group "observers" of `users`."""
    result: tuple[Module, Group] = await database_sync_to_async(_granted_to_observers)(*users)
    return result


async def test_a_user_without_the_grant_is_refused_with_the_module_and_whom_to_ask(connect, workspace, make_user, lab):
    await database_sync_to_async(make_user)("root", admin=True)
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "lab.echo", {"text": "hi"})
    assert result == {"type": "result", "id": 1, "status": "error", "error": {"code": "forbidden", "message": REFUSAL}}
    # The socket stays open: the open modules still run.
    _, listed = await run_job(socket, 2, "files.list", {"path": "home/alice"})
    assert listed["status"] == "ok"


async def test_a_grant_withdrawn_while_the_socket_is_open_refuses_the_next_job(connect, workspace, make_user, lab):
    await database_sync_to_async(make_user)("root", admin=True)
    lab_row, observers = await granted_to_observers(workspace.owner)
    socket = await opened(connect, workspace.owner, workspace)
    _, result = await run_job(socket, 1, "lab.echo", {"text": "hi"})
    assert result == {"type": "result", "id": 1, "status": "ok", "result": {"text": "hi"}}
    await database_sync_to_async(modules.withdraw)(lab_row, observers)
    _, refused = await run_job(socket, 2, "lab.echo", {"text": "hi"})
    assert refused["status"] == "error" and refused["error"] == {"code": "forbidden", "message": REFUSAL}
    # Granted again (to the user alone this time): the next job runs.
    await database_sync_to_async(modules.grant)(lab_row, workspace.owner)
    _, again = await run_job(socket, 3, "lab.echo", {"text": "again"})
    assert again["status"] == "ok" and again["result"] == {"text": "again"}


async def test_leaving_the_granted_group_refuses_the_next_job_on_an_open_socket(connect, workspace, make_user, lab):
    _, observers = await granted_to_observers(workspace.owner)
    socket = await opened(connect, workspace.owner, workspace)
    assert (await run_job(socket, 1, "lab.echo", {}))[1]["status"] == "ok"
    await database_sync_to_async(observers.user_set.remove)(workspace.owner)
    refused = (await run_job(socket, 2, "lab.echo", {}))[1]
    assert refused["status"] == "error" and refused["error"]["code"] == "forbidden"
