"""What the imaging endpoints and jobs share: path checks around the numeric core."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

from apps.files.permissions import Right, User
from apps.files.resolver import ResolvedPath, resolve
from workers.errors import ToyzError
from workers.imaging import (
    MOSAIC_HDU,
    RenderParams,
    build_pyramid,
    default_cuts,
    describe,
    file_identity,
    is_openable,
    pixel_at,
    raw_tile,
    render_tile,
    tile_needs_building,
)
from workers.imaging.api import clear_caches
from workers.imaging.api import image_hdus as api_image_hdus
from workers.imaging.cache import atomic_write_json, evict_cache

MAX_PRERENDER_FILES = 10_000


def open_image(user: User, raw_path: object) -> ResolvedPath:
    """Resolve a path the user may read and that is a file."""
    resolved = resolve(user, raw_path, Right.READ)
    if not resolved.real.is_file():
        raise ToyzError("bad_path", "That is a folder, not an image file.")
    return resolved


def describe_image(image: ResolvedPath, hdu: int | None, plane: int) -> dict[str, Any]:
    description = describe(image.real, hdu=hdu, plane=plane, cache_dir=settings.TOYZ_CACHE_DIR)
    return {"path": image.client, **description}


def pixel(image: ResolvedPath, hdu: int, plane: int, x: float, y: float) -> dict[str, Any]:
    return pixel_at(image.real, hdu=hdu, plane=plane, x=x, y=y, cache_dir=settings.TOYZ_CACHE_DIR)


def default_limits(image: ResolvedPath, hdu: int, plane: int) -> tuple[float, float]:
    """The zscale cuts of (hdu, plane): the limits of a tile URL that leaves them out."""
    cuts = default_cuts(image.real, hdu=hdu, plane=plane, cache_dir=settings.TOYZ_CACHE_DIR)
    return cuts.get("zscale", (0.0, 1.0))


def needs_building(image: ResolvedPath, *, hdu: int, plane: int, level: int, x: int, y: int) -> bool:
    # A pre-rendered file (one stat) has every level built: no need to ask the engine.
    if hdu == MOSAIC_HDU and is_prerendered(image, hdu):
        return False
    return tile_needs_building(
        image.real, hdu=hdu, plane=plane, level=level, x=x, y=y, cache_dir=settings.TOYZ_CACHE_DIR
    )


def tile_bytes(image: ResolvedPath, *, params: RenderParams, preview: bool = False, **where: int) -> bytes:
    """The tile at ``where`` (hdu, plane, level, x, y) rendered with ``params``."""
    return render_tile(image.real, params=params, preview=preview, cache_dir=settings.TOYZ_CACHE_DIR, **where)


def raw_tile_bytes(image: ResolvedPath, *, preview: bool = False, **where: int) -> bytes:
    """The float values of the tile at ``where`` (hdu, plane, level, x, y)."""
    return raw_tile(image.real, preview=preview, cache_dir=settings.TOYZ_CACHE_DIR, **where)


def identity(image: ResolvedPath) -> str:
    return file_identity(image.real)


# --- pre-rendering ------------------------------------------------------------------------------
#
# A "complete" marker per (file identity, HDU) beside the pyramid: build_pyramid is idempotent
# but checks every tile (one stat each, slow on a shared filesystem), the marker is one stat.
# The identity changes with the file, so a changed file has no marker.


def _marker(identity: str, hdu: int | None, plane: int = 0) -> Path:
    name = "all" if hdu is None else f"hdu{hdu}"
    if plane:
        name += f"-p{plane}"  # a cube's other planes are pre-rendered one by one
    return Path(settings.TOYZ_CACHE_DIR) / identity / f"prerendered-{name}.json"


def is_prerendered(image: ResolvedPath, hdu: int | None) -> bool:
    """Whether `build_pyramid` has completed for this file (every HDU when `hdu` is None)."""
    identity = file_identity(image.real)
    return _marker(identity, None).exists() or (hdu is not None and _marker(identity, hdu).exists())


def prerender(
    image: ResolvedPath,
    hdu: int | None,
    progress: Callable[[int, int, str], None] | None = None,
    *,
    plane: int = 0,
) -> dict[str, Any]:
    """Build and cache a file's whole pyramid, unless it is already complete.

    Returns ``{"path", "hdus", "levels", "tiles", "skipped"}``. Raises ToyzError for files
    that cannot be shown; other errors (OSError on the cache) pass through.
    """
    identity = file_identity(image.real)
    marker = _marker(identity, hdu, plane)
    if (plane == 0 and _marker(identity, None).exists()) or marker.exists():
        summary = _read_marker(marker) or _read_marker(_marker(identity, None)) or {}
        return {"path": image.client, "hdus": [], "levels": 0, "tiles": 0, **summary, "skipped": True}
    summary = build_pyramid(image.real, hdu=hdu, plane=plane, cache_dir=settings.TOYZ_CACHE_DIR, progress=progress)
    _sweep_orphans(marker.parent)
    # Written last: a build killed halfway leaves no marker, and the next run resumes it.
    atomic_write_json(marker, summary)
    return {"path": image.client, **summary, "skipped": False}


def image_hdus(image: ResolvedPath) -> list[int]:
    """The HDUs of a file that pre-rendering builds one by one."""
    return api_image_hdus(image.real)


#: Eviction walks the whole cache: once one has run (in any process, on any node sharing the
#: cache), later calls within this many seconds do nothing.
EVICTION_INTERVAL_SECONDS = 60


def keep_cache_in_bounds() -> None:
    """Drop the least recently used pyramids until the cache is under TOYZ_CACHE_MAX_GB.

    Every finished pre-render calls this (a night's per-CCD tasks, thousands of them): the
    walk runs at most once per :data:`EVICTION_INTERVAL_SECONDS`, which ``.last-eviction`` in
    the cache records. ``manage.py toyz_cleanup`` evicts unconditionally.
    """
    root = Path(settings.TOYZ_CACHE_DIR)
    stamp = root / ".last-eviction"
    with contextlib.suppress(OSError):
        if time.time() - stamp.stat().st_mtime < EVICTION_INTERVAL_SECONDS:
            return
    root.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    evict_cache(root, settings.TOYZ_CACHE_MAX_BYTES)


def _sweep_orphans(folder: Path) -> None:
    """Delete the temporary files that killed builders left behind (hidden ``.*.tmp`` in the cache).

    Only those older than a pre-render task may live, so no running writer loses its file.
    """
    oldest = time.time() - (settings.TOYZ_PRERENDER_SOFT_TIME_LIMIT + 120)
    for leftover in folder.rglob(".*.tmp"):
        try:
            if leftover.stat().st_mtime < oldest:
                leftover.unlink()
        except FileNotFoundError:
            continue  # renamed into place or swept by another process meanwhile


def _read_marker(marker: Path) -> dict[str, Any] | None:
    try:
        stored = json.loads(marker.read_bytes())
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) else None


def forget_prerender(image: ResolvedPath, hdu: int | None) -> None:
    """Delete the cached pyramid of a file (of one HDU, or all of it) so that it is built again."""
    identity = file_identity(image.real)
    base = Path(settings.TOYZ_CACHE_DIR) / identity
    # Markers first: no reader may trust a pyramid that is being deleted.
    _marker(identity, None).unlink(missing_ok=True)
    if hdu is not None:
        _marker(identity, hdu).unlink(missing_ok=True)
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
    # This process may hold the old levels and cuts in memory.
    clear_caches()


def find_images(
    user: User, folder: ResolvedPath, recursive: bool
) -> tuple[list[ResolvedPath], list[tuple[str, ToyzError]]]:
    """The image files in a folder (in its subfolders too when `recursive`), each checked for `user`.

    Returns the files the user may read, in path order, and the (path, error) of those refused
    (e.g. a symlink out of the data root). Hidden files and folders are left out.
    """
    base = PurePosixPath(folder.client)
    candidates: list[str] = []
    for current, dirs, files in os.walk(folder.real):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        relative = PurePosixPath(Path(current).relative_to(folder.real).as_posix())
        for name in sorted(files):
            if not name.startswith(".") and is_openable(name):
                candidates.append((base / relative / name).as_posix())
        if len(candidates) > MAX_PRERENDER_FILES:
            raise ToyzError(
                "bad_path", f"That folder holds more than {MAX_PRERENDER_FILES} images; choose a smaller one."
            )
    found: list[ResolvedPath] = []
    refused: list[tuple[str, ToyzError]] = []
    for client in candidates:
        try:
            found.append(resolve(user, client, Right.READ))
        except ToyzError as exc:
            refused.append((client, exc))
    return found, refused
