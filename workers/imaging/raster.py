"""Pictures (PNG, JPEG, TIFF, BMP, GIF): probing their size and mode, and decoding them.

A decoded picture is ``[y, x]`` (grey) or ``[y, x, band]`` (RGB/RGBA) with ``y = 0`` the
*bottom* row: pictures store their top row first and are flipped here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from PIL import Image

from workers.errors import ToyzError

from . import silence  # noqa: F401  (Pillow's bomb warning is filtered: we apply our own cap)
from .formats import RASTER_FORMATS
from .hdus import HduInfo, level_count

#: Pictures with more pixels are refused (``too_large``) before they are decoded.
MAX_RASTER_PIXELS: Final = 100_000_000

_GREY_MODES: Final = {
    "1": ("L", "uint8"),
    "L": ("L", "uint8"),
    "I;16": (None, "uint16"),
    "I;16B": (None, "uint16"),
    "I;16L": (None, "uint16"),
    "I;16N": (None, "uint16"),
    "I": (None, "int32"),
    "F": (None, "float32"),
}
_RGB_MODES: Final = frozenset({"RGB", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"})
_RGBA_MODES: Final = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})


def raster_plan(mode: str, has_transparency: bool) -> tuple[str | None, int, str]:
    """Return (mode to convert to or None, bands, dtype) for a Pillow mode."""
    if mode in _GREY_MODES:
        target, dtype = _GREY_MODES[mode]
        return (None if target == mode else target), 1, dtype
    if mode == "P":
        return ("RGBA", 4, "uint8") if has_transparency else ("RGB", 3, "uint8")
    if mode in _RGB_MODES:
        return (None if mode == "RGB" else "RGB"), 3, "uint8"
    if mode in _RGBA_MODES:
        return (None if mode == "RGBA" else "RGBA"), 4, "uint8"
    raise ToyzError("unsupported", f"Pictures in Pillow mode {mode!r} are not supported")


def probe_raster(real: str, name: str) -> tuple[HduInfo, str, str]:
    """Read a picture's size and mode without decoding it.

    Returns
    -------
    (HduInfo, mode, format)
        The one ``IMAGE`` entry, Pillow's mode and format names.

    Raises
    ------
    ToyzError
        ``unreadable`` (not a picture), ``too_large``, ``unsupported`` (an odd mode).
    """
    try:
        with Image.open(real, formats=RASTER_FORMATS) as im:
            width, height = im.size
            mode, fmt = im.mode, str(im.format)
            has_transparency = "transparency" in im.info
    except Image.DecompressionBombError:
        raise ToyzError("too_large", f"{name} is too large a picture to open") from None
    except Exception:
        raise ToyzError(
            "unreadable",
            f"{name} is neither a FITS file nor a picture (PNG, JPEG, TIFF, BMP, GIF); "
            "check that you chose the right file",
        ) from None
    if width * height > MAX_RASTER_PIXELS:
        raise ToyzError(
            "too_large",
            f"{name} has {width}×{height} pixels, more than the {MAX_RASTER_PIXELS} this server "
            "decodes; convert it to FITS to view it",
        )
    _, bands, dtype = raster_plan(mode, has_transparency)
    info = HduInfo(
        index=0,
        name="IMAGE",
        kind="image",
        shape=[height, width] if bands == 1 else [height, width, bands],
        dtype=dtype,
        is_image=True,
        compressed=False,
        has_wcs=False,
        width=width,
        height=height,
        planes=1,
        bands=bands,
        levels=level_count(width, height),
        problem=None,
    )
    return info, mode, fmt


def decode_raster(real: str, name: str) -> npt.NDArray[Any]:
    """Decode a whole picture: uint8 or float32, ``y = 0`` the bottom row."""
    try:
        # A file object, not a path: Pillow memory-maps uncompressed pictures opened by path,
        # and a picture truncated while mapped would kill the server with SIGBUS.
        with Path(real).open("rb") as fh, Image.open(fh, formats=RASTER_FORMATS) as im:
            target, _, _ = raster_plan(im.mode, "transparency" in im.info)
            im.load()
            pic = im.convert(target) if target else im
            arr = np.asarray(pic)
    except ToyzError:
        raise
    except Image.DecompressionBombError:
        raise ToyzError("too_large", f"{name} is too large a picture to open") from None
    except Exception as exc:
        raise ToyzError("unreadable", f"Could not decode {name} ({exc}); the picture may be damaged") from None
    if arr.dtype != np.uint8:
        arr = arr.astype(np.float32)
    # Pictures store the top row first; level 0 stores y = 0 (the bottom) first.
    return arr[::-1]
