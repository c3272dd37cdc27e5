"""What the imaging endpoints and jobs share: path checks around the numeric core, and its settings."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings

from apps.files.services import ResolvedPath, Right, User, has_right, resolve
from apps.jobs import services as jobs
from workers.errors import ToyzError
from workers.imaging import (
    RAW_KEY,
    RenderParams,
    Tile,
    TileAddress,
    describe,
    fetch_tile,
    file_identity,
    is_openable,
    keep_in_bounds,
    pixel_at,
    raw_tile_identity,
    sky_to_pixel,
    tile_rendering,
)
from workers.imaging import (
    forget_prerender as core_forget_prerender,
)
from workers.imaging import (
    image_hdus as core_image_hdus,
)
from workers.imaging import is_prerendered as core_is_prerendered
from workers.imaging import (
    prerender as core_prerender,
)
from workers.imaging.cache import examined
from workers.imaging.project import PixelOrigin, Placed, pixels_to_viewer, world_to_viewer
from workers.imaging.skygrid import sky_grids
from workers.imaging.thumbnail import Thumbnail
from workers.imaging.thumbnail import thumbnail as core_thumbnail

from . import signing
from .catalogue import Catalogue, check_catalogue, load_catalogue

MAX_PRERENDER_FILES = 10_000


def open_image(user: User, raw_path: object) -> ResolvedPath:
    """Resolve a path the user may read and that is a file."""
    resolved = resolve(user, raw_path, Right.READ)
    # Anything else that is not a regular file is refused by the core when it examines the file.
    if resolved.is_dir:
        raise ToyzError("bad_path", "That is a folder, not an image file.")
    return resolved


def describe_image(image: ResolvedPath, hdu: int | None, plane: int) -> dict[str, Any]:
    description = describe(image.real, hdu=hdu, plane=plane, cache_dir=settings.TOYZ_CACHE_DIR)
    return {"path": image.client, **description, "signed_tiles": settings.TOYZ_SIGNED_TILES}


def pixel(image: ResolvedPath, hdu: int, plane: int, x: float, y: float) -> dict[str, Any]:
    return dict(pixel_at(image.real, hdu=hdu, plane=plane, x=x, y=y, cache_dir=settings.TOYZ_CACHE_DIR))


def sky_pixel(image: ResolvedPath, hdu: int, plane: int, ra: float, dec: float) -> dict[str, Any]:
    return dict(sky_to_pixel(image.real, hdu=hdu, plane=plane, ra=ra, dec=dec))


def sky_transform(image: ResolvedPath, hdu: int, plane: int) -> tuple[str, dict[str, Any]]:
    """The image's WCS sampled for the client (``workers.imaging.skygrid``) and the file's identity."""
    identity = file_identity(image.real)
    return identity, _sky_transform(str(image.real), identity, hdu, plane)


@functools.lru_cache(maxsize=64)
def _sky_transform(real: str, identity: str, hdu: int, plane: int) -> dict[str, Any]:
    # Keyed by the file's identity: a rewritten file is sampled again.
    return {"system": "icrs", "grids": [g.as_json() for g in sky_grids(Path(real), hdu=hdu, plane=plane)]}


def tile(
    image: ResolvedPath,
    where: TileAddress,
    params: RenderParams | None,
    *,
    allow_preview: bool,
    unchanged: Callable[[str, str], bool] | None = None,
    load: bool = True,
) -> Tile:
    """The tile at ``where``, rendered with ``params`` (None: raw values); one call into the core.

    ``allow_preview``: the client takes a mosaic preview for a coarse tile whose levels are not
    built yet (``tile.preview`` says so; it must not be stored). ``unchanged(identity, key)``:
    whether the client already holds that tile (then it is neither read nor rendered). ``load``
    False: a tile already on disk comes back as its ``file`` with empty ``data`` (nginx sends it).
    Behind nginx (``stores_raw_tiles``) a raw tile read from the levels is stored in the cache as it
    is sent, so that nginx sends it from then on.
    """
    # The resolver's stat gives the file's identity: a tile request stats its file once.
    seen = None if image.stat_result is None else examined(str(image.real), image.stat_result)
    return fetch_tile(
        image.real,
        where,
        params,
        allow_preview=allow_preview,
        cache_dir=settings.TOYZ_CACHE_DIR,
        unchanged=unchanged,
        seen=seen,
        load=load,
        store_raw=stores_raw_tiles(),
    )


def stores_raw_tiles() -> bool:
    """Whether raw tiles are stored in the cache when first sent: when nginx can send them
    (X-Accel-Redirect or signed tiles on); the embedded mode slices and compresses them each time."""
    return settings.TOYZ_ACCEL_REDIRECT is not None or settings.TOYZ_SIGNED_TILES


def tile_url(
    image: ResolvedPath, hdu: int, plane: int, params: RenderParams | None, session: str | None, *, now: float
) -> dict[str, Any]:
    """The URL template of one rendering's pyramid tiles (``params`` None: the raw tiles of the HDU's
    plane) for the user whose session cookie is ``session``.

    With ``TOYZ_SIGNED_TILES`` a ``/ts/`` template signed for ``TOYZ_SIGNED_TILE_SECONDS`` (see
    :mod:`apps.imaging.signing`), else the ``/tiles/`` one. The caller has checked the read right; the
    HDU and plane are checked here, and missing limits become the image's zscale cut, so that the
    template names the tiles a pre-render stored.
    """
    seen = None if image.stat_result is None else examined(str(image.real), image.stat_result)
    fields: dict[str, Any] = {"path": image.client, "hdu": hdu, "plane": plane}
    if params is None:
        identity = raw_tile_identity(image.real, hdu=hdu, plane=plane, seen=seen)
        fmt, key = "raw", RAW_KEY
    else:
        identity, params = tile_rendering(
            image.real, hdu=hdu, plane=plane, params=params, cache_dir=settings.TOYZ_CACHE_DIR, seen=seen
        )
        lo, hi = params.limits()
        fields.update(stretch=params.stretch, lo=repr(lo), hi=repr(hi), cmap=params.cmap, inv=int(params.invert))
        fmt, key = params.fmt, params.key()
    query = urlencode({**fields, "v": identity})
    if not settings.TOYZ_SIGNED_TILES:
        template = signing.plain_template(fmt, query)
        return {"signed": False, "template": template, "identity": identity, "expires": None, "lifetime": None}
    if not session:
        raise ToyzError("unauthenticated", "Signed tile URLs need the session cookie; sign in again.")
    lifetime = settings.TOYZ_SIGNED_TILE_SECONDS
    expires = signing.expiry(now, lifetime)
    scope = signing.tile_scope(identity, hdu, plane, key)
    sig = signing.signature(expires, scope, session, settings.TOYZ_TILE_SIGNING_KEY)
    return {
        "signed": True,
        "template": signing.signed_template(expires, sig, scope, fmt, query),
        "identity": identity,
        "expires": expires,
        "lifetime": expires - int(now),
    }


def accel_redirect(tile: Tile) -> str | None:
    """Where nginx finds ``tile`` (``X-Accel-Redirect``: TOYZ_ACCEL_REDIRECT + its path in the cache
    folder), or None when Django sends it: that setting off, or a tile not already on disk."""
    prefix = settings.TOYZ_ACCEL_REDIRECT
    if prefix is None or tile.file is None or tile.preview:
        return None
    # The core builds every tile path under the cache folder from hex names and numbers only.
    relative = tile.file.relative_to(settings.TOYZ_CACHE_DIR).as_posix()
    if tile.encoding == "gzip":
        # nginx names it as its URL (.raw); gzip_static there finds the stored .raw.gz.
        relative = relative.removesuffix(".gz")
    return prefix + quote(relative)


def thumbnail(image: ResolvedPath, size: int) -> Thumbnail:
    """A PNG of the whole image fitting in size × size pixels (cached beside its pyramid)."""
    return core_thumbnail(image.real, size=size, cache_dir=settings.TOYZ_CACHE_DIR)


# --- catalogues on the image ------------------------------------------------------------------


def check_overlay(user: User, table_path: object, image_path: object) -> tuple[ResolvedPath, ResolvedPath]:
    """Check the read right on both files (the table's first), opening neither: Django's sync thread."""
    return check_catalogue(user, table_path), open_image(user, image_path)


def load_overlay_catalogue(user: User, where: ResolvedPath, table: int) -> Catalogue:
    """Open the checked table (file work: the thread pool)."""
    return load_catalogue(user, where, table)


def overlay(
    catalogue: Catalogue,
    image: ResolvedPath,
    *,
    hdu: int,
    plane: int,
    sky: tuple[str, str] | None,
    pixel: tuple[str, str] | None,
    pixel_origin: PixelOrigin | None,
) -> Placed:
    """Place a catalogue's rows on an image: by the RA/Dec columns given, else the pixel columns given,
    else the RA/Dec columns found by name (when the image has a celestial WCS), else the pixel ones."""
    if sky is None and pixel is None:
        sky, pixel = catalogue.sky(), catalogue.pixel()
        if sky is None and pixel is None:
            raise ToyzError(
                "bad_params", "The table has no column named like RA/Dec or pixel x/y; choose the columns to place."
            )
    if sky is not None:
        ra, dec = (catalogue.column(name) for name in sky)
        try:
            return world_to_viewer(image.real, hdu=hdu, plane=plane, ra=ra, dec=dec)
        except ToyzError as exc:
            # Columns found by name: an image without a WCS may still take the pixel columns.
            if exc.code != "unsupported" or pixel is None:
                raise
    assert pixel is not None
    x, y = (catalogue.column(name) for name in pixel)
    origin = catalogue.origin_of(pixel[0]) if pixel_origin is None else pixel_origin
    return pixels_to_viewer(image.real, hdu=hdu, plane=plane, x=x, y=y, pixel_origin=origin)


# --- pre-rendering: the core keeps the markers; settings come from here -------------------------


def is_prerendered(image: ResolvedPath, hdu: int | None) -> bool:
    """Whether `build_pyramid` has completed for this file (every HDU when `hdu` is None)."""
    return core_is_prerendered(settings.TOYZ_CACHE_DIR, file_identity(image.real), hdu)


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
    summary = core_prerender(
        image.real,
        hdu=hdu,
        plane=plane,
        cache_dir=settings.TOYZ_CACHE_DIR,
        longest_task_seconds=settings.TOYZ_PRERENDER_SOFT_TIME_LIMIT,
        progress=progress,
    )
    return {"path": image.client, **summary}


def image_hdus(image: ResolvedPath) -> list[int]:
    """The HDUs of a file that pre-rendering builds one by one."""
    return core_image_hdus(image.real)


@dataclass(frozen=True)
class QueuedPrerender:
    """The Job rows of one file's unattended pre-render: the file's own, and those of its image HDUs
    queued before it (empty unless split)."""

    job_id: str
    parts: list[str] = field(default_factory=list)


def queue_prerender(user: User, image: ResolvedPath, hdu: int | None, *, split: bool) -> QueuedPrerender:
    """Start `imaging.prerender` of `hdu` of a file (None: all of it) for `user` as unattended bulk work.

    With `split` (for the workers of the distributed mode), a file with several image HDUs first gets one
    job per HDU not complete yet, so that several workers share one exposure; the file's own job then
    finds them built (and makes the mosaic and the completion marker). `toyz_prerender` and the folder
    watcher (`apps.watch`) queue files this way. Raises ToyzError as `apps.jobs.services.submit`.
    """
    parts = image_hdus(image) if split and hdu is None else []
    queued = []
    if len(parts) > 1:
        queued = [_submit_bulk(user, image, part) for part in parts if not is_prerendered(image, part)]
    return QueuedPrerender(job_id=_submit_bulk(user, image, hdu), parts=queued)


def _submit_bulk(user: User, image: ResolvedPath, hdu: int | None) -> str:
    return str(jobs.submit(user, "imaging.prerender", {"path": image.client, "hdu": hdu}, bulk=True).pk)


def keep_cache_in_bounds() -> None:
    """Drop the least recently used pyramids until the cache is under TOYZ_CACHE_MAX_GB.

    Every finished pre-render calls this; the core walks the cache at most once a minute
    (`workers.imaging.keep_in_bounds`). ``manage.py toyz_cleanup`` evicts unconditionally.
    """
    keep_in_bounds(Path(settings.TOYZ_CACHE_DIR), settings.TOYZ_CACHE_MAX_BYTES)


def forget_prerender(image: ResolvedPath, hdu: int | None) -> None:
    """Delete the cached pyramid of a file (of one HDU, or all of it) so that it is built again."""
    core_forget_prerender(image.real, hdu=hdu, cache_dir=settings.TOYZ_CACHE_DIR)


def find_images(
    user: User, folder: ResolvedPath, recursive: bool
) -> tuple[list[ResolvedPath], list[tuple[str, ToyzError]]]:
    """The image files in a folder (in its subfolders too when `recursive`), each checked for `user`.

    Returns the files the user may read, in path order, and the (path, error) of those refused
    (e.g. a symlink out of the data root). Hidden files and folders are left out, and so is what the
    user may not even list (a subfolder a none grant hides): its names must not reach them.
    """
    base = PurePosixPath(folder.client)
    candidates: list[str] = []
    for current, dirs, files in os.walk(folder.real):
        relative = base / PurePosixPath(Path(current).relative_to(folder.real).as_posix())
        visible = [d for d in sorted(dirs) if not d.startswith(".") and has_right(user, relative / d, Right.LIST)]
        dirs[:] = visible if recursive else []
        for name in sorted(files):
            if not name.startswith(".") and is_openable(name) and has_right(user, relative / name, Right.LIST):
                candidates.append((relative / name).as_posix())
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
