"""What `toyz_grant` and `toyz_access` share: finding the user or group named on the command line, and
reading a path as an administrator types it (relative to the data root, or absolute inside it)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.management.base import CommandError

from apps.files.resolver import data_root


def user_named(name: str, *, option: str = "--user") -> AbstractBaseUser:
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise CommandError(
            f"There is no user named {name!r} ({option}): check the spelling, or create the account first."
        )
    return user


def group_named(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    if group is None:
        raise CommandError(f"There is no group named {name!r} (--group): create it in the admin first.")
    return group


def client_path(raw: str) -> str:
    """A path as a client names it (relative to the data root) from one typed on the command line.

    Relative paths are relative to the data root; an absolute path must lie inside the data root (a cron
    job naming /srv/data/nights/2026-11-30 means nights/2026-11-30). The folder need not exist any more:
    a grant on a deleted folder can still be withdrawn or examined.
    """
    if not Path(raw).is_absolute():
        return raw
    typed = Path(os.path.normpath(raw))
    # The root as configured and as resolved; a link inside the root keeps its own name (resolved later,
    # as every request resolves it), a path that only reaches the root through links is resolved here.
    for root in (Path(os.path.normpath(settings.TOYZ_DATA_ROOT)), data_root()):
        if typed == root or root in typed.parents:
            return typed.relative_to(root).as_posix() if typed != root else ""
    real, root = Path(os.path.realpath(raw)), data_root()
    if real != root and root not in real.parents:
        raise CommandError(f"{raw} is outside the data root ({root}): grants apply inside it only.")
    return real.relative_to(root).as_posix() if real != root else ""
