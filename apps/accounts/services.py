"""Home folders: naming them and making sure they exist."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from apps.accounts.models import Profile

# What other apps use of this one.
__all__ = [
    "Profile",
    "User",
    "ensure_home",
    "home_folder_name",
    "home_of",
    "home_owners",
    "is_active_user",
    "unattended_user",
]

#: Whoever makes a request: a user, or the anonymous user.
User = AbstractBaseUser | AnonymousUser


def is_active_user(user: User) -> bool:
    """Logged in and not deactivated (an open socket outlives a deactivation)."""
    return bool(user.is_authenticated and getattr(user, "is_active", False))


def unattended_user(username: str | None) -> AbstractBaseUser | None:
    """Whom unattended work (a night's pre-render, a watched folder) runs as: the active user named,
    else the first active superuser; None when there is no such user. Their rights are checked as anyone's."""
    users = get_user_model().objects.filter(is_active=True)
    if username:
        return users.filter(username=username).first()
    return users.filter(is_superuser=True).order_by("pk").first()


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
    return _new_home(user.get_username(), int(user.pk))


def _new_home(username: str, user_id: int) -> str:
    """The home folder of an account that has no profile yet: named after the user, unless that folder
    is another account's home (one renamed since: it keeps its folder), then ``user~<id>``."""
    relative = f"{settings.TOYZ_HOME_FOLDER}/{home_folder_name(username, user_id)}"
    if Profile.objects.filter(home=relative).exclude(user_id=user_id).exists():
        return f"{settings.TOYZ_HOME_FOLDER}/user~{user_id}"
    return relative


def ensure_home(user: AbstractBaseUser) -> Path:
    """Create the user's profile and home folder if missing; return the folder's absolute path."""
    assert user.pk is not None
    relative = _new_home(user.get_username(), int(user.pk))
    profile, _ = Profile.objects.get_or_create(user_id=user.pk, defaults={"home": relative})
    folder = Path(settings.TOYZ_DATA_ROOT) / profile.home
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def home_owners(client_path: str) -> set[int]:
    """The ids of the users whose home folder is `client_path` or one of the folders above it."""
    parts = [p for p in client_path.split("/") if p]
    above = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    owners = set(Profile.objects.filter(home__in=above).values_list("user_id", flat=True))
    # A user without a profile yet has the home folder `home_of` names for them.
    homes = [p for p in settings.TOYZ_HOME_FOLDER.split("/") if p]
    if len(parts) > len(homes) and parts[: len(homes)] == homes:
        name = parts[len(homes)]
        users = get_user_model().objects.filter(profile__isnull=True)
        if name.startswith("user~") and name[5:].isdigit():
            users = users.filter(pk=int(name[5:]))
        else:
            users = users.filter(username=name)
        folder = "/".join(parts[: len(homes) + 1])
        owners.update(
            int(pk) for pk, username in users.values_list("pk", "username") if _new_home(username, pk) == folder
        )
    return owners
