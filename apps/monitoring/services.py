"""What other apps use of monitoring: the job logging context and the job metrics."""

from __future__ import annotations

from apps.monitoring.context import job_context
from apps.monitoring.jobstats import record as record_job

__all__ = ["job_context", "record_job"]
