"""The Celery app. Task modules live in workers/ and are listed explicitly."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toyz_site.settings")

app = Celery("toyz", include=["workers.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
