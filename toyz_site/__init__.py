"""Toyz site wiring: settings, URLs, ASGI and the Celery app."""

from toyz_site.celery import app as celery_app

__all__ = ("celery_app",)
