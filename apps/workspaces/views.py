"""Workspace pages: the list, creating one, and the workspace itself."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from guardian.shortcuts import get_objects_for_user

from apps.workspaces.frontend import frontend_assets
from apps.workspaces.models import Workspace
from apps.workspaces.permissions import can_view


def _user_id(request: HttpRequest) -> int:
    # The login middleware lets no anonymous request reach these views.
    assert request.user.pk is not None
    return int(request.user.pk)


def home(request: HttpRequest) -> HttpResponse:
    # Shared ones too (a user or group right given in the admin), but not everyone's for admins.
    shared = get_objects_for_user(
        request.user, "workspaces.view_workspace", Workspace, with_superuser=False, accept_global_perms=False
    )
    own = Q(owner_id=_user_id(request))
    workspaces = Workspace.objects.filter(own | Q(pk__in=shared.values("pk"))).select_related("owner")
    if not workspaces.exists():
        # A first visit lands in a workspace straight away.
        first = Workspace.objects.create(owner_id=_user_id(request), name="My workspace")
        return redirect(first)
    return render(request, "workspaces/home.html", {"workspaces": workspaces})


@require_POST
def create(request: HttpRequest) -> HttpResponseRedirect:
    name = (request.POST.get("name") or "").strip()[:200] or "Untitled workspace"
    workspace = Workspace.objects.create(owner_id=_user_id(request), name=name)
    return redirect(workspace)


def workspace_page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = get_object_or_404(Workspace, pk=workspace_id)
    if not can_view(request.user, workspace):
        # Not revealing that it exists.
        raise Http404("No such workspace.")
    return render(request, "workspaces/workspace.html", {"workspace": workspace, "assets": frontend_assets()})
