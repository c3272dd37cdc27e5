"""The ASGI guard that refuses big uploads before Django's handler spools their bodies to disk."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apps.files.upload_guard import UPLOAD_PATH, UploadSizeGuard

MB = 1024**2


class Recorder:
    """A fake inner app that reads the whole body, as Django's handler does before any view runs."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""
        self.disconnected = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                return
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


def scope(length: int | None, path: str = UPLOAD_PATH) -> dict[str, Any]:
    headers = [(b"host", b"testserver")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    return {"type": "http", "method": "POST", "path": path, "headers": headers}


def chunks(*parts: bytes) -> tuple[Any, list[int]]:
    """A receive callable sending `parts`, and a list counting how many were taken."""
    taken: list[int] = []

    async def receive() -> dict[str, Any]:
        i = len(taken)
        taken.append(i)
        if i < len(parts):
            return {"type": "http.request", "body": parts[i], "more_body": i + 1 < len(parts)}
        return {"type": "http.disconnect"}

    return receive, taken


async def run(app: Any, scope_: dict[str, Any], receive: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope_, receive, send)
    return sent


def status_and_error(sent: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body)["error"] if body.startswith(b'{"error"') else {}


@pytest.mark.asyncio
async def test_an_announced_size_over_the_limit_is_refused_before_a_byte_is_read(settings):
    settings.TOYZ_UPLOAD_MAX_BYTES = 5 * MB
    inner = Recorder()
    receive, taken = chunks(b"x" * MB)
    sent = await run(UploadSizeGuard(inner), scope(50 * 1024 * MB), receive)
    status, error = status_and_error(sent)
    assert (status, error["code"]) == (413, "too_large")
    assert "5 MB" in error["message"]
    assert not inner.called and taken == []


@pytest.mark.asyncio
async def test_an_upload_without_a_size_is_refused():
    inner = Recorder()
    receive, taken = chunks(b"x")
    status, error = status_and_error(await run(UploadSizeGuard(inner), scope(None), receive))
    assert (status, error["code"]) == (411, "length_required")
    assert not inner.called and taken == []


@pytest.mark.asyncio
async def test_a_body_growing_past_its_announced_size_is_cut_off(settings):
    settings.TOYZ_UPLOAD_MAX_BYTES = 5 * MB
    inner = Recorder()
    receive, taken = chunks(*([b"x" * 1000] * 100))
    sent = await run(UploadSizeGuard(inner), scope(1500), receive)
    assert inner.disconnected
    assert len(inner.body) == 1000
    assert len(taken) == 2  # the chunk that passed the size was the last one read
    assert status_and_error(sent)[0] == 413


@pytest.mark.asyncio
async def test_uploads_within_the_limit_and_other_requests_pass_through(settings):
    settings.TOYZ_UPLOAD_MAX_BYTES = 5 * MB
    inner = Recorder()
    receive, _ = chunks(b"ab", b"cd")
    assert status_and_error(await run(UploadSizeGuard(inner), scope(4), receive))[0] == 201
    assert inner.body == b"abcd"
    other = Recorder()
    receive, _ = chunks(b"x" * 100)
    assert status_and_error(await run(UploadSizeGuard(other), scope(None, "/api/jobs/files.list"), receive))[0] == 201


@pytest.mark.asyncio
async def test_the_sites_asgi_application_has_the_guard_in_front_of_django(settings):
    from toyz_site.asgi import application

    settings.TOYZ_UPLOAD_MAX_BYTES = MB
    receive, taken = chunks(b"x")
    sent = await run(application, {**scope(2 * MB), "query_string": b"path=&name=x", "scheme": "http"}, receive)
    assert status_and_error(sent)[0] == 413
    assert taken == []
