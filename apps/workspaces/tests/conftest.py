"""Socket fixtures: `connect(user, workspace)` opens the real ASGI app's workspace socket as that user;
the test functions registered here (module "test") are open to all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from apps.workspaces.models import Workspace
from toyz_site.asgi import application


def session_cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.fixture(autouse=True)
def _test_module_open(settings: Any) -> None:
    # The job functions these tests register ad hoc ("test.slow", ...) are open to all, like the built-in ones.
    settings.TOYZ_OPEN_MODULES = [*settings.TOYZ_OPEN_MODULES, "test"]


@pytest.fixture
def workspace(make_user) -> Workspace:
    return Workspace.objects.create(owner=make_user("alice"), name="Night 1")


@pytest_asyncio.fixture
async def connect() -> AsyncIterator[Callable[..., Any]]:
    opened: list[WebsocketCommunicator] = []

    async def open_socket(
        user: Any | None, workspace: Workspace, origin: bytes = b"http://127.0.0.1"
    ) -> WebsocketCommunicator:
        headers = [(b"origin", origin), (b"host", b"127.0.0.1")]
        if user is not None:
            headers.append((b"cookie", await database_sync_to_async(session_cookie)(user)))
        communicator = WebsocketCommunicator(application, f"/ws/workspaces/{workspace.pk}/", headers=headers)
        opened.append(communicator)
        return communicator

    yield open_socket
    for communicator in opened:
        await communicator.disconnect()
