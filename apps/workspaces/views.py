"""Workspace pages: the list, creating one, and the workspace itself."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from apps.workspaces import sharing
from apps.workspaces.frontend import LIST_ENTRY, frontend_assets
from apps.workspaces.models import LastOpened, Workspace
from apps.workspaces.permissions import can_view
from workers.errors import ToyzError


def _user_id(request: HttpRequest) -> int:
    # The login middleware lets no anonymous request reach these views.
    assert request.user.pk is not None
    return int(request.user.pk)


def home(request: HttpRequest) -> HttpResponse:
    last = LastOpened.objects.filter(user_id=_user_id(request)).select_related("workspace").first()
    # A returning user goes back to their last workspace, if it is still theirs to see.
    if last is not None and can_view(request.user, last.workspace):
        return redirect(last.workspace)
    if not _has_workspaces(request):
        # A first visit lands in a workspace straight away.
        first = Workspace.objects.create(owner_id=_user_id(request), name="My workspace")
        return redirect(first)
    return workspace_list(request)


def _has_workspaces(request: HttpRequest) -> bool:
    mine, shared = sharing.visible(request.user)
    return mine.exists() or shared.exists()


def workspace_list(request: HttpRequest) -> HttpResponse:
    mine, shared = sharing.summaries(request.user)
    context = {"mine": mine, "shared": shared, "assets": frontend_assets(LIST_ENTRY)}
    return render(request, "workspaces/home.html", context)


@require_POST
def create(request: HttpRequest) -> HttpResponse:
    # The form's field says 200 characters at most; a longer name from elsewhere is cut.
    try:
        workspace = sharing.create(request.user, (request.POST.get("name") or "")[:200])
    except ToyzError as exc:
        return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")
    return redirect(workspace)


def workspace_page(request: HttpRequest, workspace_id: int) -> HttpResponse:
    workspace = get_object_or_404(Workspace, pk=workspace_id)
    if not can_view(request.user, workspace):
        # Not revealing that it exists.
        raise Http404("No such workspace.")
    LastOpened.objects.update_or_create(user_id=_user_id(request), defaults={"workspace": workspace})
    context = {"workspace": workspace, "access": sharing.summary(request.user, workspace), "assets": frontend_assets()}
    return render(request, "workspaces/workspace.html", context)


@login_not_required
@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    # Pages link the SVG icon; the admin's pages and some browsers ask for /favicon.ico anyway.
    path = finders.find("toyz/favicon.ico")
    if not isinstance(path, str):
        raise Http404("No icon.")
    # FileResponse closes the file once it is sent.
    return FileResponse(Path(path).open("rb"), content_type="image/x-icon")
