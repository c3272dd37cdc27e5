"""What a log line is about: the request or the job being served, in context variables.

The request id is set by `apps.monitoring.middleware.RequestIdMiddleware` for the whole request
(asgiref copies context variables into the threads that run sync code); the job id by the runner
(`apps.monitoring.services.enter_job`) for the whole run, in a worker process or an embedded pool thread alike.
"""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("toyz_request_id", default=None)
job_id: ContextVar[str | None] = ContextVar("toyz_job_id", default=None)
