"""The tile pyramid: level sizes, NaN-aware 2×2 binning, tile regions and the level cache.

Level 0 is full resolution; level ``k`` is level ``k - 1`` binned 2×2 with a NaN-aware mean (a
trailing odd row or column is averaged alone), so it is ``ceil(w / 2**k)`` by
``ceil(h / 2**k)`` pixels. Tile ``(k, tx, ty)`` covers level-``k`` pixels
``[256 tx, 256 tx + 256) × [256 ty, 256 ty + 256)`` with ``y = 0`` at the bottom.

Levels ``k ≥ 1`` are float32 ``L<k>.npy`` files built once, lazily, from level ``k - 1`` in
horizontal strips (so memory stays bounded for huge images) and memory-mapped afterwards. Mapping
is safe for these, unlike for the user's files: they are our own cache files, written to a
temporary name and renamed into place, never truncated or rewritten while mapped.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

from . import reading
from .cache import atomic_npy, build_lock, level_path, load_npy
from .reading import (
    TILE_SIZE,
    FloatArray,
    ImagePlane,
    OpenedFile,
    band_rows,
    column_chunks,
    raster_level0,
    read_level0,
    read_region,
    to_float32,
)

#: Bytes of source rows binned at a time when a level is built.
STRIP_BYTES: Final = 64 * 1024 * 1024


def bin2x2(data: npt.NDArray[Any]) -> FloatArray:
    """Bin an image 2×2 with a NaN-aware mean.

    Parameters
    ----------
    data : numpy.ndarray
        ``[y, x]`` or ``[y, x, band]``. NaN and ±inf are ignored; a 2×2 block with no finite
        value gives NaN. A trailing odd row or column is averaged on its own.

    Returns
    -------
    numpy.ndarray
        float32, ``ceil(h / 2)`` by ``ceil(w / 2)`` (bands unchanged).
    """
    h, w = data.shape[:2]
    values = np.asarray(data, dtype=np.float32)
    odd = h % 2 or w % 2
    pad = [(0, h % 2), (0, w % 2)] + [(0, 0)] * (values.ndim - 2)
    with np.errstate(all="ignore"):
        # Fast path for finite data: the sum of the four quarters. A repeated trailing odd row
        # or column is averaged on its own, exactly as below (doubling is exact). Any NaN, inf
        # or overflow makes the sum non-finite, and then the NaN-aware mean decides.
        total = _quarter_sum(np.pad(values, pad, mode="edge") if odd else values)
        if np.isfinite(total).all():
            total *= np.float32(0.25)
            return total
        del total
        if odd:
            values = np.pad(values, pad, constant_values=np.nan)
        finite = np.isfinite(values)
        sums = _quarter_sum(np.where(finite, values, np.float32(0)))
        counts = _quarter_sum(finite.astype(np.float32))
        out: FloatArray = (sums / counts).astype(np.float32, copy=False)
    return out


def _quarter_sum(values: FloatArray) -> FloatArray:
    """Return ``(a + b) + (c + d)`` over each 2×2 block (one fixed order, so both paths of
    :func:`bin2x2` round alike)."""
    total: FloatArray = values[0::2, 0::2] + values[0::2, 1::2]
    total += values[1::2, 0::2] + values[1::2, 1::2]
    return total


def level_shape(width: int, height: int, level: int) -> tuple[int, int]:
    """Return (width, height) of ``level`` for a level-0 image of ``width`` × ``height``."""
    scale = 2**level
    return -(-width // scale), -(-height // scale)


def tile_counts(width: int, height: int, level: int) -> tuple[int, int]:
    """Return (columns, rows) of tiles at ``level``."""
    w, h = level_shape(width, height, level)
    return -(-w // TILE_SIZE), -(-h // TILE_SIZE)


class Extent(Protocol):
    """Anything with a pyramid: a :class:`~workers.imaging.reading.ImagePlane` or a mosaic."""

    @property
    def width(self) -> int: ...

    @property
    def height(self) -> int: ...

    @property
    def levels(self) -> int: ...


def check_tile(src: Extent, level: int, tx: int, ty: int) -> None:
    """Raise ``bad_params`` unless ``(level, tx, ty)`` is a tile of ``src``."""
    if not 0 <= level < src.levels:
        raise ToyzError(
            "bad_params",
            f"Level {level} does not exist; this image has {src.levels} level(s), numbered 0 to {src.levels - 1}",
        )
    nx, ny = tile_counts(src.width, src.height, level)
    if not (0 <= tx < nx and 0 <= ty < ny):
        raise ToyzError(
            "bad_params",
            f"Tile ({tx}, {ty}) is outside level {level}, which has {nx}×{ny} tiles (x 0 to {nx - 1}, y 0 to {ny - 1})",
        )


def _strip_rows(width: int, bands: int) -> int:
    """Rows of a level binned at a time: an even number, about STRIP_BYTES of float32."""
    rows = max(1, STRIP_BYTES // max(1, width * 4 * bands))
    return max(2, rows // 2 * 2)


def _level0_rows(src: ImagePlane) -> int:
    """Rows of level 0 read at a time: whole compression tiles, an even number (for binning),
    about STRIP_PIXELS unless one tile row is more (column chunks keep each read under it).

    A tile-compressed HDU is read a band of the band cache at a time (even-numbered bands):
    binning 256 rows that sit in the processor's cache is twice as fast as binning a whole CCD
    put together first, and gives the same level."""
    if src.packed:
        band = math.lcm(2, band_rows(src))
        if band * src.width <= reading.STRIP_PIXELS:
            return band
    unit = math.lcm(2, src.tile_rows)
    return max(unit, reading.STRIP_PIXELS // (src.width * src.bands) // unit * unit)


def _level0_strip(f: OpenedFile, src: ImagePlane, cache_dir: Path, y0: int, y1: int) -> FloatArray:
    """Level-0 rows ``[y0, y1)`` at full width, read in column chunks of at most STRIP_PIXELS."""
    chunks = column_chunks(src, y1 - y0)
    if len(chunks) == 1:
        return read_level0(f, src, cache_dir, y0, y1, 0, src.width)
    strip = np.empty((y1 - y0, src.width) + ((src.bands,) if src.bands > 1 else ()), np.float32)
    for x0, x1 in chunks:
        strip[:, x0:x1] = read_level0(f, src, cache_dir, y0, y1, x0, x1)
    return strip


def _write_level0(f: OpenedFile, src: ImagePlane, cache_dir: Path, target: Path) -> None:
    shape = (src.height, src.width) + ((src.bands,) if src.bands > 1 else ())
    rows = _level0_rows(src)
    with atomic_npy(target, shape, np.float32) as out:
        for y0 in range(0, src.height, rows):
            out.append(_level0_strip(f, src, cache_dir, y0, min(y0 + rows, src.height)))


def _write_binned(
    read: Callable[[int, int], FloatArray], src: ImagePlane, level: int, target: Path, rows: int | None = None
) -> None:
    pw, ph = level_shape(src.width, src.height, level - 1)
    w, h = level_shape(src.width, src.height, level)
    shape = (h, w) + ((src.bands,) if src.bands > 1 else ())
    rows = rows or _strip_rows(pw, src.bands)
    with atomic_npy(target, shape, np.float32) as out:
        for y0 in range(0, ph, rows):
            out.append(bin2x2(read(y0, min(y0 + rows, ph))))


def level_array(f: OpenedFile, src: ImagePlane, level: int, cache_dir: Path) -> npt.NDArray[Any]:
    """Return level ``level`` as a memory-mapped array, building it (and its parents) if needed.

    Only for levels ≥ 1, and for level 0 of planes in :attr:`ImagePlane.level0_cached`
    (streams: decompressed into ``L0.npy``; pictures: decoded into ``L0.npy``).
    Concurrent builders of the same level wait on a file lock; the level appears atomically.
    """
    if level == 0:
        if src.format == "raster":
            return raster_level0(f, cache_dir)
        if not src.level0_cached:
            raise ValueError("level 0 of an uncompressed FITS HDU is read with sections")
    target = level_path(src.folder(cache_dir), level)
    arr = load_npy(target)
    if arr is not None:
        return arr
    read: Callable[[int, int], FloatArray] | None = None
    rows = None
    if level == 1 and not src.level0_cached:
        read = lambda y0, y1: _level0_strip(f, src, cache_dir, y0, y1)  # noqa: E731
        rows = _level0_rows(src)
    elif level >= 1:
        # The parent first, outside this level's lock, so locks are always taken top-down.
        parent = level_array(f, src, level - 1, cache_dir)
        read = lambda y0, y1: np.asarray(parent[y0:y1], dtype=np.float32)  # noqa: E731
    with build_lock(target):
        arr = load_npy(target)
        if arr is None:
            if read is None:
                _write_level0(f, src, cache_dir, target)
            else:
                _write_binned(read, src, level, target, rows)
            arr = load_npy(target)
    if arr is None:
        # Never a server path in a message that reaches users.
        raise ToyzError("unreadable", f"Could not store level {level} of this image in the cache; try again")
    return arr


def read_level_region(
    f: OpenedFile, src: ImagePlane, level: int, cache_dir: Path, y0: int, y1: int, x0: int, x1: int
) -> FloatArray:
    """Return pixels ``[y0:y1, x0:x1]`` of level ``level`` as float32 (NaN for blanks).

    Level 0 is read in place (a ``pread``, a section of a compressed HDU, or ``L0.npy``), except
    for gzip/bzip2/zip streams, whose level 0 is decompressed once into ``L0.npy`` first:
    reading a stream out of order decompresses it again from the start.
    """
    if level == 0 and not src.stream:
        return read_level0(f, src, cache_dir, y0, y1, x0, x1)
    return np.asarray(level_array(f, src, level, cache_dir)[y0:y1, x0:x1], dtype=np.float32)


def read_tile(f: OpenedFile, src: ImagePlane, level: int, tx: int, ty: int, cache_dir: Path) -> FloatArray:
    """Return tile ``(level, tx, ty)`` as a 256×256 float32 array padded with NaN.

    Row 0 of the result is the tile's *lowest* ``y`` (flip it for display). Level 0 is read
    directly (a section read, or ``L0.npy`` when it exists); higher levels come from their
    ``L<k>.npy``, built on first use.

    Raises
    ------
    ToyzError
        ``bad_params`` for a level or tile outside the pyramid.
    """
    check_tile(src, level, tx, ty)
    w, h = level_shape(src.width, src.height, level)
    x0, y0 = tx * TILE_SIZE, ty * TILE_SIZE
    x1, y1 = min(x0 + TILE_SIZE, w), min(y0 + TILE_SIZE, h)
    out = np.full((TILE_SIZE, TILE_SIZE) + ((src.bands,) if src.bands > 1 else ()), np.nan, np.float32)
    out[: y1 - y0, : x1 - x0] = read_level_region(f, src, level, cache_dir, y0, y1, x0, x1)
    return out


#: Coarsest level shown from a preview instead of its built level: previews read one row in
#: ``2**level``, so below this they would save little.
PREVIEW_MIN_LEVEL: Final = 3


def level_built(src: ImagePlane, level: int, cache_dir: Path) -> bool:
    """Whether level ``level`` of ``src`` can be read without building anything first.

    Levels beyond the plane's own pyramid (a CCD in a mosaic's coarse levels) are binned on
    from its top level, so they count as built once that is.
    """
    level = min(level, src.levels - 1)
    if level == 0 and not src.level0_cached:
        return True
    return level_path(src.folder(cache_dir), level).exists()


def previewable(src: ImagePlane) -> bool:
    """Whether :func:`preview_level` can read ``src``: FITS images, not in a gzip/bzip2/zip stream."""
    return src.format == "fits" and not src.stream and src.bands == 1


def coarse_enough(level: int) -> bool:
    """Whether tiles of ``level`` are coarse enough to be shown from previews."""
    return level >= PREVIEW_MIN_LEVEL


def can_preview(src: ImagePlane, level: int) -> bool:
    """Whether :func:`preview_level` stands in for level ``level`` of ``src`` when it is not built."""
    return previewable(src) and coarse_enough(level)


def preview_level(f: OpenedFile, src: ImagePlane, level: int) -> FloatArray:
    """Return a quick stand-in for level ``level``: each pixel is the mean of the ``2**level``
    level-0 pixels of the first row of its block (rather than of the whole block).

    Only one row in ``2**level`` is read (for a tile-compressed HDU, decompressed): a DECam CCD
    at level 5 costs 9 ms against 230 ms for its whole level 0. The preview is kept with the
    opened file, never in the cache: it is shown until the real level is built.
    """
    key = f"preview:{src.hdu}:{src.plane}:{level}"
    with f.lock:
        found: FloatArray | None = f.memo.get(key)
    if found is not None:
        return found
    scale = 2**level
    width, height = level_shape(src.width, src.height, level)
    if src.compressed:
        rows = to_float32(f.section(src.hdu, src.lead, 0, src.height, 0, src.width, step=scale))
    else:
        rows = np.concatenate([read_region(f, src, y, y + 1, 0, src.width) for y in range(0, src.height, scale)])
    padded = np.full((height, width * scale), np.nan, np.float32)
    padded[:, : src.width] = rows
    blocks = padded.reshape(height, width, scale)
    finite = np.isfinite(blocks)
    counts = finite.sum(axis=2)
    sums = np.where(finite, blocks, 0).sum(axis=2, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        found = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan).astype(np.float32)
    with f.lock:
        f.remember(key, found)
    return found


def levels_to_build(src: ImagePlane) -> list[int]:
    """The levels that :func:`build_levels` writes: 1 .. n-1, plus 0 for cached-L0 planes."""
    first = 0 if src.level0_cached else 1
    return list(range(first, src.levels))


def build_levels(
    f: OpenedFile, src: ImagePlane, cache_dir: Path, on_level: Callable[[int], None] | None = None
) -> None:
    """Build every float level of ``src`` that is missing, calling ``on_level(k)`` after each."""
    for level in levels_to_build(src):
        level_array(f, src, level, cache_dir)
        if on_level is not None:
            on_level(level)
