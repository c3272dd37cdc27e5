"""Workspaces as their users manage them: the lists (mine, shared with me), create, rename, duplicate,
delete, and the shares of one workspace (who may view, change or share it).

The rules: anyone who may view a workspace may duplicate it (the copy is theirs); those who may change
it may rename it; only its owner and admins may delete it. The owner, admins and holders of the share
right may share it, giving at most the share right; only the owner and admins change or withdraw the
right of someone who may share (one may always lower one's own). Every refusal is a ToyzError with a
sentence; a workspace the user may not view is as unknown as a missing one.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from apps import events
from apps.accounts.services import User
from apps.workspaces.messages import WorkspaceRenamed
from apps.workspaces.models import Workspace
from apps.workspaces.permissions import (
    CHANGE,
    CODENAMES,
    LEVELS,
    NONE,
    OWN,
    SHARE,
    VIEW,
    Right,
    level,
    level_of_codenames,
    right_of,
)
from workers.errors import ToyzError

MAX_NAME = 200
DEFAULT_NAME = "Untitled workspace"
#: How many users and groups a lookup returns, each.
LOOKUP_LIMIT = 10
MAX_LOOKUP = 150

Kind = Literal["user", "group"]


def _storable(text: str) -> bool:
    """Whether a database text column can hold `text`: no NUL (PostgreSQL refuses it), no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Summary:
    """A workspace as a list shows it to one user."""

    id: int
    name: str
    owner: str
    url: str
    updated: datetime
    right: Right
    is_owner: bool
    may_delete: bool


@dataclass(frozen=True)
class Share:
    """One user's or group's right on a workspace."""

    kind: Kind
    name: str
    right: Right
    # Whether the one who asked may change or withdraw it.
    editable: bool


@dataclass(frozen=True)
class Shares:
    """Who holds what on a workspace, as its sharers see it."""

    workspace: int
    owner: str
    shares: list[Share]
    # The most the one who asked may give.
    may_give: Right


# --- reading ---------------------------------------------------------------------------------------


def _user_id(user: User) -> int:
    if not user.is_authenticated or user.pk is None:
        raise ToyzError("unauthenticated", "Log in first.")
    return int(user.pk)


def visible(user: User) -> tuple[QuerySet[Workspace], QuerySet[Workspace]]:
    """The user's own workspaces, and those shared with them (to them or a group of theirs).

    Admins are not shown everyone's: they open others' workspaces from the admin or a link.
    """
    user_id = _user_id(user)
    mine = Workspace.objects.filter(owner_id=user_id).select_related("owner")
    given = get_objects_for_user(
        user,
        [f"workspaces.{codename}" for codename in CODENAMES.values()],
        Workspace,
        any_perm=True,
        with_superuser=False,
        accept_global_perms=False,
    )
    shared = (
        Workspace.objects.filter(pk__in=given.values("pk")).exclude(owner_id=user_id).select_related("owner")
        if getattr(user, "is_active", False)
        else Workspace.objects.none()
    )
    return mine, shared


def summary(user: User, workspace: Workspace, checker: ObjectPermissionChecker | None = None) -> Summary:
    held = level(user, workspace, checker)
    right = right_of(held)
    assert right is not None, "only workspaces the user may view are summarised"
    return Summary(
        id=workspace.pk,
        name=workspace.name,
        owner=workspace.owner.get_username(),
        url=workspace.get_absolute_url(),
        updated=workspace.updated,
        right=right,
        is_owner=workspace.owner_id == user.pk,
        may_delete=held >= OWN,
    )


def summaries(user: User) -> tuple[list[Summary], list[Summary]]:
    """`visible` as summaries, with each one's rights (asked of the database once for all)."""
    mine, shared = visible(user)
    own = [summary(user, workspace) for workspace in mine]
    shared_list = list(shared)
    if not shared_list or not isinstance(user, AbstractBaseUser):
        return own, []
    checker = ObjectPermissionChecker(user)
    checker.prefetch_perms(Workspace.objects.filter(pk__in=[w.pk for w in shared_list]))
    return own, [summary(user, workspace, checker) for workspace in shared_list]


def _missing(workspace_id: int) -> ToyzError:
    return ToyzError("not_found", f"There is no workspace {workspace_id}, or it is not shared with you.")


def get(user: User, workspace_id: int, *, need: int = VIEW) -> tuple[Workspace, int]:
    """The workspace and the user's level on it; ToyzError if they may not view it or lack `need`."""
    _user_id(user)
    workspace = Workspace.objects.filter(pk=workspace_id).select_related("owner").first()
    held = NONE if workspace is None else level(user, workspace)
    if workspace is None or held < VIEW:
        raise _missing(workspace_id)
    if held < need:
        owner = workspace.owner.get_username()
        if need == CHANGE:
            raise ToyzError(
                "forbidden", f"You may view this workspace but not change it; ask {owner} for the change right."
            )
        if need == SHARE:
            raise ToyzError(
                "forbidden",
                f"Only its owner ({owner}), an admin, or someone it is shared with to share can share this workspace.",
            )
        raise ToyzError("forbidden", f"Only its owner ({owner}) or an admin can delete this workspace.")
    return workspace, held


# --- create, rename, duplicate, delete ------------------------------------------------------------------


def clean_name(raw: str | None, *, default: str | None = None) -> str:
    """A workspace name: whitespace runs made single spaces, at most 200 characters, never empty."""
    name = " ".join((raw or "").split())
    if not _storable(name) or any(unicodedata.category(char) == "Cc" for char in name):
        raise ToyzError("bad_params", "A workspace name cannot contain control characters; type another.")
    if not name:
        if default is None:
            raise ToyzError("bad_params", "A workspace needs a name: type one.")
        return default
    if len(name) > MAX_NAME:
        raise ToyzError("bad_params", f"A workspace name may have at most {MAX_NAME} characters; shorten it.")
    return name


def create(user: User, name: str | None) -> Workspace:
    return Workspace.objects.create(owner_id=_user_id(user), name=clean_name(name, default=DEFAULT_NAME))


def rename(user: User, workspace_id: int, name: str) -> Workspace:
    """Rename (with the change right); the workspace's open pages hear of it."""
    workspace, _ = get(user, workspace_id, need=CHANGE)
    workspace.name = clean_name(name)
    workspace.save(update_fields=["name", "updated"])
    event = WorkspaceRenamed(name=workspace.name)
    transaction.on_commit(lambda: events.to_workspace(workspace.pk, event))
    return workspace


def duplicate(user: User, workspace_id: int, name: str | None = None) -> Workspace:
    """A copy of the workspace's layout owned by the user (anyone who may view it may copy it).

    Its shares are not copied: the copy is the user's alone until they share it.
    """
    original, _ = get(user, workspace_id)
    default = f"{original.name} (copy)"
    if len(default) > MAX_NAME:
        default = f"{original.name[: MAX_NAME - len(' (copy)')].rstrip()} (copy)"
    return Workspace.objects.create(
        owner_id=_user_id(user), name=clean_name(name, default=default), layout=original.layout
    )


def delete(user: User, workspace_id: int) -> None:
    """Delete (its owner or an admin only); its open sockets close (signals.workspace_deleted)."""
    workspace, _ = get(user, workspace_id, need=OWN)
    workspace.delete()


# --- shares -------------------------------------------------------------------------------------------


def _held_by(workspace: Workspace) -> tuple[dict[AbstractBaseUser, int], dict[Group, int]]:
    """Every user's and group's own level on the workspace (not counting groups for users)."""
    content_type = ContentType.objects.get_for_model(Workspace)
    where = Q(content_type=content_type, object_pk=str(workspace.pk))
    users: dict[AbstractBaseUser, set[str]] = {}
    for row in UserObjectPermission.objects.filter(where).select_related("user", "permission"):
        users.setdefault(row.user, set()).add(row.permission.codename)
    groups: dict[Group, set[str]] = {}
    for grow in GroupObjectPermission.objects.filter(where).select_related("group", "permission"):
        groups.setdefault(grow.group, set()).add(grow.permission.codename)
    return (
        {user: level_of_codenames(codenames) for user, codenames in users.items()},
        {group: level_of_codenames(codenames) for group, codenames in groups.items()},
    )


def _may_edit(held: int, target_level: int, is_self: bool) -> bool:
    """Whether someone at level `held` may change or withdraw a right at `target_level`."""
    return held >= OWN or target_level < SHARE or is_self


def shares(user: User, workspace_id: int) -> Shares:
    """Who holds what on the workspace (for those who may share it)."""
    workspace, held = get(user, workspace_id, need=SHARE)
    users, groups = _held_by(workspace)
    listed: list[Share] = []
    for person, person_level in sorted(users.items(), key=lambda item: item[0].get_username().lower()):
        right = right_of(person_level)
        if right is not None and person.pk != workspace.owner_id:
            editable = _may_edit(held, person_level, person.pk == user.pk)
            listed.append(Share("user", person.get_username(), right, editable))
    for group, group_level in sorted(groups.items(), key=lambda item: item[0].name.lower()):
        right = right_of(group_level)
        if right is not None:
            listed.append(Share("group", group.name, right, _may_edit(held, group_level, False)))
    may_give = right_of(min(held, SHARE))
    assert may_give is not None
    return Shares(workspace.pk, workspace.owner.get_username(), listed, may_give)


def _principal(kind: Kind, name: str) -> AbstractBaseUser | Group:
    if not _storable(name):
        raise ToyzError("not_found", f"There is no {kind} of that name; pick one from the suggestions.")
    if kind == "user":
        person = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: name}, is_active=True).first()
        if person is None:
            raise ToyzError("not_found", f"There is no active user named {name!r}; pick one from the suggestions.")
        return person
    group = Group.objects.filter(name=name).first()
    if group is None:
        raise ToyzError("not_found", f"There is no group named {name!r}; pick one from the suggestions.")
    return group


def set_share(user: User, workspace_id: int, kind: Kind, name: str, right: Right | None) -> Shares:
    """Give `kind` `name` exactly `right` on the workspace (None withdraws it); return the shares.

    Open sockets of the workspace re-check their access when the transaction commits (signals.py):
    a downgrade turns their page read-only, a withdrawal closes them.
    """
    with transaction.atomic():
        workspace, held = get(user, workspace_id, need=SHARE)
        who = _principal(kind, name)
        if isinstance(who, Group):
            current = level_of_codenames(GroupObjectPermission.objects.filter(
                group=who, content_type=ContentType.objects.get_for_model(Workspace), object_pk=str(workspace.pk)
            ).values_list("permission__codename", flat=True))  # fmt: skip
            is_self = False
        else:
            if who.pk == workspace.owner_id:
                raise ToyzError("bad_params", f"{name} owns this workspace and keeps every right on it.")
            current = level_of_codenames(UserObjectPermission.objects.filter(
                user=who, content_type=ContentType.objects.get_for_model(Workspace), object_pk=str(workspace.pk)
            ).values_list("permission__codename", flat=True))  # fmt: skip
            is_self = who.pk == user.pk
        wanted = NONE if right is None else LEVELS[right]
        if wanted > min(held, SHARE):
            raise ToyzError("forbidden", f"You may give at most the {right_of(min(held, SHARE))} right.")
        if not _may_edit(held, current, is_self):
            raise ToyzError(
                "forbidden",
                f"{name} may share this workspace: only its owner ({workspace.owner.get_username()}) or an admin "
                "can change that.",
            )
        for each, codename in CODENAMES.items():
            if LEVELS[each] <= wanted:
                assign_perm(f"workspaces.{codename}", who, workspace)
            else:
                remove_perm(f"workspaces.{codename}", who, workspace)
    return shares(user, workspace_id) if level(user, workspace) >= SHARE else _after_leaving(workspace)


def _after_leaving(workspace: Workspace) -> Shares:
    # The user lowered their own right below share: they see no more of the shares.
    return Shares(workspace.pk, workspace.owner.get_username(), [], "view")


# --- lookups for the share dialog ---------------------------------------------------------------------


@dataclass(frozen=True)
class Principal:
    """A user or group a workspace can be shared with, as the share dialog suggests it."""

    kind: Kind
    name: str
    # A user's full name, a group's member count.
    detail: str


def lookup(user: User, prefix: str) -> list[Principal]:
    """Active users and groups whose name starts with `prefix` (case-insensitive), a few of each."""
    _user_id(user)
    prefix = prefix.strip()
    if not prefix or not _storable(prefix):
        return []  # no name holds such characters
    if len(prefix) > MAX_LOOKUP:
        raise ToyzError("bad_params", f"Type at most {MAX_LOOKUP} characters to look a name up.")
    model = get_user_model()
    field = model.USERNAME_FIELD
    people = model.objects.filter(**{f"{field}__istartswith": prefix}, is_active=True).order_by(field)
    found = [Principal("user", p.get_username(), _full_name(p)) for p in people[:LOOKUP_LIMIT]]
    groups = Group.objects.filter(name__istartswith=prefix).annotate(members=Count("user")).order_by("name")
    for group in groups[:LOOKUP_LIMIT]:
        members = int(getattr(group, "members", 0))
        found.append(Principal("group", group.name, f"group of {members} member{'' if members == 1 else 's'}"))
    return found


def _full_name(person: AbstractBaseUser) -> str:
    full = getattr(person, "get_full_name", None)
    return str(full()) if callable(full) else ""
