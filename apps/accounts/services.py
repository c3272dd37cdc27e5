"""Home folders: naming them and making sure they exist."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.accounts.models import Profile

# Usernames may contain "." or be "..": only plain names become folder names as they are.
_SAFE_NAME = re.compile(r"[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]{0,149}")


def home_folder_name(username: str, user_id: int) -> str:
    """The folder name under the homes folder for a user.

    Other names get ``user~<id>``: "~" cannot appear in a username, so it never collides.
    """
    if _SAFE_NAME.fullmatch(username):
        return username
    return f"user~{user_id}"


def home_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The user's home folder as a client path (relative to the data root), or None for anonymous users."""
    if not user.is_authenticated or user.pk is None:
        return None
    profile = Profile.objects.filter(user_id=user.pk).only("home").first()
    if profile is not None:
        return profile.home
    return f"{settings.TOYZ_HOME_FOLDER}/{home_folder_name(user.get_username(), int(user.pk))}"


def ensure_home(user: AbstractBaseUser) -> Path:
    """Create the user's profile and home folder if missing; return the folder's absolute path."""
    assert user.pk is not None
    relative = f"{settings.TOYZ_HOME_FOLDER}/{home_folder_name(user.get_username(), int(user.pk))}"
    profile, _ = Profile.objects.get_or_create(user_id=user.pk, defaults={"home": relative})
    folder = Path(settings.TOYZ_DATA_ROOT) / profile.home
    folder.mkdir(parents=True, exist_ok=True)
    return folder
