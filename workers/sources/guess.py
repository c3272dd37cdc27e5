"""Which columns hold sky positions (RA/Dec) or pixel positions (x/y): by UCD first, then by name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from .model import ColumnInfo

# Names in order of preference, compared without case; each entry is an (x, y) pair.
_SKY_NAMES: Final = (
    ("ra", "dec"),
    ("ra_deg", "dec_deg"),
    ("radeg", "decdeg"),
    ("radeg", "dedeg"),
    ("raj2000", "dej2000"),
    ("raj2000", "decj2000"),
    ("_raj2000", "_dej2000"),
    ("ra_icrs", "de_icrs"),
    ("ra_icrs", "dec_icrs"),
    ("ra2000", "dec2000"),
    ("alpha_j2000", "delta_j2000"),
    ("alphawin_j2000", "deltawin_j2000"),
    ("alpha_sky", "delta_sky"),
    ("right_ascension", "declination"),
    ("ra_j2000", "dec_j2000"),
    ("target_ra", "target_dec"),
)
_PIXEL_NAMES: Final = (
    ("xwin_image", "ywin_image"),
    ("x_image", "y_image"),
    ("xcentroid", "ycentroid"),
    ("x_centroid", "y_centroid"),
    ("xcenter", "ycenter"),
    ("x_0", "y_0"),
    ("x_fit", "y_fit"),
    ("xpos", "ypos"),
    ("xpix", "ypix"),
    ("x_pix", "y_pix"),
    ("x", "y"),
    ("col", "row"),
)
#: Names whose values follow the FITS convention (the first pixel's centre at 1.0): SExtractor's.
_ONE_BASED: Final = ("x_image", "xwin_image", "xpeak_image", "xmin_image")


def _numeric(columns: Sequence[ColumnInfo]) -> list[ColumnInfo]:
    return [c for c in columns if c.shape == () and c.kind in ("float", "int")]


def _by_ucd(columns: Sequence[ColumnInfo], ux: str, uy: str) -> tuple[str, str] | None:
    def pick(ucd: str) -> str | None:
        hits = [c for c in columns if c.ucd and ucd in [w.strip().lower() for w in c.ucd.split(";")]]
        # "pos.eq.ra;meta.main" marks the table's main position among several.
        main = [c for c in hits if c.ucd and "meta.main" in c.ucd.lower()]
        chosen = main or hits
        return chosen[0].name if chosen else None

    x, y = pick(ux), pick(uy)
    return (x, y) if x and y else None


def _by_name(columns: Sequence[ColumnInfo], pairs: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    lower = {c.name.lower(): c.name for c in columns}
    for nx, ny in pairs:
        if nx in lower and ny in lower:
            return lower[nx], lower[ny]
    return None


def guess_sky(columns: Sequence[ColumnInfo]) -> tuple[str, str] | None:
    """The (RA, Dec) columns of a table, or None.

    UCDs decide first (``pos.eq.ra`` / ``pos.eq.dec``, preferring those marked ``meta.main``);
    then common names, without case: RA/DEC, RAJ2000/DEJ2000, ALPHA_J2000/DELTA_J2000,
    ra_deg/dec_deg, RA_ICRS/DE_ICRS... Only scalar numeric columns count. The values are
    assumed to be in degrees unless the column's unit says otherwise.
    """
    numeric = _numeric(columns)
    return _by_ucd(numeric, "pos.eq.ra", "pos.eq.dec") or _by_name(numeric, _SKY_NAMES)


def guess_pixel(columns: Sequence[ColumnInfo]) -> tuple[str, str] | None:
    """The (x, y) pixel columns of a table, or None.

    UCDs ``pos.cartesian.x`` / ``pos.cartesian.y`` first, then names: XWIN_IMAGE/YWIN_IMAGE,
    X_IMAGE/Y_IMAGE (SExtractor), xcentroid/ycentroid, x_0/y_0 (photutils), x/y, col/row. x is
    the column (fastest) axis. The names do not carry the pixel convention: the caller must
    assume what :func:`pixel_origin` says (1 for SExtractor's ``*_IMAGE``: the FITS convention,
    the first pixel's centre at 1.0; 0 for every other name: numpy's, the first pixel's centre
    at 0.0). In Toyz's level-0 coordinates, where pixel ``i`` covers ``[i, i + 1)``, a value
    ``v`` lands at ``v - origin + 0.5``.
    """
    numeric = _numeric(columns)
    return _by_ucd(numeric, "pos.cartesian.x", "pos.cartesian.y") or _by_name(numeric, _PIXEL_NAMES)


def pixel_origin(x_column: str) -> Literal[0, 1]:
    """The coordinate of the first pixel's centre in a pixel column (see :func:`guess_pixel`)."""
    return 1 if x_column.lower() in _ONE_BASED else 0
