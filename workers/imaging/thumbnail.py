"""Small pictures of whole images, for lists and tables (a night's table has a ``thumbnail`` column).

A thumbnail is the coarsest pyramid level (at most 256 pixels a side, a single tile) rendered with the
default zscale cuts, cropped to the image and shrunk to fit a square of ``size`` pixels. For an exposure
whose CCDs are placed by DETSEC it is the focal-plane mosaic (a preview from a sample when the mosaic is
not built: it is then not stored). Stored as ``<cache>/<identity>/thumbnail-<size>.png``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PIL import Image

from workers.errors import ToyzError

from .cache import atomic_write_bytes, examine, touch_used
from .describe import describe
from .render import RenderParams
from .tiles import TileAddress, fetch_tile

#: The sides a thumbnail may have (pixels).
MIN_SIZE: Final = 16
MAX_SIZE: Final = 256


@dataclass(frozen=True)
class Thumbnail:
    """A PNG thumbnail; ``preview`` when made from a sample of a mosaic not built yet (not stored)."""

    data: bytes
    identity: str
    preview: bool


def thumbnail(path: Path, *, size: int, cache_dir: Path) -> Thumbnail:
    """Render (or fetch from the cache) a PNG of the whole image fitting in ``size`` × ``size`` pixels.

    Parameters
    ----------
    path : Path
        The file, resolved and checked by the caller.
    size : int
        The longest side of the thumbnail, in pixels (16 to 256); the aspect ratio is kept.
    cache_dir : Path
        Root of the pyramid cache.

    Returns
    -------
    Thumbnail
        PNG bytes (RGBA, gray colormap, linear stretch between the zscale cuts; north as the
        image's rows run, y up as in the viewer).

    Raises
    ------
    ToyzError
        ``bad_params`` for a size out of range; the errors of :func:`~workers.imaging.describe`.
    """
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ToyzError("bad_params", f"A thumbnail is {MIN_SIZE} to {MAX_SIZE} pixels a side.")
    identity = examine(path).identity
    stored = cache_dir / identity / f"thumbnail-{size}.png"
    if stored.is_file():
        touch_used(cache_dir, identity)
        return Thumbnail(stored.read_bytes(), identity, preview=False)
    description = describe(path, cache_dir=cache_dir)
    hdu = description["hdu"]
    levels = next(info["levels"] for info in description["hdus"] if info["index"] == hdu)
    # The coarsest level is at most 256 pixels a side: one tile holds the whole image.
    where = TileAddress(hdu=hdu, plane=0, level=max(levels - 1, 0), x=0, y=0)
    tile = fetch_tile(path, where, RenderParams.create(fmt="png"), allow_preview=True, cache_dir=cache_dir)
    picture = Image.open(io.BytesIO(tile.data)).convert("RGBA")
    # The level fills only part of its tile; the rest is transparent.
    box = picture.getchannel("A").getbbox()
    if box is not None:
        picture = picture.crop(box)
    picture.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    if not tile.preview:
        stored.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(stored, data)
    return Thumbnail(data, tile.identity, preview=tile.preview)
