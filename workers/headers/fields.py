"""The few header values the index keeps as typed fields: the time of the exposure, its length,
its filter and its target. Real headers spell them in several ways; these functions pick one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from .reading import Value

#: The Modified Julian Date of the Unix epoch (1970-01-01T00:00 UTC).
MJD_UNIX_EPOCH: Final = 40587.0
#: Keywords tried in turn for each field (the first present wins).
FILTER_KEYWORDS: Final = ("FILTER", "FILTER1", "FILTNAME", "BAND")
EXPTIME_KEYWORDS: Final = ("EXPTIME", "EXPOSURE", "ITIME")
OBJECT_KEYWORDS: Final = ("OBJECT", "OBJNAME", "TARGNAME")

_FITS_OLD_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{2})$")


@dataclass(frozen=True)
class Fields:
    """The typed fields of one header (None where the header does not say)."""

    date_obs: datetime | None
    exptime: float | None
    filter: str | None
    object: str | None
    mjd: float | None


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 date or date-time (FITS's ``DATE-OBS`` form) as an aware UTC datetime.

    A date alone is its midnight; a time without a zone is UTC (as FITS says); the old FITS form
    ``DD/MM/YY`` (19xx) is read too. Anything else is None.
    """
    text = text.strip()
    old = _FITS_OLD_DATE.match(text)
    if old:
        day, month, year = (int(g) for g in old.groups())
        try:
            return datetime(1900 + year, month, day, tzinfo=UTC)
        except ValueError:
            return None
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            found = datetime.combine(date.fromisoformat(text), time())
        except ValueError:
            return None
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def to_mjd(moment: datetime) -> float:
    """The Modified Julian Date (days, UTC, leap seconds ignored) of an aware datetime."""
    return MJD_UNIX_EPOCH + moment.timestamp() / 86400.0


def from_mjd(mjd: float) -> datetime:
    """The aware UTC datetime of a Modified Julian Date (leap seconds ignored)."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=mjd - MJD_UNIX_EPOCH)


def number(value: Value | None) -> float | None:
    """A header value as a finite float (numbers, and strings holding one), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    try:
        found = float(value)
    except ValueError:
        return None
    return found if math.isfinite(found) else None


def _first(keywords: dict[str, Value], names: tuple[str, ...]) -> Value | None:
    return next((keywords[name] for name in names if name in keywords), None)


def _text(value: Value | None) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def typed_fields(keywords: dict[str, Value]) -> Fields:
    """The typed fields of a header's kept keywords (see :func:`~workers.headers.read_header`).

    ``date_obs``: ``DATE-OBS`` (with ``TIME-OBS`` or ``UT`` when it holds a date only), else
    ``MJD-OBS``; ``mjd``: ``MJD-OBS``, else the MJD of ``date_obs``.
    """
    date_obs = None
    raw_date = keywords.get("DATE-OBS")
    if isinstance(raw_date, str):
        clock = _text(keywords.get("TIME-OBS")) or _text(keywords.get("UT"))
        if "T" not in raw_date and clock:
            date_obs = parse_datetime(f"{raw_date.strip()}T{clock}")
        date_obs = date_obs or parse_datetime(raw_date)
    mjd = number(keywords.get("MJD-OBS"))
    if date_obs is None and mjd is not None and 0 < mjd < 1e6:
        date_obs = from_mjd(mjd)
    if mjd is None and date_obs is not None:
        mjd = to_mjd(date_obs)
    return Fields(
        date_obs=date_obs,
        exptime=number(_first(keywords, EXPTIME_KEYWORDS)),
        filter=_text(_first(keywords, FILTER_KEYWORDS)),
        object=_text(_first(keywords, OBJECT_KEYWORDS)),
        mjd=mjd,
    )
