"""The numeric imaging core of Toyz: FITS and pictures to tile pyramids. No Django here.

See ``docs/architecture.md`` for the coordinates, the pyramid, the cuts and the cache layout.
"""

from .build import PrerenderSummary, PyramidSummary, build_pyramid, forget_prerender, prerender
from .cache import (
    EVICTION_INTERVAL_SECONDS,
    EvictionSummary,
    evict_cache,
    file_identity,
    is_prerendered,
    keep_in_bounds,
)
from .describe import Cuts, Description, clear_caches, default_cuts, describe, image_hdus
from .formats import OPENABLE_SUFFIXES, is_openable
from .hdus import TILE_SIZE, HduInfo
from .mosaic import MOSAIC_HDU
from .pixel import Pixel, SkyPixel, pixel_at, sky_to_pixel
from .render import FORMATS, STRETCHES, RenderParams, colormap_names, palette
from .tiles import (
    MEDIA_TYPES,
    RAW_KEY,
    RAW_MEDIA_TYPE,
    Tile,
    TileAddress,
    fetch_tile,
    raw_gzip,
    raw_tile,
    raw_tile_identity,
    render_tile,
    tile_needs_building,
    tile_rendering,
)

__all__ = [
    "EVICTION_INTERVAL_SECONDS",
    "FORMATS",
    "MEDIA_TYPES",
    "MOSAIC_HDU",
    "OPENABLE_SUFFIXES",
    "RAW_KEY",
    "RAW_MEDIA_TYPE",
    "STRETCHES",
    "TILE_SIZE",
    "Cuts",
    "Description",
    "EvictionSummary",
    "HduInfo",
    "Pixel",
    "PrerenderSummary",
    "PyramidSummary",
    "RenderParams",
    "SkyPixel",
    "Tile",
    "TileAddress",
    "build_pyramid",
    "clear_caches",
    "colormap_names",
    "default_cuts",
    "describe",
    "evict_cache",
    "fetch_tile",
    "file_identity",
    "forget_prerender",
    "image_hdus",
    "is_openable",
    "is_prerendered",
    "keep_in_bounds",
    "palette",
    "pixel_at",
    "prerender",
    "raw_gzip",
    "raw_tile",
    "raw_tile_identity",
    "render_tile",
    "sky_to_pixel",
    "tile_needs_building",
    "tile_rendering",
]
