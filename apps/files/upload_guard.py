"""An ASGI guard in front of Django for uploads.

Django's ASGI handler reads a request's whole body into a temporary file before any view runs, so a
view cannot refuse a huge upload in time: the server's disk would fill first. This guard answers an
upload whose Content-Length passes ``TOYZ_UPLOAD_MAX_MB`` (or that has none) before a byte of the body
is read, and cuts off a body that grows past what it announced.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings

from workers.errors import ToyzError

# The shapes Django's ASGIHandler declares.
Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATH = "/api/files/upload"


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None
            return length if length >= 0 else None
    return None


async def _refuse(send: Send, error: ToyzError) -> None:
    body = json.dumps({"error": error.as_dict()}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The unread body makes the connection unusable for another request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class UploadSizeGuard:
    """ASGI middleware: uploads to `UPLOAD_PATH` must announce their size, within the limit, and keep to it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("path") != UPLOAD_PATH or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        limit = int(settings.TOYZ_UPLOAD_MAX_BYTES)
        length = _content_length(scope)
        if length is None:
            await _refuse(send, ToyzError("length_required", "An upload must say its size (Content-Length)."))
            return
        if length > limit:
            error = ToyzError(
                "too_large", f"Files larger than {limit // 1024**2} MB cannot be uploaded here; ask an admin."
            )
            await _refuse(send, error)
            return
        received = 0
        refused = False

        async def counted() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > length:
                    # More than announced: answer now and make Django drop the request as a disconnect.
                    refused = True
                    await _refuse(send, ToyzError("too_large", "The upload is larger than it said it was."))
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counted, send)
