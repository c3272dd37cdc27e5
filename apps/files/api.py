"""File browser API: GET /api/files/list; the places beside it: /api/files/shared and /api/files/shortcuts."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status
from pydantic import BaseModel, Field

from apps.files import places
from apps.files.services import Listing, list_folder
from apps.http import ERROR_RESPONSES

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
    """A folder: folders first, then files, by name; ``parent`` is None at the data root."""

    path: str
    parent: str | None
    entries: list[EntryOut]
    truncated: bool


@router.get("/list", response={200: ListingOut, **ERROR_RESPONSES}, url_name="files-list")
def listing(request: HttpRequest, query: Query[ListQuery]) -> Listing:
    """List a folder the user may list."""
    return list_folder(request.user, query.path)


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
    path: str = Field(max_length=places.MAX_PATH_LENGTH)
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
