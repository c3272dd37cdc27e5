"""Whether a file that is still landing (copied, downloaded, written by a camera) is whole.

A watched folder sees files while they are written; the watcher (``apps.watch``) waits until a file
stops changing and then asks :func:`check_complete` whether it reads to its end:

- FITS (plain or tile-compressed ``.fz``): every HDU's header ends (``END``) and its data, as long as
  the header says (``BITPIX``, ``NAXISn``, ``PCOUNT``, ``GCOUNT``, padded to 2880 bytes), is there;
  nothing but another extension follows; the size is a multiple of 2880; and when the primary header
  announces its extensions (``NEXTEND``), all of them are there. Headers are read, data is seeked past.
- FITS in a gzip, bzip2 or zip stream: the same, on the stream decompressed to its end, whose own end
  (checksum and length) must be there.
- Pictures: Pillow's ``verify`` (a PNG's chunks and checksums up to ``IEND``), then a full decode
  unless the file already ends as its format must (a JPEG's end-of-image marker).

Zero bytes where a header should start count as unwritten (a file allocated before it is filled),
not as padding. No Django here.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import math
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Protocol

from PIL import Image

from .formats import RASTER_FORMATS
from .raster import MAX_RASTER_PIXELS

#: FITS files are made of blocks of this many bytes; a header of cards of 80 characters.
BLOCK: Final = 2880
CARD: Final = 80
#: A header longer than this many blocks (360,000 cards) is taken as damaged rather than read on.
MAX_HEADER_BLOCKS: Final = 10_000
_CHUNK: Final = 1 << 20
_BITPIX: Final = frozenset({8, 16, 32, 64, -32, -64})
#: How each format's files end: PNG's IEND chunk, GIF's trailer, JPEG's end-of-image marker.
_ENDINGS: Final = {"PNG": b"\0\0\0\0IEND\xaeB`\x82", "GIF": b"\x3b", "JPEG": b"\xff\xd9"}


@dataclass(frozen=True)
class Completeness:
    """What :func:`check_complete` found: whole, or why not (a phrase to follow the file's name)."""

    complete: bool
    reason: str = ""


WHOLE: Final = Completeness(True)


class _Reader(Protocol):
    position: int

    def read(self, n: int) -> bytes: ...

    def skip(self, n: int) -> int: ...


class _FileReader:
    """A plain file of a known size: data is skipped by seeking."""

    def __init__(self, fh: IO[bytes], size: int) -> None:
        self.fh, self.size, self.position = fh, size, 0

    def read(self, n: int) -> bytes:
        data = self.fh.read(n)
        self.position += len(data)
        return data

    def skip(self, n: int) -> int:
        target = min(self.position + n, self.size)
        self.fh.seek(target)
        skipped, self.position = target - self.position, target
        return skipped


class _Binary(Protocol):
    """What a decompressing file object offers (gzip, bz2, zip members)."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


class _StreamReader:
    """A decompressing stream: everything is read, so that its checksum at the end is checked too."""

    def __init__(self, fh: _Binary) -> None:
        self.fh, self.position = fh, 0

    def read(self, n: int) -> bytes:
        parts: list[bytes] = []
        wanted = n
        while wanted > 0:
            data = self.fh.read(wanted)
            if not data:
                break
            parts.append(data)
            wanted -= len(data)
        whole = b"".join(parts)
        self.position += len(whole)
        return whole

    def skip(self, n: int) -> int:
        skipped = 0
        while skipped < n:
            data = self.fh.read(min(_CHUNK, n - skipped))
            if not data:
                break
            skipped += len(data)
        self.position += skipped
        return skipped


_END_OF_FILE: Final = object()


def _integer(cards: dict[str, str], key: str, default: int | None = None) -> int | None:
    text = cards.get(key)
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None


def _read_header(reader: _Reader, index: int) -> dict[str, str] | str | object:
    """The value fields of one header's keywords (first occurrence), a reason it is not whole, or
    ``_END_OF_FILE`` when the file ends cleanly where this header would start."""
    cards: dict[str, str] = {}
    for number in range(MAX_HEADER_BLOCKS):
        block = reader.read(BLOCK)
        if number == 0:
            if not block and index > 0:
                return _END_OF_FILE
            if index == 0 and not block.startswith(b"SIMPLE  ="):
                return "does not start as a FITS file should (SIMPLE = T)"
            if index > 0 and not block.startswith(b"XTENSION="):
                if block.count(0) == len(block):
                    return f"holds zero bytes where HDU {index} or the end should be (still being written?)"
                return f"holds bytes after HDU {index - 1} that are not a FITS extension"
        if len(block) < BLOCK:
            return f"ends inside the header of HDU {index}"
        for start in range(0, BLOCK, CARD):
            card = block[start : start + CARD]
            key = card[:8].rstrip().decode("ascii", "replace")
            if key == "END":
                return cards
            if card[8:10] == b"= " and key not in cards:
                cards[key] = card[10:].split(b"/", 1)[0].strip().decode("ascii", "replace")
    return f"has a header of more than {MAX_HEADER_BLOCKS} blocks in HDU {index} (damaged?)"


def _data_bytes(cards: dict[str, str], index: int) -> int | str:
    """The padded size of an HDU's data from its header (FITS standard 4.4.1), or why it cannot be told."""
    bitpix, naxis = _integer(cards, "BITPIX"), _integer(cards, "NAXIS")
    if bitpix not in _BITPIX or naxis is None or not 0 <= naxis <= 999:
        return f"has no valid BITPIX and NAXIS in HDU {index}"
    axes = [_integer(cards, f"NAXIS{i}") for i in range(1, naxis + 1)]
    if any(length is None or length < 0 for length in axes):
        return f"has a missing or negative NAXISn in HDU {index}"
    lengths = [length for length in axes if length is not None]
    pcount, gcount = _integer(cards, "PCOUNT", 0), _integer(cards, "GCOUNT", 1)
    if pcount is None or gcount is None or pcount < 0 or gcount < 0:
        return f"has an invalid PCOUNT or GCOUNT in HDU {index}"
    # Random groups (a primary HDU with NAXIS1 = 0 and GROUPS = T) leave NAXIS1 out of the product.
    if index == 0 and lengths[:1] == [0] and cards.get("GROUPS") == "T":
        lengths = lengths[1:]
    pixels = math.prod(lengths) if lengths else 0
    size = abs(bitpix) // 8 * gcount * (pcount + pixels)
    return -(-size // BLOCK) * BLOCK


def check_fits_structure(reader: _Reader) -> Completeness:
    """Walk the HDUs of a FITS file from its first byte to its end (see the module's docstring)."""
    index = 0
    announced: int | None = None
    while True:
        header = _read_header(reader, index)
        if header is _END_OF_FILE:
            break
        if isinstance(header, str):
            return Completeness(False, header)
        assert isinstance(header, dict)
        if index == 0:
            announced = _integer(header, "NEXTEND")
        size = _data_bytes(header, index)
        if isinstance(size, str):
            return Completeness(False, size)
        present = reader.skip(size)
        if present < size:
            return Completeness(False, f"ends inside the data of HDU {index} ({present:,} of {size:,} bytes)")
        index += 1
    if announced is not None and index - 1 < announced:
        return Completeness(False, f"has {index - 1} of the {announced} extensions its primary header announces")
    return WHOLE


def _plain_fits(path: Path, size: int) -> Completeness:
    if size % BLOCK:
        return Completeness(False, f"is {size:,} bytes long, not a whole number of 2880-byte FITS blocks")
    with path.open("rb") as fh:
        return check_fits_structure(_FileReader(fh, size))


def _stream(opener: Callable[[Path], _Binary], what: str, path: Path) -> Completeness:
    try:
        with contextlib.closing(opener(path)) as fh:
            found = check_fits_structure(_StreamReader(fh))
            if found.complete:
                # Read on to the stream's end: its checksum and length are checked there.
                while fh.read(_CHUNK):
                    pass
    except (EOFError, OSError, zlib.error, zipfile.BadZipFile, ValueError) as exc:
        return Completeness(False, f"is not a whole {what} stream yet ({exc})")
    return found


def _open_zip_member(path: Path) -> _Binary:
    archive = zipfile.ZipFile(path)
    names = archive.namelist()
    if len(names) != 1:
        archive.close()
        raise zipfile.BadZipFile(f"{len(names)} members, not the one FITS file astropy reads")
    # The member keeps the archive's file open until it is closed itself.
    member = archive.open(names[0])
    archive.close()
    return member


def _picture(path: Path) -> Completeness:
    try:
        with path.open("rb") as fh, Image.open(fh, formats=RASTER_FORMATS) as im:
            fmt, (width, height) = str(im.format), im.size
            im.verify()
        ending = _ENDINGS.get(fmt)
        if ending is not None and _ends_with(path, ending):
            return WHOLE  # verify read the PNG's chunks and their checksums; the format's last bytes are there
        if fmt in ("PNG", "GIF"):
            return Completeness(False, f"does not end as a {fmt} file must")
        if width * height > MAX_RASTER_PIXELS:
            return WHOLE  # never decoded: viewing refuses it with its own sentence
        # JPEG (whose end-of-image marker may be followed by other bytes), TIFF, BMP: decoded to the last row.
        with path.open("rb") as fh, Image.open(fh, formats=RASTER_FORMATS) as im:
            im.load()
    except Image.DecompressionBombError:
        return WHOLE
    except Exception as exc:
        return Completeness(False, f"does not read as a whole picture ({type(exc).__name__}: {exc})")
    return WHOLE


def _ends_with(path: Path, tail: bytes) -> bool:
    with path.open("rb") as fh:
        fh.seek(-len(tail), 2)
        return fh.read() == tail


def check_complete(path: Path) -> Completeness:
    """Whether ``path`` reads as a whole file of a kind the engine opens (told by its first bytes).

    Parameters
    ----------
    path : Path
        A FITS file (plain, tile-compressed, or in a gzip, bzip2 or zip stream) or a picture.

    Returns
    -------
    Completeness
        ``complete`` and, when not, the ``reason`` as a phrase ("ends inside the data of HDU 3 ...").
        A file that is neither FITS nor a picture is not complete ("does not read as a whole picture").

    Raises
    ------
    OSError
        The file cannot be opened or read at all (gone, no permission).
    """
    size = path.stat().st_size
    if size == 0:
        return Completeness(False, "is empty")
    with path.open("rb") as fh:
        magic = fh.read(9)
    if magic.startswith(b"SIMPLE"):
        return _plain_fits(path, size)
    if magic.startswith(b"\x1f\x8b"):
        return _stream(lambda p: gzip.open(p, "rb"), "gzip", path)
    if magic.startswith(b"BZh"):
        return _stream(lambda p: bz2.open(p, "rb"), "bzip2", path)
    if magic.startswith(b"PK\x03\x04"):
        return _stream(_open_zip_member, "zip", path)
    return _picture(path)
