"""The typed edges of the sources endpoints: query and body models in, response models out.

A source is addressed by `path` and `table` (the table's index in the file), or by ``kind=headers`` and
`path` a folder (its header index: one row per exposure). Column names and expressions are the core's
business (`workers.sources`); these models bound their sizes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from apps.files.services import ReadClientPath, WriteClientPath
from apps.sources.selection import MAX_EXPRESSION, SelectionState

MAX_TABLE_INDEX = 10_000
MAX_PAGE_ROWS = 500
MAX_COLUMNS_ASKED = 200
MAX_BINS = 2048

SourceKind = Literal["file", "headers"]
ColumnDtype = Literal["float32", "native"]
ExportFormat = Literal["csv", "fits", "votable"]
Scale = Literal["linear", "log"]
_Expression = Annotated[str, StringConstraints(max_length=MAX_EXPRESSION)]
_TableIndex = Annotated[int, Field(ge=0, le=MAX_TABLE_INDEX, description="The table's index in the file, 0-based.")]


class QueryModel(BaseModel):
    """A query whose empty values (``sort=``) mean "not given"."""

    @model_validator(mode="before")
    @classmethod
    def _drop_empty(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data


class SourceQuery(QueryModel):
    """Which source: a table of a file, or (``kind=headers``) the header index of a folder."""

    path: ReadClientPath = ""
    table: _TableIndex = 0
    kind: SourceKind = Field("file", description="headers: `path` is a folder, the source its header index.")


class ColumnQuery(SourceQuery):
    column: str | None = Field(None, max_length=MAX_EXPRESSION, description="A column name.")
    expr: _Expression | None = Field(None, description="An expression on the columns, instead of a column.")
    dtype: ColumnDtype = Field("float32", description="float32, or the column's own type (native).")
    v: str = Field("", max_length=200, description="The source's identity: a URL naming the current one is cached.")


class RowsQuery(SourceQuery):
    start: int = Field(0, ge=0, description="The first row of the page, in view order.")
    count: int = Field(100, ge=0, le=MAX_PAGE_ROWS)
    sort: _Expression | None = Field(None, description="A column or expression to sort by (NaN last).")
    desc: bool = False
    filter: _Expression | None = Field(None, description="Keep the rows for which this expression holds.")
    columns: str | None = Field(None, max_length=20_000, description="Comma-separated column names; all by default.")


class DensityQuery(SourceQuery):
    x: _Expression = Field(min_length=1, description="The column or expression along x.")
    y: _Expression = Field(min_length=1, description="The column or expression along y.")
    nx: int = Field(256, ge=1, le=MAX_BINS)
    ny: int = Field(256, ge=1, le=MAX_BINS)
    xlo: float | None = Field(None, allow_inf_nan=False, description="In the axis' space (log10 on a log axis).")
    xhi: float | None = Field(None, allow_inf_nan=False)
    ylo: float | None = Field(None, allow_inf_nan=False)
    yhi: float | None = Field(None, allow_inf_nan=False)
    xscale: Scale = "linear"
    yscale: Scale = "linear"
    v: str = Field("", max_length=200, description="The source's identity: a URL naming the current one is cached.")


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: ReadClientPath
    table: _TableIndex = 0
    kind: SourceKind = "file"


class MaskIn(_Body):
    selection: SelectionState


class RowsIn(_Body):
    """The rows query as a body, with a selection: a page of the selected rows only ("only selected")."""

    start: int = Field(0, ge=0, description="The first row of the page, in view order.")
    count: int = Field(100, ge=0, le=MAX_PAGE_ROWS)
    sort: _Expression | None = Field(None, description="A column or expression to sort by (NaN last).")
    desc: bool = False
    filter: _Expression | None = Field(None, description="Keep the rows for which this expression holds.")
    columns: list[Annotated[str, StringConstraints(min_length=1, max_length=MAX_EXPRESSION)]] | None = Field(
        None, max_length=MAX_COLUMNS_ASKED, description="The column names to send, in order; all when null."
    )
    selection: SelectionState | None = Field(None, description="Only the rows it selects; every row when null.")


class LocateIn(_Body):
    selection: SelectionState
    filter: _Expression | None = None
    sort: _Expression | None = None
    desc: bool = False


class DensityIn(_Body):
    """The density query as a body, with a selection: the counts are of the selected rows."""

    x: _Expression = Field(min_length=1)
    y: _Expression = Field(min_length=1)
    nx: int = Field(256, ge=1, le=MAX_BINS)
    ny: int = Field(256, ge=1, le=MAX_BINS)
    xlo: float | None = Field(None, allow_inf_nan=False)
    xhi: float | None = Field(None, allow_inf_nan=False)
    ylo: float | None = Field(None, allow_inf_nan=False)
    yhi: float | None = Field(None, allow_inf_nan=False)
    xscale: Scale = "linear"
    yscale: Scale = "linear"
    selection: SelectionState | None = None


class ExportIn(_Body):
    selection: SelectionState | None = Field(None, description="The rows to write; every row when null.")
    columns: list[Annotated[str, StringConstraints(min_length=1, max_length=MAX_EXPRESSION)]] | None = Field(
        None, max_length=MAX_COLUMNS_ASKED, description="The columns to write, in order; all when null."
    )
    format: ExportFormat
    folder: WriteClientPath
    name: str = Field(min_length=1, max_length=255, description="The new file's name (the format's ending is added).")


# --- answers --------------------------------------------------------------------------------------


class ColumnOut(BaseModel):
    """A column as served: its kind, numpy dtype, unit, UCD, description and per-row shape."""

    name: str
    kind: Literal["float", "int", "bool", "string", "time", "other"]
    dtype: str
    unit: str | None
    ucd: str | None
    description: str | None
    shape: list[int] = Field(description="[] for one value per row; vector columns cannot be plotted.")


class TableOut(BaseModel):
    """One table of a file."""

    index: int
    name: str
    rows: int
    columns: int


class SkyColumns(BaseModel):
    ra: str
    dec: str


class PixelColumns(BaseModel):
    x: str
    y: str


class SourceDescription(BaseModel):
    """What a page needs to show a source: its tables, the chosen table's columns and row count."""

    path: str
    name: str
    kind: SourceKind
    format: str
    identity: str = Field(description="Changes whenever the file changes; column URLs carry it as v.")
    tables: list[TableOut]
    table: int
    rows: int
    columns: list[ColumnOut] = Field(description='The columns, first the row number "index" (0-based, file order).')
    sky: SkyColumns | None = Field(description="The RA/Dec columns found (by UCD, then by name), in degrees.")
    pixel: PixelColumns | None = Field(description="The x/y pixel columns found (by name).")
    notes: list[str] = Field(description="What reading changed: renamed duplicate columns, cut strings...")


class RowsPage(BaseModel):
    """A page of rows in view order: the row numbers (file order) and their cells by column."""

    total: int = Field(description="The rows after the filter.")
    start: int
    index: list[int] = Field(description="The row numbers (0-based, file order) of the page's rows.")
    columns: list[str]
    cells: list[list[Any]] = Field(description="One list per row; NaN, infinities and masked values are null.")


class LocateOut(BaseModel):
    position: int | None = Field(description="Where the first selected row sits in the view order; null if none.")


class ExportOut(BaseModel):
    path: str = Field(description="The new file.")
    rows: int = Field(description="How many rows it holds.")
