"""The distributed mode: a share lowered or withdrawn from another process (another web process, or a
script on another node) reaches the open socket through the Redis channel layer at once."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest
from channels.db import database_sync_to_async
from guardian.shortcuts import assign_perm

from apps.workspaces.models import Workspace
from tests.conftest import ROOT, _database_url
from tests.test_distributed import open_socket

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_a_share_changed_in_another_process_reaches_the_open_socket(redis_url: str, settings: Any, make_user):
    def share() -> tuple[Any, Workspace]:
        alice, bob = make_user("alice"), make_user("bob")
        workspace = Workspace.objects.create(owner=alice, name="Shared")
        assign_perm("workspaces.view_workspace", bob, workspace)
        assign_perm("workspaces.change_workspace", bob, workspace)
        return bob, workspace

    bob, workspace = await database_sync_to_async(share)()
    bob_socket = await open_socket(bob, workspace)
    env = {**os.environ, "DATABASE_URL": _database_url(settings.DATABASES["default"]), "TOYZ_REDIS_URL": redis_url}

    async def as_alice(right: str) -> None:
        # What PUT /api/workspaces/<id>/shares does, in another process.
        script = (
            "from django.contrib.auth.models import User; from apps.workspaces import sharing; "
            f"sharing.set_share(User.objects.get(username='alice'), {workspace.pk}, 'user', 'bob', {right})"
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "manage.py", "shell", "-c", script, cwd=ROOT, env=env
        )
        assert await process.wait() == 0

    await as_alice("'view'")
    assert await bob_socket.receive_json_from(timeout=20) == {"type": "event", "event": "access", "may_change": False}
    await as_alice("None")
    assert await bob_socket.receive_output(timeout=20) == {"type": "websocket.close", "code": 4403}
    await bob_socket.disconnect()
