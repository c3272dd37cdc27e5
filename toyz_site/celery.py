"""The Celery app. Task modules live in workers/ and are listed explicitly."""

import os

from celery import Celery

from workers.leases import LeaseRenewal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toyz_site.settings")

app = Celery("toyz", include=["workers.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
# A live worker keeps its tasks' leases in Redis, so only a dead worker's tasks are handed out again.
app.steps["consumer"].add(LeaseRenewal)
