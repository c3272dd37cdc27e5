"""What the workspace page, its socket and other apps share about workspaces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from apps.workspaces.messages import MAX_TILES, clean_layout, clean_sources, merge_layout
from apps.workspaces.models import Workspace
from workers.errors import ToyzError

__all__ = ["SavedLayout", "clean_layout", "clean_sources", "save_layout", "save_sources"]


@dataclass(frozen=True)
class SavedLayout:
    """A layout as saved: the tiles, the new version, the version the change was based on, whether it
    was merged onto changes saved since that base, and which tiles it changed and removed."""

    tiles: list[dict[str, Any]]
    version: int
    base: int
    merged: bool
    changed: list[str]
    removed: list[str]


def save_layout(
    workspace_id: int,
    tiles: Any,
    *,
    base: int | None = None,
    changed: list[str] | None = None,
    removed: list[str] | None = None,
) -> SavedLayout:
    """Validate and save a workspace's layout, bumping its version. Raises ToyzError ``bad_message``.

    `base` is the version the client's change started from (None: the current one). When others saved
    since, the last writer wins: with `changed` (and `removed`) only those tiles go onto the layout as it
    is now, so that the others' changes to other tiles stay; without, the whole layout is replaced.
    """
    cleaned = clean_layout(tiles)
    with transaction.atomic():
        # Two saves of one workspace queue here, so that each bumps the version once.
        workspace = Workspace.objects.select_for_update().get(pk=workspace_id)
        current = workspace.version
        start = current if base is None or base > current else base
        stale = start < current
        merged = stale and changed is not None
        if merged:
            cleaned = merge_layout(workspace.layout, cleaned, changed or [], removed or [])
            if len(cleaned) > MAX_TILES:
                # Each merge could otherwise add its new tiles onto a full layout, without end.
                raise ToyzError(
                    "bad_message",
                    f"With the tiles others added meanwhile the layout would hold more than {MAX_TILES}; "
                    "remove some first.",
                )
        if changed is None:
            ids = {tile["id"] for tile in cleaned}
            changed = [tile["id"] for tile in cleaned]
            removed = [tile["id"] for tile in workspace.layout if tile.get("id") not in ids]
        workspace.layout = cleaned
        workspace.version = current + 1
        workspace.save(update_fields=["layout", "version", "updated"])
    return SavedLayout(cleaned, current + 1, start, merged, list(changed), list(removed or []))


def save_sources(workspace_id: int, sources: Any) -> list[dict[str, Any]]:
    """Validate and save a workspace's data sources (the whole list; the last writer wins), returned as stored.

    Raises ToyzError ``bad_message`` with a sentence about the first fault.
    """
    cleaned = clean_sources(sources)
    Workspace.objects.filter(pk=workspace_id).update(sources=cleaned)
    return cleaned
