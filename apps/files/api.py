"""File browser API: listing a folder, and what the write right allows (upload, new folder, rename,
delete into the trash, restore from it)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status
from pydantic import BaseModel, Field

from apps.files import trash, writing
from apps.files.services import Entry, Listing, list_folder
from apps.http import ERROR_RESPONSES
from workers.errors import ToyzError

router = Router(tags=["files"])


class ListQuery(BaseModel):
    path: str = ""


class EntryOut(BaseModel):
    """One file or folder of a listing; ``mtime`` in seconds since the epoch, ``size`` 0 for folders."""

    name: str
    path: str
    kind: Literal["dir", "file"]
    size: int
    mtime: float
    openable: bool


class ListingOut(BaseModel):
    """A folder: folders first, then files, by name; ``parent`` is None at the data root.

    ``writable``: whether the user may upload, create, rename and delete here; ``max_upload_bytes``:
    the largest file an upload may bring.
    """

    path: str
    parent: str | None
    entries: list[EntryOut]
    truncated: bool
    writable: bool
    max_upload_bytes: int


@router.get("/list", response={200: ListingOut, **ERROR_RESPONSES}, url_name="files-list")
def listing(request: HttpRequest, query: Query[ListQuery]) -> Listing:
    """List a folder the user may list."""
    return list_folder(request.user, query.path)


# --- writing -------------------------------------------------------------------------------------


class UploadQuery(BaseModel):
    path: str = Field(description="The folder to upload into.")
    name: str = Field(description="The new file's name.")
    replace: bool = Field(default=False, description="Replace a file of that name (after asking the user).")


class FolderIn(BaseModel):
    path: str = Field(description="The folder to create it in.")
    name: str = Field(description="The new folder's name.")


class RenameIn(BaseModel):
    path: str = Field(description="The file or folder to rename.")
    name: str = Field(description="Its new name, in the same folder.")


class DeleteIn(BaseModel):
    path: str = Field(description="The file or folder to move into the trash.")


class RestoreIn(BaseModel):
    name: str | None = Field(default=None, description="A new name; its own name when null.")


class TrashEntryOut(BaseModel):
    """A deletion waiting in the trash: where it was, who deleted it, when (seconds since the epoch)."""

    id: str
    path: str
    name: str
    kind: Literal["dir", "file"]
    size: int
    deleted_by: str
    deleted_at: float


class TrashOut(BaseModel):
    """The deletions the user may restore, newest first."""

    entries: list[TrashEntryOut]


def _content_length(request: HttpRequest) -> int | None:
    raw = request.META.get("CONTENT_LENGTH") or ""
    try:
        return int(raw) if raw else None
    except ValueError:
        raise ToyzError("bad_request", "The Content-Length header must be a whole number.") from None


@router.post(
    "/upload",
    response={201: EntryOut, **ERROR_RESPONSES},
    url_name="files-upload",
    summary="Upload a file into a folder",
    openapi_extra={
        "requestBody": {
            "description": "The file's bytes, as they are (not a form).",
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            "required": True,
        }
    },
)
def upload(request: HttpRequest, query: Query[UploadQuery]) -> Status[Entry]:
    """Write the body as a new file; `exists` (409) if the name is taken and `replace` is not set."""
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise ToyzError("bad_request", "Send the file's bytes as the body (Content-Type: application/octet-stream).")
    length = _content_length(request)
    entry = writing.upload(request.user, query.path, query.name, request, length=length, replace=query.replace)
    return Status(201, entry)


@router.post("/folder", response={201: EntryOut, **ERROR_RESPONSES}, summary="Create a folder")
def make_folder(request: HttpRequest, body: FolderIn) -> Status[Entry]:
    return Status(201, writing.make_folder(request.user, body.path, body.name))


@router.post("/rename", response={200: EntryOut, **ERROR_RESPONSES}, summary="Rename a file or folder")
def rename(request: HttpRequest, body: RenameIn) -> Entry:
    """Rename within the same folder; `exists` (409) if the new name is taken."""
    return writing.rename(request.user, body.path, body.name)


@router.post("/delete", response={200: TrashEntryOut, **ERROR_RESPONSES}, summary="Move a file or folder to the trash")
def delete(request: HttpRequest, body: DeleteIn) -> trash.TrashEntry:
    return trash.delete(request.user, body.path)


@router.get("/trash", response={200: TrashOut, **ERROR_RESPONSES}, summary="The deletions you may restore")
def trash_list(request: HttpRequest) -> TrashOut:
    return TrashOut(entries=[TrashEntryOut.model_validate(e) for e in trash.list_trash(request.user)])


@router.post("/trash/{entry_id}/restore", response={200: EntryOut, **ERROR_RESPONSES}, summary="Restore from the trash")
def restore(request: HttpRequest, entry_id: str, body: RestoreIn) -> Entry:
    """Put it back where it was; `exists` (409) if something has that name now: give `name` then."""
    return trash.restore(request.user, entry_id, body.name)
