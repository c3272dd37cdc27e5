"""A folder's header index as a data source (``kind: "headers"``): one row per exposure the user may read.

Columns: ``path``, ``name``, the chosen keywords (numbers as float64 with NaN where a file lacks one,
text as strings), ``DATE-OBS_MJD`` beside ``DATE-OBS`` (its Modified Julian Date, for plotting) and
``thumbnail`` (the URL of a small rendering of the exposure). The table is built from the database in
one query and held in memory: a night is thousands of rows, not millions. Each process keeps the last
:data:`CACHED_TABLES` tables it built, per user, folder and keywords, while the index version
(`apps.headers.versions`) and the grants version are those it was built with.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Sequence
from typing import Any, Final
from urllib.parse import urlencode

import numpy as np
import numpy.typing as npt
from cachetools import LRUCache
from django.db.models import F, Q

from apps.files.services import (
    ListClientPath,
    ResolvedPath,
    Right,
    User,
    data_root,
    grants_version,
    read_test,
    resolve,
)
from apps.headers.models import HeaderEntry
from apps.headers.versions import index_version
from workers.errors import ToyzError
from workers.headers import number, parse_datetime, to_mjd
from workers.sources import ColumnInfo

#: The keywords of a folder's table when none are chosen (those no file has are left out).
DEFAULT_KEYWORDS: Final = (
    "DATE-OBS",
    "MJD-OBS",
    "OBJECT",
    "FILTER",
    "EXPTIME",
    "AIRMASS",
    "SEEING",
    "FWHM",
    "RA",
    "DEC",
)
#: The most keywords one table takes.
MAX_KEYWORDS: Final = 100
#: The most exposures one table holds (a folder deeper than a few nights is better split).
MAX_TABLE_ROWS: Final = 200_000
#: The side of the thumbnails the table's ``thumbnail`` column points to (pixels).
THUMBNAIL_SIZE: Final = 128
#: The folder tables a process keeps (the most recently used), to serve a source's requests without the database.
CACHED_TABLES: Final = 32
#: The name of the column holding DATE-OBS as a Modified Julian Date.
MJD_COLUMN: Final = "DATE-OBS_MJD"

__all__ = ["DEFAULT_KEYWORDS", "HeaderTable", "folder_table", "forget_cached_tables"]

_tables_lock = threading.Lock()
_tables: LRUCache[tuple[Any, ...], HeaderTable] = LRUCache(maxsize=CACHED_TABLES)

_UCDS: Final = {
    "DATE-OBS": "time.start;obs",
    MJD_COLUMN: "time.start;obs",
    "MJD-OBS": "time.start;obs",
    "EXPTIME": "time.duration;obs.exposure",
    "AIRMASS": "obs.airMass",
    "RA": "pos.eq.ra",
    "DEC": "pos.eq.dec",
    "OBJECT": "meta.id;src",
    "FILTER": "instr.filter",
    "SEEING": "instr.obsty.seeing",
    "FWHM": "instr.obsty.seeing",
}
_UNITS: Final = {"EXPTIME": "s", MJD_COLUMN: "d", "MJD-OBS": "d"}


class HeaderTable:
    """An in-memory table satisfying ``workers.sources.Table``: whole columns as numpy arrays."""

    format = "headers"

    def __init__(self, identity: str, name: str, data: dict[str, npt.NDArray[Any]], columns: list[ColumnInfo]):
        self.identity = identity
        self.name = name
        self.columns = columns
        self.notes: list[str] = []
        self.rows = len(next(iter(data.values()))) if data else 0
        self._data = data
        for values in data.values():
            values.setflags(write=False)  # shared between threads and callers: nobody may change it

    def _values(self, name: str) -> npt.NDArray[Any]:
        try:
            return self._data[name]
        except KeyError:
            raise ToyzError("not_found", f"{self.name} has no column {name!r}.") from None

    def column(self, name: str) -> npt.NDArray[Any]:
        return self._values(name)

    def take(self, name: str, rows: npt.NDArray[np.integer[Any]]) -> npt.NDArray[Any]:
        wanted = np.asarray(rows, dtype=np.int64).reshape(-1)
        if wanted.size and (wanted.min() < 0 or wanted.max() >= self.rows):
            raise ToyzError("bad_params", f"{self.name} has rows 0 to {self.rows - 1}; row numbers outside were asked.")
        return self._values(name)[wanted]


def _strings(values: Sequence[str]) -> npt.NDArray[np.str_]:
    width = max((len(v) for v in values), default=1) or 1
    return np.array(values, dtype=f"<U{width}")


def _keyword_column(key: str, headers: list[dict[str, Any]]) -> tuple[npt.NDArray[Any], str]:
    """One keyword over every row: float64 (NaN where missing) when every value is a number, else text."""
    present = [h[key] for h in headers if key in h]
    # A keyword no file has is a column of NaN: numbers are the likelier, and NaN plots as nothing.
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        values = np.array([float(h[key]) if key in h else math.nan for h in headers], dtype=np.float64)
        return values, "float"
    return _strings(["" if key not in h else _text(h[key]) for h in headers]), "string"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "T" if value else "F"
    return str(value)


def _mjd(header: dict[str, Any]) -> float:
    raw = header.get("DATE-OBS")
    moment = parse_datetime(raw) if isinstance(raw, str) else None
    if moment is not None:
        return to_mjd(moment)
    found = number(header.get("MJD-OBS"))
    return math.nan if found is None else found


def _thumbnail_url(path: str, size: int, mtime_ns: int) -> str:
    # The file's mtime names the version: a changed exposure gets a new URL, an unchanged one stays cached.
    return "/api/imaging/thumbnail?" + urlencode({"path": path, "size": size, "v": mtime_ns})


def _chosen(keywords: list[str] | None, headers: list[dict[str, Any]]) -> list[str]:
    if keywords is None:
        return [k for k in DEFAULT_KEYWORDS if any(k in h for h in headers)]
    chosen = list(dict.fromkeys(k.strip().upper() for k in keywords if k.strip()))
    if len(chosen) > MAX_KEYWORDS:
        raise ToyzError("bad_params", f"A header table takes at most {MAX_KEYWORDS} keywords.")
    reserved = {"PATH", "NAME", "THUMBNAIL", MJD_COLUMN}
    clash = next((k for k in chosen if k in reserved), None)
    if clash:
        raise ToyzError("bad_params", f"{clash} is a column of every header table already; leave it out.")
    return chosen


def folder_table(user: User, folder: ResolvedPath | ListClientPath, keywords: list[str] | None = None) -> HeaderTable:
    """The indexed exposures in a folder and below that ``user`` may read, as a table.

    Parameters
    ----------
    user : User
        Who asks: files they may not read are not rows (nor counted anywhere).
    folder : ResolvedPath or str
        The folder (a client path is resolved here with the list right).
    keywords : list of str, optional
        Header keywords to make columns of, in this order; None: ``DEFAULT_KEYWORDS`` that some file has.

    Returns
    -------
    HeaderTable
        Rows by DATE-OBS (files without one last), then path. Files whose header could not be read
        are left out. ``identity`` changes with the rows and the keywords.
    """
    if not isinstance(folder, ResolvedPath):
        folder = resolve(user, folder, Right.LIST)
    if not folder.is_dir:
        raise ToyzError("bad_path", "That is a file; a header table is made of a folder.")
    real_client = folder.real.relative_to(data_root()).as_posix() if folder.real != data_root() else ""
    # A source's every request (rows, a column, a sort) asks for its table: build it once per version.
    key = (user.pk, real_client, None if keywords is None else tuple(keywords), index_version(), grants_version())
    with _tables_lock:
        cached = _tables.get(key)
    if cached is not None:
        return cached
    table = _build(user, folder, real_client, keywords)
    with _tables_lock:
        _tables[key] = table
    return table


def forget_cached_tables() -> None:
    """Drop every cached folder table (tests, whose databases roll back to earlier versions)."""
    with _tables_lock:
        _tables.clear()


def _build(user: User, folder: ResolvedPath, real_client: str, keywords: list[str] | None) -> HeaderTable:
    scope = Q() if not real_client else Q(folder=real_client) | Q(folder__startswith=real_client + "/")
    may_read = read_test(user)
    rows = (
        HeaderEntry.objects.filter(scope, problem="")
        .order_by(F("date_obs").asc(nulls_last=True), "path")
        .values_list("path", "name", "header", "size", "mtime_ns")
    )
    found = []
    for row in rows.iterator(chunk_size=2000):
        if may_read(row[0]):
            found.append(row)
            if len(found) > MAX_TABLE_ROWS:
                raise ToyzError(
                    "too_large", f"That folder holds more than {MAX_TABLE_ROWS} exposures; choose a folder inside it."
                )
    headers: list[dict[str, Any]] = [row[2] for row in found]
    chosen = _chosen(keywords, headers)
    data: dict[str, npt.NDArray[Any]] = {
        "path": _strings([row[0] for row in found]),
        "name": _strings([row[1] for row in found]),
    }
    kinds: dict[str, str] = {"path": "string", "name": "string"}
    for key in chosen:
        data[key], kinds[key] = _keyword_column(key, headers)
        if key == "DATE-OBS":
            data[MJD_COLUMN] = np.array([_mjd(h) for h in headers], dtype=np.float64)
            kinds[MJD_COLUMN] = "float"
    data["thumbnail"] = _strings([_thumbnail_url(row[0], THUMBNAIL_SIZE, row[4]) for row in found])
    kinds["thumbnail"] = "string"
    columns = [
        ColumnInfo(
            name=name,
            kind="float" if kinds[name] == "float" else "string",
            dtype=str(values.dtype),
            unit=_UNITS.get(name),
            ucd=_UCDS.get(name),
            description=_describe(name),
        )
        for name, values in data.items()
    ]
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{real_client}\0{','.join(chosen)}".encode())
    for row in found:
        digest.update(f"\0{row[0]}\0{row[3]}\0{row[4]}".encode())
    name = f"Headers of {folder.client or 'the data root'}"
    return HeaderTable(f"headers-{digest.hexdigest()}", name, data, columns)


def _describe(name: str) -> str | None:
    if name == "path":
        return "The file, relative to the data root (double-click opens it)."
    if name == "name":
        return "The file's name."
    if name == "thumbnail":
        return "The URL of a small rendering of the exposure."
    if name == MJD_COLUMN:
        return "DATE-OBS as a Modified Julian Date (UTC), for plotting."
    return f"The header keyword {name}."
