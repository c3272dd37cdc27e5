"""Property-based tests of the workspace socket: whatever path a client puts in a message, it gets one
clean answer with a documented code (never `internal`), nothing is logged as a failure, and the
socket keeps serving."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.workspaces.models import Workspace

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

PATH_CODES = {"outside_root", "not_found", "forbidden", "bad_path", "unreadable", "not_an_image", "unsupported"}

awkward_char = st.one_of(
    st.characters(categories=["Cs"]),
    st.characters(categories=["Cc"]),
    st.sampled_from(["/", ".", "\\", "\x00", "~"]),
    st.characters(),
)
# st.text() drops surrogates whatever its alphabet says; a joined list keeps them.
name = st.lists(awkward_char, max_size=12).map("".join)
client_path = st.one_of(
    st.lists(st.one_of(st.sampled_from(["", ".", "..", "home", "alice", "a.fits"]), name), max_size=6).map("/".join),
    st.lists(st.sampled_from(["a", "..", "."]), min_size=100, max_size=1000).map("/".join),  # deep nesting
    st.lists(st.sampled_from("ab\udc80\n"), min_size=250, max_size=400).map(lambda cs: "home/alice/" + "".join(cs)),
)
# One socket serves every example: opening one per example would cost more than the check.
shared = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class OneSocket:
    """Opens the workspace socket on first use and numbers the jobs."""

    def __init__(self, connect: Any, workspace: Workspace) -> None:
        self.connect, self.workspace = connect, workspace
        self.socket: WebsocketCommunicator | None = None
        self.next_id = 0

    async def get(self) -> WebsocketCommunicator:
        if self.socket is None:
            self.socket = await self.connect(self.workspace.owner, self.workspace)
            connected, _ = await self.socket.connect()
            assert connected
            assert (await self.socket.receive_json_from())["event"] == "workspace"
        return self.socket

    async def job(self, fn: str, params: dict[str, Any]) -> dict[str, Any]:
        socket = await self.get()
        self.next_id += 1
        await socket.send_json_to({"type": "job", "id": self.next_id, "fn": fn, "params": params})
        while True:
            message: dict[str, Any] = await socket.receive_json_from(timeout=20)
            assert message["type"] != "error", message  # an error message instead of a result is a crash
            if message.get("id") == self.next_id and message["type"] == "result":
                return message


@pytest.fixture
def one_socket(connect: Any, workspace: Workspace, data_root: Path) -> OneSocket:
    (data_root / "home/alice/a.fits").write_text("not FITS\n")
    return OneSocket(connect, workspace)


@shared
@given(path=client_path, fn=st.sampled_from(["files.list", "imaging.describe"]))
async def test_any_path_in_a_job_gets_one_clean_result(
    one_socket: OneSocket, caplog: pytest.LogCaptureFixture, path: str, fn: str
) -> None:
    with caplog.at_level(logging.ERROR):
        result = await one_socket.job(fn, {"path": path})
    if result["status"] == "error":
        assert result["error"]["code"] in PATH_CODES, result
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a path was logged as a failure"


@shared
@given(path=client_path)
async def test_any_path_in_a_layout_or_view_event_keeps_the_socket_serving(one_socket: OneSocket, path: str) -> None:
    socket = await one_socket.get()
    tile = {"id": "t1", "kind": "image", "x": 0, "y": 0, "w": 4, "h": 4, "state": {"path": path}}
    await socket.send_json_to({"type": "layout", "tiles": [tile]})
    reply = await socket.receive_json_from(timeout=20)
    if "\x00" in path or any(0xD800 <= ord(char) <= 0xDFFF for char in path):
        # No database's JSON holds it (PostgreSQL's jsonb refuses both): a sentence, nothing saved.
        assert reply["type"] == "error" and reply["error"]["code"] == "bad_message", reply
    else:
        assert reply.get("event") == "layout.saved", reply
    await socket.send_json_to({"type": "view", "path": path, "center": [1, 2], "resolution": 1})
    result = await one_socket.job("files.list", {"path": "home/alice"})
    assert result["status"] == "ok", result
