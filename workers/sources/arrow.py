"""Parquet and Feather (Arrow IPC) tables, read by pyarrow one column at a time."""

from __future__ import annotations

from workers.errors import ToyzError

from .model import FileStat, Format, Table


def open_arrow_table(st: FileStat, fmt: Format, table: int, max_rows: int) -> Table:
    """Open a Parquet or Feather file's table."""
    raise ToyzError("unsupported", f"{st.name}: {fmt} tables are not supported yet.")
