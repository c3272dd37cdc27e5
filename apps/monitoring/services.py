"""What other apps use of monitoring: the job logging context and the job metrics."""

from __future__ import annotations

from contextvars import Token

from apps.monitoring import context
from apps.monitoring.jobstats import record as record_job
from apps.monitoring.jobstats import record_many as record_jobs

__all__ = ["enter_job", "leave_job", "record_job", "record_jobs"]


def enter_job(job_id: str) -> Token[str | None]:
    """From here on, log lines of this thread or task name `job_id`; hand the token to `leave_job`."""
    return context.job_id.set(job_id)


def leave_job(token: Token[str | None]) -> None:
    """Log lines no longer name the job that `enter_job` gave `token` for."""
    context.job_id.reset(token)
