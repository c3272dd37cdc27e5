"""What every table reader gives: column and table descriptions, the :class:`Table` protocol, limits.

Plain Python (no Django): the REST API in ``apps.sources`` and the jobs build on it.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from workers.errors import ToyzError

#: Tables with more rows are refused with ``too_large`` (the setting ``TOYZ_SOURCES_MAX_ROWS``
#: passes another limit to :func:`~workers.sources.open_table`).
MAX_ROWS: Final = 50_000_000
#: Text, VOTable, ECSV and IPAC files are parsed whole by their readers: larger ones are refused.
MAX_PARSED_BYTES: Final = 2 * 1024**3
#: Tables with more columns are refused with ``too_large`` (a header may claim any width).
MAX_COLUMNS: Final = 10_000
#: Text values longer than this are cut (a note says so): a column store of fixed-width strings
#: would otherwise grow with the longest value of the column.
MAX_STRING_CHARS: Final = 256

Kind = Literal["float", "int", "bool", "string", "time", "other"]
Format = Literal["fits", "csv", "votable", "ecsv", "ipac", "parquet", "feather", "hdf5", "npy", "npz"]

#: Name endings of table files, by format. ``.txt`` and ``.xml`` are left out: most such files
#: are not tables, and the file browser would offer to plot a README. :func:`open_table` still
#: reads them (a ``.txt`` as a text table, a ``.xml`` as a VOTable) when asked.
SUFFIX_FORMATS: Final[dict[str, Format]] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".psv": "csv",
    ".dat": "csv",
    ".fits": "fits",
    ".fit": "fits",
    ".fts": "fits",
    ".fits.gz": "fits",
    ".fit.gz": "fits",
    ".vot": "votable",
    ".votable": "votable",
    ".ecsv": "ecsv",
    ".tbl": "ipac",
    ".ipac": "ipac",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".feather": "feather",
    ".arrow": "feather",
    ".h5": "hdf5",
    ".hdf5": "hdf5",
    ".hdf": "hdf5",
    ".npy": "npy",
    ".npz": "npz",
}
_EXTRA_FORMATS: Final[dict[str, Format]] = {".txt": "csv", ".xml": "votable", ".csv.gz": "csv", ".tsv.gz": "csv"}
TABLE_SUFFIXES: Final[tuple[str, ...]] = tuple(SUFFIX_FORMATS)


def _suffix_format(name: str, table: dict[str, Format]) -> Format | None:
    lower = name.lower()
    # The longest ending first, so ".fits.gz" wins over ".gz".
    for suffix in sorted(table, key=len, reverse=True):
        if lower.endswith(suffix):
            return table[suffix]
    return None


def is_table_file(name: str) -> bool:
    """True when the name ends like a table file (a FITS file counts: it may hold tables).

    Decided by the name only, so the file browser can mark entries without opening them.
    """
    return _suffix_format(name, SUFFIX_FORMATS) is not None


def format_of(name: str) -> Format | None:
    """The format a file's name suggests, ``.txt`` and ``.xml`` included; None when unknown."""
    return _suffix_format(name, SUFFIX_FORMATS) or _suffix_format(name, _EXTRA_FORMATS)


@dataclass(frozen=True)
class ColumnInfo:
    """One column of a table, as served.

    ``dtype`` is the numpy dtype of the values :meth:`Table.column` returns (native byte order);
    ``shape`` is ``()`` for scalars and the per-row shape of vector columns, which are listed but
    cannot be plotted.
    """

    name: str
    kind: Kind
    dtype: str
    unit: str | None = None
    ucd: str | None = None
    description: str | None = None
    shape: tuple[int, ...] = ()

    @property
    def plottable(self) -> bool:
        """True for scalar numbers (and booleans): what a plot axis can take."""
        return self.shape == () and self.kind in ("float", "int", "bool", "time")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (the shape as a list)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "dtype": self.dtype,
            "unit": self.unit,
            "ucd": self.ucd,
            "description": self.description,
            "shape": list(self.shape),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnInfo:
        """The inverse of :meth:`as_dict`."""
        return cls(
            name=str(data["name"]),
            kind=data["kind"],
            dtype=str(data["dtype"]),
            unit=data.get("unit"),
            ucd=data.get("ucd"),
            description=data.get("description"),
            shape=tuple(int(n) for n in data.get("shape", ())),
        )


@dataclass(frozen=True)
class TableInfo:
    """One table of a file: its position among the file's tables, name and size."""

    index: int
    name: str
    rows: int
    columns: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {"index": self.index, "name": self.name, "rows": self.rows, "columns": self.columns}


@runtime_checkable
class Table(Protocol):
    """One opened table; every method is safe to call from several threads at once.

    ``identity`` changes whenever the file changes (it is the file's identity and the table's
    index), so it can name cached answers; ``notes`` are sentences about what reading changed
    (renamed duplicates, cut strings); ``format`` names the reader.
    """

    identity: str
    name: str
    rows: int
    columns: list[ColumnInfo]
    notes: list[str]
    format: str

    def column(self, name: str) -> npt.NDArray[Any]:
        """The whole column as a 1-D array of ``rows`` values.

        Masked or blank values are NaN for floats; integer columns that may hold blanks are
        served as float64 with NaN; vector columns raise ``unsupported``.
        """
        ...

    def take(self, name: str, rows: npt.NDArray[np.integer[Any]]) -> npt.NDArray[Any]:
        """The values at the given 0-based row numbers (vector columns give one row per number)."""
        ...


@dataclass(frozen=True)
class FileStat:
    """A file as one ``stat`` saw it: real path, name, size and identity."""

    real: str
    name: str
    size: int
    identity: str


def stat_file(path: str | os.PathLike[str]) -> FileStat:
    """Resolve ``path`` and ``stat`` it once; its identity is the one ``workers.imaging`` uses.

    Raises
    ------
    ToyzError
        ``not_found`` when there is no such file, ``unreadable`` for a folder or a failed ``stat``.
    """
    name = Path(path).name
    try:
        # Inside the guard: a link swapped for a file mid-call makes realpath's readlink fail.
        real = os.path.realpath(path)
        st = os.stat(real)
    except FileNotFoundError:
        raise ToyzError("not_found", f"{name}: no such file") from None
    except OSError as exc:
        raise ToyzError("unreadable", f"{name}: cannot examine the file ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ToyzError("unreadable", f"{name} is not a file; choose a file")
    # The same digest as workers.imaging.cache.stat_identity, so a file has one cache folder.
    text = f"{real}\0{st.st_size}\0{st.st_mtime_ns}"
    identity = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return FileStat(real=real, name=name, size=st.st_size, identity=identity)


def table_identity(file_identity: str, index: int) -> str:
    """The identity of table ``index`` of a file."""
    return f"{file_identity}-t{index}"


def unique_names(names: Sequence[str], notes: list[str]) -> list[str]:
    """Names made unique: a repeated ``flux`` becomes ``flux_2``, ``flux_3``; blank names ``col<i>``.

    Each renaming adds a sentence to ``notes``.
    """
    seen: set[str] = set()
    out: list[str] = []
    for i, raw in enumerate(names):
        name = str(raw).strip()
        if not name:
            name = f"col{i}"
            notes.append(f"Column {i + 1} has no name; it is called {name}.")
        if name in seen:
            n = 2
            while f"{name}_{n}" in seen or f"{name}_{n}" in names:
                n += 1
            notes.append(f"Column {i + 1} repeats the name {name}; it is called {name}_{n}.")
            name = f"{name}_{n}"
        seen.add(name)
        out.append(name)
    return out


_IDENT: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def is_identifier(name: str) -> bool:
    """True when an expression can name the column without backticks."""
    return bool(_IDENT.match(name)) and name not in ("and", "or", "not")


@dataclass
class Limits:
    """The limits one open applies (from the settings, through ``open_table``)."""

    max_rows: int = MAX_ROWS
    max_parsed_bytes: int = MAX_PARSED_BYTES
    notes: list[str] = field(default_factory=list)


def check_rows(name: str, rows: int, max_rows: int) -> None:
    """Refuse a table of more than ``max_rows`` rows with ``too_large``."""
    if rows > max_rows:
        raise ToyzError(
            "too_large",
            f"{name} has {rows:,} rows; Toyz opens tables of at most {max_rows:,} rows. Split it or select rows first.",
        )


def dtype_name(dtype: np.dtype[Any]) -> str:
    """The dtype string of :class:`ColumnInfo`: ``float64``, ``int32``, ``bool``, ``<U12``, ``object``."""
    return dtype.str if dtype.kind in "US" else dtype.name


def kind_of(dtype: np.dtype[Any]) -> Kind:
    """The column kind of values of ``dtype``."""
    if dtype.kind == "b":
        return "bool"
    if dtype.kind in "iu":
        return "int"
    if dtype.kind == "f":
        return "float"
    if dtype.kind in "US":
        return "string"
    if dtype.kind == "M":
        return "time"
    return "other"


def column_info(columns: Sequence[ColumnInfo], name: str, table_name: str) -> ColumnInfo:
    """The column called ``name``, or ``not_found`` with a sentence naming the table."""
    for info in columns:
        if info.name == name:
            return info
    raise ToyzError("not_found", f"{table_name} has no column {name!r}.")


def scalar_or_refuse(info: ColumnInfo) -> None:
    """Refuse a whole-column read of a vector or variable-length column with ``unsupported``."""
    if info.shape != () or info.kind == "other":
        what = f"vectors of shape {info.shape}" if info.shape else "values that are not numbers or text"
        raise ToyzError("unsupported", f"{info.name} holds {what}; plots need one number per row.")


def check_row_numbers(rows: npt.NDArray[Any], n: int, table_name: str) -> npt.NDArray[np.int64]:
    """Row numbers as int64, refused with ``bad_params`` when outside ``[0, n)``."""
    out = np.asarray(rows, dtype=np.int64).reshape(-1)
    if out.size and (out.min() < 0 or out.max() >= n):
        raise ToyzError("bad_params", f"{table_name} has rows 0 to {n - 1}; row numbers outside were asked.")
    return out
