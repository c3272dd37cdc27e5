"""`/api/workspaces`: the user's workspaces and those shared with them; create, rename, duplicate, delete;
a workspace's shares; and the users and groups the share dialog suggests. The rules are in `sharing`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from ninja.security import django_auth
from pydantic import Field

from apps.http import ERROR_RESPONSES
from apps.workspaces import sharing
from apps.workspaces.permissions import Right

router = Router(auth=django_auth, tags=["workspaces"])


class WorkspaceOut(Schema):
    """A workspace as the user may use it: ``right`` is the most they hold (an owner's counts as share)."""

    id: int
    name: str
    owner: str
    url: str
    updated: datetime
    right: Right
    is_owner: bool
    may_delete: bool


class WorkspacesOut(Schema):
    """The user's own workspaces and those shared with them (or a group of theirs), latest first."""

    mine: list[WorkspaceOut]
    shared: list[WorkspaceOut]


class NameIn(Schema):
    # Checked by sharing.clean_name, which says what is wrong in a sentence.
    name: str | None = None


class RenameIn(Schema):
    name: str


class ShareOut(Schema):
    """One user's or group's right; ``editable``: whether you may change or withdraw it."""

    kind: Literal["user", "group"]
    name: str
    right: Right
    editable: bool


class SharesOut(Schema):
    """Who holds what on a workspace besides its owner; ``may_give``: the most you may give."""

    workspace: int
    owner: str
    shares: list[ShareOut]
    may_give: Right


class ShareIn(Schema):
    """Give a user or group exactly this right; ``none`` withdraws what they had."""

    kind: Literal["user", "group"]
    name: Annotated[str, Field(min_length=1, max_length=150)]
    right: Literal["view", "change", "share", "none"]


class UnshareQuery(Schema):
    kind: Literal["user", "group"]
    name: Annotated[str, Field(min_length=1, max_length=150)]


class LookupQuery(Schema):
    q: Annotated[str, Field(max_length=sharing.MAX_LOOKUP)] = ""


class PrincipalOut(Schema):
    """A user (``detail``: their full name) or group (its size) to share with."""

    kind: Literal["user", "group"]
    name: str
    detail: str


def _out(summary: sharing.Summary) -> WorkspaceOut:
    return WorkspaceOut(**summary.__dict__)


def _one(request: HttpRequest, workspace_id: int) -> WorkspaceOut:
    workspace, _ = sharing.get(request.user, workspace_id)
    return _out(sharing.summary(request.user, workspace))


def _shares_out(found: sharing.Shares) -> SharesOut:
    return SharesOut(
        workspace=found.workspace,
        owner=found.owner,
        shares=[ShareOut(**share.__dict__) for share in found.shares],
        may_give=found.may_give,
    )


@router.get("", response={200: WorkspacesOut, **ERROR_RESPONSES}, summary="Your workspaces and those shared with you")
def list_workspaces(request: HttpRequest) -> WorkspacesOut:
    mine, shared = sharing.summaries(request.user)
    return WorkspacesOut(mine=[_out(s) for s in mine], shared=[_out(s) for s in shared])


@router.post("", response={201: WorkspaceOut, **ERROR_RESPONSES}, summary="Create a workspace")
def create(request: HttpRequest, body: NameIn) -> Status[WorkspaceOut]:
    workspace = sharing.create(request.user, body.name)
    return Status(201, _one(request, workspace.pk))


@router.get(
    "/lookup", response={200: list[PrincipalOut], **ERROR_RESPONSES}, summary="Users and groups whose name starts so"
)
def lookup(request: HttpRequest, query: Query[LookupQuery]) -> list[PrincipalOut]:
    return [PrincipalOut(**found.__dict__) for found in sharing.lookup(request.user, query.q)]


@router.get("/{workspace_id}", response={200: WorkspaceOut, **ERROR_RESPONSES}, summary="A workspace")
def detail(request: HttpRequest, workspace_id: int) -> WorkspaceOut:
    return _one(request, workspace_id)


@router.patch("/{workspace_id}", response={200: WorkspaceOut, **ERROR_RESPONSES}, summary="Rename a workspace")
def rename(request: HttpRequest, workspace_id: int, body: RenameIn) -> WorkspaceOut:
    sharing.rename(request.user, workspace_id, body.name)
    return _one(request, workspace_id)


@router.delete("/{workspace_id}", response={204: None, **ERROR_RESPONSES}, summary="Delete a workspace")
def delete(request: HttpRequest, workspace_id: int) -> Status[None]:
    sharing.delete(request.user, workspace_id)
    return Status(204, None)


@router.post(
    "/{workspace_id}/duplicate",
    response={201: WorkspaceOut, **ERROR_RESPONSES},
    summary="Copy a workspace into a new one of your own",
)
def duplicate(request: HttpRequest, workspace_id: int, body: NameIn) -> Status[WorkspaceOut]:
    copy = sharing.duplicate(request.user, workspace_id, body.name)
    return Status(201, _one(request, copy.pk))


@router.get(
    "/{workspace_id}/shares", response={200: SharesOut, **ERROR_RESPONSES}, summary="Who a workspace is shared with"
)
def shares(request: HttpRequest, workspace_id: int) -> SharesOut:
    return _shares_out(sharing.shares(request.user, workspace_id))


@router.put(
    "/{workspace_id}/shares",
    response={200: SharesOut, **ERROR_RESPONSES},
    summary="Give a user or group a right on a workspace, change or withdraw it",
)
def set_share(request: HttpRequest, workspace_id: int, body: ShareIn) -> SharesOut:
    right = None if body.right == "none" else body.right
    return _shares_out(sharing.set_share(request.user, workspace_id, body.kind, body.name, right))


@router.delete(
    "/{workspace_id}/shares",
    response={200: SharesOut, **ERROR_RESPONSES},
    summary="Withdraw a user's or group's right on a workspace",
)
def unshare(request: HttpRequest, workspace_id: int, query: Query[UnshareQuery]) -> SharesOut:
    return _shares_out(sharing.set_share(request.user, workspace_id, query.kind, query.name, None))
