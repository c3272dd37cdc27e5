"""The header index job: bring a folder's index up to date (incremental; headers only, never pixels)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from apps.files.services import ListPath
from apps.headers import services
from apps.jobs.services import Flag, JobContext, JobParams, describe_module, register

describe_module(
    "headers",
    "Header index",
    "Index the headers of the FITS files in a folder, so that they can be searched and shown as a table.",
)


class IndexParams(JobParams):
    path: ListPath = Field(default="", validate_default=True, description="The folder; the data root by default.")
    recursive: Flag = Field(default=True, description="Include the files in subfolders.")


class IndexProblem(BaseModel):
    """A file whose header could not be read, and why."""

    path: str
    problem: str


class IndexResult(BaseModel):
    """What an index run did, counting the files the user may read: found, read again, unchanged, dropped."""

    path: str
    files: int
    read: int
    unchanged: int
    removed: int
    problems: int
    failures: list[IndexProblem] = Field(description="At most 100 files whose header could not be read.")


@register(
    "headers.index",
    "Bring the header index of a folder up to date: read new and changed files, drop vanished ones.",
    params=IndexParams,
    result=IndexResult,
    heavy=True,
)
def index(ctx: JobContext, params: IndexParams) -> dict[str, Any]:
    summary = services.index_folder(params.path, recursive=params.recursive, user=ctx.user, progress=ctx.progress)
    return summary.as_dict()
