"""Reading the header of a FITS file for the index: headers only, never pixels.

A night's exposures are indexed by what their primary header says. Where the primary header is empty
(fpack's ``.fz`` files and MEFs whose primary holds only the structure), the first extension's cards
are used too. Compressed images are opened with ``disable_image_compression`` so that astropy reads
their header as a binary table's, without touching the compressed tiles.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Final

from astropy.io import fits
from astropy.utils.exceptions import AstropyWarning

#: FITS files, plain or tile-compressed; also inside a stream astropy decompresses.
FITS_SUFFIXES: Final = tuple(
    base + stream for base in (".fits", ".fit", ".fts", ".fz") for stream in ("", ".gz", ".bz2", ".zip")
)
#: At most this many keywords are kept of one file (a header of thousands of cards is a log, not an index).
MAX_KEYWORDS: Final = 400
#: At most this many bytes of kept keywords (as JSON) per file.
MAX_HEADER_BYTES: Final = 32_000
#: A string value longer than this is cut (a long CONTINUE card is rarely worth searching).
MAX_VALUE_CHARS: Final = 200

# The cards that describe the file's structure rather than the exposure; the index leaves them out.
_STRUCTURAL: Final = frozenset(
    {"SIMPLE", "XTENSION", "BITPIX", "EXTEND", "PCOUNT", "GCOUNT", "TFIELDS", "END", "CHECKSUM", "DATASUM", "THEAP"}
)
_STRUCTURAL_PREFIXES: Final = ("NAXIS", "TTYPE", "TFORM", "TUNIT", "TDIM", "TNULL", "TSCAL", "TZERO", "ZNAXIS")
# The compression keywords of a tile-compressed image read as a table (ZBITPIX, ZCMPTYPE, ZTILE1, ...).
_COMPRESSION: Final = frozenset(
    {"ZIMAGE", "ZBITPIX", "ZCMPTYPE", "ZSIMPLE", "ZEXTEND", "ZPCOUNT", "ZGCOUNT", "ZQUANTIZ", "ZDITHER0"}
)
_COMPRESSION_PREFIXES: Final = ("ZTILE", "ZNAME", "ZVAL", "ZHECKSUM", "ZDATASUM", "ZTENSION", "ZBLANK")
_COMMENTARY: Final = frozenset({"COMMENT", "HISTORY", ""})

Value = str | int | float | bool


def is_fits_name(name: str) -> bool:
    """Whether a file called ``name`` is a FITS file the index reads (by its suffix, in any case)."""
    return name.lower().endswith(FITS_SUFFIXES)


@dataclass(frozen=True)
class HeaderRead:
    """What reading one file's header gave: the kept keywords, or the problem that stopped it.

    ``truncated`` says that keywords were left out to stay under the size limits.
    """

    keywords: dict[str, Value] = field(default_factory=dict)
    problem: str | None = None
    truncated: bool = False


def _is_kept(keyword: str) -> bool:
    if keyword in _COMMENTARY or keyword in _STRUCTURAL or keyword in _COMPRESSION:
        return False
    return not keyword.startswith(_STRUCTURAL_PREFIXES + _COMPRESSION_PREFIXES)


def _plain(value: Any) -> Value | None:
    """A header value as JSON can hold it (None for undefined values and what is not a scalar)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        # NaN and infinities are not JSON; a header should not hold them anyway.
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value.strip()[:MAX_VALUE_CHARS]
    if isinstance(value, complex):
        return str(value)
    return None


def keep_keywords(header: fits.Header, into: dict[str, Value] | None = None) -> tuple[dict[str, Value], bool]:
    """The searchable cards of ``header``: every keyword but the structural and commentary ones.

    Parameters
    ----------
    header : astropy.io.fits.Header
        The header to read (any HDU's).
    into : dict, optional
        Keywords already kept (the primary's); a keyword already there is not replaced.

    Returns
    -------
    tuple of (dict, bool)
        The keywords (upper case, first occurrence wins) with str/int/float/bool values, and whether
        some were left out to stay under ``MAX_KEYWORDS`` and ``MAX_HEADER_BYTES``.
    """
    kept: dict[str, Value] = dict(into or {})
    size = len(json.dumps(kept))
    truncated = False
    for card in header.cards:
        keyword = str(card.keyword).upper()
        if not _is_kept(keyword) or keyword in kept:
            continue
        try:
            value = _plain(card.value)
        except Exception:  # noqa: S112 -- a malformed card of a real file: leave it out, keep the rest
            continue
        if value is None:
            continue
        cost = len(json.dumps({keyword: value})) + 1
        if len(kept) >= MAX_KEYWORDS or size + cost > MAX_HEADER_BYTES:
            truncated = True
            break
        kept[keyword] = value
        size += cost
    return kept, truncated


def read_header(path: str | os.PathLike[str]) -> HeaderRead:
    """Read the searchable keywords of one FITS file, never its pixels.

    Parameters
    ----------
    path : str or path-like
        The file (a real path on the server).

    Returns
    -------
    HeaderRead
        The primary header's keywords, merged with the first extension's when the primary holds
        no keyword of its own; a file astropy cannot read gives ``problem`` (a sentence), never an
        exception.
    """
    try:
        with warnings.catch_warnings():
            # Non-standard cards are common in real headers; astropy's warnings are not the user's concern.
            warnings.simplefilter("ignore", AstropyWarning)
            with fits.open(os.fspath(path), memmap=False, lazy_load_hdus=True, disable_image_compression=True) as hdul:
                keywords, truncated = keep_keywords(hdul[0].header)
                if not keywords:
                    try:
                        extension = hdul[1]
                    except IndexError:
                        extension = None
                    if extension is not None:
                        keywords, truncated = keep_keywords(extension.header)
    except Exception as exc:
        # A corrupt file is recorded as a problem; it must never stop the index.
        return HeaderRead(problem=_problem_sentence(exc))
    return HeaderRead(keywords=keywords, truncated=truncated)


def _problem_sentence(exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"Its header cannot be read as FITS ({detail[:200]})."
