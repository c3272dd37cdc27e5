"""The numeric imaging core of Toyz: FITS and pictures to tile pyramids. No Django here.

See ``docs/architecture.md`` for the coordinates, the pyramid, the cuts and the cache layout.
"""

from .api import (
    Description,
    Pixel,
    PyramidSummary,
    build_pyramid,
    default_cuts,
    describe,
    pixel_at,
    raw_tile,
    render_tile,
    tile_needs_building,
)
from .cache import EvictionSummary, evict_cache, file_identity
from .formats import OPENABLE_SUFFIXES, is_openable
from .hdus import TILE_SIZE, HduInfo
from .mosaic import MOSAIC_HDU
from .render import FORMATS, STRETCHES, RenderParams, colormap_names

__all__ = [
    "FORMATS",
    "MOSAIC_HDU",
    "OPENABLE_SUFFIXES",
    "STRETCHES",
    "TILE_SIZE",
    "Description",
    "EvictionSummary",
    "HduInfo",
    "Pixel",
    "PyramidSummary",
    "RenderParams",
    "build_pyramid",
    "colormap_names",
    "default_cuts",
    "describe",
    "evict_cache",
    "file_identity",
    "is_openable",
    "pixel_at",
    "raw_tile",
    "render_tile",
    "tile_needs_building",
]
