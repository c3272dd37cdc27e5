"""Module decisions are taken again after every change that can alter one: a Module row, a `run_module`
grant or its withdrawal, a group's members, a group or user saved or deleted (`apps.jobs.modules.changed`).
And after `migrate`, the Module rows follow the registry."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver
from guardian.models import GroupObjectPermission, UserObjectPermission

from apps.jobs import modules, registry
from apps.jobs.models import Module


@receiver(post_save, sender=Module)
@receiver(post_delete, sender=Module)
def module_changed(sender: Any, instance: Module, raw: bool = False, **kwargs: Any) -> None:
    modules.changed()


@receiver(post_delete, sender=Module)
def module_deleted(sender: Any, instance: Module, **kwargs: Any) -> None:
    # Guardian's rows name their object by a string, not a foreign key: they go with the module by hand.
    content_type = ContentType.objects.get_for_model(Module)
    for model in (UserObjectPermission, GroupObjectPermission):
        model.objects.filter(content_type=content_type, object_pk=str(instance.pk)).delete()


@receiver(post_save, sender=UserObjectPermission)
@receiver(post_delete, sender=UserObjectPermission)
@receiver(post_save, sender=GroupObjectPermission)
@receiver(post_delete, sender=GroupObjectPermission)
def grant_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.content_type_id == ContentType.objects.get_for_model(Module).pk:
        modules.changed()


@receiver(m2m_changed, sender=Group.user_set.through)
def members_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        modules.changed()


@receiver(post_delete, sender=Group)
@receiver(post_save, sender=settings.AUTH_USER_MODEL)
@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def member_changed(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    # A login only stamps last_login; anything else may make a user an admin, inactive, or someone new.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    modules.changed()


def sync_modules(sender: AppConfig, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After `migrate`: a Module row for every module with a registered function."""
    # Not when migrating back to before the table existed.
    if sender.name == "apps.jobs" and Module._meta.db_table in connections[using].introspection.table_names():
        modules.sync(registry.module_catalogue(), using=using)


post_migrate.connect(sync_modules, dispatch_uid="apps.jobs.sync_modules")
