"""Every change that can change someone's rights bumps the grants version (`GrantsVersion`), so that
each process re-reads its users' rights on their next check."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from guardian.models import GroupObjectPermission, UserObjectPermission

from apps.accounts.services import Profile
from apps.files import trash
from apps.files.models import GrantsVersion, PathGrant


def bump() -> None:
    """Make every process's cached rights stale (in the current transaction: they see it when it commits)."""
    if not GrantsVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        GrantsVersion.objects.get_or_create(pk=1, defaults={"counter": 1})


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def _account_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The home folder goes into the trash once the deletion commits: a new account of the same name
    # must not find the old one's files, and an admin can still restore them from the trash.
    home = Profile.objects.filter(user_id=instance.pk).values_list("home", flat=True).first()
    if home:
        why = f"the account {instance.get_username()} was deleted"
        transaction.on_commit(lambda: _retire_home(home, why))


def _retire_home(home: str, why: str) -> None:
    # Only a folder of its own under the homes folder: an admin may have pointed a profile elsewhere.
    homes = settings.TOYZ_HOME_FOLDER.strip("/")
    parent, _, name = home.strip("/").rpartition("/")
    if parent == homes and name:
        trash.retire(home, why)


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
