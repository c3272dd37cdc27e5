"""Pyramid tiles: rendered (PNG, JPEG, WebP) and raw (float32 values), and the one call per request.

Every function takes a real filesystem path (already resolved and checked by the caller) and
raises only :class:`~workers.errors.ToyzError` for bad input.
"""

from __future__ import annotations

import contextlib
import gzip
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from workers.errors import ToyzError

from .cache import (
    Examined,
    atomic_write_bytes,
    examine,
    is_prerendered,
    plane_dir,
    raw_tile_path,
    tile_path,
    touch_used,
)
from .describe import View, plane_stats, select_view
from .mosaic import MOSAIC_HDU, Mosaic, mosaic_tile, needs_building
from .pyramid import check_tile, coarse_enough, read_tile
from .reading import FloatArray, OpenedFile, opened
from .render import RenderParams, render_array

#: The media type of each rendered format.
MEDIA_TYPES: Final = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
#: The media type of raw tiles (256×256 little-endian float32).
RAW_MEDIA_TYPE: Final = "application/octet-stream"
#: The rendering key of raw tiles (in ETags and signed scopes); a real rendering key is 16 hex digits.
RAW_KEY: Final = "raw"
#: gzip level of raw tiles, stored or sent: level 6 shrinks float noise by a few percent more at 3× the time.
RAW_GZIP_LEVEL: Final = 1


@dataclass(frozen=True)
class TileAddress:
    """Where a pyramid tile is: ``hdu`` (-1 for the mosaic), cube ``plane``, pyramid ``level``
    (0 = full resolution) and tile column ``x`` and row ``y`` at that level (``y = 0`` at the bottom)."""

    hdu: int
    plane: int
    level: int
    x: int
    y: int


@dataclass(frozen=True)
class Tile:
    """One pyramid tile as served: its bytes, the source file's identity when it was read, whether
    it is a mosaic preview (never to be stored), its media type, and the key of the rendering it
    was made with (``"raw"``, or :meth:`RenderParams.key` with the default cuts filled in)."""

    data: bytes
    identity: str
    preview: bool
    media_type: str
    key: str
    #: True when the caller already held this tile (``unchanged``): ``data`` is empty.
    not_modified: bool = False
    #: The tile's file in the cache folder, when it came from one already on disk (pre-rendered);
    #: with ``fetch_tile(load=False)`` its bytes are not read and ``data`` is empty.
    file: Path | None = None
    #: ``"gzip"`` when ``data`` (and ``file``) is gzip-compressed: raw tiles stored in the cache.
    encoding: str | None = None

    @property
    def cached(self) -> bool:
        """Whether the tile came from a file already on disk (nothing was rendered)."""
        return self.file is not None


def tile_data(
    f: OpenedFile, src: View, level: int, x: int, y: int, cache_dir: Path, *, preview: bool = False
) -> FloatArray:
    """Tile ``(level, x, y)`` of ``src`` as 256×256 float32, row 0 the lowest ``y`` (previews only for the mosaic)."""
    if isinstance(src, Mosaic):
        check_tile(src, level, x, y)
        return mosaic_tile(f, src, level, x, y, cache_dir, preview=preview)
    return read_tile(f, src, level, x, y, cache_dir)


def render(f: OpenedFile, src: View, data: FloatArray, params: RenderParams, cache_dir: Path) -> bytes:
    """Encode tile values with ``params`` (histogram equalisation uses the view's sample quantiles)."""
    quantiles: Sequence[float] = ()
    if params.stretch == "histeq" and src.bands == 1:
        quantiles = plane_stats(f, src, cache_dir)[1]
    return render_array(data, params, quantiles)


def _on_disk(file: Path, load: bool) -> bytes | None:
    """The bytes of tile file ``file`` (``b""`` when not ``load``: only whether it is there), or None."""
    try:
        if load:
            return file.read_bytes()
        return b"" if file.is_file() else None
    except OSError:
        return None


def _stored(seen: Examined, path: Path, file: Path, cache_dir: Path, load: bool) -> tuple[Path, bytes] | None:
    """Return tile file ``file`` and its bytes when it is in the cache (pre-rendered by
    :func:`~workers.imaging.build.build_pyramid`, or a raw tile stored when first sent), or None,
    without opening the image (the bytes are empty when not ``load``).

    The cache folder is named after the identity (a ``stat``), so a changed file never finds the
    tiles of its former contents; tiles appear atomically and only for tiles that exist, so one
    found there needs no check against the file. Paths that do not resolve to themselves are left
    to :func:`~workers.imaging.files.opened`, which refuses them.
    """
    if seen.real != os.path.abspath(path):
        return None
    data = _on_disk(file, load)
    if data is None:
        return None
    touch_used(cache_dir, seen.identity)
    return file, data


def raw_gzip(data: bytes) -> bytes:
    """The gzip stream of a raw tile's bytes as stored and sent (no timestamp: equal tiles, equal bytes)."""
    return gzip.compress(data, RAW_GZIP_LEVEL, mtime=0)


def _store_raw(file: Path, data: bytes) -> bytes:
    """Store a raw tile's bytes gzip-compressed at ``file``; return the compressed bytes."""
    packed = raw_gzip(data)
    # A full or read-only cache must not break reading: the tile is sent all the same.
    with contextlib.suppress(OSError):
        atomic_write_bytes(file, packed)
    return packed


def raw_values(data: FloatArray) -> bytes:
    """A raw tile's bytes: 256×256 little-endian float32, first row the highest ``y``, NaN for ±inf."""
    with np.errstate(invalid="ignore"):
        data = np.where(np.isfinite(data), data, np.nan)
    return np.ascontiguousarray(data[::-1], dtype="<f4").tobytes()


def fetch_tile(
    path: Path,
    where: TileAddress,
    params: RenderParams | None,
    *,
    allow_preview: bool,
    cache_dir: Path,
    unchanged: Callable[[str, str], bool] | None = None,
    seen: Examined | None = None,
    load: bool = True,
    store_raw: bool = False,
) -> Tile:
    """Return one tile of the pyramid, rendered with ``params`` or raw (``params`` None).

    Parameters
    ----------
    path : Path
        The file, resolved and checked by the caller. It is examined (one ``stat``) once: that
        identity names the cache folder, keys the opened file and comes back in the tile.
    where : TileAddress
        Tile ``(x, y)`` of ``level`` covers level pixels ``[256 x, 256 x + 256) × [256 y, 256 y + 256)``,
        ``y = 0`` at the bottom.
    params : RenderParams or None
        Stretch, limits, colormap and format; a missing ``lo`` or ``hi`` is the view's ``zscale``
        cut. None for the raw values.
    allow_preview : bool
        The caller takes a preview for a tile of the mosaic's coarse levels whose CCD levels are
        not built yet (and the mosaic is not pre-rendered): previews are quick, marked
        (``preview``) and never stored; otherwise those levels are built first.
    cache_dir : Path
        Root of the pyramid cache.
    unchanged : callable, optional
        ``unchanged(identity, key)`` says whether the caller already holds the tile of that file
        identity and rendering key (an HTTP revalidation): then nothing is read or rendered and
        the tile comes back empty with ``not_modified``. Never asked for a preview.
    seen : Examined, optional
        What the caller's own ``stat`` of ``path`` said a moment ago (:func:`examine` otherwise).
    load : bool
        Read the bytes of a tile found as a file in the cache (``tile.file``). False: leave
        ``data`` empty for such a tile, the caller sends the file itself (nginx's X-Accel-Redirect);
        a tile rendered now still comes with its bytes.
    store_raw : bool
        Store a raw tile read from the levels now (never a preview) gzip-compressed in the cache
        (:func:`~workers.imaging.cache.raw_tile_path`), for the next request or for nginx to send; it
        comes back compressed (``encoding`` ``"gzip"``), as a stored one found there always does.

    Returns
    -------
    Tile
        Rendered: a 256×256 picture whose first row is the tile's highest ``y``; NaN, ±inf and
        the padding are transparent (black in JPEG); a tile pre-rendered with the same
        parameters comes from the cache without opening the file. Raw: 256×256 little-endian
        float32 values, row-major in the same orientation, NaN for blanks and padding (float64
        data and integers beyond 2**24 rounded to float32).

    Raises
    ------
    ToyzError
        ``bad_params`` for a level or tile outside the pyramid; ``unsupported`` for raw tiles
        of colour pictures; ``bad_hdu``, ``bad_plane``, ``not_found``, ``unreadable``.
    """
    seen = seen or examine(path)
    media_type = RAW_MEDIA_TYPE if params is None else MEDIA_TYPES[params.fmt]
    known = params is None or params.has_cuts
    # A tile that could be a preview (a mosaic's) must be looked at first: a preview has an ETag of its own.
    if known and unchanged is not None and not (allow_preview and where.hdu == MOSAIC_HDU):
        key = RAW_KEY if params is None else params.key()
        if unchanged(seen.identity, key):
            return Tile(b"", seen.identity, False, media_type, key, not_modified=True)
    folder = plane_dir(cache_dir, seen.identity, where.hdu, where.plane)  # as ImagePlane.folder and Mosaic.folder
    if params is None:
        raw_file = raw_tile_path(folder, where.level, where.x, where.y)
        stored = _stored(seen, path, raw_file, cache_dir, load)
        if stored is not None:
            return Tile(stored[1], seen.identity, False, media_type, RAW_KEY, file=stored[0], encoding="gzip")
    elif params.has_cuts:
        file = tile_path(folder, params.key(), where.level, where.x, where.y, params.fmt)
        stored = _stored(seen, path, file, cache_dir, load)
        if stored is not None:
            return Tile(stored[1], seen.identity, False, media_type, params.key(), file=stored[0])
    # Only coarse tiles of a mosaic not yet pre-rendered (one marker stat) can be previews.
    may_preview = (
        allow_preview
        and where.hdu == MOSAIC_HDU
        and coarse_enough(where.level)
        and not is_prerendered(cache_dir, seen.identity, where.hdu)
    )
    with opened(path, seen=seen) as f:
        touch_used(cache_dir, f.identity)
        src = select_view(f, where.hdu, where.plane)
        if params is None and src.bands != 1:
            raise ToyzError("unsupported", "Raw tiles exist only for single-band images; use rendered tiles.")
        check_tile(src, where.level, where.x, where.y)
        preview = (
            may_preview and isinstance(src, Mosaic) and needs_building(src, where.level, where.x, where.y, cache_dir)
        )
        if params is None:
            raw = raw_values(tile_data(f, src, where.level, where.x, where.y, cache_dir, preview=preview))
            if store_raw and not preview:
                packed = _store_raw(raw_tile_path(src.folder(cache_dir), where.level, where.x, where.y), raw)
                return Tile(packed, seen.identity, False, media_type, RAW_KEY, encoding="gzip")
            return Tile(raw, seen.identity, preview, media_type, RAW_KEY)
        if not params.has_cuts:
            params = params.with_default_cuts(plane_stats(f, src, cache_dir)[0]["zscale"])
            if unchanged is not None and not preview and unchanged(seen.identity, params.key()):
                return Tile(b"", seen.identity, False, media_type, params.key(), not_modified=True)
        file = tile_path(src.folder(cache_dir), params.key(), where.level, where.x, where.y, params.fmt)
        found = _on_disk(file, load)
        if found is not None:
            return Tile(found, seen.identity, False, media_type, params.key(), file=file)
        data = tile_data(f, src, where.level, where.x, where.y, cache_dir, preview=preview)
        return Tile(render(f, src, data, params, cache_dir), seen.identity, preview, media_type, params.key())


def tile_rendering(
    path: Path, *, hdu: int, plane: int, params: RenderParams, cache_dir: Path, seen: Examined | None = None
) -> tuple[str, RenderParams]:
    """Return the file's identity and ``params`` as its tiles are rendered and stored with them.

    What names a rendering's pre-rendered tiles: ``tile_path(plane_dir(cache_dir, identity, hdu,
    plane), params.key(), ...)``. A missing ``lo`` or ``hi`` is the view's ``zscale`` cut.

    Raises
    ------
    ToyzError
        ``bad_hdu``, ``bad_plane``, ``not_found``, ``unreadable``, as :func:`fetch_tile`.
    """
    seen = seen or examine(path)
    with opened(path, seen=seen) as f:
        src = select_view(f, hdu, plane)
        if not params.has_cuts:
            params = params.with_default_cuts(plane_stats(f, src, cache_dir)[0]["zscale"])
    return seen.identity, params


def raw_tile_identity(path: Path, *, hdu: int, plane: int, seen: Examined | None = None) -> str:
    """Return the file's identity when ``hdu`` and ``plane`` have raw tiles (what names them in the cache).

    Raises
    ------
    ToyzError
        ``unsupported`` for colour pictures; ``bad_hdu``, ``bad_plane``, ``not_found``, ``unreadable``,
        as :func:`fetch_tile`.
    """
    seen = seen or examine(path)
    with opened(path, seen=seen) as f:
        if select_view(f, hdu, plane).bands != 1:
            raise ToyzError("unsupported", "Raw tiles exist only for single-band images; use rendered tiles.")
    return seen.identity


def render_tile(
    path: Path,
    *,
    hdu: int,
    plane: int,
    level: int,
    x: int,
    y: int,
    params: RenderParams,
    cache_dir: Path,
    preview: bool = False,
) -> bytes:
    """Return one encoded tile of the pyramid (:func:`fetch_tile`'s ``data``).

    Parameters
    ----------
    level : int
        Pyramid level (0 = full resolution; level ``k`` is binned ``2**k`` times).
    x, y : int
        Tile column and row at that level; tile ``(x, y)`` covers level pixels
        ``[256 x, 256 x + 256) × [256 y, 256 y + 256)``, ``y = 0`` at the bottom.
    params : RenderParams
        Stretch, limits, colormap and format.
    preview : bool
        Where :func:`tile_needs_building` says so, show previews of the levels not built yet
        (see :func:`~workers.imaging.mosaic.mosaic_tile`) rather than build them; such a tile
        is not stored and must not be kept by the client.

    Returns
    -------
    bytes
        As :func:`fetch_tile`.

    Raises
    ------
    ToyzError
        As :func:`fetch_tile`.
    """
    where = TileAddress(hdu=hdu, plane=plane, level=level, x=x, y=y)
    return fetch_tile(path, where, params, allow_preview=preview, cache_dir=cache_dir).data


def raw_tile(
    path: Path, *, hdu: int, plane: int, level: int, x: int, y: int, cache_dir: Path, preview: bool = False
) -> bytes:
    """Return one tile's data values for client-side rendering (:func:`fetch_tile` with no ``params``).

    Returns
    -------
    bytes
        256×256 little-endian float32 values, row-major, first row the tile's *highest* ``y``
        (the same orientation as a rendered tile); NaN for blank pixels and the padding.
        Values are float32: float64 data and integers beyond 2**24 are rounded to the nearest
        float32 (use :func:`~workers.imaging.pixel.pixel_at` for an exact readout).

    Raises
    ------
    ToyzError
        ``unsupported`` for colour pictures (their bands are not data values); otherwise as
        :func:`render_tile`.
    """
    where = TileAddress(hdu=hdu, plane=plane, level=level, x=x, y=y)
    found = fetch_tile(path, where, None, allow_preview=preview, cache_dir=cache_dir)
    # A raw tile stored in the cache is gzip-compressed there.
    return gzip.decompress(found.data) if found.encoding == "gzip" else found.data


def tile_needs_building(path: Path, *, hdu: int, plane: int, level: int, x: int, y: int, cache_dir: Path) -> bool:
    """Whether the tile needs levels that are not built yet and can be previewed meanwhile:
    the coarse levels of a mosaic whose CCDs have no pyramid yet (seconds of work for a
    DECam exposure, against a fraction of a second for the preview)."""
    if hdu != MOSAIC_HDU or not coarse_enough(level):
        return False  # without opening the file
    with opened(path) as f:
        src = select_view(f, hdu, plane)
        check_tile(src, level, x, y)
        assert isinstance(src, Mosaic)
        return needs_building(src, level, x, y, cache_dir)
