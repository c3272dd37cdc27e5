"""Every new account gets a home folder in the data root."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.accounts.services import ensure_home


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_home_folder(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    # Fixture loading (raw) must not touch the filesystem.
    if created and not raw:
        ensure_home(instance)
