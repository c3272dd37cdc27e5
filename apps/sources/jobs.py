"""Sources jobs for the workspace socket and /api/jobs: what a client may wait long for (a large table's
first conversion, an export), with progress."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from apps.files.services import ReadPath, WritePath
from apps.jobs.services import JobContext, JobParams, describe_module, register
from apps.sources import services
from apps.sources.schemas import ExportOut, SourceDescription
from apps.sources.selection import MAX_EXPRESSION, SelectionState

describe_module(
    "sources", "Data sources", "Open tables (catalogues, logs), plot and select their columns, export selections."
)

_Table = Annotated[int, Field(ge=0, le=10_000)]


class SourceParams(JobParams):
    path: ReadPath = Field(description="The table file (a folder for kind headers).")
    table: _Table = Field(default=0, description="The table's index in the file, 0-based.")
    kind: Literal["file", "headers"] = Field(default="file", description="headers: the folder's header index.")


class ExportParams(SourceParams):
    selection: SelectionState | None = Field(default=None, description="The rows to write; every row when null.")
    columns: (
        Annotated[list[Annotated[str, StringConstraints(min_length=1, max_length=MAX_EXPRESSION)]], Field(max_length=200)]
        | None
    ) = Field(default=None, description="The columns to write, in order; all when null.")
    format: Literal["csv", "fits", "votable"]
    folder: WritePath = Field(description="The folder the new file goes to.")
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)] = Field(
        description="The new file's name (the format's ending is added when missing)."
    )


def _open(ctx: JobContext, params: SourceParams) -> services.Source:
    # The path was checked with the read right; a source's kind says whether it must be a file or a folder.
    return services.open_source(ctx.user, params.path.client, params.table, params.kind)


@register(
    "sources.describe",
    "Describe a data source: its tables, columns (units, UCDs), row count, sky and pixel columns.",
    params=SourceParams,
    result=SourceDescription,
)
def describe(ctx: JobContext, params: SourceParams) -> dict[str, Any]:
    ctx.progress(0, 1, "Opening the table")
    return services.describe(_open(ctx, params))


@register(
    "sources.export",
    "Write the selected rows of a source as a new CSV, FITS or VOTable file in a folder.",
    params=ExportParams,
    result=ExportOut,
)
def export(ctx: JobContext, params: ExportParams) -> dict[str, Any]:
    source = _open(ctx, params)
    return services.export(
        ctx.user,
        source,
        params.selection,
        params.columns,
        params.format,
        params.folder.client,
        params.name,
        progress=ctx.progress,
    )
