"""What the imaging endpoints and jobs share: path checks around the numeric core."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.files.errors import PathError
from apps.files.permissions import Right, User
from apps.files.resolver import ResolvedPath, resolve
from workers.imaging import RenderParams, default_cuts, describe, file_identity, pixel_at, raw_tile, render_tile


def open_image(user: User, raw_path: object) -> ResolvedPath:
    """Resolve a path the user may read and that is a file."""
    resolved = resolve(user, raw_path, Right.READ)
    if not resolved.real.is_file():
        raise PathError("bad_path", "That is a folder, not an image file.")
    return resolved


def describe_image(image: ResolvedPath, hdu: int | None, plane: int) -> dict[str, Any]:
    description = describe(image.real, hdu=hdu, plane=plane, cache_dir=settings.TOYZ_CACHE_DIR)
    return {"path": image.client, **description}


def pixel(image: ResolvedPath, hdu: int, plane: int, x: float, y: float) -> dict[str, Any]:
    return pixel_at(image.real, hdu=hdu, plane=plane, x=x, y=y, cache_dir=settings.TOYZ_CACHE_DIR)


def tile_params(image: ResolvedPath, hdu: int, plane: int, query: dict[str, str]) -> RenderParams:
    # Limits default to zscale only when a URL leaves them out; the viewer always sends them.
    needs_defaults = "lo" not in query or "hi" not in query
    cuts = default_cuts(image.real, hdu=hdu, plane=plane, cache_dir=settings.TOYZ_CACHE_DIR) if needs_defaults else {}
    return RenderParams.from_query(query, cuts.get("zscale", (0.0, 1.0)))


def tile_bytes(image: ResolvedPath, *, hdu: int, plane: int, level: int, x: int, y: int, params: RenderParams) -> bytes:
    return render_tile(
        image.real, hdu=hdu, plane=plane, level=level, x=x, y=y, params=params, cache_dir=settings.TOYZ_CACHE_DIR
    )


def raw_tile_bytes(image: ResolvedPath, *, hdu: int, plane: int, level: int, x: int, y: int) -> bytes:
    return raw_tile(image.real, hdu=hdu, plane=plane, level=level, x=x, y=y, cache_dir=settings.TOYZ_CACHE_DIR)


def identity(image: ResolvedPath) -> str:
    return file_identity(image.real)
