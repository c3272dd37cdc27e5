"""Celery tasks. Each takes ids, tolerates vanished objects and calls code that does the work."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from toyz_site.celery import app

# Transient failures (a shared filesystem's hiccup, a full disk being cleaned) are worth a retry.
TRANSIENT = (OSError,)


@app.task(bind=True, name="toyz.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(self: Any, job_id: str, client_id: int, reply_channel: str) -> None:
    """Run a job submitted over a workspace socket and report through the channel layer."""
    # Imported here: the worker must finish setting up Django before the models load.
    from apps.jobs.runner import execute
    from apps.jobs.transports import ChannelReporter

    execute(job_id, client_id, ChannelReporter(reply_channel), worker=self.request.hostname or "")


@app.task(
    bind=True,
    name="toyz.prerender_file",
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
def prerender_file(self: Any, job_id: str) -> None:
    """Pre-render one file for `manage.py toyz_prerender`: the `imaging.prerender` Job row `job_id`.

    The row holds the user, the path and the HDU, and receives the progress and the outcome;
    the runner re-checks the user's right on the path. Idempotent: a complete pyramid is skipped.
    """
    from apps.jobs.runner import execute
    from apps.jobs.transports import RecordingReporter

    # On the last attempt the runner records the error instead of handing it back for a retry.
    final = self.request.retries >= self.max_retries
    execute(job_id, 0, RecordingReporter(), retry_on=() if final else TRANSIENT, worker=self.request.hostname or "")
