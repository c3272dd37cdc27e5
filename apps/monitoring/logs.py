"""Log lines that say which request or job they belong to, as plain text or as JSON (TOYZ_LOG_FORMAT).

Wired by the settings' LOGGING (web processes, `manage.py` commands) and by the Celery app's logging
signals (workers, whose handlers Celery sets up itself). Imports nothing of Django: the logging
configuration loads it before the apps.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from apps.monitoring import context


def _ids(record: logging.LogRecord) -> tuple[str | None, str | None]:
    # A record made inside a request or job carries its ids; one passed along later keeps them.
    request = getattr(record, "request_id", None) or context.request_id.get()
    job = getattr(record, "job_id", None) or context.job_id.get()
    return request, job


class ContextFilter(logging.Filter):
    """Give each record `request_id`, `job_id` and `context` (`` [request=... job=...]`` or "")."""

    def filter(self, record: logging.LogRecord) -> bool:
        request, job = _ids(record)
        record.request_id, record.job_id = request, job
        parts = [f"request={request}"] * bool(request) + [f"job={job}"] * bool(job)
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return True


class PlainFormatter(logging.Formatter):
    """``time LEVEL logger: message [request=... job=...]``, whether or not a ContextFilter ran."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s%(context)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "context"):
            ContextFilter().filter(record)
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, process, and the
    request and job ids when there are any; a traceback as one string under "exception"."""

    def format(self, record: logging.LogRecord) -> str:
        request, job = _ids(record)
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if request:
            line["request_id"] = request
        if job:
            line["job_id"] = job
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


FORMATTERS: dict[str, type[logging.Formatter]] = {"plain": PlainFormatter, "json": JsonFormatter}


def use_format(logger: logging.Logger, name: str) -> None:
    """Give every handler of `logger` the formatter `name` ("plain" keeps the handlers' own)."""
    if name != "json":
        return  # a Celery worker's plain lines stay Celery's (they name the pool process)
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The settings' LOGGING for `log_format` ("plain" or "json")."""
    config: dict[str, Any] = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"()": PlainFormatter}, "json": {"()": JsonFormatter}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
    }
    if log_format == "json":
        # uvicorn's own lines (start-up, errors outside a request) as JSON too. Its access log stays as
        # uvicorn left it: --no-access-log leaves that logger without a handler before Django starts, and
        # configuring "uvicorn" would otherwise reset its child to propagate (uvicorn asks hasHandlers()).
        access = bool(logging.getLogger("uvicorn.access").handlers)
        config["loggers"] = {
            "uvicorn": {"handlers": ["console"], "propagate": False},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": ["console"] if access else [], "propagate": False},
        }
    return config
