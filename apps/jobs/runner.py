"""Running one job: the same code in the embedded thread pool and in a Celery worker.

The runner re-checks the user's rights (the job may run later, elsewhere, than it was submitted),
reports progress at a bounded rate, and sends exactly one result to the job's reporter.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, Protocol

from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone

from apps import events
from apps.accounts.services import User
from apps.jobs import registry, sharing
from apps.jobs.messages import ErrorResult, JobMessage, OkResult, error_result, ok_result, progress_message
from apps.jobs.models import Job
from apps.jobs.params import JobParams
from apps.monitoring.services import enter_job, leave_job, record_job, record_jobs
from workers.errors import JobCancelled, ToyzError

logger = logging.getLogger(__name__)

#: The row's message while a transient error waits for a retry (the error itself is in the log).
RETRYING = "Retrying after a transient error on the server; it is in the server log."
#: What users are told of an unexpected failure; the exception's own words stay in the log and the row.
JOB_FAILED = "The job failed unexpectedly; the error is in the server log. Try again or tell an admin."

PROGRESS_INTERVAL = 0.25  # seconds between progress messages of one job
LOGGED_SECONDS = 1.0  # a job that succeeds faster is not logged
MAX_RESULT_BYTES = 8 * 1024 * 1024
#: The channel-layer message type of a job's progress and result; the consumer's handler is `job_message`.
JOB_MESSAGE = "job.message"


class Reporter(Protocol):
    """Where a job's messages (progress, then one result) go. The Job row is updated either way."""

    def send(self, job_id: str, message: JobMessage) -> None: ...


class SocketReporter:
    """To the workspace socket that asked, through the channel layer (from a worker or a pool thread)."""

    def __init__(self, reply_channel: str) -> None:
        self.reply_channel = reply_channel

    def send(self, job_id: str, message: JobMessage) -> None:
        events.send_to_channel(self.reply_channel, {"type": JOB_MESSAGE, "job": job_id, "message": message.wire()})


class DirectReporter:
    """To a socket of this very process, through its handler on the server's loop (quick jobs run here)."""

    def __init__(
        self, deliver: Callable[[dict[str, Any]], Coroutine[Any, Any, None]], loop: asyncio.AbstractEventLoop
    ) -> None:
        self.deliver = deliver
        self.loop = loop

    def send(self, job_id: str, message: JobMessage) -> None:
        event = {"type": JOB_MESSAGE, "job": job_id, "message": message.wire()}
        # Not waited for: the handler may wait for the socket's submission to finish first.
        asyncio.run_coroutine_threadsafe(self.deliver(event), self.loop)


class RecordingReporter:
    """For jobs nobody watches over a socket (HTTP, `toyz_prerender`): the Job row is the record;
    `on_message`, if given, sees each message too."""

    def __init__(self, on_message: Callable[[str, JobMessage], None] | None = None) -> None:
        self.on_message = on_message

    def send(self, job_id: str, message: JobMessage) -> None:
        if self.on_message is not None:
            self.on_message(job_id, message)


def reporter_for(reply_to: str | None) -> Reporter:
    """The reporter of a job: its socket's channel, or the Job row alone."""
    return SocketReporter(reply_to) if reply_to else RecordingReporter()


cancel_key = sharing.cancel_key


def request_cancel(job_id: str) -> bool:
    """Ask a job to stop; True when its work stops (False: it only followed, or others follow it)."""
    return sharing.cancel(job_id)


class Context:
    """The `JobContext` handed to job functions."""

    def __init__(self, job: Job, client_id: int, reporter: Reporter) -> None:
        self.job = job
        self.client_id = client_id
        self.reporter = reporter
        self._last_sent = 0.0
        self._last_renewed = time.monotonic()

    @property
    def user(self) -> User:
        return self.job.user

    @property
    def workspace_id(self) -> int | None:
        return self.job.workspace_id

    def progress(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        final = total > 0 and done >= total
        if not final and now - self._last_sent < PROGRESS_INTERVAL:
            return
        self._last_sent = now
        if cache.get(cancel_key(str(self.job.pk))):
            raise JobCancelled()
        Job.objects.filter(pk=self.job.pk).update(done=done, total=total, message=message[:500])
        self.reporter.send(str(self.job.pk), progress_message(self.client_id, done, total, message))
        if self.job.share_key:
            self._share_progress(done, total, message, now)

    def _share_progress(self, done: int, total: int, message: str, now: float) -> None:
        # Those who asked for the same work see the same progress, each under its own id.
        for follower in sharing.mirror_progress(self.job, done, total, message):
            reporter_for(follower.reply_to).send(
                follower.id, progress_message(follower.client_id, done, total, message)
            )
        if now - self._last_renewed >= sharing.RENEW_SECONDS:
            self._last_renewed = now
            sharing.renew(self.job)


def _finish(job: Job, status: str, **fields: Any) -> None:
    Job.objects.filter(pk=job.pk).update(status=status, finished=timezone.now(), **fields)


def resumed_message(worker: str) -> str:
    return f"The worker running this job was lost; resumed on {worker or 'another worker'}."


def execute(
    job_id: str,
    client_id: int,
    reporter: Reporter,
    *,
    retry_on: tuple[type[Exception], ...] = (),
    worker: str = "",
) -> None:
    """Run the job `job_id` on `worker` (a Celery node name; "" in the embedded pool) and report to `reporter`.

    Never raises, except an exception of a type in `retry_on` from the job function: then the
    job goes back to "queued" and the caller (a Celery task with retries) runs it again. A job
    found "running" was started by a worker that died before it answered: it starts again, and
    its watchers are told so. A job that shares its work (`sharing`) either leads it and answers its
    followers too, or follows the run that leads it and returns at once.
    """
    close_old_connections()
    logging_scope = enter_job(job_id)  # every log line of the run names the job
    try:
        job = Job.objects.select_related("user").filter(pk=job_id).first()
        if job is None:
            return  # deleted meanwhile: nobody to answer
        if job.status in (Job.Status.DONE, Job.Status.ERROR):
            return  # a redelivered task whose job already answered
        if job.status == Job.Status.CANCELLED or cache.get(cancel_key(job_id)):
            _finish(job, Job.Status.CANCELLED)
            reporter.send(job_id, error_result(client_id, "cancelled", "The job was cancelled."))
            return
        if job.leader_id is not None:
            return  # it follows another job, which answers for it
        if job.share_key and not sharing.claim(job):
            return  # another run does the same work now: this one follows it from here
        # Still "running": the worker that started it died before it answered.
        resumed = resumed_message(worker) if job.status == Job.Status.RUNNING else None
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.RUNNING,
            started=timezone.now(),
            attempts=F("attempts") + 1,
            worker=worker[:200],
            **({"message": resumed[:500]} if resumed else {}),
        )
        if resumed:
            logger.warning("Job %s (%s) was left running by a lost worker; resumed on %s", job.pk, job.fn, worker)
            reporter.send(job_id, progress_message(client_id, job.done, job.total, resumed))
        try:
            message = _run(job, client_id, reporter, retry_on)
        except BaseException:
            # Handed back for a retry (or the process is going down): its followers wait for the next run.
            if job.share_key:
                sharing.release(job)
            raise
        reporter.send(job_id, message)
        if job.share_key:
            _answer_followers(job, message)
    finally:
        close_old_connections()
        leave_job(logging_scope)


def run_now(job: Job, spec: registry.JobSpec, params: JobParams, reporter: Reporter) -> None:
    """Run a quick job (`inline`: a pixel readout) that `submit` validated a moment ago in this process.

    Its round trip is what a user feels while hovering, so it costs no more than it must: no second check
    (nothing changed since the first), the result sent first, and its row written once, with the outcome,
    afterwards (a row written when it starts and updated twice would cost three more database round trips).
    It is counted in the job metrics as a worker's run is, by the same thread that writes its row.
    """
    close_old_connections()
    try:
        job.started = timezone.now()
        began = time.monotonic()
        try:
            result = spec.func(Context(job, job.client_id, reporter), params)
            if len(json.dumps(result, allow_nan=False)) > MAX_RESULT_BYTES:
                raise ToyzError("job_failed", "The result is too large to send; narrow the request.")
            message: OkResult | ErrorResult = ok_result(job.client_id, result)
            job.status, job.result = Job.Status.DONE, result
        except (ToyzError, JobCancelled) as exc:
            code, text = (
                (exc.code, exc.message) if isinstance(exc, ToyzError) else ("cancelled", "The job was cancelled.")
            )
            message = error_result(job.client_id, code, text)
            job.status, job.error_code, job.error_message = Job.Status.ERROR, code, text
        except Exception as exc:
            logger.exception("Job %s (%s) failed", job.pk, job.fn)
            message = error_result(job.client_id, "job_failed", JOB_FAILED)
            job.status, job.error_code = Job.Status.ERROR, "job_failed"
            job.error_message = f"unexpected error: {exc!r}"[:2000]
        reporter.send(str(job.pk), message)
        seconds = time.monotonic() - began
        job.finished, job.attempts = timezone.now(), 1
        # Its wait: from `submit` (which stamps `created`; the row's own is the insert's) to this start.
        waited = (job.started - job.created).total_seconds() if job.created else None
        _record(job, QuickRun(job.fn, outcome_of(message), seconds, waited))
    finally:
        close_old_connections()


class QuickRun(NamedTuple):
    """What the job metrics count of one quick job's run (`record_jobs`)."""

    fn: str
    outcome: str
    seconds: float
    waited: float | None


#: Quick jobs waiting to be written (rows) and counted (metrics), and the one thread that does both, many
#: at once: one INSERT and one Redis round trip for all that finished meanwhile.
_unrecorded: list[tuple[Job, QuickRun]] = []
_unrecorded_lock = threading.Lock()
_recorder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="toyz-records")


def _record(job: Job, run: QuickRun) -> None:
    """Write a quick job's row and count its run soon, off the job's thread (its commit waits for the disk)."""
    with _unrecorded_lock:
        _unrecorded.append((job, run))
        first = len(_unrecorded) == 1
    if first:
        _recorder.submit(_write_unrecorded)


def _write_unrecorded() -> None:
    close_old_connections()
    with _unrecorded_lock:
        done = _unrecorded[:]
        _unrecorded.clear()
    try:
        record_jobs([run for _, run in done])
        Job.objects.bulk_create([job for job, _ in done])
    except Exception:  # bookkeeping: a failure must not stop later rows
        logger.exception("Could not record %d quick jobs", len(done))
    finally:
        close_old_connections()


def flush_quick_records() -> None:
    """Wait until the quick jobs that finished so far are written and counted (tests, shutdown)."""
    _recorder.submit(lambda: None).result()


def _answer_followers(job: Job, message: OkResult | ErrorResult) -> None:
    """Give every job that followed `job` its one result, then let the work be claimed again."""
    if isinstance(message, OkResult):
        outcomes = sharing.finish_followers(job, message.result, "", "")
    else:
        outcomes = sharing.finish_followers(job, None, message.error.code, message.error.message)
    sharing.release(job)
    for outcome in outcomes:
        follower = outcome.follower
        if outcome.result is not None:
            answer: OkResult | ErrorResult = ok_result(follower.client_id, outcome.result)
        else:
            answer = error_result(follower.client_id, outcome.code, outcome.message)
        reporter_for(follower.reply_to).send(follower.id, answer)


#: The metrics' outcome of an error result, by its code; any other code is "error" (a ToyzError).
_OUTCOMES = {"cancelled": "cancelled", "timeout": "timeout", "job_failed": "failed"}


def outcome_of(message: OkResult | ErrorResult) -> str:
    """How a run ended, for the job metrics: ok, error, cancelled, timeout or failed."""
    if isinstance(message, OkResult):
        return "ok"
    return _OUTCOMES.get(message.error.code, "error")


def _run(job: Job, client_id: int, reporter: Reporter, retry_on: tuple[type[Exception], ...]) -> OkResult | ErrorResult:
    """`_attempt`, timed and counted in the job metrics (`job` as read before this start was recorded)."""
    # The wait in the queue, counted once: a retry's or a resumed run's start says nothing about the queue.
    waited = (timezone.now() - job.created).total_seconds() if job.attempts == 0 else None
    began = time.monotonic()
    outcome = "retried"  # unless _attempt returns: it raises only to hand a transient error back for a retry
    try:
        message = _attempt(job, client_id, reporter, retry_on)
        outcome = outcome_of(message)
        return message
    finally:
        seconds = time.monotonic() - began
        record_job(job.fn, outcome, seconds, waited)
        # Long runs and every failure get a line; the many quick readouts would drown the log.
        if outcome != "ok" or seconds >= LOGGED_SECONDS:
            logger.info("Job %s (%s) ended %s after %.2f s", job.pk, job.fn, outcome, seconds)


def _attempt(
    job: Job, client_id: int, reporter: Reporter, retry_on: tuple[type[Exception], ...]
) -> OkResult | ErrorResult:
    try:
        spec, params = registry.prepare(job.user, job.fn, job.params)
        result = spec.func(Context(job, client_id, reporter), params)
        encoded = json.dumps(result, allow_nan=False)
        if len(encoded) > MAX_RESULT_BYTES:
            raise ToyzError("job_failed", "The result is too large to send; narrow the request.")
    except JobCancelled:
        _finish(job, Job.Status.CANCELLED)
        return error_result(client_id, "cancelled", "The job was cancelled.")
    except ToyzError as exc:
        _finish(job, Job.Status.ERROR, error_code=exc.code, error_message=exc.message)
        return error_result(client_id, exc.code, exc.message)
    except SoftTimeLimitExceeded:
        _finish(job, Job.Status.ERROR, error_code="timeout", error_message="time limit")
        return error_result(client_id, "timeout", "The job ran past its time limit. Try a smaller request.")
    except Exception as exc:
        if isinstance(exc, retry_on):
            logger.warning("Job %s (%s) will be retried after: %r", job.pk, job.fn, exc)
            Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, message=RETRYING)
            raise
        # The traceback stays in the server log; the user gets a sentence, never the trace.
        logger.exception("Job %s (%s) failed", job.pk, job.fn)
        # The row (seen by admins and `toyz_prerender`) keeps the exception's own words.
        _finish(job, Job.Status.ERROR, error_code="job_failed", error_message=f"unexpected error: {exc!r}"[:2000])
        return error_result(client_id, "job_failed", JOB_FAILED)
    if cache.get(cancel_key(str(job.pk))):
        # Cancelled while running without reporting progress: the client was already told.
        _finish(job, Job.Status.CANCELLED)
        return error_result(client_id, "cancelled", "The job was cancelled.")
    _finish(job, Job.Status.DONE, result=result)
    return ok_result(client_id, result)
