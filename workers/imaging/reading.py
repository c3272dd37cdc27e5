"""Reading level-0 pixels of one displayable plane: regions, single pixels and cut samples.

Pixel conventions (``docs/architecture.md``): ``x`` is the column (FITS axis 1), ``y`` the row
(FITS axis 2), both 0-based, ``y = 0`` is FITS row 1, the *bottom* row. Level-0 regions are
returned as numpy arrays indexed ``[y, x]`` (``[y, x, band]`` for colour pictures), row 0 first,
so the bottom of the image comes first. Pictures are flipped on decoding so that the same
convention holds.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache

from workers.errors import ToyzError

from . import raster
from .cache import atomic_npy, build_lock, level_path, load_npy, plane_dir
from .files import OpenedFile, RawLayout, clear_open_files, opened
from .hdus import TILE_SIZE, HduInfo, level_count

__all__ = [
    "SAMPLE_TARGET",
    "STRIP_PIXELS",
    "TILE_SIZE",
    "FloatArray",
    "HduInfo",
    "ImagePlane",
    "OpenedFile",
    "band_rows",
    "check_hdu",
    "clear_band_cache",
    "clear_open_files",
    "column_chunks",
    "first_image_hdu",
    "level_count",
    "opened",
    "raster_level0",
    "read_level0",
    "read_pixel",
    "read_region",
    "read_sample",
    "sample_grid",
    "select_plane",
    "to_float32",
]

#: Pixels read to compute cuts: about this many, from evenly strided rows and columns.
SAMPLE_TARGET: Final = 1_000_000
#: Most level-0 pixels read (and decompressed) by one call when a level or a sample is built,
#: unless a single compression tile is larger (those are capped by the HDU checks).
STRIP_PIXELS: Final = 16 * 1024 * 1024

FloatArray = npt.NDArray[np.float32]


def raster_level0(f: OpenedFile, cache_dir: Path) -> npt.NDArray[Any]:
    """Return level 0 of a picture, decoded once into ``L0.npy`` and memory-mapped.

    The array is ``[y, x]`` (grey, uint8 or float32) or ``[y, x, band]`` (RGB/RGBA, uint8),
    with ``y = 0`` the bottom row of the picture.
    """
    target = level_path(plane_dir(cache_dir, f.identity, 0, 0), 0)
    arr = load_npy(target)
    if arr is not None:
        return arr
    with build_lock(target):
        arr = load_npy(target)
        if arr is None:
            data = raster.decode_raster(f.real_path, f.name)
            with atomic_npy(target, data.shape, data.dtype) as out:
                out.append(data)
            arr = load_npy(target)
    assert arr is not None
    return arr


# --- image planes: one plane of one HDU ------------------------------------------------------------


@dataclass(frozen=True)
class ImagePlane:
    """One displayable plane: the (file, HDU, plane) that a pyramid is built for.

    ``lead`` indexes the leading (cube) axes of the HDU for ``plane`` (C order); ``tile_rows``
    and ``tile_cols`` are the shape of the compression tiles (1 and 1 when uncompressed).
    ``compressed`` is true for tile-compressed HDUs (decompressed by fitsio, rows at a time) and
    for every HDU of a gzip/bzip2/zip file (``stream``, read through astropy and decompressed
    once into ``L0.npy`` when its pyramid is built).
    """

    identity: str
    format: Literal["fits", "raster"]
    hdu: int
    plane: int
    width: int
    height: int
    bands: int
    compressed: bool
    lead: tuple[int, ...]
    tile_rows: int
    tile_cols: int = 1
    stream: bool = False

    @property
    def levels(self) -> int:
        """Number of pyramid levels."""
        return level_count(self.width, self.height)

    @property
    def level0_cached(self) -> bool:
        """True when level 0 lives in ``L0.npy`` once built: pictures and gzip/bzip2/zip streams,
        which cannot be sliced. Tile-compressed HDUs are read in place through the band cache
        (:func:`read_level0`): an ``L0.npy`` would make the cache 4× the ``.fz``."""
        return self.stream or self.format == "raster"

    @property
    def packed(self) -> bool:
        """True for a tile-compressed HDU read in place (not in a stream)."""
        return self.compressed and not self.stream

    def folder(self, cache_dir: Path) -> Path:
        """The cache folder of this image plane."""
        return plane_dir(cache_dir, self.identity, self.hdu, self.plane)


def first_image_hdu(f: OpenedFile) -> int | None:
    """Return the index of the first displayable image HDU, or None."""
    return next((i["index"] for i in f.infos if i["is_image"]), None)


def check_hdu(f: OpenedFile, hdu: int) -> HduInfo:
    """Return the info of HDU ``hdu``, raising ``bad_hdu`` when there is no such HDU."""
    if not 0 <= hdu < len(f.infos):
        raise ToyzError(
            "bad_hdu",
            f"HDU {hdu} does not exist; {f.name} has {len(f.infos)} HDU(s), numbered 0 to {len(f.infos) - 1}",
        )
    return f.infos[hdu]


def check_plane(info: HduInfo, plane: int) -> None:
    """Raise ``bad_plane`` unless ``plane`` is a plane of the image HDU ``info``."""
    if not 0 <= plane < info["planes"]:
        raise ToyzError(
            "bad_plane",
            f"Plane {plane} does not exist; HDU {info['index']} has {info['planes']} plane(s), "
            f"numbered 0 to {info['planes'] - 1}",
        )


def select_plane(f: OpenedFile, hdu: int, plane: int) -> ImagePlane:
    """Validate ``hdu`` and ``plane`` and return the :class:`ImagePlane` to read from.

    Raises
    ------
    ToyzError
        ``bad_hdu`` for a missing or non-displayable HDU (with its problem), ``too_large`` for
        an HDU beyond the size caps, ``bad_plane``.
    """
    info = check_hdu(f, hdu)
    if not info["is_image"]:
        raise ToyzError(f.codes.get(hdu, "bad_hdu"), f"HDU {hdu} cannot be shown: {info['problem']}")
    check_plane(info, plane)
    lead: tuple[int, ...] = ()
    tile_rows = tile_cols = 1
    if f.format == "fits":
        lead_shape = info["shape"][:-2]
        lead = tuple(int(i) for i in np.unravel_index(plane, lead_shape)) if lead_shape else ()
        tile_rows, tile_cols = f.tiles.get(hdu, (1, 1))
    return ImagePlane(
        identity=f.identity,
        format=f.format,
        hdu=hdu,
        plane=plane,
        width=info["width"],
        height=info["height"],
        bands=info["bands"],
        compressed=info["compressed"] or f.stream,
        stream=f.stream,
        lead=lead,
        tile_rows=max(1, tile_rows),
        tile_cols=max(1, min(tile_cols, info["width"])),
    )


def to_float32(raw: npt.NDArray[Any]) -> FloatArray:
    """Return ``raw`` as a new native float32 array with ±inf replaced by NaN."""
    out = np.asarray(raw, dtype=np.float32)
    if out is raw or not out.flags.writeable:
        out = out.copy()
    with np.errstate(all="ignore"):
        out[np.isinf(out)] = np.nan
    return out


def _scale(stored: npt.NDArray[Any], layout: RawLayout) -> FloatArray:
    """Apply BSCALE, BZERO and BLANK to stored values, giving float32."""
    if not layout.scaled:
        return to_float32(stored)
    # float32 is exact for 8/16-bit integers shifted by an integer (uint16 with BZERO).
    exact = stored.dtype.itemsize <= 2 and layout.bscale == 1 and float(layout.bzero).is_integer()
    values: npt.NDArray[np.floating[Any]] = stored.astype(np.float32 if exact else np.float64)
    with np.errstate(all="ignore"):
        if layout.bscale != 1:
            values *= layout.bscale
        if layout.bzero:
            values += layout.bzero
    if layout.blank is not None:
        values[stored == layout.blank] = np.nan
    return to_float32(values)


def read_region(f: OpenedFile, src: ImagePlane, y0: int, y1: int, x0: int, x1: int) -> FloatArray:
    """Read level-0 pixels ``[y0:y1, x0:x1]`` of a FITS image plane from the file itself.

    Uncompressed HDUs are read with ``pread`` and scaled here; tile-compressed HDUs go through
    fitsio and compressed streams through astropy (:meth:`OpenedFile.section`), which
    decompress only the compression tiles touched.
    """
    layout = f.raw.get(src.hdu)
    if layout is not None:
        return _scale(f.read_stored(src.hdu, src.plane, y0, y1, x0, x1), layout)
    return to_float32(f.section(src.hdu, src.lead, y0, y1, x0, x1))


def read_level0(f: OpenedFile, src: ImagePlane, cache_dir: Path, y0: int, y1: int, x0: int, x1: int) -> FloatArray:
    """Read level-0 pixels ``[y0:y1, x0:x1]`` (0-based, end exclusive, ``y = 0`` at the bottom).

    Uses ``L0.npy`` when it exists (pictures, streams after a pyramid build); tile-compressed
    HDUs go through the band cache (:func:`_packed_band`); otherwise :func:`read_region`.

    Returns
    -------
    numpy.ndarray
        float32 ``[y, x]`` (or ``[y, x, band]``), BZERO/BSCALE applied, ±inf turned into NaN.
    """
    if src.format == "raster":
        return to_float32(raster_level0(f, cache_dir)[y0:y1, x0:x1])
    if src.level0_cached:
        cached = load_npy(level_path(src.folder(cache_dir), 0))
        if cached is not None:
            return to_float32(cached[y0:y1, x0:x1])
    rows = band_rows(src)
    if src.packed and rows * src.width <= STRIP_PIXELS:
        first, last = y0 // rows, (y1 - 1) // rows
        bands = [_packed_band(f, src, b, rows) for b in range(first, last + 1)]
        whole = bands[0] if len(bands) == 1 else np.concatenate(bands)
        return whole[y0 - first * rows : y1 - first * rows, x0:x1]
    return read_region(f, src, y0, y1, x0, x1)


# --- the band cache: decompressed rows of tile-compressed HDUs -----------------------------------
#
# A 256×256 tile of an fpack'd CCD decompresses 256 whole rows (one-row compression tiles): the
# eight tiles across a DECam CCD, the level built from them and the mosaic's tiles would each
# decompress them again. Bands of whole rows are kept, least recently used first out, up to
# BAND_CACHE_BYTES per process: 64 MB holds two DECam CCDs (16 bands of 2 MB each).

#: Bytes of decompressed rows kept per process.
BAND_CACHE_BYTES: Final = 64 * 1024 * 1024
_bands_lock = threading.Lock()
_bands: LRUCache[tuple[str, int, int, int], FloatArray] = LRUCache(
    maxsize=BAND_CACHE_BYTES, getsizeof=lambda band: max(1, band.nbytes)
)


def band_rows(src: ImagePlane) -> int:
    """Rows of a band: 256, or the smallest multiple of the compression tile's rows above it."""
    return -(-TILE_SIZE // src.tile_rows) * src.tile_rows


def _packed_band(f: OpenedFile, src: ImagePlane, band: int, rows: int) -> FloatArray:
    """Rows ``[band × rows, (band + 1) × rows)`` of a tile-compressed HDU, whole width, from the cache."""
    key = (f.identity, src.hdu, src.plane, band)
    with _bands_lock:
        found = _bands.get(key)
    if found is not None:
        return found
    y0 = band * rows
    found = read_region(f, src, y0, min(y0 + rows, src.height), 0, src.width)
    found.setflags(write=False)  # shared by every reader
    with _bands_lock, contextlib.suppress(ValueError):  # a band above the whole budget is not kept
        _bands.setdefault(key, found)
    return found


def _cached_rows(f: OpenedFile, src: ImagePlane, y0: int, y1: int) -> FloatArray | None:
    """Level-0 rows ``[y0, y1)`` at full width if the band cache holds all of them, else None
    (nothing is decompressed)."""
    if not src.packed:
        return None
    rows = band_rows(src)
    keys = [(f.identity, src.hdu, src.plane, b) for b in range(y0 // rows, (y1 - 1) // rows + 1)]
    with _bands_lock:
        found = [_bands.get(key) for key in keys]
    bands = [band for band in found if band is not None]
    if len(bands) < len(keys):
        return None
    whole = np.concatenate(bands) if len(bands) > 1 else bands[0]
    first = keys[0][3] * rows
    return whole[y0 - first : y1 - first]


def clear_band_cache() -> None:
    """Forget every decompressed band."""
    with _bands_lock:
        _bands.clear()


def read_pixel(
    f: OpenedFile, src: ImagePlane, cache_dir: Path | None, col: int, row: int
) -> float | list[float] | None:
    """Return the value of level-0 pixel ``(col, row)`` exactly (None for NaN/inf/BLANK).

    Integers stay integers (BZERO added exactly, e.g. uint16 and uint32); floats are returned
    in double precision. Colour pictures give one value per band. Without ``cache_dir`` a
    picture is decoded in memory for this one read.
    """
    if src.format == "raster":
        if cache_dir is not None:
            px = np.asarray(raster_level0(f, cache_dir)[row, col])
        else:
            px = np.asarray(raster.decode_raster(f.real_path, f.name)[row, col])
        values = [float(v) for v in px.ravel()]
        return values if src.bands > 1 else values[0]
    layout = f.raw.get(src.hdu)
    if layout is None:
        raw = np.asarray(f.section(src.hdu, src.lead, row, row + 1, col, col + 1)).ravel()[0]
        value: float = int(raw) if isinstance(raw, np.integer) else float(raw)
    else:
        stored = f.read_stored(src.hdu, src.plane, row, row + 1, col, col + 1).ravel()[0]
        if layout.blank is not None and int(stored) == layout.blank:
            return None
        if stored.dtype.kind in "iu" and layout.bscale == 1 and float(layout.bzero).is_integer():
            value = int(stored) + int(layout.bzero)
        else:
            value = float(stored) * layout.bscale + layout.bzero
    return value if math.isfinite(value) else None


def sample_grid(width: int, height: int, target: int | None = None) -> tuple[int, int]:
    """Return (row_step, col_step) so that about ``target`` (default :data:`SAMPLE_TARGET`)
    pixels of a ``width`` × ``height`` image are sampled."""
    target = target or SAMPLE_TARGET
    total = width * height
    if total <= target:
        return 1, 1
    factor = total / target
    col_step = max(1, int(math.sqrt(factor)))
    row_step = max(1, math.ceil(factor / col_step))
    return row_step, col_step


def column_chunks(src: ImagePlane, rows: int, x0: int = 0, x1: int | None = None) -> list[tuple[int, int]]:
    """Split columns ``[x0, x1)`` (default: the width) into chunks of at most
    :data:`STRIP_PIXELS` for ``rows`` rows, cut at compression-tile boundaries (a chunk is
    never wider than needed to hold one tile)."""
    end = src.width if x1 is None else x1
    unit = src.tile_cols if src.compressed else 1
    per = max(unit, STRIP_PIXELS // max(1, rows) // unit * unit)
    edges = [x0, *range((x0 // per + 1) * per, end, per), end]
    return list(itertools.pairwise(edges))


#: A part of a source: columns ``[x0, x1)`` and rows ``[y0, y1)``, as ``(x0, x1, y0, y1)``.
Window = tuple[int, int, int, int]


def read_sample(
    f: OpenedFile, src: ImagePlane, cache_dir: Path, target: int | None = None, window: Window | None = None
) -> FloatArray:
    """Return about ``target`` (default :data:`SAMPLE_TARGET`) finite level-0 values from
    strided rows and columns of ``src`` (only of ``window`` when given).

    Rows are read lazily, one (or, for compressed HDUs, a run of rows) at a time and in
    column chunks, so one call never reads more than about :data:`STRIP_PIXELS`.
    """
    wx0, wx1, wy0, wy1 = window or (0, src.width, 0, src.height)
    row_step, col_step = sample_grid(wx1 - wx0, wy1 - wy0, target)
    first = wy0 + row_step // 2
    pieces: list[FloatArray] = []
    base = raster_level0(f, cache_dir) if src.format == "raster" else None
    if base is None and src.level0_cached:
        # A map of its own, dropped on return: strided rows touch pages all over the file, and
        # the shared maps (load_npy) would keep them resident for every CCD of a mosaic.
        with contextlib.suppress(OSError, ValueError):
            base = np.load(level_path(src.folder(cache_dir), 0), mmap_mode="r")
    if base is not None:
        for y0 in range(first, wy1, row_step * 64):
            pieces.append(to_float32(base[y0 : min(y0 + row_step * 64, wy1) : row_step, wx0:wx1:col_step]))
    elif src.compressed:
        pieces = _compressed_sample(f, src, target or SAMPLE_TARGET, (wx0, wx1, wy0, wy1))
    else:
        block = 1 if row_step > 1 else max(1, min(512, STRIP_PIXELS // (wx1 - wx0)))
        for blk, ys in itertools.groupby(range(first, wy1, row_step), key=lambda y: (y - wy0) // block):
            y0 = wy0 + blk * block
            y1 = min(y0 + block, wy1)
            picks = np.asarray(list(ys)) - y0
            for x0, x1 in column_chunks(src, y1 - y0, wx0, wx1):
                chunk = read_region(f, src, y0, y1, x0, x1)
                pieces.append(chunk[picks, (wx0 - x0) % col_step :: col_step])
    values = np.concatenate([p.ravel() for p in pieces]) if pieces else np.empty(0, np.float32)
    finite: FloatArray = values[np.isfinite(values)]
    return finite


#: Consecutive rows read together when sampling a compressed HDU.
_SAMPLE_RUN: Final = 16


def _compressed_sample(f: OpenedFile, src: ImagePlane, target: int, window: Window) -> list[FloatArray]:
    """Sample a compressed HDU in a few runs of whole rows spread over the window's height.

    Each astropy read (streams) costs about half a millisecond however little it decompresses,
    so a few runs of consecutive rows beat many strided rows there; through fitsio (packed HDUs)
    a row costs 0.06 ms either way.
    """
    wx0, wx1, wy0, wy1 = window
    width, height = wx1 - wx0, wy1 - wy0
    run = max(src.tile_rows, _SAMPLE_RUN // src.tile_rows * src.tile_rows)
    runs = max(1, min(-(-height // run), math.ceil(target / (run * width))))
    per_run = max(1, target // runs)
    pieces: list[FloatArray] = []
    # Runs start on compression-tile boundaries so that no tile is decompressed twice.
    starts = sorted({(wy0 + (2 * i + 1) * height // (2 * runs)) // src.tile_rows * src.tile_rows for i in range(runs)})
    for start in starts:
        y0, y1 = max(start, wy0), min(start + run, wy1)
        col_step = max(1, (y1 - y0) * width // per_run)
        # A pre-render samples a CCD right after binning its level 0: those rows are still decompressed.
        rows = _cached_rows(f, src, y0, y1)
        if rows is not None:
            pieces.append(rows[:, wx0:wx1:col_step])
            continue
        for x0, x1 in column_chunks(src, y1 - y0, wx0, wx1):
            pieces.append(read_region(f, src, y0, y1, x0, x1)[:, (wx0 - x0) % col_step :: col_step])
    return pieces
