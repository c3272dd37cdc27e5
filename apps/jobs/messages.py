"""The workspace socket's messages (mirrored in frontend/src/protocol.ts)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class ErrorBody(TypedDict):
    code: str
    message: str


class ProgressMessage(TypedDict):
    type: Literal["progress"]
    id: int
    done: int
    total: int
    message: str


class ResultMessage(TypedDict):
    type: Literal["result"]
    id: int
    status: Literal["ok", "error"]
    result: NotRequired[dict[str, Any]]
    error: NotRequired[ErrorBody]


class ErrorMessage(TypedDict):
    """An error about a message that cannot be tied to a job."""

    type: Literal["error"]
    error: ErrorBody


class EventMessage(TypedDict, total=False):
    type: Literal["event"]
    event: str
    # the other keys depend on the event


# What a runner sends to the client that asked for a job.
ServerMessage = ProgressMessage | ResultMessage


def progress_message(client_id: int, done: int, total: int, message: str) -> ProgressMessage:
    return ProgressMessage(type="progress", id=client_id, done=done, total=total, message=message)


def ok_result(client_id: int, result: dict[str, Any]) -> ResultMessage:
    return ResultMessage(type="result", id=client_id, status="ok", result=result)


def error_result(client_id: int, code: str, message: str) -> ResultMessage:
    return ResultMessage(type="result", id=client_id, status="error", error=ErrorBody(code=code, message=message))


def error_message(code: str, message: str) -> ErrorMessage:
    return ErrorMessage(type="error", error=ErrorBody(code=code, message=message))
