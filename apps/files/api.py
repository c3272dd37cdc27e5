"""File browser API: listing a folder; the places beside it (/api/files/shared, /api/files/shortcuts);
and what the write right allows (upload, new folder, rename, delete into the trash, restore from it)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status
from pydantic import BaseModel, Field

from apps.files import places, trash, writing
from apps.files.services import Entry, ListClientPath, Listing, WriteClientPath, list_folder
from apps.http import ERROR_RESPONSES
from workers.errors import ToyzError

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
    openable: bool = Field(description="The image viewer opens it.")
    table: bool = Field(description="A table file (CSV, FITS, VOTable, Parquet...): it opens as a data source.")


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
    path: WriteClientPath = Field(description="The folder to upload into.")
    name: str = Field(description="The new file's name.")
    replace: bool = Field(default=False, description="Replace a file of that name (after asking the user).")


class FolderIn(BaseModel):
    path: WriteClientPath = Field(description="The folder to create it in.")
    name: str = Field(description="The new folder's name.")


class EntryRenameIn(BaseModel):
    path: WriteClientPath = Field(description="The file or folder to rename.")
    name: str = Field(description="Its new name, in the same folder.")


class DeleteIn(BaseModel):
    path: WriteClientPath = Field(description="The file or folder to move into the trash.")


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
def rename(request: HttpRequest, body: EntryRenameIn) -> Entry:
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


# --- places: home, shared with me, shortcuts ---------------------------------------------------------


class SharedFolderOut(BaseModel):
    """A folder (or file) granted to the user or one of their groups; ``via`` names whose grants give it."""

    path: str
    name: str
    rights: list[Literal["list", "read", "write"]]
    via: list[str]
    exists: bool = Field(description="False when it was deleted or renamed: the grant stays on this path.")
    is_dir: bool


class SharedOut(BaseModel):
    """The user's home folder (None for none) and what was shared with them, outermost grants only, by path."""

    home: str | None
    folders: list[SharedFolderOut]


class ShortcutOut(BaseModel):
    """A folder the user pinned; ``available`` is False (and ``problem`` says why) once they may not list it."""

    id: int
    path: str
    label: str
    available: bool
    problem: str


class ShortcutIn(BaseModel):
    path: ListClientPath = Field(max_length=places.MAX_PATH_LENGTH)
    label: str = Field("", max_length=places.MAX_LABEL, description="Shown instead of the path; its name by default.")


@router.get("/shared", response={200: SharedOut, **ERROR_RESPONSES}, url_name="files-shared")
def shared(request: HttpRequest) -> SharedOut:
    """Your home folder and the folders shared with you."""
    folders = [SharedFolderOut(**vars(f)) for f in places.shared_folders(request.user)]
    return SharedOut(home=places.home(request.user), folders=folders)


@router.get("/shortcuts", response={200: list[ShortcutOut], **ERROR_RESPONSES}, url_name="files-shortcuts")
def shortcuts(request: HttpRequest) -> list[ShortcutOut]:
    """Your shortcuts, by label."""
    return [ShortcutOut(**vars(p)) for p in places.shortcuts_of(request.user)]


@router.post("/shortcuts", response={200: ShortcutOut, 201: ShortcutOut, **ERROR_RESPONSES})
def pin(request: HttpRequest, body: ShortcutIn) -> Status[ShortcutOut]:
    """Pin a folder you may list (201); one pinned already answers 200, renamed when a label is given."""
    place, created = places.add_shortcut(request.user, body.path, body.label)
    return Status(201 if created else 200, ShortcutOut(**vars(place)))


@router.delete("/shortcuts/{int:shortcut_id}", response={204: None, **ERROR_RESPONSES})
def unpin(request: HttpRequest, shortcut_id: int) -> Status[None]:
    """Remove one of your shortcuts."""
    places.remove_shortcut(request.user, shortcut_id)
    return Status(204, None)
