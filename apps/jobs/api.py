"""`/api/jobs`: the job functions a user may run (with their parameters' JSON Schema), starting one, and its run."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from apps.jobs import registry, services
from apps.jobs.models import Job
from apps.jobs.params import MAX_STRING
from workers.errors import ToyzError

router = Router(auth=django_auth, tags=["jobs"])

MAX_BODY_BYTES = 1024 * 1024
MAX_DEPTH = 32


class JobFunctionOut(Schema):
    """A job function the user may run."""

    name: str
    description: str
    heavy: bool
    params: dict[str, Any]  # the JSON Schema of its parameters


class JobErrorOut(Schema):
    code: str
    message: str


class JobStartedOut(Schema):
    """A job that was accepted: poll `/api/jobs/runs/{id}` for its outcome."""

    id: uuid.UUID
    fn: str
    status: str


class JobRunOut(Schema):
    """A job's status, progress, and its result or error once it has finished."""

    id: uuid.UUID
    fn: str
    status: str
    done: int
    total: int
    message: str
    result: dict[str, Any] | None
    error: JobErrorOut | None
    created: datetime
    started: datetime | None
    finished: datetime | None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _params(request: HttpRequest) -> object:
    """The JSON body: the same limits as a socket message (size, nesting, no NaN)."""
    if len(request.body) > MAX_BODY_BYTES:
        raise ToyzError("bad_params", "The parameters must be JSON under 1 MB.")
    if not request.body.strip():
        return {}
    try:
        raw = json.loads(request.body, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise ToyzError("bad_params", "The body must be the parameters as a JSON object.") from None
    if _depth(raw) > MAX_DEPTH:
        raise ToyzError("bad_params", f"Parameters may nest at most {MAX_DEPTH} levels.")
    return raw


@router.get("", response=list[JobFunctionOut], summary="The job functions you may run")
def list_functions(request: HttpRequest) -> list[JobFunctionOut]:
    return [
        JobFunctionOut(name=spec.name, description=spec.description, heavy=spec.heavy, params=spec.params_schema())
        for spec in registry.runnable(request.user)
    ]


@router.post(
    "/{fn}",
    response={202: JobStartedOut},
    summary="Start a job",
    openapi_extra={
        "requestBody": {
            "description": "The job function's parameters, as its schema in GET /api/jobs says.",
            "content": {"application/json": {"schema": {"type": "object"}}},
            "required": False,
        }
    },
)
def start(request: HttpRequest, fn: str) -> tuple[int, JobStartedOut]:
    if len(fn) > MAX_STRING:
        raise ToyzError("unknown_function", "There is no job function by that name.")
    job = services.submit(request.user, fn, _params(request))
    return 202, JobStartedOut(id=job.pk, fn=job.fn, status=job.status)


@router.get("/runs/{job_id}", response=JobRunOut, summary="A job's status, progress and outcome")
def run(request: HttpRequest, job_id: uuid.UUID) -> JobRunOut:
    job = Job.objects.filter(pk=job_id).first()
    # Someone else's job is as unknown as a missing one.
    if job is None or not (job.user_id == request.user.pk or getattr(request.user, "is_superuser", False)):
        raise ToyzError("not_found", "There is no such job.")
    error = JobErrorOut(code=job.error_code, message=job.error_message) if job.error_code else None
    if job.status == Job.Status.CANCELLED and error is None:
        error = JobErrorOut(code="cancelled", message="The job was cancelled.")
    return JobRunOut(
        id=job.pk,
        fn=job.fn,
        status=job.status,
        done=job.done,
        total=job.total,
        message=job.message,
        result=job.result if isinstance(job.result, dict) else None,
        error=error,
        created=job.created,
        started=job.started,
        finished=job.finished,
    )
