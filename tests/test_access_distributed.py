"""The distributed mode: a user deactivated by another process (an admin on another web process, or
`manage.py` on another node) loses their open sockets through the Redis channel layer."""

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


async def test_a_deactivation_in_another_process_closes_the_users_sockets(redis_url: str, settings: Any, make_user):
    def share() -> tuple[Any, Any, Workspace]:
        alice, bob = make_user("alice"), make_user("bob")
        workspace = Workspace.objects.create(owner=alice, name="Shared")
        assign_perm("workspaces.view_workspace", bob, workspace)
        return alice, bob, workspace

    alice, bob, workspace = await database_sync_to_async(share)()
    alice_socket = await open_socket(alice, workspace)
    bob_socket = await open_socket(bob, workspace)
    env = {**os.environ, "DATABASE_URL": _database_url(settings.DATABASES["default"]), "TOYZ_REDIS_URL": redis_url}
    deactivate = "from django.contrib.auth.models import User; u = User.objects.get(username='bob'); u.is_active = False; u.save()"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "manage.py", "shell", "-c", deactivate, cwd=ROOT, env=env
    )
    assert await process.wait() == 0
    assert await bob_socket.receive_output(timeout=20) == {"type": "websocket.close", "code": 4401}
    await bob_socket.send_json_to({"type": "view", "tile": "a", "center": [1, 2], "resolution": 1})
    assert await alice_socket.receive_nothing(timeout=0.5)
    await alice_socket.disconnect()
    await bob_socket.disconnect()
