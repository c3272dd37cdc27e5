"""Which files the engine opens, told by their names alone.

The engine itself tells FITS from pictures by their first bytes; the file browser and the folder
pre-render cannot open every file of a folder, so they ask :func:`is_openable`, whose list is
made here from what the readers accept (``files._open_fits`` and ``raster.probe_raster``).
"""

from __future__ import annotations

from typing import Final

from PIL import Image

#: FITS files, plain or tile-compressed (fpack's ``.fz``).
FITS_SUFFIXES: Final = (".fits", ".fit", ".fts", ".fz")
#: Whole-file compression that astropy decompresses as a stream (``.gz``, ``.bz2``, ``.zip``).
STREAM_SUFFIXES: Final = (".gz", ".bz2", ".zip")
#: The picture formats the engine decodes (Pillow's names); Pillow is asked for no other.
RASTER_FORMATS: Final = ("PNG", "JPEG", "TIFF", "BMP", "GIF")


def _raster_suffixes() -> tuple[str, ...]:
    Image.init()  # registers every plugin's extensions, not only the preloaded ones
    return tuple(sorted(ext for ext, fmt in Image.registered_extensions().items() if fmt in RASTER_FORMATS))


#: Every name ending the engine opens (lower case): FITS, FITS in a stream, pictures.
OPENABLE_SUFFIXES: Final = (
    *FITS_SUFFIXES,
    *(fits + stream for fits in FITS_SUFFIXES for stream in STREAM_SUFFIXES),
    *_raster_suffixes(),
)


def is_openable(name: str) -> bool:
    """Whether a file called ``name`` is one the engine opens (by its suffix, in any case)."""
    return name.lower().endswith(OPENABLE_SUFFIXES)
