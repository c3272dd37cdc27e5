"""File jobs for the workspace socket."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from apps.files.api import ListingOut
from apps.files.services import ListPath, list_folder
from apps.jobs.services import JobContext, JobParams, describe_module, register

describe_module("files", "Files", "Browse the folders of the data root.")


class ListParams(JobParams):
    path: ListPath = Field(default="", validate_default=True, description="The folder; the data root by default.")


@register("files.list", "List a folder.", params=ListParams, result=ListingOut)
def files_list(ctx: JobContext, params: ListParams) -> dict[str, Any]:
    return dict(list_folder(ctx.user, params.path))
