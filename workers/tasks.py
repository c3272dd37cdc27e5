"""Celery tasks. Each takes ids, tolerates vanished objects and calls the runner, which does the work.

Dispatch names these tasks (`apps.jobs.services`); nothing in apps imports this module.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings

# Transient failures (a shared filesystem's hiccup, a full disk being cleaned) are worth a retry.
TRANSIENT = (OSError,)


@shared_task(bind=True, name="toyz.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(self: Any, job_id: str, client_id: int, reply_to: str | None) -> None:
    """Run a job that a client watches; progress and the result go to `reply_to` (a socket's channel), if any."""
    # Imported here: the worker must finish setting up Django before the models load.
    from apps.jobs.runner import execute, reporter_for

    execute(job_id, client_id, reporter_for(reply_to), worker=self.request.hostname or "")


@shared_task(
    bind=True,
    name="toyz.run_bulk_job",
    acks_late=True,
    # A killed worker (OOM, SIGKILL, lost node) gives the task back; the build resumes from the cache.
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    soft_time_limit=settings.TOYZ_PRERENDER_SOFT_TIME_LIMIT,
    time_limit=settings.TOYZ_PRERENDER_SOFT_TIME_LIMIT + 60,
)
def run_bulk_job(self: Any, job_id: str) -> None:
    """Run an unattended job (a file of `manage.py toyz_prerender`): the Job row `job_id`.

    The row holds the user, the function and its parameters, and receives the progress and the
    outcome; the runner re-checks the user's rights. Idempotent: a complete pyramid is skipped.
    """
    from apps.jobs.runner import RecordingReporter, execute

    # On the last attempt the runner records the error instead of handing it back for a retry.
    final = self.request.retries >= self.max_retries
    execute(job_id, 0, RecordingReporter(), retry_on=() if final else TRANSIENT, worker=self.request.hostname or "")


@shared_task(name="toyz.prerender_file")
def prerender_file(job_id: str) -> None:
    """The bulk task's name before issue 8: a task an older version queued is handed on, so it still runs
    after an upgrade (drop this once no deployment can hold such a queue)."""
    run_bulk_job.apply_async(args=(job_id,), task_id=job_id)


@shared_task(name="toyz.run_piece", acks_late=True, reject_on_worker_lost=True)
def run_piece(run: str, index: int) -> None:
    """Run one piece of a job that fans out (a mosaic's CCD in `analysis.detect`), unless the job or another
    worker already took it; the result goes back through the cache (`apps.analysis.fanout`)."""
    from apps.analysis.fanout import run_piece as run_one

    run_one(run, index)
