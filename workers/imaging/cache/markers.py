"""Completion markers of pre-renders, and forgetting a pyramid.

A marker (``<identity>/prerendered-<all|hduH>[-pN].json``) says that a pre-render of one HDU,
or of every HDU, finished; it holds the build's summary and is written last, so a killed build
has none. Rebuilding is idempotent but checks every tile (one stat each, slow on a shared
filesystem); the marker is one stat. The identity changes with the file, so a changed file has
no marker.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .layout import atomic_write_json, marker_path


def is_prerendered(cache_dir: Path, identity: str, hdu: int | None) -> bool:
    """Whether a pre-render of this file completed (of every HDU when ``hdu`` is None)."""
    if marker_path(cache_dir, identity, None).exists():
        return True
    return hdu is not None and marker_path(cache_dir, identity, hdu).exists()


def _read(marker: Path) -> dict[str, Any] | None:
    try:
        stored = json.loads(marker.read_bytes())
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) else None


def completed(cache_dir: Path, identity: str, hdu: int | None, plane: int = 0) -> dict[str, Any] | None:
    """Return the stored summary of a completed pre-render of (``hdu``, ``plane``), or None.

    The whole file's marker covers plane 0 of every HDU; a marker that cannot be read gives ``{}``.
    """
    marker = marker_path(cache_dir, identity, hdu, plane)
    whole = marker_path(cache_dir, identity, None)
    if not ((plane == 0 and whole.exists()) or marker.exists()):
        return None
    return _read(marker) or _read(whole) or {}


def mark_completed(cache_dir: Path, identity: str, hdu: int | None, plane: int, summary: Mapping[str, Any]) -> None:
    """Write the marker of a finished pre-render of (``hdu``, ``plane``) holding ``summary``."""
    atomic_write_json(marker_path(cache_dir, identity, hdu, plane), dict(summary))


def forget_pyramid(cache_dir: Path, identity: str, hdu: int | None) -> None:
    """Delete the cached pyramid of a file (of one HDU, or all of it) so that it is built again."""
    base = Path(cache_dir) / identity
    # Markers first: no reader may trust a pyramid that is being deleted.
    marker_path(cache_dir, identity, None).unlink(missing_ok=True)
    if hdu is not None:
        marker_path(cache_dir, identity, hdu).unlink(missing_ok=True)
        folders = list(base.glob(f"hdu{hdu}-p*"))
    else:
        folders = [base]
    for folder in folders:
        if not folder.is_dir():
            continue
        # Renamed away first, so the pyramid vanishes at once rather than tile by tile.
        doomed = folder.with_name(f".{folder.name}.deleting-{uuid.uuid4().hex}")
        try:
            folder.rename(doomed)
        except FileNotFoundError:
            continue
        shutil.rmtree(doomed, ignore_errors=True)
