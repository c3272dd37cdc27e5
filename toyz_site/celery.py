"""The Celery app. Task modules live in workers/ and are listed explicitly."""

import logging
import os
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, worker_init
from django.conf import settings

from apps.monitoring.logs import use_format
from workers.heartbeat import Heartbeat
from workers.leases import LeaseRenewal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toyz_site.settings")

app = Celery("toyz", include=["workers.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
# A live worker keeps its tasks' leases in Redis, so only a dead worker's tasks are handed out again.
app.steps["consumer"].add(LeaseRenewal)
# Each live worker says so, per queue, for /healthz and the metrics.
app.steps["consumer"].add(Heartbeat)


@after_setup_logger.connect
@after_setup_task_logger.connect
def _log_format(logger: logging.Logger, **kwargs: Any) -> None:
    # Celery sets up a worker's handlers itself; with TOYZ_LOG_FORMAT=json they write JSON lines too.
    use_format(logger, settings.TOYZ_LOG_FORMAT)


@worker_init.connect
def _no_connection_pool(**kwargs: Any) -> None:
    # Before the pool processes fork: a connection pool's threads and sockets do not survive a fork, and
    # Celery's Django fixup would close and reopen a pool around every task. Each task connects instead.
    from django.db import connections

    database = settings.DATABASES["default"]
    if database.get("OPTIONS", {}).get("pool"):
        connections["default"].close()
        connections["default"].close_pool()  # type: ignore[attr-defined]  # PostgreSQL's wrapper only
        del database["OPTIONS"]["pool"]
        database["CONN_MAX_AGE"] = settings.TOYZ_DB_CONN_MAX_AGE
