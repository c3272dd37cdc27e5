"""Describing a file: its HDUs, and the cuts and header of one of them; the cuts memo.

Every function takes a real filesystem path (already resolved and checked by the caller) and
raises only :class:`~workers.errors.ToyzError` for bad input.
"""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Final, Literal, NotRequired, TypedDict

from cachetools import LRUCache

from workers.errors import ToyzError

from .cache import atomic_write_json, clear_npy_cache, touch_used
from .mosaic import MOSAIC_HDU, Mosaic, mosaic_of, mosaic_sample, unbuilt
from .reading import (
    HduInfo,
    ImagePlane,
    OpenedFile,
    check_hdu,
    clear_band_cache,
    clear_open_files,
    first_image_hdu,
    opened,
    read_sample,
    select_plane,
)
from .render import CUT_NAMES, compute_cuts, compute_quantiles, palette

#: What a pyramid is built for: one plane of one HDU, or the focal-plane mosaic (``hdu`` -1).
View = ImagePlane | Mosaic
#: Display limits by method (:data:`~workers.imaging.render.CUT_NAMES`): ``(lo, hi)`` in pixel units.
Cuts = dict[str, tuple[float, float]]


class Description(TypedDict):
    """What the client needs to show a file (``Description`` in ``docs/architecture.md``).

    ``path`` is added by the caller, who knows the client's path. ``cuts`` and ``header`` are
    those of ``hdu``/``plane``; ``cuts`` is empty when that HDU cannot be shown. ``preview`` is
    true for a mosaic whose CCDs are not all built: its coarse tiles can be previews (asked with
    ``preview=1``) until it is pre-rendered.
    """

    path: NotRequired[str]
    name: str
    format: Literal["fits", "raster"]
    identity: str
    hdus: list[HduInfo]
    hdu: int
    plane: int
    cuts: dict[str, list[float]]
    header: list[str]
    preview: bool


# --- cuts, cached in cuts.json and in memory --------------------------------------------------

#: (cuts, sample quantiles) of one view.
_Stats = tuple[Cuts, list[float]]
#: Views whose cuts are kept in memory per process.
STATS_MAX: Final = 256
_stats_lock = threading.Lock()
_stats: LRUCache[str, _Stats] = LRUCache(maxsize=STATS_MAX)


def _read_stats(target: Path) -> _Stats | None:
    try:
        stored = json.loads(target.read_bytes())
        cuts = {name: (float(stored["cuts"][name][0]), float(stored["cuts"][name][1])) for name in CUT_NAMES}
        quantiles = [float(v) for v in stored["quantiles"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    return cuts, quantiles


def plane_stats(f: OpenedFile, src: View, cache_dir: Path) -> _Stats:
    """Return (cuts, quantiles) of ``src``, computed once on a sample and kept in cuts.json."""
    target = src.folder(cache_dir) / "cuts.json"
    key = str(target)
    with _stats_lock:
        found = _stats.get(key)
    if found is None:
        found = _read_stats(target)
        if found is None:
            sample = mosaic_sample(f, src, cache_dir) if isinstance(src, Mosaic) else read_sample(f, src, cache_dir)
            found = compute_cuts(sample), compute_quantiles(sample)
            stored = {"cuts": {k: list(v) for k, v in found[0].items()}, "quantiles": found[1]}
            atomic_write_json(target, stored)
        with _stats_lock:
            _stats[key] = found
    return found


def clear_caches() -> None:
    """Forget every process-wide cache: opened files, mapped levels, bands, cuts, palettes."""
    clear_open_files()
    clear_npy_cache()
    clear_band_cache()
    with _stats_lock:
        _stats.clear()
    palette.cache_clear()


def select_view(f: OpenedFile, hdu: int, plane: int) -> View:
    """Validate ``hdu`` (-1 for the mosaic) and ``plane`` and return what to read from.

    Raises
    ------
    ToyzError
        ``bad_hdu`` (for -1: the file has no mosaic), ``bad_plane``, ``too_large``.
    """
    if hdu != MOSAIC_HDU:
        return select_plane(f, hdu, plane)
    mosaic = mosaic_of(f)
    if mosaic is None:
        raise ToyzError(
            "bad_hdu",
            f"HDU -1 (the mosaic) does not exist: {f.name} has {len(f.infos)} HDU(s), numbered 0 to "
            f"{len(f.infos) - 1}, and only a detector mosaic has a focal plane (CCDs with DETSEC, or "
            "CCDs of one shape that their WCS places side by side)",
        )
    if plane != 0:
        raise ToyzError("bad_plane", f"Plane {plane} does not exist; the mosaic has 1 plane, numbered 0")
    return mosaic


def _hdu_list(f: OpenedFile) -> list[HduInfo]:
    mosaic = mosaic_of(f)
    return ([mosaic.info()] if mosaic else []) + copy.deepcopy(f.infos)


def _default_hdu(f: OpenedFile) -> int:
    """The HDU a file opens on: the focal plane of an exposure placed by DETSEC, else the first image."""
    mosaic = mosaic_of(f)
    if mosaic is not None and mosaic.method == "detsec":
        return MOSAIC_HDU  # one CCD is a choice away
    first = first_image_hdu(f)
    if first is None:
        reasons = "; ".join(f"HDU {i['index']}: {i['problem']}" for i in f.infos)
        raise ToyzError("not_an_image", f"{f.name} has no HDU that can be shown as an image ({reasons})")
    return first


# --- the public functions ---------------------------------------------------------------------


def describe(path: Path, *, hdu: int | None = None, plane: int = 0, cache_dir: Path) -> Description:
    """Describe a FITS file or picture: its HDUs, and the cuts and header of one of them.

    Parameters
    ----------
    path : Path
        The file (FITS, possibly tile-compressed, or a PNG/JPEG/TIFF/BMP/GIF picture).
    hdu : int, optional
        The HDU to describe (0-based), or -1 for the focal-plane mosaic. Default: the mosaic of
        an exposure whose CCDs are placed by ``DETSEC``, else the first HDU that can be shown as
        an image.
    plane : int
        Plane of a cube (0-based, C order over the axes beyond the second).
    cache_dir : Path
        Root of the pyramid cache; the cuts are stored there (``cuts.json``).

    Returns
    -------
    Description
        Without ``path``. Every HDU is listed with ``problem`` set when it cannot be shown,
        preceded by the mosaic (``index`` -1, ``kind`` ``"mosaic"``, ``ccds``) when the file is
        a detector mosaic (see :func:`~workers.imaging.mosaic.mosaic_of`). ``cuts`` (pixel units) are computed
        on a sample of about a million pixels (for the mosaic, spread over every CCD); the
        mosaic's ``header`` is the primary header.

    Raises
    ------
    ToyzError
        ``not_found``, ``unreadable``, ``too_large``; ``not_an_image`` when ``hdu`` is None and
        no HDU can be shown; ``bad_hdu``; ``bad_plane``.
    """
    with opened(path) as f:
        touch_used(cache_dir, f.identity)
        if hdu is None:
            hdu = _default_hdu(f)
        cuts: dict[str, list[float]] = {}
        preview = False
        if hdu == MOSAIC_HDU or check_hdu(f, hdu)["is_image"]:
            src = select_view(f, hdu, plane)
            cuts = {name: list(limits) for name, limits in plane_stats(f, src, cache_dir)[0].items()}
            preview = isinstance(src, Mosaic) and unbuilt(src, cache_dir)
        return Description(
            name=f.name,
            format=f.format,
            identity=f.identity,
            hdus=_hdu_list(f),
            hdu=hdu,
            plane=plane,
            cuts=cuts,
            header=f.header_cards(max(hdu, 0)),
            preview=preview,
        )


def image_hdus(path: Path) -> list[int]:
    """Return the HDUs of ``path`` that can be shown as images (what ``hdu=None`` builds one by one)."""
    with opened(path) as f:
        return displayable_hdus(f)


def displayable_hdus(f: OpenedFile) -> list[int]:
    """The HDUs of an opened file that can be shown as images."""
    return [info["index"] for info in f.infos if info["is_image"]]


def default_cuts(path: Path, *, hdu: int, plane: int, cache_dir: Path) -> Cuts:
    """Return the cuts of (``hdu``, ``plane``): ``{"minmax": (lo, hi), "zscale": ..., ...}``.

    Limits are in pixel units (BZERO/BSCALE applied), computed once on a strided sample of
    about a million pixels and cached in ``cuts.json``.

    Raises
    ------
    ToyzError
        As :func:`describe`, plus ``bad_hdu`` for an HDU that cannot be shown.
    """
    with opened(path) as f:
        src = select_view(f, hdu, plane)
        return dict(plane_stats(f, src, cache_dir)[0])
