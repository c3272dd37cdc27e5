"""What a job sends to the client that asked for it: progress, then exactly one result.

Pydantic models; `apps.workspaces.messages` gathers them with the other socket messages into the
JSON Schema that the front end's types are generated from.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class _Message(BaseModel):
    # Defaults such as ``type`` are always sent: the schema says so, and the client narrows on them.
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)

    def wire(self) -> dict[str, Any]:
        """The message as JSON-able data, as it goes over the socket."""
        return self.model_dump(mode="json", by_alias=True)


class ErrorBody(BaseModel):
    """What went wrong: a code for programs and a sentence for people."""

    code: str
    message: str


class Progress(_Message):
    """How far a job is: `done` of `total` steps (0 of 0 while it waits for a worker)."""

    type: Literal["progress"] = "progress"
    id: int
    done: int
    total: int
    message: str


class OkResult(_Message):
    """A job's one result when it succeeded."""

    type: Literal["result"] = "result"
    id: int
    status: Literal["ok"] = "ok"
    result: dict[str, Any]


class ErrorResult(_Message):
    """A job's one result when it failed, was refused or was cancelled."""

    type: Literal["result"] = "result"
    id: int
    status: Literal["error"] = "error"
    error: ErrorBody


class ErrorMessage(_Message):
    """An error about a message that cannot be tied to a job (or a job id already in use)."""

    type: Literal["error"] = "error"
    error: ErrorBody


#: What a runner sends to the client that asked for a job.
JobMessage = Progress | OkResult | ErrorResult


def progress_message(client_id: int, done: int, total: int, message: str) -> Progress:
    return Progress(id=client_id, done=done, total=total, message=message)


def ok_result(client_id: int, result: dict[str, Any]) -> OkResult:
    return OkResult(id=client_id, result=result)


def error_result(client_id: int, code: str, message: str) -> ErrorResult:
    return ErrorResult(id=client_id, error=ErrorBody(code=code, message=message))


def error_message(code: str, message: str) -> ErrorMessage:
    return ErrorMessage(error=ErrorBody(code=code, message=message))
