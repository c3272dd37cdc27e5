"""Open workspace sockets re-check their user's access as soon as it changes: a deactivated or deleted
user, a changed group membership, a withdrawn share or a deleted workspace closes them at once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from guardian.models import GroupObjectPermission, UserObjectPermission

from apps.events import ACCESS_CHECK_MESSAGE, send_to_group, user_group, workspace_group
from apps.workspaces.models import Workspace


def _send_check(group: str) -> None:
    # A failure is logged, never raised: the sockets re-read access within ACCESS_RECHECK_SECONDS anyway.
    send_to_group(group, {"type": ACCESS_CHECK_MESSAGE})


def recheck_access(group: str) -> None:
    """Tell the sockets in `group` to re-read their access, once the current transaction commits."""
    transaction.on_commit(lambda: _send_check(group))


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_saved(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    # A login only stamps last_login: no need to wake the user's sockets for it.
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    recheck_access(user_group(instance.pk))


@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    recheck_access(user_group(instance.pk))


@receiver(m2m_changed, sender=Group.user_set.through)
def groups_changed(sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
    # From the user's side (user.groups) the instance is a user; from the group's side, pk_set holds them.
    if not reverse:
        user_ids = [instance.pk] if action.startswith("post_") else []
    elif action == "pre_clear":
        user_ids = list(instance.user_set.values_list("pk", flat=True))  # gone by post_clear
    else:
        user_ids = list(pk_set or ()) if action in ("post_add", "post_remove") else []
    for user_id in user_ids:
        recheck_access(user_group(user_id))


@receiver(post_save, sender=UserObjectPermission)
@receiver(post_delete, sender=UserObjectPermission)
@receiver(post_save, sender=GroupObjectPermission)
@receiver(post_delete, sender=GroupObjectPermission)
def share_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.content_type.model_class() is Workspace:
        recheck_access(workspace_group(int(instance.object_pk)))


@receiver(post_delete, sender=Workspace)
def workspace_deleted(sender: Any, instance: Workspace, **kwargs: Any) -> None:
    recheck_access(workspace_group(instance.pk))
