"""Every change that can change someone's rights bumps the grants version (`GrantsVersion`), so that
each process re-reads its users' rights on their next check."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from guardian.models import GroupObjectPermission, UserObjectPermission

from apps.accounts.services import Profile
from apps.files.models import GrantsVersion, PathGrant


def bump() -> None:
    """Make every process's cached rights stale (in the current transaction: they see it when it commits)."""
    if not GrantsVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        GrantsVersion.objects.get_or_create(pk=1, defaults={"counter": 1})


@receiver(post_save, sender=PathGrant)
@receiver(post_delete, sender=PathGrant)
@receiver(post_save, sender=Profile)
@receiver(post_delete, sender=Group)
@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def _changed(sender: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        bump()


@receiver(post_save, sender=UserObjectPermission)
@receiver(post_delete, sender=UserObjectPermission)
@receiver(post_save, sender=GroupObjectPermission)
@receiver(post_delete, sender=GroupObjectPermission)
def _permission_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw and instance.content_type.model_class() is PathGrant:
        bump()


@receiver(m2m_changed, sender=Group.user_set.through)
def _membership_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump()
