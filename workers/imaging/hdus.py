"""What each HDU of a FITS file is: kind, shape, dtype, size caps, truncation, WCS.

Everything here reads headers only; no pixel is touched.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final, Literal, NotRequired

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

# typing_extensions: pydantic reads these TypedDicts as response schemas only in that form on Python 3.11.
from typing_extensions import TypedDict

from . import silence  # noqa: F401  (installs the warning filters before astropy is used)

TILE_SIZE: Final = 256
#: Planes with more pixels (width × height) are refused as ``too_large``: their level 0 alone
#: would be 16 GB as float32.
MAX_PLANE_PIXELS: Final = 4_000_000_000
#: Compression tiles with more pixels are refused as ``too_large``: a compression tile is the
#: smallest thing that can be decompressed, so it bounds the memory of every read.
MAX_COMPRESSION_TILE_PIXELS: Final = 2**25

_BITPIX_DTYPES: Final = {
    8: "uint8",
    16: "int16",
    32: "int32",
    64: "int64",
    -32: "float32",
    -64: "float64",
}
_NO_DATA: Final = "This HDU has no data; choose another HDU"
_ONE_D: Final = "This HDU is one-dimensional (a spectrum or a list of values), not an image; choose another HDU"
_TABLE: Final = "This HDU is a table, not an image; choose an image HDU"
#: A celestial CTYPE: longitude or latitude of an equatorial, galactic or ecliptic frame, then a
#: three-letter projection code (and possibly a distortion suffix such as ``-SIP``).
_CELESTIAL_CTYPE: Final = re.compile(r"(RA--|DEC-|GLON|GLAT|ELON|ELAT)-([A-Z0-9]{3})(-[A-Z0-9]{3})?")
_LONGITUDES: Final = frozenset({"RA--", "GLON", "ELON"})
_PAIRS: Final = {"RA--": "DEC-", "GLON": "GLAT", "ELON": "ELAT"}


class HduInfo(TypedDict):
    """One HDU as the client sees it (``HduInfo`` in ``docs/architecture.md``).

    ``shape`` is in numpy order (slowest axis first, as astropy's ``hdu.shape``); ``width`` is
    the length of FITS axis 1, ``height`` of axis 2, ``planes`` the product of the others. The
    focal-plane mosaic is listed with ``index`` -1, ``kind`` ``"mosaic"`` and ``ccds``.
    """

    index: int
    name: str
    kind: Literal["image", "table", "empty", "other", "mosaic"]
    shape: list[int]
    dtype: str | None
    is_image: bool
    compressed: bool
    has_wcs: bool
    width: int
    height: int
    planes: int
    bands: int
    levels: int
    problem: str | None
    ccds: NotRequired[int]


def level_count(width: int, height: int) -> int:
    """Return the number of pyramid levels, ``1 + ceil(log2(max(w, h) / 256))``, at least 1."""
    levels = 1
    while max(width, height) > TILE_SIZE * 2 ** (levels - 1):
        levels += 1
    return levels


def empty_info(index: int, name: str, problem: str | None) -> HduInfo:
    """Return an HDU entry with no image in it."""
    return HduInfo(
        index=index,
        name=name,
        kind="other",
        shape=[],
        dtype=None,
        is_image=False,
        compressed=False,
        has_wcs=False,
        width=0,
        height=0,
        planes=0,
        bands=0,
        levels=0,
        problem=problem,
    )


def image_dtype(bitpix: int, bzero: Any, bscale: Any) -> str | None:
    """Return the numpy dtype name of an image's values once BZERO/BSCALE are applied."""
    base = _BITPIX_DTYPES.get(bitpix)
    if base is None:
        return None
    if bscale == 1 and bitpix > 8 and bzero == 2 ** (bitpix - 1):
        return "u" + base  # the FITS convention for unsigned integers
    if bscale == 1 and bitpix == 8 and bzero == -128:
        return "int8"
    if bscale != 1 or bzero != 0:
        return "float64" if bitpix in (32, 64, -64) else "float32"
    return base


def is_packed(hdu: Any) -> bool:
    """True for a tile-compressed image HDU read as its binary table (``ZIMAGE = T``).

    Files are opened with ``disable_image_compression=True``: making a
    :class:`~astropy.io.fits.CompImageHDU` turns its table header into an image header, which
    takes 2.3 ms per HDU (0.14 s for a DECam exposure). The pixels are decompressed by fitsio,
    and the image header is made only for the HDUs whose header is shown or whose WCS is used.
    """
    return isinstance(hdu, fits.BinTableHDU) and hdu.header.get("ZIMAGE") is True


class ImageKeywords(TypedDict):
    """The structural keywords of an image, read from an image header or a packed table's."""

    naxis: int
    axes: list[int]  # NAXIS1 first
    bitpix: int
    bzero: Any
    bscale: Any
    tile: list[int]  # compression tile, NAXIS1 first; [] when not compressed


def image_keywords(hdu: Any) -> ImageKeywords:
    """Return the structural keywords of an image HDU, packed (``Z`` keywords) or not."""
    header = hdu.header
    if is_packed(hdu):
        naxis = int(header.get("ZNAXIS", 0) or 0)
        if not 0 <= naxis <= 999:  # the FITS limit; a header can claim any number
            raise ValueError(f"ZNAXIS = {naxis} is not between 0 and 999")
        axes = [int(header.get(f"ZNAXIS{k}", 0) or 0) for k in range(1, naxis + 1)]
        # fpack's defaults: whole rows (ZTILE1 = NAXIS1) and one row per tile.
        tile = [int(header.get(f"ZTILE{k}", axes[0] if k == 1 else 1) or 1) for k in range(1, naxis + 1)]
        bitpix = int(header["ZBITPIX"])
    else:
        naxis = int(header.get("NAXIS", 0) or 0)
        axes = [int(header.get(f"NAXIS{k}", 0) or 0) for k in range(1, naxis + 1)]
        tile = [int(n) for n in np.asarray(hdu.tile_shape).ravel()][::-1] if isinstance(hdu, fits.CompImageHDU) else []
        bitpix = int(header["BITPIX"])
    return ImageKeywords(
        naxis=naxis, axes=axes, bitpix=bitpix, bzero=header.get("BZERO", 0), bscale=header.get("BSCALE", 1), tile=tile
    )


def data_offset(hdul: Any, index: int) -> int:
    """Return the byte offset of HDU ``index``'s data in the file.

    ``HDUList.fileinfo`` gives the same number but first checks every HDU for changes in
    memory, which costs 2.6 ms per HDU of a DECam file (0.16 s for its 63 HDUs).
    """
    offset = getattr(hdul[index], "_data_offset", None)
    return int(offset) if offset is not None else int(hdul.fileinfo(index)["datLoc"])


def _raw_data_size(hdu: Any, hdul: Any, index: int) -> int:
    if isinstance(hdu, fits.CompImageHDU):
        table = getattr(hdu, "_bintable", None)
        if table is not None:
            return int(table.size)
        return int(hdul.fileinfo(index)["datSpan"])
    return int(hdu.size)


def hdu_info(hdul: Any, index: int, file_size: int | None) -> tuple[HduInfo, str | None]:
    """Describe HDU ``index`` of an open HDUList.

    Parameters
    ----------
    file_size : int or None
        Size of the file in bytes, to detect truncation; None for gzip/bzip2/zip streams, whose
        data offsets are positions in the *uncompressed* stream (truncation shows when read).

    Returns
    -------
    (HduInfo, str or None)
        The entry, and the error code to raise when the HDU is asked for although it cannot be
        shown (``too_large`` for the size caps; None means ``bad_hdu``).
    """
    try:
        return _fits_hdu_info(hdul, index, file_size)
    except Exception as exc:  # one damaged header must not hide the other HDUs
        problem = f"The header of this HDU is damaged ({exc}); choose another HDU"
        return empty_info(index, f"HDU{index}", problem), None


def _fits_hdu_info(hdul: Any, index: int, file_size: int | None) -> tuple[HduInfo, str | None]:
    hdu = hdul[index]
    info = empty_info(index, str(hdu.name or ("PRIMARY" if index == 0 else f"HDU{index}")), None)
    if isinstance(hdu, fits.GroupsHDU):
        info["problem"] = "This HDU holds random groups, not an image; choose another HDU"
        return info, None
    if not is_packed(hdu) and not isinstance(hdu, (fits.CompImageHDU, fits.PrimaryHDU, fits.ImageHDU)):
        naxis = int(hdu.header.get("NAXIS", 0) or 0)
        info["shape"] = [int(hdu.header.get(f"NAXIS{k}", 0) or 0) for k in range(naxis, 0, -1)]
        if isinstance(hdu, (fits.BinTableHDU, fits.TableHDU)):
            info["kind"] = "table"
            info["problem"] = _TABLE
        else:
            info["problem"] = f"This HDU ({type(hdu).__name__}) cannot be shown; choose another HDU"
        return info, None
    keys = image_keywords(hdu)
    axes = keys["axes"]
    info["shape"] = axes[::-1]
    info["compressed"] = bool(keys["tile"])
    info["kind"] = "image"
    info["dtype"] = image_dtype(keys["bitpix"], keys["bzero"], keys["bscale"])
    if keys["naxis"] == 0 or 0 in axes:
        info["kind"] = "empty"
        info["problem"] = _NO_DATA
        return info, None
    if keys["naxis"] == 1:
        info["problem"] = _ONE_D
        return info, None
    info["width"], info["height"] = axes[0], axes[1]
    info["planes"] = math.prod(axes[2:])
    info["bands"] = 1
    info["levels"] = level_count(axes[0], axes[1])
    # Size caps first: a header can claim any size, and the checks below must not trust it.
    if axes[0] * axes[1] > MAX_PLANE_PIXELS:
        info["problem"] = (
            f"This image has {axes[0]}×{axes[1]} pixels per plane, more than the "
            f"{MAX_PLANE_PIXELS:,} this server reads; cut it into smaller images"
        )
        return info, "too_large"
    tile_pixels = math.prod(keys["tile"]) if keys["tile"] else 0
    if tile_pixels > MAX_COMPRESSION_TILE_PIXELS:
        info["problem"] = (
            f"This image is compressed in tiles of {tile_pixels:,} pixels, more than the "
            f"{MAX_COMPRESSION_TILE_PIXELS:,} this server decompresses at once; recompress it "
            "with smaller tiles (fpack's default row tiles are fine)"
        )
        return info, "too_large"
    if file_size is not None:
        start = data_offset(hdul, index)
        needed = _raw_data_size(hdu, hdul, index)
        if start + needed > file_size:
            have = max(0, file_size - start)
            info["problem"] = (
                f"The file is truncated: this HDU needs {needed} bytes of data but only {have} "
                "are present; copy or download the file again"
            )
            return info, None
    info["is_image"] = True
    return info, None


def header_has_celestial_wcs(header: Any) -> bool:
    """Tell from CTYPE1/CTYPE2 alone whether pixel axes (x, y) carry a celestial WCS.

    True when the two are the longitude and latitude of the same frame (RA/DEC, GLON/GLAT or
    ELON/ELAT, in either order) with the same projection code. This is what ``has_wcs`` says
    without building a WCS per HDU; :func:`celestial_wcs` is built only when needed.
    """
    try:
        found = [_CELESTIAL_CTYPE.fullmatch(str(header.get(f"CTYPE{k}", "")).strip().upper()) for k in (1, 2)]
    except Exception:  # a malformed card means no WCS
        return False
    first, second = found
    if first is None or second is None:
        return False
    axis1, code1 = first.group(1, 2)
    axis2, code2 = second.group(1, 2)
    lng, lat = (axis1, axis2) if axis1 in _LONGITUDES else (axis2, axis1)
    return code1 == code2 and _PAIRS.get(lng) == lat


def celestial_wcs(header: Any, hdul: Any) -> Any:
    """Return the celestial WCS of an image ``header`` of ``hdul`` on pixel axes (x, y), or None."""
    try:
        full = WCS(header, fobj=hdul)
        if not full.has_celestial or sorted((full.wcs.lng, full.wcs.lat)) != [0, 1]:
            return None
        # 2-D images keep their distortions (SIP, lookup tables); cubes use the sky axes.
        wcs = full if full.naxis == 2 else full.celestial
        with np.errstate(all="ignore"):
            wcs.all_pix2world([[0.0, 0.0]], 0)  # a WCS that cannot convert is no WCS
        return wcs
    except Exception:  # any malformed WCS simply means "no WCS"
        return None
