"""Which columns hold sky positions (RA/Dec) or pixel positions (x/y): by UCD first, then by name."""

from __future__ import annotations

import re
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
    if not (x and y) and ux == "pos.eq.ra":
        # UCD1, still in older VOTables: POS_EQ_RA_MAIN / POS_EQ_DEC_MAIN.
        x, y = pick("pos_eq_ra_main") or pick("pos_eq_ra"), pick("pos_eq_dec_main") or pick("pos_eq_dec")
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
    # Columns that declare viewer coordinates (a Toyz detection table's x, y) come first: they are the
    # frame the image is shown in, whereas its x_image, y_image are per CCD.
    viewer = [c for c in numeric if declared_origin(c) == "viewer"]
    return (
        _by_name(viewer, _PIXEL_NAMES)
        or _by_ucd(numeric, "pos.cartesian.x", "pos.cartesian.y")
        or _by_name(numeric, _PIXEL_NAMES)
    )


def pixel_origin(x_column: str) -> Literal[0, 1]:
    """The coordinate of the first pixel's centre in a pixel column, by its name (see :func:`guess_pixel`)."""
    return 1 if x_column.lower() in _ONE_BASED else 0


#: A column's description (FITS ``TCOMMn``) may declare its convention in so many words: "pixel origin
#: 0.5" (viewer coordinates, as Toyz writes its detection tables' x, y), "pixel origin 1", "pixel origin 0".
_DECLARED: Final = re.compile(r"pixel origin\s*[:=]?\s*(0\.5|0|1)(?![.\d])", re.IGNORECASE)


_DECLARED_VALUES: Final[dict[str, Literal[0, 1, "viewer"]]] = {"0.5": "viewer", "0": 0, "1": 1}


def declared_origin(column: ColumnInfo) -> Literal[0, 1, "viewer"] | None:
    """The first pixel's centre a column declares in its description, or None."""
    found = _DECLARED.search(column.description or "")
    if found is None:
        return None
    return _DECLARED_VALUES[found.group(1)]


def column_origin(columns: Sequence[ColumnInfo], x_column: str) -> Literal[0, 1, "viewer"]:
    """The first pixel's centre in pixel column ``x_column``: what its description declares, else by name."""
    for column in columns:
        if column.name == x_column:
            declared = declared_origin(column)
            if declared is not None:
                return declared
    return pixel_origin(x_column)
