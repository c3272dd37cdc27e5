"""Formats parsed whole by their readers (VOTable, ECSV, IPAC, gzipped FITS, HDF5, .npy, .npz)."""

from __future__ import annotations

from pathlib import Path

from workers.errors import ToyzError

from .model import FileStat, Format, TableInfo
from .store import StoredTable


def list_parsed_tables(st: FileStat, fmt: Format) -> list[TableInfo]:
    """Every table of a file of a parsed format."""
    raise ToyzError("unsupported", f"{st.name}: {fmt} tables are not supported yet.")


def read_parsed_table(
    st: FileStat, fmt: Format, table: int, folder: Path | None, max_rows: int, max_parsed_bytes: int
) -> StoredTable:
    """Convert table ``table`` of a parsed format into the column store and open it."""
    raise ToyzError("unsupported", f"{st.name}: {fmt} tables are not supported yet.")
