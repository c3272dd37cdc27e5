"""Validating what clients send about a workspace: its layout and its relayed events."""

from __future__ import annotations

import json
from typing import Any

from workers.errors import ToyzError

MAX_TILES = 200
MAX_STATE_BYTES = 64 * 1024
MAX_EVENT_BYTES = 256 * 1024


def _is_int(value: Any, lo: int, hi: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi


def clean_layout(tiles: Any) -> list[dict[str, Any]]:
    """The layout as stored: a list of tiles with ids, kinds, grid positions and a small state."""
    if not isinstance(tiles, list) or len(tiles) > MAX_TILES:
        raise ToyzError("bad_message", f"tiles must be a list of at most {MAX_TILES} tiles.")
    cleaned = []
    for tile in tiles:
        if not isinstance(tile, dict):
            raise ToyzError("bad_message", "Each tile must be an object.")
        tile_id, kind, state = tile.get("id"), tile.get("kind"), tile.get("state", {})
        if not isinstance(tile_id, str) or not 0 < len(tile_id) <= 64:
            raise ToyzError("bad_message", "Each tile needs a string id.")
        if not isinstance(kind, str) or not 0 < len(kind) <= 64:
            raise ToyzError("bad_message", "Each tile needs a kind.")
        if not all(_is_int(tile.get(k), 0, 10_000) for k in ("x", "y", "w", "h")):
            raise ToyzError("bad_message", "Tile positions x, y, w, h must be whole numbers.")
        if not isinstance(state, dict) or len(json.dumps(state)) > MAX_STATE_BYTES:
            raise ToyzError("bad_message", "A tile's state must be an object under 64 KB.")
        cleaned.append(
            {
                "id": tile_id,
                "kind": kind,
                "x": tile["x"],
                "y": tile["y"],
                "w": tile["w"],
                "h": tile["h"],
                "state": state,
            }
        )
    return cleaned


def clean_event(content: dict[str, Any]) -> dict[str, Any]:
    """A view or selection event to relay: any JSON object of bounded size, without our own keys."""
    payload = {k: v for k, v in content.items() if k not in ("type", "event", "from")}
    if len(json.dumps(payload)) > MAX_EVENT_BYTES:
        raise ToyzError("bad_message", "That event is too large.")
    return payload
