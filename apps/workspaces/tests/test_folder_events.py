"""A change made through the write endpoints reaches the open sockets of the folder's readers, and only theirs."""

from __future__ import annotations

import io
from typing import Any

import pytest
from channels.db import database_sync_to_async

from apps.files import trash, writing
from apps.workspaces.models import Workspace
from apps.workspaces.tests.test_events import heard
from apps.workspaces.tests.test_socket import opened

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def people(make_user) -> list[Any]:
    return [make_user("alice"), make_user("bob"), make_user("root", admin=True)]


async def test_an_upload_and_a_deletion_tell_the_folders_readers(connect, people, data_root):
    alice, bob, root = people
    socks: dict[str, Any] = {}
    for user in (alice, bob, root):
        workspace = await database_sync_to_async(Workspace.objects.create)(owner=user, name=user.username)
        socks[user.username] = await opened(connect, user, workspace)
    changed = [{"type": "event", "event": "folder.changed", "path": "home/alice"}]

    await database_sync_to_async(writing.upload)(alice, "home/alice", "m13.fits", io.BytesIO(b"x"), length=1)
    assert await heard(socks["alice"]) == changed and await heard(socks["root"]) == changed
    assert await heard(socks["bob"]) == []

    await database_sync_to_async(trash.delete)(alice, "home/alice/m13.fits")
    assert await heard(socks["alice"]) == changed
    assert await heard(socks["bob"]) == []
