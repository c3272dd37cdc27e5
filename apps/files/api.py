"""File browser API: GET /api/files/list."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import BaseModel

from apps.files.services import ListClientPath, Listing, list_folder
from apps.http import ERROR_RESPONSES

router = Router(tags=["files"])


class ListQuery(BaseModel):
    path: ListClientPath = ""


class EntryOut(BaseModel):
    """One file or folder of a listing; ``mtime`` in seconds since the epoch, ``size`` 0 for folders."""

    name: str
    path: str
    kind: Literal["dir", "file"]
    size: int
    mtime: float
    openable: bool


class ListingOut(BaseModel):
    """A folder: folders first, then files, by name; ``parent`` is None at the data root."""

    path: str
    parent: str | None
    entries: list[EntryOut]
    truncated: bool


@router.get("/list", response={200: ListingOut, **ERROR_RESPONSES}, url_name="files-list")
def listing(request: HttpRequest, query: Query[ListQuery]) -> Listing:
    """List a folder the user may list."""
    return list_folder(request.user, query.path)
