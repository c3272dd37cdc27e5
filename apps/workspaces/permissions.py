"""Who may open and change a workspace: its owner, superusers, and those granted view/change."""

from __future__ import annotations

from django.contrib.auth.models import PermissionsMixin

from apps.accounts.services import User
from apps.workspaces.models import Workspace


def can_view(user: User, workspace: Workspace) -> bool:
    if not user.is_authenticated:
        return False
    if workspace.owner_id == user.pk or getattr(user, "is_superuser", False):
        return True
    return isinstance(user, PermissionsMixin) and user.has_perm("workspaces.view_workspace", workspace)


def can_change(user: User, workspace: Workspace) -> bool:
    if not user.is_authenticated:
        return False
    if workspace.owner_id == user.pk or getattr(user, "is_superuser", False):
        return True
    return isinstance(user, PermissionsMixin) and user.has_perm("workspaces.change_workspace", workspace)
