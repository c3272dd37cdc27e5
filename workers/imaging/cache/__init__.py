"""The pyramid cache: file identity, layout, atomic writes, locks, mapped levels, bookkeeping.

Layout (see ``docs/architecture.md``)::

    <cache_dir>/<identity>/hdu<H>-p<N>/L<k>.npy
    <cache_dir>/<identity>/hdu<H>-p<N>/cuts.json
    <cache_dir>/<identity>/hdu<H>-p<N>/render/<params-key>/<k>/<tx>_<ty>.<fmt>
    <cache_dir>/<identity>/hdu<H>-p<N>/raw/<k>/<tx>_<ty>.raw.gz   (raw tiles, gzip-compressed)
    <cache_dir>/<identity>/prerendered-<all|hdu<H>>[-p<N>].json   (completion markers)
    <cache_dir>/<identity>/.last_used        (touched when read, for eviction)
    <cache_dir>/.last-eviction               (when the last throttled eviction ran)

Every function takes the cache root as ``cache_dir``; nothing here reads settings.
"""

from .eviction import (
    EVICTION_INTERVAL_SECONDS,
    EVICTION_STAMP,
    LAST_USED,
    TOUCH_EVERY,
    EvictionSummary,
    evict_cache,
    forget_touches,
    keep_in_bounds,
    sweep_orphans,
    touch_used,
)
from .layout import (
    Examined,
    NpyRows,
    atomic_npy,
    atomic_write_bytes,
    atomic_write_json,
    examine,
    examined,
    file_identity,
    level_path,
    marker_path,
    plane_dir,
    raw_tile_path,
    stat_identity,
    tile_path,
    version_identity,
)
from .levels import NPY_CACHE_MAX, clear_npy_cache, forget_npy, load_npy, mapped_levels
from .locks import LOCK_WAIT_SECONDS, build_lock, try_lock
from .markers import completed, forget_pyramid, is_prerendered, mark_completed

__all__ = [
    "EVICTION_INTERVAL_SECONDS",
    "EVICTION_STAMP",
    "LAST_USED",
    "LOCK_WAIT_SECONDS",
    "NPY_CACHE_MAX",
    "TOUCH_EVERY",
    "EvictionSummary",
    "Examined",
    "NpyRows",
    "atomic_npy",
    "atomic_write_bytes",
    "atomic_write_json",
    "build_lock",
    "clear_npy_cache",
    "completed",
    "evict_cache",
    "examine",
    "examined",
    "file_identity",
    "forget_npy",
    "forget_pyramid",
    "forget_touches",
    "is_prerendered",
    "keep_in_bounds",
    "level_path",
    "load_npy",
    "mapped_levels",
    "mark_completed",
    "marker_path",
    "plane_dir",
    "raw_tile_path",
    "stat_identity",
    "sweep_orphans",
    "tile_path",
    "touch_used",
    "try_lock",
    "version_identity",
]
