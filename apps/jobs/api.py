"""`/api/jobs`: the job functions a user may run (only those of the modules open or granted to them) (with their parameters' JSON Schema), starting one, and its run."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import django_auth

from apps.http import ERROR_RESPONSES, load_client_json
from apps.jobs import registry, services
from apps.jobs.models import Job
from apps.jobs.params import MAX_STRING
from apps.jobs.runner import JOB_FAILED
from workers.errors import ToyzError

router = Router(auth=django_auth, tags=["jobs"])

#: Jobs started over HTTP that a user may have queued or running at once (a socket has its own limit).
MAX_UNFINISHED_HTTP_JOBS = 64
UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING)


class JobFunctionOut(Schema):
    """A job function the user may run."""

    name: str
    description: str
    module: str  # the module whose grant runs it
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


def _params(request: HttpRequest) -> object:
    """The JSON body: the same limits as a socket message (size, nesting, no NaN)."""
    try:
        body = request.body
    except RequestDataTooBig:
        raise ToyzError("too_large", "The parameters must be JSON under 1 MB.") from None
    if not body.strip():
        return {}
    return load_client_json(body, code="bad_params", what="The parameters")


@router.get("", response={200: list[JobFunctionOut], **ERROR_RESPONSES}, summary="The job functions you may run")
def list_functions(request: HttpRequest) -> list[JobFunctionOut]:
    return [
        JobFunctionOut(
            name=spec.name,
            description=spec.description,
            module=spec.module,
            heavy=spec.heavy,
            params=spec.params_schema(),
        )
        for spec in registry.runnable(request.user)
    ]


@router.post(
    "/{fn}",
    response={202: JobStartedOut, **ERROR_RESPONSES},
    summary="Start a job",
    openapi_extra={
        "requestBody": {
            "description": "The job function's parameters, as its schema in GET /api/jobs says.",
            "content": {"application/json": {"schema": {"type": "object"}}},
            "required": False,
        }
    },
)
def start(request: HttpRequest, fn: str) -> Status[JobStartedOut]:
    if len(fn) > MAX_STRING:
        raise ToyzError("unknown_function", "There is no job function by that name.")
    unfinished = Job.objects.filter(user_id=int(request.user.pk or 0), workspace=None, status__in=UNFINISHED).count()
    if unfinished >= MAX_UNFINISHED_HTTP_JOBS:
        raise ToyzError("too_many_jobs", "Too many jobs at once; wait for some to finish.")
    job = services.submit(request.user, fn, _params(request))
    return Status(202, JobStartedOut(id=job.pk, fn=job.fn, status=job.status))


@router.get(
    "/runs/{job_id}", response={200: JobRunOut, **ERROR_RESPONSES}, summary="A job's status, progress and outcome"
)
def run(request: HttpRequest, job_id: uuid.UUID) -> JobRunOut:
    job = Job.objects.filter(pk=job_id).first()
    # Someone else's job is as unknown as a missing one.
    if job is None or not (job.user_id == request.user.pk or getattr(request.user, "is_superuser", False)):
        raise ToyzError("not_found", "There is no such job.")
    # The row keeps an unexpected exception's own words for admins; its owner gets the socket's sentence.
    hidden = job.error_code in ("job_failed", "internal") and not getattr(request.user, "is_superuser", False)
    text = JOB_FAILED if hidden else job.error_message
    error = JobErrorOut(code=job.error_code, message=text) if job.error_code else None
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
