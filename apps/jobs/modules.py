"""Who may run which module of job functions.

Admins run everything; inactive and anonymous users nothing. Any other user runs a module when it is
open to all (its row's flag, or the TOYZ_OPEN_MODULES setting when the admin left the flag unset) or
when it is granted (the guardian object permission `jobs.run_module` on its `Module` row) to them or
to one of their groups.

The decision is asked for on every job message, so it is cheap: each process keeps the modules each
user may run, stamped with a version held in the shared cache (Redis in the distributed mode). Every
change that can alter a decision (a Module row, a `run_module` grant, a group's members, a user)
replaces the version (`changed`, from `apps.jobs.signals`), so a check costs one cache read and the
next job after a change, on any process and any open socket, sees it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from apps.accounts.services import User, is_active_user
from apps.jobs.models import Module
from workers.errors import ToyzError

#: The guardian permission that grants a module (on its `Module` row).
RUN_MODULE = "jobs.run_module"
#: The shared cache's key of the version of every module decision.
VERSION_KEY = "toyz:jobs:modules-version"
#: How many users' decisions a process keeps (a few bytes each); beyond that it starts again.
MAX_REMEMBERED_USERS = 10_000
#: How many admins a refusal names when TOYZ_ADMIN_CONTACT is not set.
MAX_NAMED_ADMINS = 3

_MODULE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


def is_module_name(name: str) -> bool:
    """Lower-case letters, digits, "_" and "-", at most 100: a module's name as rows and settings keep it."""
    return bool(_MODULE_NAME.fullmatch(name))


@dataclass(frozen=True)
class ModuleInfo:
    """What the registry knows of a module: its title, description and registered functions."""

    title: str
    description: str = ""
    functions: tuple[str, ...] = ()

    def with_function(self, name: str) -> ModuleInfo:
        return replace(self, functions=(*self.functions, name))


@dataclass(frozen=True)
class Runnable:
    """The modules one user may run (an admin: all of them)."""

    everything: bool = False
    granted: frozenset[str] = frozenset()
    # The modules whose row's flag the admin set (open or not); the others follow `open_by_default`.
    decided: Mapping[str, bool] = field(default_factory=dict)
    open_by_default: frozenset[str] = frozenset()

    def admits(self, module: str) -> bool:
        if self.everything or module in self.granted:
            return True
        return self.decided.get(module, module in self.open_by_default)


NOTHING = Runnable()

# user id → (version, TOYZ_OPEN_MODULES, what they may run): only trusted while the version holds.
_remembered: dict[int, tuple[str, tuple[str, ...], Runnable]] = {}


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Evicted or never set (a fresh Redis): a new version, so nothing remembered before is trusted.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    return str(version)


def _bump() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def changed() -> None:
    """Make every process decide again from the database: now, and again once the change commits
    (a decision taken in between, from the rows before the commit, is then dropped too)."""
    _bump()
    transaction.on_commit(_bump)


def _open_setting() -> tuple[str, ...]:
    return tuple(settings.TOYZ_OPEN_MODULES)


def _load(user: User, open_by_default: tuple[str, ...]) -> Runnable:
    decided = {name: flag for name, flag in Module.objects.values_list("name", "open_to_all") if flag is not None}
    granted = get_objects_for_user(user, RUN_MODULE, klass=Module, with_superuser=False, accept_global_perms=False)
    return Runnable(
        granted=frozenset(granted.values_list("name", flat=True)),
        decided=decided,
        open_by_default=frozenset(open_by_default),
    )


def runnable_modules(user: User) -> Runnable:
    """The modules `user` may run: one cache read, and the database only after a change."""
    if not is_active_user(user) or user.pk is None:
        return NOTHING
    if getattr(user, "is_superuser", False):
        return Runnable(everything=True)
    # The version is read before the rows: a change committed meanwhile leaves a newer version behind it.
    version, open_by_default = _version(), _open_setting()
    user_id = int(user.pk)
    kept = _remembered.get(user_id)
    if kept is not None and kept[0] == version and kept[1] == open_by_default:
        return kept[2]
    runnable = _load(user, open_by_default)
    if len(_remembered) >= MAX_REMEMBERED_USERS:
        _remembered.clear()
    _remembered[user_id] = (version, open_by_default, runnable)
    return runnable


def admin_contact() -> str:
    """Whom a refused user should ask: TOYZ_ADMIN_CONTACT, else the first few active admins by name and email."""
    if settings.TOYZ_ADMIN_CONTACT:
        return str(settings.TOYZ_ADMIN_CONTACT)
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk")[:MAX_NAMED_ADMINS]
    named = []
    for admin in admins:
        name = admin.get_full_name().strip() or admin.get_username()
        named.append(f"{name} <{admin.email}>" if admin.email else name)
    return f"an admin ({', '.join(named)})" if named else "the site's administrator"


def refusal(user: User, fn: str, module: str, title: str) -> ToyzError:
    """The error of a job that `user` may not run: which module it needs and whom to ask."""
    if not is_active_user(user):
        return ToyzError("forbidden", f"Only signed-in, active users may run {fn}.")
    named = f"the module “{title}” ({module})" if title != module else f"the module {module}"
    return ToyzError(
        "forbidden",
        f"{fn} needs {named}, which is not granted to you or your groups: "
        f"ask {admin_contact()} to grant it to you or to one of your groups.",
    )


def sync(catalogue: Mapping[str, ModuleInfo], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Keep the Module rows in step with the registry's modules: create the missing ones and update
    titles and descriptions. Rows of modules that are gone stay, with their grants and flags."""
    rows = {row.name: row for row in Module.objects.using(using).filter(name__in=list(catalogue))}
    missing = [
        Module(name=name, title=info.title, description=info.description)
        for name, info in catalogue.items()
        if name not in rows
    ]
    # Several processes may start at once: a row another one created first is fine as it is.
    Module.objects.using(using).bulk_create(missing, ignore_conflicts=True)
    for name, row in rows.items():
        info = catalogue[name]
        if (row.title, row.description) != (info.title, info.description):
            Module.objects.using(using).filter(pk=row.pk).update(title=info.title, description=info.description)


@dataclass(frozen=True)
class Holders:
    """Who holds a module's `run_module` grant."""

    groups: tuple[Group, ...]
    users: tuple[AbstractBaseUser, ...]


def holders(module: Module) -> Holders:
    """The groups and users granted `module`, by name."""
    where = {
        "content_type": ContentType.objects.get_for_model(Module),
        "object_pk": str(module.pk),
        "permission__codename": RUN_MODULE.partition(".")[2],
    }
    groups = [grant.group for grant in GroupObjectPermission.objects.filter(**where).select_related("group")]
    users = [grant.user for grant in UserObjectPermission.objects.filter(**where).select_related("user")]
    return Holders(
        groups=tuple(sorted(groups, key=lambda group: group.name)),
        users=tuple(sorted(users, key=lambda user: user.get_username())),
    )


def grant(module: Module, holder: Group | AbstractBaseUser) -> None:
    """Let `holder` (a group or a user) run the module's functions, from their next job on."""
    assign_perm(RUN_MODULE, holder, module)


def withdraw(module: Module, holder: Group | AbstractBaseUser) -> None:
    """Withdraw the module from `holder`; their next job of it is refused (queued ones too, when they start)."""
    remove_perm(RUN_MODULE, holder, module)
