"""What the workspace page, its socket and other apps share about workspaces."""

from __future__ import annotations

from typing import Any

from apps.workspaces.messages import clean_layout
from apps.workspaces.models import Workspace

__all__ = ["clean_layout", "save_layout"]


def save_layout(workspace_id: int, tiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate and save a workspace's layout; return it as stored. Raises ToyzError ``bad_message``."""
    cleaned = clean_layout(tiles)
    workspace = Workspace.objects.get(pk=workspace_id)
    workspace.layout = cleaned
    workspace.save(update_fields=["layout", "updated"])
    return cleaned
