"""File jobs for the workspace socket."""

from __future__ import annotations

from typing import Any

from apps.files.permissions import Right
from apps.files.services import list_folder
from apps.jobs.registry import JobContext, Param, register


@register("files.list", "List a folder.", params=[Param("path", "path", default="", right=Right.LIST)])
def files_list(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    return dict(list_folder(ctx.user, params["path"]))
