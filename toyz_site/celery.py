"""The Celery app. Task modules live in workers/ and are listed explicitly."""

import logging
import os
from typing import Any

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger
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
