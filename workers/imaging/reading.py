"""Opening FITS files and pictures, describing their HDUs, and reading level-0 pixels.

Pixel conventions (``docs/architecture.md``): ``x`` is the column (FITS axis 1), ``y`` the row
(FITS axis 2), both 0-based, ``y = 0`` is FITS row 1, the *bottom* row. Level-0 regions are
returned as numpy arrays indexed ``[y, x]`` (``[y, x, band]`` for colour pictures), row 0 first,
so the bottom of the image comes first. Pictures (PNG, JPEG, ...) store their top row first and
are flipped on decoding so that the same convention holds.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, TypedDict

import numpy as np
import numpy.typing as npt
from astropy.io import fits
from astropy.wcs import WCS
from PIL import Image

from .cache import atomic_npy, build_lock, file_identity, level_path, load_npy, plane_dir
from .errors import ImagingError

TILE_SIZE: Final = 256
#: Pixels read to compute cuts: about this many, from evenly strided rows and columns.
SAMPLE_TARGET: Final = 1_000_000
#: Pictures with more pixels are refused (``too_large``) before they are decoded.
MAX_RASTER_PIXELS: Final = 100_000_000
#: At most this many header cards are returned by :func:`header_cards`.
HEADER_CARD_LIMIT: Final = 2000
#: Opened files kept by the process-wide cache.
OPEN_FILES_MAX: Final = 8

FloatArray = npt.NDArray[np.float32]

_FITS_MAGIC: Final = (b"SIMPLE", b"\x1f\x8b", b"BZh", b"PK\x03\x04")
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


class HduInfo(TypedDict):
    """One HDU as the client sees it (``HduInfo`` in ``docs/architecture.md``).

    ``shape`` is in numpy order (slowest axis first, as astropy's ``hdu.shape``); ``width`` is
    the length of FITS axis 1, ``height`` of axis 2, ``planes`` the product of the others.
    """

    index: int
    name: str
    kind: Literal["image", "table", "empty", "other"]
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


def level_count(width: int, height: int) -> int:
    """Return the number of pyramid levels, ``1 + ceil(log2(max(w, h) / 256))``, at least 1."""
    levels = 1
    while max(width, height) > TILE_SIZE * 2 ** (levels - 1):
        levels += 1
    return levels


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence warnings that astropy and numpy raise for the odd files we are built to accept.

    ``warnings.catch_warnings`` swaps process-wide state, so this is kept to the rare paths
    (opening files, WCS, headers, cuts); per-tile reads only use :func:`numpy.errstate`.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


# --- opened files ---------------------------------------------------------------------------


@dataclass(eq=False)
class OpenedFile:
    """A FITS file or picture whose headers have been parsed once, shared by every request.

    For FITS, ``hdul`` is the open :class:`astropy.io.fits.HDUList` (memory-mapped); reads go
    through :meth:`section` under ``lock`` because astropy's lazy loading is not thread-safe.
    """

    real_path: str
    name: str
    identity: str
    format: Literal["fits", "raster"]
    infos: list[HduInfo]
    hdul: Any = None
    raster_mode: str | None = None
    raster_format: str | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: int = 0
    evicted: bool = False
    _wcs: dict[int, Any] = field(default_factory=dict)
    _plain: dict[int, bool] = field(default_factory=dict)

    def _mapped(self, hdu: int) -> bool:
        """True when ``hdu.data`` is a lazy memory map of stored values (no scaling to do)."""
        if hdu not in self._plain:
            item = self.hdul[hdu]
            header = item.header
            self._plain[hdu] = bool(
                not isinstance(item, fits.CompImageHDU)
                and getattr(self.hdul.fileinfo(hdu)["file"], "memmap", False)
                and header.get("BZERO", 0) == 0
                and header.get("BSCALE", 1) == 1
                and ("BLANK" not in header or header.get("BITPIX", 0) < 0)
            )
        return self._plain[hdu]

    def close(self) -> None:
        """Close the underlying HDUList (safe to call twice)."""
        if self.hdul is not None:
            with self.lock, quiet():
                self.hdul.close()

    def header_cards(self, hdu: int) -> list[str]:
        """Return the header of ``hdu`` as 80-column card strings (trailing blanks removed)."""
        if self.format == "raster":
            info = self.infos[0]
            return [
                f"FORMAT  = '{self.raster_format}'",
                f"MODE    = '{self.raster_mode}'",
                f"WIDTH   = {info['width']}",
                f"HEIGHT  = {info['height']}",
            ]
        cards: list[str] = []
        with self.lock, quiet():
            for card in self.hdul[hdu].header.cards:
                if len(cards) >= HEADER_CARD_LIMIT:
                    break
                try:
                    cards.append(card.image.rstrip())
                except Exception:  # a malformed card must not hide the others
                    cards.append(str(card.keyword))
        return cards

    def celestial_wcs(self, hdu: int) -> Any:
        """Return the celestial WCS of ``hdu`` on pixel axes (x, y), or None when there is none."""
        if self.format == "raster":
            return None
        with self.lock:
            if hdu not in self._wcs:
                self._wcs[hdu] = _celestial_wcs(self.hdul, hdu)
            return self._wcs[hdu]

    def section(self, src: Source, y0: int, y1: int, x0: int, x1: int) -> npt.NDArray[Any]:
        """Read ``[y0:y1, x0:x1]`` of ``src``'s plane as astropy returns it (scaled).

        Unscaled, uncompressed data is sliced straight from the memory map (astropy's
        ``section`` reads a partial-width region one row at a time, about 25 µs per row);
        everything else goes through ``section``, which applies BZERO/BSCALE/BLANK and
        decompresses only the tiles it needs.
        """
        key = (*src.lead, slice(y0, y1), slice(x0, x1))
        try:
            with self.lock, np.errstate(all="ignore"):
                hdu = self.hdul[src.hdu]
                if self._mapped(src.hdu):
                    return np.array(hdu.data[key])  # a copy: the map may close later
                return np.asarray(hdu.section[key])
        except Exception as exc:
            raise ImagingError(
                "unreadable",
                f"Could not read the pixels of HDU {src.hdu} of {self.name} ({exc}); "
                "the file may be damaged, try copying it again",
            ) from None


_open_lock = threading.Lock()
_open_files: OrderedDict[tuple[str, str], OpenedFile] = OrderedDict()
_open_pid = os.getpid()


def clear_open_files() -> None:
    """Forget every cached opened file (closing those not in use)."""
    with _open_lock:
        entries = list(_open_files.values())
        _open_files.clear()
        for entry in entries:
            entry.evicted = True
    for entry in entries:
        if entry.users == 0:
            entry.close()


@contextlib.contextmanager
def opened(path: Path) -> Iterator[OpenedFile]:
    """Yield the parsed file at ``path`` from a small process-wide LRU cache.

    The cache is keyed by real path and :func:`file_identity`, so a file changed on disk is
    opened afresh. Entries pushed out of the cache are closed once no caller uses them.

    Raises
    ------
    ImagingError
        ``not_found``, ``unreadable`` (not FITS nor a picture, headers broken) or ``too_large``.
    """
    global _open_pid
    identity = file_identity(path)
    real = os.path.realpath(path)
    key = (real, identity)
    to_close: list[OpenedFile] = []
    with _open_lock:
        if os.getpid() != _open_pid:
            # A forked worker must not share file offsets with its parent.
            _open_files.clear()
            _open_pid = os.getpid()
        entry = _open_files.get(key)
        if entry is not None:
            _open_files.move_to_end(key)
            entry.users += 1
    if entry is None:
        fresh = _open_uncached(real, Path(path).name, identity)
        with _open_lock:
            entry = _open_files.get(key)
            if entry is None:
                entry = fresh
                _open_files[key] = fresh
            else:
                to_close.append(fresh)
            entry.users += 1
            while len(_open_files) > OPEN_FILES_MAX:
                _, old = _open_files.popitem(last=False)
                old.evicted = True
                if old.users == 0:
                    to_close.append(old)
    for old in to_close:
        old.close()
    try:
        yield entry
    finally:
        with _open_lock:
            entry.users -= 1
            done = entry.evicted and entry.users == 0
        if done:
            entry.close()


def _open_uncached(real: str, name: str, identity: str) -> OpenedFile:
    try:
        with Path(real).open("rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise ImagingError("unreadable", f"{name}: cannot read the file ({exc.strerror})") from None
    if not magic:
        raise ImagingError("unreadable", f"{name} is empty; choose another file")
    if magic.startswith(_FITS_MAGIC):
        return _open_fits(real, name, identity)
    return _open_raster(real, name, identity)


def _open_fits(real: str, name: str, identity: str) -> OpenedFile:
    hdul = None
    try:
        with quiet():
            hdul = fits.open(real, mode="readonly", lazy_load_hdus=True)
            count = len(hdul)  # parses every header once, here rather than per request
    except Exception as exc:
        if hdul is not None:
            hdul.close()
        raise ImagingError(
            "unreadable",
            f"{name} is not a readable FITS file ({exc}); check that it is a FITS image or a PNG/JPEG/TIFF picture",
        ) from None
    size = Path(real).stat().st_size
    infos = [_safe_hdu_info(hdul, i, size) for i in range(count)]
    entry = OpenedFile(real_path=real, name=name, identity=identity, format="fits", infos=infos)
    entry.hdul = hdul
    for info in infos:
        if info["kind"] == "image" and not info["problem"]:
            info["has_wcs"] = entry.celestial_wcs(info["index"]) is not None
    return entry


def _image_dtype(header: Any) -> str | None:
    bitpix = header.get("BITPIX")
    base = _BITPIX_DTYPES.get(bitpix)
    if base is None:
        return None
    bzero = header.get("BZERO", 0)
    bscale = header.get("BSCALE", 1)
    if bscale == 1 and bitpix > 8 and bzero == 2 ** (bitpix - 1):
        return "u" + base  # the FITS convention for unsigned integers
    if bscale == 1 and bitpix == 8 and bzero == -128:
        return "int8"
    if bscale != 1 or bzero != 0:
        return "float64" if bitpix in (32, 64, -64) else "float32"
    return base


def _raw_data_size(hdu: Any, hdul: Any, index: int) -> int:
    if isinstance(hdu, fits.CompImageHDU):
        table = getattr(hdu, "_bintable", None)
        if table is not None:
            return int(table.size)
        return int(hdul.fileinfo(index)["datSpan"])
    return int(hdu.size)


def _safe_hdu_info(hdul: Any, index: int, file_size: int) -> HduInfo:
    try:
        return _fits_hdu_info(hdul, index, file_size)
    except Exception as exc:  # one damaged header must not hide the other HDUs
        return HduInfo(
            index=index,
            name=f"HDU{index}",
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
            problem=f"The header of this HDU is damaged ({exc}); choose another HDU",
        )


def _fits_hdu_info(hdul: Any, index: int, file_size: int) -> HduInfo:
    with quiet():
        hdu = hdul[index]
        header = hdu.header
        naxis = int(header.get("NAXIS", 0) or 0)
        axes = [int(header.get(f"NAXIS{k}", 0) or 0) for k in range(1, naxis + 1)]
    info = HduInfo(
        index=index,
        name=str(hdu.name or ("PRIMARY" if index == 0 else f"HDU{index}")),
        kind="other",
        shape=axes[::-1],
        dtype=None,
        is_image=False,
        compressed=isinstance(hdu, fits.CompImageHDU),
        has_wcs=False,
        width=0,
        height=0,
        planes=0,
        bands=0,
        levels=0,
        problem=None,
    )
    if isinstance(hdu, fits.GroupsHDU):
        info["problem"] = "This HDU holds random groups, not an image; choose another HDU"
        return info
    if isinstance(hdu, (fits.CompImageHDU, fits.PrimaryHDU, fits.ImageHDU)):
        info["kind"] = "image"
        info["dtype"] = _image_dtype(header)
    elif isinstance(hdu, (fits.BinTableHDU, fits.TableHDU)):
        info["kind"] = "table"
        info["problem"] = _TABLE
        return info
    else:
        info["problem"] = f"This HDU ({type(hdu).__name__}) cannot be shown; choose another HDU"
        return info
    if naxis == 0 or 0 in axes:
        info["kind"] = "empty"
        info["problem"] = _NO_DATA
        return info
    if naxis == 1:
        info["problem"] = _ONE_D
        return info
    info["width"], info["height"] = axes[0], axes[1]
    info["planes"] = math.prod(axes[2:])
    info["bands"] = 1
    info["levels"] = level_count(axes[0], axes[1])
    with quiet():
        start = int(hdul.fileinfo(index)["datLoc"])
        needed = _raw_data_size(hdu, hdul, index)
    if start + needed > file_size:
        have = max(0, file_size - start)
        info["problem"] = (
            f"The file is truncated: this HDU needs {needed} bytes of data but only {have} "
            "are present; copy or download the file again"
        )
        return info
    info["is_image"] = True
    return info


def _celestial_wcs(hdul: Any, index: int) -> Any:
    try:
        with quiet():
            full = WCS(hdul[index].header, fobj=hdul)
            if not full.has_celestial or sorted((full.wcs.lng, full.wcs.lat)) != [0, 1]:
                return None
            # 2-D images keep their distortions (SIP, lookup tables); cubes use the sky axes.
            wcs = full if full.naxis == 2 else full.celestial
            wcs.all_pix2world([[0.0, 0.0]], 0)  # a WCS that cannot convert is no WCS
            return wcs
    except Exception:  # any malformed WCS simply means "no WCS"
        return None


# --- pictures ---------------------------------------------------------------------------------

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


def _raster_plan(mode: str, has_transparency: bool) -> tuple[str | None, int, str]:
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
    raise ImagingError("unsupported", f"Pictures in Pillow mode {mode!r} are not supported")


def _open_raster(real: str, name: str, identity: str) -> OpenedFile:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(real) as im:
                width, height = im.size
                mode, fmt = im.mode, str(im.format)
                has_transparency = "transparency" in im.info
    except Image.DecompressionBombError:
        raise ImagingError("too_large", f"{name} is too large a picture to open") from None
    except Exception:
        raise ImagingError(
            "unreadable",
            f"{name} is neither a FITS file nor a picture (PNG, JPEG, TIFF, BMP, GIF); "
            "check that you chose the right file",
        ) from None
    if width * height > MAX_RASTER_PIXELS:
        raise ImagingError(
            "too_large",
            f"{name} has {width}×{height} pixels, more than the {MAX_RASTER_PIXELS} this server "
            "decodes; convert it to FITS to view it",
        )
    _, bands, dtype = _raster_plan(mode, has_transparency)
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
    return OpenedFile(
        real_path=real,
        name=name,
        identity=identity,
        format="raster",
        infos=[info],
        raster_mode=mode,
        raster_format=fmt,
    )


def _decode_raster(f: OpenedFile) -> npt.NDArray[Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(f.real_path) as im:
                target, _, _ = _raster_plan(im.mode, "transparency" in im.info)
                im.load()
                pic = im.convert(target) if target else im
                arr = np.asarray(pic)
    except ImagingError:
        raise
    except Image.DecompressionBombError:
        raise ImagingError("too_large", f"{f.name} is too large a picture to open") from None
    except Exception as exc:
        raise ImagingError("unreadable", f"Could not decode {f.name} ({exc}); the picture may be damaged") from None
    if arr.dtype != np.uint8:
        arr = arr.astype(np.float32)
    # Pictures store the top row first; level 0 stores y = 0 (the bottom) first.
    return arr[::-1]


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
            data = _decode_raster(f)
            with atomic_npy(target, data.shape, data.dtype) as out:
                out[...] = data
            arr = load_npy(target)
    assert arr is not None
    return arr


# --- sources: one plane of one HDU ------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One displayable plane: the (file, HDU, plane) that a pyramid is built for.

    ``lead`` indexes the leading (cube) axes of the HDU for ``plane`` (C order); ``tile_rows`` is
    how many rows a compressed HDU decompresses together (1 when uncompressed).
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

    @property
    def levels(self) -> int:
        """Number of pyramid levels."""
        return level_count(self.width, self.height)

    @property
    def level0_cached(self) -> bool:
        """True when level 0 lives in ``L0.npy`` (sources that cannot be sliced cheaply)."""
        return self.compressed or self.format == "raster"

    def folder(self, cache_dir: Path) -> Path:
        """The cache folder of this source."""
        return plane_dir(cache_dir, self.identity, self.hdu, self.plane)


def first_image_hdu(f: OpenedFile) -> int | None:
    """Return the index of the first displayable image HDU, or None."""
    return next((i["index"] for i in f.infos if i["is_image"]), None)


def check_hdu(f: OpenedFile, hdu: int) -> HduInfo:
    """Return the info of HDU ``hdu``, raising ``bad_hdu`` when there is no such HDU."""
    if not 0 <= hdu < len(f.infos):
        raise ImagingError(
            "bad_hdu",
            f"HDU {hdu} does not exist; {f.name} has {len(f.infos)} HDU(s), numbered 0 to {len(f.infos) - 1}",
        )
    return f.infos[hdu]


def check_plane(info: HduInfo, plane: int) -> None:
    """Raise ``bad_plane`` unless ``plane`` is a plane of the image HDU ``info``."""
    if not 0 <= plane < info["planes"]:
        raise ImagingError(
            "bad_plane",
            f"Plane {plane} does not exist; HDU {info['index']} has {info['planes']} plane(s), "
            f"numbered 0 to {info['planes'] - 1}",
        )


def select_source(f: OpenedFile, hdu: int, plane: int) -> Source:
    """Validate ``hdu`` and ``plane`` and return the :class:`Source` to read from.

    Raises
    ------
    ImagingError
        ``bad_hdu`` for a missing or non-displayable HDU (with its problem), ``bad_plane``.
    """
    info = check_hdu(f, hdu)
    if not info["is_image"]:
        raise ImagingError("bad_hdu", f"HDU {hdu} cannot be shown: {info['problem']}")
    check_plane(info, plane)
    lead: tuple[int, ...] = ()
    tile_rows = 1
    if f.format == "fits":
        lead_shape = info["shape"][:-2]
        lead = tuple(int(i) for i in np.unravel_index(plane, lead_shape)) if lead_shape else ()
        if info["compressed"]:
            tile_shape: tuple[int, ...] = getattr(f.hdul[hdu], "tile_shape", None) or (1,)
            tile_rows = int(tile_shape[-2]) if len(tile_shape) >= 2 else 1
    return Source(
        identity=f.identity,
        format=f.format,
        hdu=hdu,
        plane=plane,
        width=info["width"],
        height=info["height"],
        bands=info["bands"],
        compressed=info["compressed"],
        lead=lead,
        tile_rows=max(1, tile_rows),
    )


def to_float32(raw: npt.NDArray[Any]) -> FloatArray:
    """Return ``raw`` as a new native float32 array with ±inf replaced by NaN."""
    out = np.asarray(raw, dtype=np.float32)
    if out is raw or not out.flags.writeable:
        out = out.copy()
    with np.errstate(all="ignore"):
        out[np.isinf(out)] = np.nan
    return out


def read_level0(f: OpenedFile, src: Source, cache_dir: Path, y0: int, y1: int, x0: int, x1: int) -> FloatArray:
    """Read level-0 pixels ``[y0:y1, x0:x1]`` (0-based, end exclusive, ``y = 0`` at the bottom).

    Uses ``L0.npy`` when it exists (pictures, compressed HDUs after a pyramid build), otherwise
    an astropy ``section`` read, which for compressed HDUs decompresses only the tiles touched.

    Returns
    -------
    numpy.ndarray
        float32 ``[y, x]`` (or ``[y, x, band]``), BZERO/BSCALE applied, ±inf turned into NaN.
    """
    if src.format == "raster":
        return to_float32(raster_level0(f, cache_dir)[y0:y1, x0:x1])
    if src.compressed:
        cached = load_npy(level_path(src.folder(cache_dir), 0))
        if cached is not None:
            return to_float32(cached[y0:y1, x0:x1])
    return to_float32(f.section(src, y0, y1, x0, x1))


def read_pixel(f: OpenedFile, src: Source, cache_dir: Path | None, col: int, row: int) -> float | list[float] | None:
    """Return the value of level-0 pixel ``(col, row)`` in full precision (None for NaN/inf).

    Colour pictures give one value per band. Without ``cache_dir`` a picture is decoded in
    memory for this one read.
    """
    if src.format == "raster":
        if cache_dir is not None:
            px = np.asarray(raster_level0(f, cache_dir)[row, col])
        else:
            px = np.asarray(_decode_raster(f)[row, col])
        values = [float(v) for v in px.ravel()]
        return values if src.bands > 1 else values[0]
    raw = np.asarray(f.section(src, row, row + 1, col, col + 1), dtype=np.float64)
    value = float(raw.ravel()[0])
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


def read_sample(f: OpenedFile, src: Source, cache_dir: Path) -> FloatArray:
    """Return about :data:`SAMPLE_TARGET` finite level-0 values from strided rows and columns.

    Rows are read lazily, one (or, for compressed HDUs, one tile-row block) at a time, so the
    memory used stays near the sample size.
    """
    row_step, col_step = sample_grid(src.width, src.height)
    first = row_step // 2
    rows = range(first, src.height, row_step)
    pieces: list[FloatArray] = []
    if src.format == "raster" or (src.compressed and level_path(src.folder(cache_dir), 0).exists()):
        base = raster_level0(f, cache_dir) if src.format == "raster" else None
        if base is None:
            base = load_npy(level_path(src.folder(cache_dir), 0))
        assert base is not None
        pieces.append(to_float32(base[first::row_step, ::col_step]))
    else:
        block = src.tile_rows if src.compressed else 1
        if row_step == 1:
            block = max(block, (512 // block) * block)
        for blk, ys in itertools.groupby(rows, key=lambda y: y // block):
            y0 = blk * block
            chunk = f.section(src, y0, min(y0 + block, src.height), 0, src.width)
            picked = chunk[np.asarray(list(ys)) - y0, ::col_step]
            pieces.append(to_float32(picked))
    values = np.concatenate([p.ravel() for p in pieces]) if pieces else np.empty(0, np.float32)
    finite: FloatArray = values[np.isfinite(values)]
    return finite
