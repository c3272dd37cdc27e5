"""Data sources: tables of many formats read lazily, expressions, selections, orders, densities, export.

Plain Python and numpy (no Django): ``apps.sources`` serves it over REST. See
``docs/architecture.md``, "Data sources".
"""

from .expressions import Expression, evaluate, parse_expression
from .fits_tables import holds_only_tables
from .guess import column_origin, guess_pixel, guess_sky, pixel_origin
from .model import (
    MAX_PARSED_BYTES,
    MAX_ROWS,
    TABLE_SUFFIXES,
    ColumnInfo,
    Table,
    TableInfo,
    is_identifier,
    is_table_file,
)
from .registry import OPEN_TABLES_MAX, clear_open_tables, list_tables, open_table
from .selection import Selection, evaluate_selection, parse_selection
from .views import density, order
from .writing import estimated_size, write_table

__all__ = [
    "MAX_PARSED_BYTES",
    "MAX_ROWS",
    "OPEN_TABLES_MAX",
    "TABLE_SUFFIXES",
    "ColumnInfo",
    "Expression",
    "Selection",
    "Table",
    "TableInfo",
    "clear_open_tables",
    "column_origin",
    "density",
    "estimated_size",
    "evaluate",
    "evaluate_selection",
    "guess_pixel",
    "guess_sky",
    "holds_only_tables",
    "is_identifier",
    "is_table_file",
    "list_tables",
    "open_table",
    "order",
    "parse_expression",
    "parse_selection",
    "pixel_origin",
    "write_table",
]
