"""Who may open, change and share a workspace: its owner and superusers may do everything, others what
they were given (django-guardian object permissions, to them or to one of their groups).

The rights are ordered, view < change < share, and each implies the ones below it (a right given
alone in the admin, such as change without view, counts with those below it too).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

from guardian.core import ObjectPermissionChecker

from apps.accounts.services import User
from apps.workspaces.models import Workspace

Right = Literal["view", "change", "share"]

NONE: Final = 0
VIEW: Final = 1
CHANGE: Final = 2
SHARE: Final = 3
#: The owner and superusers: every right, and some no share gives (deleting the workspace).
OWN: Final = 4

#: Each right's level, and the guardian codename that gives it.
LEVELS: Final[dict[Right, int]] = {"view": VIEW, "change": CHANGE, "share": SHARE}
CODENAMES: Final[dict[Right, str]] = {
    "view": "view_workspace",
    "change": "change_workspace",
    "share": "share_workspace",
}
_LEVEL_OF_CODENAME: Final = {codename: LEVELS[right] for right, codename in CODENAMES.items()}


def right_of(level: int) -> Right | None:
    """The right a level stands for (the owner's counts as share), or None below view."""
    if level <= NONE:
        return None
    return ("view", "change", "share")[min(level, SHARE) - 1]


def level_of_codenames(codenames: Iterable[str]) -> int:
    """The level that a set of guardian permission codenames on a workspace gives."""
    return max((_LEVEL_OF_CODENAME.get(codename, NONE) for codename in codenames), default=NONE)


def is_owner_or_admin(user: User, workspace: Workspace) -> bool:
    return bool(user.is_authenticated and (workspace.owner_id == user.pk or getattr(user, "is_superuser", False)))


def level(user: User, workspace: Workspace, checker: ObjectPermissionChecker | None = None) -> int:
    """What `user` may do with `workspace`: NONE, VIEW, CHANGE, SHARE or OWN.

    `checker` may be one whose permissions were prefetched for many workspaces (a list page).
    """
    if not user.is_authenticated:
        return NONE
    if is_owner_or_admin(user, workspace):
        return OWN
    # As guardian's own has_perm: a deactivated user holds no object permission.
    if not getattr(user, "is_active", False):
        return NONE
    return level_of_codenames((checker or ObjectPermissionChecker(user)).get_perms(workspace))


def can_view(user: User, workspace: Workspace) -> bool:
    return level(user, workspace) >= VIEW


def can_change(user: User, workspace: Workspace) -> bool:
    return level(user, workspace) >= CHANGE


def can_share(user: User, workspace: Workspace) -> bool:
    return level(user, workspace) >= SHARE
