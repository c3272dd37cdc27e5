"""Opened files: FITS files and pictures parsed once and shared by every request.

Pixels of uncompressed FITS images are read with :func:`os.pread` on a file descriptor, never
through a memory map: a file truncated or rewritten in place while it is mapped makes the next
access raise SIGBUS, which kills the whole server. A short read (the file shrank) becomes an
``unreadable`` error instead. Tile-compressed HDUs are decompressed by fitsio (cfitsio), which
reads a 256-row strip of a DECam CCD in half the time astropy takes and skips the rows a strided
read does not need (``make bench-decam`` measures both); gzip/bzip2/zip streams go through
astropy opened with ``memmap=False``, which reads into memory. Headers are parsed by astropy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import fitsio  # type: ignore[import-untyped]
import numpy as np
import numpy.typing as npt
from astropy.io import fits
from cachetools import LRUCache

from workers.errors import ToyzError

from . import shared, silence  # noqa: F401  (silence installs the warning filters before astropy is used)
from .cache import Examined, examine, stat_identity
from .hdus import HduInfo, celestial_wcs, data_offset, hdu_info, header_has_celestial_wcs, image_keywords, is_packed
from .raster import probe_raster

logger = logging.getLogger(__name__)

#: At most this many header cards are returned by :meth:`OpenedFile.header_cards`.
HEADER_CARD_LIMIT: Final = 2000
#: Opened files kept by the process-wide cache.
OPEN_FILES_MAX: Final = 8
#: A partial-width region is read row by row when the rows are this many times wider than it
#: (measured: a 256×256 tile of float32 takes 0.10 ms as one read of 2048-wide rows against
#: 0.29 ms row by row, 0.24 against 0.30 ms at 4096 wide, 2.5 against 0.33 ms at 16384 wide).
ROW_BY_ROW_RATIO: Final = 16
CHANGED: Final = "The file changed or is truncated; reopen it."
#: Bytes of per-file results (previews, binned CCD levels) kept with one opened file: every
#: preview of a DECam exposure (62 CCDs, levels 3 and up) takes about 43 MB.
MEMO_BYTES: Final = 64 * 1024 * 1024

_FITS_MAGIC: Final = (b"SIMPLE", b"\x1f\x8b", b"BZh", b"PK\x03\x04")
_STREAM_MAGIC: Final = (b"\x1f\x8b", b"BZh", b"PK\x03\x04")
_BITPIX_STORED: Final = {8: ">u1", 16: ">i2", 32: ">i4", 64: ">i8", -32: ">f4", -64: ">f8"}


def _memo_size(value: Any) -> int:
    """Arrays count their bytes; anything else (a layout, None) one byte."""
    return max(1, int(getattr(value, "nbytes", 1)))


@dataclass(frozen=True)
class RawLayout:
    """Where the stored values of an uncompressed image HDU are, and how to scale them.

    ``offset`` is the byte offset of the first value in the file; values are stored
    big-endian as ``dtype``, row by row (x fastest), plane after plane.
    """

    offset: int
    dtype: np.dtype[Any]
    width: int
    height: int
    bscale: float
    bzero: float
    blank: int | None

    @property
    def scaled(self) -> bool:
        """True when BSCALE, BZERO or BLANK change the stored values."""
        return self.bscale != 1 or self.bzero != 0 or self.blank is not None


def _raw_layout(hdul: Any, index: int, info: HduInfo) -> RawLayout | None:
    hdu = hdul[index]
    if not info["is_image"] or info["compressed"]:
        return None
    header = hdu.header
    stored = _BITPIX_STORED.get(int(header["BITPIX"]))
    if stored is None:
        return None
    blank = header.get("BLANK") if int(header["BITPIX"]) > 0 else None
    return RawLayout(
        offset=data_offset(hdul, index),
        dtype=np.dtype(stored),
        width=info["width"],
        height=info["height"],
        bscale=float(header.get("BSCALE", 1)),
        bzero=float(header.get("BZERO", 0)),
        blank=int(blank) if isinstance(blank, (int, np.integer)) else None,
    )


@dataclass(eq=False)
class OpenedFile:
    """A FITS file or picture whose headers have been parsed once, shared by every request.

    For FITS, ``hdul`` is the open :class:`astropy.io.fits.HDUList` (``memmap=False``; its
    tile-compressed HDUs are binary tables, see :func:`~workers.imaging.hdus.is_packed`), ``fd``
    a read-only descriptor for :func:`os.pread` and ``packed`` a :class:`fitsio.FITS` for the
    tile-compressed HDUs, opened on their first read; ``tiles`` holds their compression tile
    shapes (rows, columns). Neither astropy's lazy loading nor a
    cfitsio handle is thread-safe, so their calls hold ``lock``; ``pread`` needs no lock.
    """

    real_path: str
    name: str
    identity: str
    format: Literal["fits", "raster"]
    infos: list[HduInfo]
    hdul: Any = None
    fd: int | None = None
    packed: Any = None
    raster_mode: str | None = None
    raster_format: str | None = None
    #: A gzip/bzip2/zip stream: every read decompresses from the start (or the last position).
    stream: bool = False
    #: Error code for HDUs that cannot be shown, when it is not ``bad_hdu``.
    codes: dict[int, str] = field(default_factory=dict)
    raw: dict[int, RawLayout] = field(default_factory=dict)
    tiles: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: The packed HDUs that fitsio decompresses (see :func:`_cfitsio_reads_alike`).
    by_cfitsio: set[int] = field(default_factory=set)
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: int = 0
    evicted: bool = False
    closed: bool = False
    #: Per-file results computed once by other modules (the mosaic layout, previews), at most
    #: :data:`MEMO_BYTES` of arrays; use :meth:`remember` to add one.
    memo: LRUCache[str, Any] = field(default_factory=lambda: LRUCache(maxsize=MEMO_BYTES, getsizeof=_memo_size))
    _wcs: dict[int, Any] = field(default_factory=dict)
    _images: dict[int, Any] = field(default_factory=dict)

    def close(self) -> None:
        """Close the HDUList and the descriptor (safe to call twice)."""
        with self.lock:
            self.closed = True
            if self.hdul is not None:
                self.hdul.close()
                self.hdul = None
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None
            if self.packed is not None:
                with contextlib.suppress(Exception):
                    self.packed.close()
                self.packed = None

    def remember(self, key: str, value: Any) -> None:
        """Keep ``value`` in :attr:`memo` (hold :attr:`lock`); one too large is not kept."""
        with contextlib.suppress(ValueError):  # cachetools refuses a value above the whole budget
            self.memo[key] = value

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
        with self.lock:
            for card in self._image_header(hdu).cards:
                if len(cards) >= HEADER_CARD_LIMIT:
                    break
                try:
                    cards.append(card.image.rstrip())
                except Exception:  # a malformed card must not hide the others
                    cards.append(str(card.keyword))
        return cards

    def header(self, hdu: int) -> Any:
        """Return the astropy header of ``hdu`` (read-only use, FITS only), as an image header
        for tile-compressed HDUs."""
        with self.lock:
            return self._image_header(hdu)

    def keyword(self, hdu: int, name: str) -> Any:
        """Return keyword ``name`` of ``hdu`` or None, from the header as stored.

        Cheaper than :meth:`header` for a tile-compressed HDU, whose table header keeps the
        image's own keywords (DETSEC, EXTNAME, CTYPE1...) but not its structural ones (NAXIS...).
        """
        with self.lock:
            return self._headers()[hdu].header.get(name)

    def _headers(self) -> Any:
        """The astropy HDUList (hold :attr:`lock`). A file opened from its shared layout
        (:func:`share_layouts`) reads pixels without it, and parses its headers only when asked for one."""
        if self.hdul is None:
            if self.closed:
                raise ToyzError("unreadable", CHANGED)
            hdul = _parse_headers(self.real_path, self.name, self.stream)
            try:
                # The layout was this identity's: headers of a file changed since must not be mixed in.
                changed = stat_identity(self.real_path, os.stat(self.real_path)) != self.identity
            except OSError:
                changed = True
            if changed:
                hdul.close()
                raise ToyzError("unreadable", CHANGED)
            self.hdul = hdul
        return self.hdul

    def _image_header(self, hdu: int) -> Any:
        return self._image_hdu(hdu).header

    def _image_hdu(self, hdu: int) -> Any:
        """The HDU as an image: a packed table becomes a CompImageHDU (made once)."""
        item = self._headers()[hdu]
        if not is_packed(item):
            return item
        if hdu not in self._images:
            self._images[hdu] = fits.CompImageHDU(bintable=item)
        return self._images[hdu]

    def celestial_wcs(self, hdu: int) -> Any:
        """Return the celestial WCS of ``hdu`` on pixel axes (x, y), or None when there is none."""
        if self.format == "raster":
            return None
        with self.lock:
            if hdu not in self._wcs:
                self._wcs[hdu] = celestial_wcs(self._image_header(hdu), self._headers())
            return self._wcs[hdu]

    def read_stored(self, hdu: int, plane: int, y0: int, y1: int, x0: int, x1: int) -> npt.NDArray[Any]:
        """Read stored (unscaled, big-endian) values ``[y0:y1, x0:x1]`` of an uncompressed HDU.

        One read spans the rows at full width unless the region is much narrower than the
        image (:data:`ROW_BY_ROW_RATIO`); then each row is read on its own.

        Raises
        ------
        ToyzError
            ``unreadable`` when the file is shorter than its header says (it changed).
        """
        layout = self.raw[hdu]
        fd = self.fd
        if fd is None:
            raise ToyzError("unreadable", CHANGED)
        item = layout.dtype.itemsize
        width, rows = x1 - x0, y1 - y0
        first = layout.offset + (plane * layout.height + y0) * layout.width * item
        try:
            if width * ROW_BY_ROW_RATIO >= layout.width or rows == 1:
                start = first + (x0 * item if rows == 1 else 0)
                span = width if rows == 1 else layout.width
                buf = np.empty((rows, span), layout.dtype)
                got = os.preadv(fd, [buf.data], start) if buf.size else 0
                if got != buf.nbytes:
                    raise ToyzError("unreadable", CHANGED)
                return buf if rows == 1 else buf[:, x0:x1]
            out = np.empty((rows, width), layout.dtype)
            for j in range(rows):
                if os.preadv(fd, [memoryview(out[j])], first + (j * layout.width + x0) * item) != width * item:
                    raise ToyzError("unreadable", CHANGED)
            return out
        except OSError as exc:
            raise ToyzError("unreadable", f"{CHANGED} ({exc.strerror})") from None

    def section(
        self, hdu: int, lead: tuple[int, ...], y0: int, y1: int, x0: int, x1: int, step: int = 1
    ) -> npt.NDArray[Any]:
        """Read ``[y0:y1:step, x0:x1]`` of a plane (scaled), for the HDUs that are not read with
        :meth:`read_stored`: tile-compressed ones and gzip/bzip2/zip streams.

        Only the compression tiles the rows touch are decompressed (by fitsio, which reads
        the tile descriptors it needs as it goes); streams are read by astropy.
        """
        try:
            with self.lock, np.errstate(all="ignore"):
                if self.closed:
                    raise ToyzError("unreadable", CHANGED)
                if hdu in self.by_cfitsio:
                    if self.packed is None:
                        self.packed = self._open_packed()
                    rows = -(-(y1 - y0) // step)
                    key = (*(slice(i, i + 1) for i in lead), slice(y0, y1, step), slice(x0, x1))
                    return np.asarray(self.packed[hdu][key]).reshape(rows, x1 - x0)
                section = self._image_hdu(hdu).section
                return np.asarray(section[(*lead, slice(y0, y1, step), slice(x0, x1))])
        except ToyzError:
            raise
        except Exception:
            # cfitsio's messages name the server path: they go to the log, not to the user.
            logger.warning("Reading HDU %s of %s failed", hdu, self.real_path, exc_info=True)
            raise ToyzError(
                "unreadable",
                f"Could not read the pixels of HDU {hdu} of {self.name}; "
                "the file may have changed or be damaged: reopen it, or copy it again",
            ) from None

    def _open_packed(self) -> Any:
        """A fitsio handle on this very file (the one described, with the identity checked).

        cfitsio would read a name as a filter expression (``x.fz[0]``, ``$VAR``, ``+1``) and
        could meet a path swapped since the check: it is given ``/proc/self/fd/N`` of a
        descriptor that was checked instead, which it opens literally.
        """
        fd = os.open(self.real_path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            _check_descriptor(fd, self.real_path, self.name)
            if stat_identity(self.real_path, os.fstat(fd)) != self.identity:
                raise ToyzError("unreadable", CHANGED)
            return fitsio.FITS(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)


def _cfitsio_reads_alike(header: Any) -> bool:
    """Whether cfitsio decodes a packed image as astropy does.

    Not for integers with a blank value (``BLANK``/``ZBLANK``: cfitsio returns the value where
    astropy gives NaN; quantized floats are fine), nor for floats packed by RICE, HCOMPRESS or PLIO without quantization
    (astropy writes those when asked for ``quantize_level=0``; the standard has no such thing,
    and cfitsio reads the integers back as raw float bits). astropy reads both.
    """
    fields = min(int(header.get("TFIELDS", 0) or 0), 999)  # the FITS maximum; a header can claim any
    columns = {str(header.get(f"TTYPE{k}", "")).strip().upper() for k in range(1, fields + 1)}
    integers = int(header.get("ZBITPIX", 0)) > 0
    if integers:
        return not ("BLANK" in header or "ZBLANK" in header or "ZBLANK" in columns)
    if str(header.get("ZCMPTYPE", "")).strip().upper().startswith("GZIP"):
        return True
    return "ZSCALE" in columns or "ZSCALE" in header


class _OpenFiles(LRUCache[tuple[str, str], OpenedFile]):
    """The opened files by (real path, identity); those pushed out are marked and kept in
    :attr:`pushed_out` for the caller to close once nobody uses them."""

    def __init__(self, maxsize: int) -> None:
        super().__init__(maxsize=maxsize)
        self.pushed_out: list[OpenedFile] = []

    def popitem(self) -> tuple[tuple[str, str], OpenedFile]:
        key, entry = super().popitem()
        entry.evicted = True
        self.pushed_out.append(entry)
        return key, entry


_open_lock = threading.Lock()
_open_files = _OpenFiles(OPEN_FILES_MAX)
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
def opened(path: Path, *, seen: Examined | None = None) -> Iterator[OpenedFile]:
    """Yield the parsed file at ``path`` from a small process-wide LRU cache.

    The cache is keyed by real path and :func:`file_identity` (size and modification time), so
    a file changed on disk is opened afresh. Entries pushed out of the cache are closed once no
    caller uses them. ``seen`` is what :func:`examine` said of ``path`` a moment ago, for a
    caller that needs the identity first: the file is not examined again.

    Raises
    ------
    ToyzError
        ``not_found``, ``unreadable`` (not FITS nor a picture, headers broken) or ``too_large``.
    """
    global _open_pid
    seen = seen or examine(path)
    real, identity = seen.real, seen.identity
    if real != os.path.abspath(path):
        # Callers pass paths they resolved and checked; one that resolves elsewhere now had a
        # folder swapped for a symlink since, so it may no longer be what was checked.
        raise ToyzError("unreadable", f"{seen.name} moved while it was being opened; open it again.")
    key = (real, identity)
    to_close: list[OpenedFile] = []
    with _open_lock:
        if os.getpid() != _open_pid:
            # A forked worker must not share astropy's file objects with its parent.
            _open_files.clear()
            _open_files.pushed_out.clear()
            _open_pid = os.getpid()
        entry = _open_files.get(key)
        if entry is not None:
            entry.users += 1
    if entry is None:
        fresh = _open_uncached(real, seen.name, identity)
        with _open_lock:
            entry = _open_files.get(key)
            if entry is None:
                entry = fresh
                _open_files[key] = fresh
            else:
                to_close.append(fresh)
            # The same file under an older identity changed on disk: nobody should read it again.
            for other_key in [k for k in _open_files if k[0] == real and k != key]:
                stale = _open_files.pop(other_key)
                stale.evicted = True
                if stale.users == 0:
                    to_close.append(stale)
            entry.users += 1
            to_close.extend(old for old in _open_files.pushed_out if old.users == 0)
            _open_files.pushed_out.clear()
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
        raise ToyzError("unreadable", f"{name}: cannot read the file ({exc.strerror})") from None
    if not magic:
        raise ToyzError("unreadable", f"{name} is empty; choose another file")
    if magic.startswith(_FITS_MAGIC):
        stream = magic.startswith(_STREAM_MAGIC)
        known = None if stream else _from_layout(real, name, identity, shared.recall("file", identity))
        if known is not None:
            return known
        entry = _open_fits(real, name, identity, stream=stream)
        if not stream:
            shared.keep("file", identity, _layout(entry))
        return entry
    info, mode, fmt = probe_raster(real, name)
    return OpenedFile(
        real_path=real, name=name, identity=identity, format="raster", infos=[info], raster_mode=mode, raster_format=fmt
    )


def _check_descriptor(fd: int, real: str, name: str) -> None:
    """Refuse a descriptor that does not lead to ``real`` (a symlink swapped in after the check)."""
    link = Path(f"/proc/self/fd/{fd}")
    if link.exists() and str(link.readlink()) != real:
        raise ToyzError("unreadable", f"{name} moved while it was being opened; open it again.")


def _parse_headers(real: str, name: str, stream: bool) -> Any:
    """Open ``real`` with astropy and parse every header (the HDUList)."""
    hdul = None
    try:
        # memmap=False: astropy reads into memory, so a file truncated later cannot SIGBUS us.
        # Tile-compressed HDUs stay binary tables (see hdus.is_packed) unless astropy must
        # decompress them itself: inside a gzip/bzip2/zip stream, which fitsio cannot read.
        hdul = fits.open(real, mode="readonly", lazy_load_hdus=True, memmap=False, disable_image_compression=not stream)
        len(hdul)  # parses every header once, here rather than per request
    except Exception as exc:
        if hdul is not None:
            hdul.close()
        raise ToyzError(
            "unreadable",
            f"{name} is not a readable FITS file ({exc}); check that it is a FITS image or a PNG/JPEG/TIFF picture",
        ) from None
    return hdul


def _open_fits(real: str, name: str, identity: str, *, stream: bool) -> OpenedFile:
    hdul = _parse_headers(real, name, stream)
    count = len(hdul)
    entry = OpenedFile(real_path=real, name=name, identity=identity, format="fits", infos=[], stream=stream)
    entry.hdul = hdul
    try:
        size = None if stream else Path(real).stat().st_size
        for i in range(count):
            info, code = hdu_info(hdul, i, size)
            entry.infos.append(info)
            if code is not None:
                entry.codes[i] = code
            layout = None if stream else _raw_layout(hdul, i, info)
            if layout is not None:
                entry.raw[i] = layout
            if info["is_image"] and info["compressed"]:
                tile = image_keywords(hdul[i])["tile"]
                entry.tiles[i] = (tile[1] if len(tile) > 1 else 1, tile[0])
                if is_packed(hdul[i]) and _cfitsio_reads_alike(hdul[i].header):
                    entry.by_cfitsio.add(i)
        if entry.raw:
            entry.fd = os.open(real, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            _check_descriptor(entry.fd, real, name)
    except OSError as exc:
        entry.close()
        raise ToyzError("unreadable", f"{name}: cannot read the file ({exc.strerror})") from None
    # From CTYPE1/CTYPE2 only: a WCS per HDU costs milliseconds, so it is built when needed
    # (by :meth:`OpenedFile.celestial_wcs`, for pixel_at and for a mosaic placed by WCS).
    for info in entry.infos:
        if info["kind"] == "image" and not info["problem"]:
            info["has_wcs"] = header_has_celestial_wcs(hdul[info["index"]].header)
    return entry


# --- the layout shared between processes (workers.imaging.shared) ----------------------------------


def _layout(entry: OpenedFile) -> dict[str, Any]:
    """What reading pixels of ``entry`` needs, as plain data: its HDUs, data offsets and compression tiles."""
    return {
        "infos": entry.infos,
        "codes": [[hdu, code] for hdu, code in entry.codes.items()],
        "raw": [
            [hdu, r.offset, r.dtype.str, r.width, r.height, r.bscale, r.bzero, r.blank] for hdu, r in entry.raw.items()
        ],
        "tiles": [[hdu, rows, cols] for hdu, (rows, cols) in entry.tiles.items()],
        "by_cfitsio": sorted(entry.by_cfitsio),
    }


def _from_layout(real: str, name: str, identity: str, layout: Any) -> OpenedFile | None:
    """An opened file made from another process's layout of this identity, its headers left unparsed;
    None when there is none or it does not fit (then the file is opened as usual)."""
    if not isinstance(layout, dict):
        return None
    try:
        entry = OpenedFile(
            real_path=real,
            name=name,
            identity=identity,
            format="fits",
            infos=[HduInfo(**info) for info in layout["infos"]],  # type: ignore[typeddict-item]
            codes={int(hdu): str(code) for hdu, code in layout["codes"]},
            raw={
                int(hdu): RawLayout(int(offset), np.dtype(dtype), int(w), int(h), float(bscale), float(bzero), blank)
                for hdu, offset, dtype, w, h, bscale, bzero, blank in layout["raw"]
            },
            tiles={int(hdu): (int(rows), int(cols)) for hdu, rows, cols in layout["tiles"]},
            by_cfitsio={int(hdu) for hdu in layout["by_cfitsio"]},
        )
    except (KeyError, TypeError, ValueError):
        logger.warning("The shared layout of %s does not fit; opening it anew", name)
        return None
    if entry.raw:
        try:
            entry.fd = os.open(real, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            _check_descriptor(entry.fd, real, name)
            # The layout describes this identity: the descriptor must lead to the very file it was made of.
            if stat_identity(real, os.fstat(entry.fd)) != identity:
                raise ToyzError("unreadable", CHANGED)
        except OSError as exc:
            entry.close()
            raise ToyzError("unreadable", f"{name}: cannot read the file ({exc.strerror})") from None
        except ToyzError:
            entry.close()
            raise
    return entry
