"""Text tables (CSV, TSV, whitespace-separated), read by pandas in row chunks into the column store.

The delimiter is sniffed from the first lines that are not comments (``#``); the header is the
first such line unless every field of it is a number. Duplicate names are renamed with a note.
"""

from __future__ import annotations

import csv
import gzip
import re
import tempfile
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from workers.errors import ToyzError

from .model import ColumnInfo, check_rows, dtype_name, unique_names
from .store import ChunkedColumn, StoredTable, write_meta, write_npy

#: Rows parsed at a time (bounds the memory of a conversion).
CHUNK_ROWS: Final = 200_000
_SAMPLE_BYTES: Final = 64 * 1024
_FIELDS_ERROR: Final = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _head(real: str) -> list[str]:
    opener: Any = gzip.open if real.lower().endswith(".gz") else open
    try:
        with opener(real, "rb") as fh:
            sample: bytes = fh.read(_SAMPLE_BYTES)
    except OSError as exc:
        raise ToyzError("unreadable", f"Cannot read the file: {exc}") from None
    text = bytes(sample).decode("utf-8", errors="replace")
    lines = text.splitlines()
    if len(sample) == _SAMPLE_BYTES and lines:
        lines = lines[:-1]  # the last line may be cut
    return lines


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def sniff(real: str, name: str) -> tuple[str, bool, bool, list[str]]:
    """The separator (a regex for whitespace), whether there are ``#`` comments, a header, and its names."""
    lines = _head(real)
    comments = any(line.lstrip().startswith("#") for line in lines)
    body = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not body:
        raise ToyzError("bad_table", f"{name} holds no header line and no rows; it is not a table.")
    lower = name.lower().removesuffix(".gz")
    if lower.endswith(".tsv"):
        sep = "\t"
    elif lower.endswith(".psv"):
        sep = "|"
    else:
        try:
            sep = csv.Sniffer().sniff("\n".join(body[:50]), delimiters=",\t;| ").delimiter
        except csv.Error:
            sep = "," if "," in body[0] else r"\s+"
    if sep == " ":
        sep = r"\s+"
    first = next(csv.reader([body[0].strip()], delimiter=sep)) if sep != r"\s+" else body[0].split()
    header = not all(_is_number(f.strip()) for f in first if f.strip())
    return sep, comments, header, first


def _parser_error(name: str, exc: Exception) -> ToyzError:
    text = str(exc)
    m = _FIELDS_ERROR.search(text)
    if m:
        want, line, saw = m.groups()
        return ToyzError(
            "unreadable",
            f"{name}: line {line} has {saw} fields where the header has {want}; fix that line or quote its values.",
        )
    return ToyzError(
        "unreadable",
        f"{name} is not a readable text table: {text.strip().splitlines()[-1] if text.strip() else 'parse error'}",
    )


def read_text_table(real: str, name: str, identity: str, folder: Path | None, max_rows: int) -> StoredTable:
    """Convert a text table into the column store ``folder`` (or memory when None) and open it."""
    sep, comments, header, first = sniff(real, name)
    notes: list[str] = []
    names = unique_names([f.strip() for f in first] if header else [f"col{i}" for i in range(len(first))], notes)
    work = folder if folder is not None else Path(tempfile.gettempdir())
    work.mkdir(parents=True, exist_ok=True)
    cols = [ChunkedColumn(work, n, notes) for n in names]
    rows = 0
    try:
        try:
            reader = pd.read_csv(
                real,
                sep=sep,
                header=0 if header else None,
                names=names,
                comment="#" if comments else None,
                chunksize=CHUNK_ROWS,
                skip_blank_lines=True,
                encoding_errors="replace",
                engine="c",
                skipinitialspace=True,
            )
            with reader:
                for chunk in reader:
                    rows += len(chunk)
                    check_rows(name, rows, max_rows)
                    for j, col in enumerate(cols):
                        col.add(chunk.iloc[:, j].to_numpy())
        except pd.errors.EmptyDataError:
            pass  # a header and no rows: a table of 0 rows
        except (pd.errors.ParserError, ValueError, UnicodeError) as exc:
            raise _parser_error(name, exc) from None
        served = []
        for col in cols:
            kind, dtype, chunks = col.finish()
            served.append((col, kind, dtype, chunks))
        infos = []
        arrays: dict[str, Any] = {}
        for j, (col, kind, dtype, chunks) in enumerate(served):
            infos.append(ColumnInfo(col.name, kind, dtype_name(dtype), col.unit, None, col.description, ()))
            if folder is None:
                parts = list(chunks)
                arrays[col.name] = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
            else:
                write_npy(folder / f"c{j}.npy", chunks, (rows,), dtype)
    finally:
        for col in cols:
            col.close()
    if folder is None:
        return StoredTable(identity, Path(name).stem, rows, infos, notes, "csv", arrays)
    write_meta(folder, Path(name).stem, "csv", rows, infos, notes)
    return StoredTable(identity, Path(name).stem, rows, infos, notes, "csv", {}, folder)
