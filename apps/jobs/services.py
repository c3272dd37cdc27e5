"""Starting and cancelling jobs: the one dispatch that the socket, HTTP and `toyz_prerender` share.

Embedded mode (no TOYZ_REDIS_URL): a thread pool inside this process (quick and heavy jobs in
separate pools), messages handed to the server's event loop. Distributed mode: a Celery task named
here (never imported: `workers.tasks` imports the apps, not the other way round), messages through
the Redis channel layer. Either way the runner (`apps.jobs.runner.execute`) does the work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from celery import current_app
from django.conf import settings
from django.utils import timezone

from apps import events
from apps.accounts.services import User
from apps.jobs import registry, sharing
from apps.jobs.messages import (
    ErrorMessage,
    ErrorResult,
    OkResult,
    Progress,
    error_message,
    error_result,
    progress_message,
)
from apps.jobs.models import Job
from apps.jobs.params import (
    MAX_STRING,
    Coordinate,
    Flag,
    Hdu,
    JobParams,
    NoParams,
    Number,
    OptionalHdu,
    Plane,
    Text,
    Whole,
)
from apps.jobs.queues import PRERENDER, queue_for
from apps.jobs.registry import JobContext, JobSpec, describe_module, register, specs
from apps.jobs.runner import DirectReporter, Reporter, execute, reporter_for, request_cancel, run_now

# What other apps use of this one: registering job functions, their modules and their parameter types,
# starting and cancelling jobs, the Job rows, and the socket's job messages.
__all__ = [
    "MAX_STRING",
    "PRERENDER",
    "Coordinate",
    "ErrorMessage",
    "ErrorResult",
    "Flag",
    "Hdu",
    "Job",
    "JobContext",
    "JobParams",
    "NoParams",
    "Number",
    "OkResult",
    "OptionalHdu",
    "Plane",
    "Progress",
    "Text",
    "Whole",
    "cancel",
    "describe_module",
    "distributed",
    "error_message",
    "error_result",
    "is_heavy",
    "may_run",
    "progress_message",
    "register",
    "specs",
    "submit",
]

#: The Celery task of a job someone watches (a socket or an HTTP client): `workers.tasks.run_job`.
RUN_JOB_TASK = "toyz.run_job"
#: The task of unattended bulk work (`toyz_prerender`): retries transient errors, its own time limit.
RUN_BULK_JOB_TASK = "toyz.run_bulk_job"

_pools: dict[str, ThreadPoolExecutor] = {}


def distributed() -> bool:
    """Whether jobs run in Celery workers (TOYZ_REDIS_URL set) rather than in this process."""
    return bool(settings.TOYZ_REDIS_URL)


def _pool(kind: str) -> ThreadPoolExecutor:
    # Long builds get their own threads, so they never hold up browsing, describing and readout; and the
    # night's unattended files theirs, so a user's pre-render never waits behind them.
    if kind not in _pools:
        _pools[kind] = ThreadPoolExecutor(max_workers=settings.TOYZ_EMBEDDED_WORKERS, thread_name_prefix=f"toyz-{kind}")
    return _pools[kind]


def _embedded_pool(spec: JobSpec, bulk: bool) -> str:
    return "bulk" if bulk else "build" if spec.heavy else "job"


def _queue(spec: JobSpec, bulk: bool) -> str:
    """The Celery queue of a new job, or "" when it runs in this process (embedded mode, inline jobs)."""
    if not distributed() or (spec.inline and settings.TOYZ_INLINE_JOBS and not bulk):
        return ""
    return queue_for(spec.queue, bulk=bulk)


def _run_embedded(job_id: str, client_id: int, reply_to: str | None, loop: asyncio.AbstractEventLoop | None) -> None:
    with events.delivered_on(loop):
        execute(job_id, client_id, reporter_for(reply_to))


def _run_now(
    job: Job, spec: JobSpec, params: JobParams, loop: asyncio.AbstractEventLoop | None, direct: Reporter | None
) -> None:
    with events.delivered_on(loop):
        run_now(job, spec, params, direct or reporter_for(job.reply_to))


def _start(
    job: Job, spec: JobSpec, client_id: int, reply_to: str | None, loop: asyncio.AbstractEventLoop | None, bulk: bool
) -> None:
    job_id = str(job.pk)
    if job.queue:
        # The Job row's id is the task's id: the worker log and `celery inspect` name the row.
        task = RUN_BULK_JOB_TASK if bulk else RUN_JOB_TASK
        args = (job_id,) if bulk else (job_id, client_id, reply_to)
        current_app.send_task(task, args=args, task_id=job_id, queue=job.queue)
    else:
        _pool(_embedded_pool(spec, bulk)).submit(
            _run_embedded, job_id, client_id, reply_to, loop or events.server_loop()
        )


def submit(
    user: User,
    fn: object,
    raw_params: object,
    *,
    workspace_id: int | None = None,
    reply_to: str | None = None,
    client_id: int = 0,
    bulk: bool = False,
    loop: asyncio.AbstractEventLoop | None = None,
    deliver: Callable[[dict[str, Any]], Coroutine[Any, Any, None]] | None = None,
) -> Job:
    """Validate a job request for `user`, record it as a Job row and start it; return the row.

    Parameters
    ----------
    user, fn, raw_params
        Who asks, the job function's name and the client's parameters (JSON data), checked here
        and checked again by the runner.
    workspace_id
        The workspace the job belongs to, if any.
    reply_to, client_id
        The channel of the socket that asked and the id it gave the job: progress and the result go
        there. None: nobody listens (HTTP, `toyz_prerender`), the Job row is the record.
    bulk
        Unattended work (`toyz_prerender`, watched folders): in the distributed mode its task goes to the
        `bulk` queue, after every user's work, and retries transient errors.
    loop
        The server's event loop, which the embedded pool's threads hand their messages to.
    deliver
        The asking socket's handler of job messages (`{"type": "job.message", ...}`): a quick job run here
        (`inline`) hands its result to it on `loop` instead of a round trip through the channel layer.

    A job whose work is already under way or waiting for another request (`register(..., share=)`)
    gets a row that follows that one (`apps/jobs/sharing.py`) and no task of its own.

    Raises ToyzError (unknown_function, forbidden, bad_params or a path's code) before anything is recorded.
    """
    spec, params = registry.prepare(user, fn, raw_params)
    assert user.pk is not None  # prepare admits active users only
    if spec.inline and reply_to and not bulk and (settings.TOYZ_INLINE_JOBS or not distributed()):
        # A readout for a socket: run here at once; its row is written with the outcome (runner.run_now).
        # The user object itself: the job function's context asks for it, and must not fetch it again.
        # `created` here times its wait in the pool for the job metrics (the INSERT stamps the row's own).
        quick = Job(
            user=cast(Any, user), workspace_id=workspace_id, fn=spec.name, reply_to=reply_to, client_id=client_id,
            created=timezone.now(),
        )  # fmt: skip
        quick.params = raw_params if isinstance(raw_params, dict) else {}
        server = loop or events.server_loop()
        direct = DirectReporter(deliver, server) if deliver is not None and server is not None else None
        _pool("job").submit(_run_now, quick, spec, params, server, direct)
        return quick
    job = Job.objects.create(
        user_id=int(user.pk),
        workspace_id=workspace_id,
        fn=spec.name,
        params=raw_params if isinstance(raw_params, dict) else {},
        queue=_queue(spec, bulk),
        reply_to=reply_to or "",
        client_id=client_id,
        share_key=sharing.share_key(spec, params),
    )
    # The same work already under way or waiting (another user opened the same new exposure): follow it.
    if job.share_key and sharing.follow_at_submission(job):
        return job
    _start(job, spec, client_id, reply_to, loop, bulk)
    return job


def is_heavy(fn: str) -> bool:
    """Whether the job function does long work that outlives the socket that asked for it."""
    return registry.get(fn).heavy


def may_run(user: User, fn: str) -> bool:
    """Whether `user` may run the job function named `fn` (admins all; others its module open or granted)."""
    return registry.can_run(user, registry.get(fn))


def cancel(job_id: str) -> None:
    """Cancel a job: a queued one never starts, a running one stops at its next progress report; a job that
    only followed another's work stops following, and work that others follow goes on for them."""
    if request_cancel(job_id) and distributed():
        # A queued task is dropped by the workers.
        current_app.control.revoke(job_id)
