"""Celery tasks. Each takes ids, tolerates vanished objects and calls code that does the work."""

from __future__ import annotations

from toyz_site.celery import app


@app.task(name="toyz.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: str, client_id: int, reply_channel: str) -> None:
    """Run a job submitted over a workspace socket and report through the channel layer."""
    # Imported here: the worker must finish setting up Django before the models load.
    from apps.jobs.runner import execute
    from apps.jobs.transports import ChannelReporter

    execute(job_id, client_id, ChannelReporter(reply_channel))
