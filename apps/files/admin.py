"""The admin of folder grants: the grants by path with their holders, a form with a folder picker, and the
effective access page (what a user can reach, who can read a path and which grant decides).

Every change goes through `apps.files.grants.grant`/`revoke` with the admin as the actor, so it lands in
the grant's history; nothing here decides rights itself (`apps.files.permissions` does).
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from guardian.models import GroupObjectPermission, UserObjectPermission

from apps.files import grants
from apps.files.admin_forms import (
    AccessForm,
    GrantForm,
    HolderFormSet,
    choice_of,
    holder_choices,
    holder_key,
    holder_of,
    holders_of,
    is_missing,
)
from apps.files.models import PathGrant
from apps.files.permissions import access_of, decide, key_of
from apps.files.resolver import confine
from apps.http import error_response
from workers.errors import ToyzError

#: The picker lists at most this many entries of a folder (a night's folder can hold thousands).
MAX_PICKER_ENTRIES = 1000


def _grant_pks(holders: QuerySet[Any], column: str) -> set[int]:
    """The pks of the grants that guardian rows of `holders` (users or groups) point at."""
    content_type = ContentType.objects.get_for_model(PathGrant)
    model = UserObjectPermission if column == "user" else GroupObjectPermission
    object_pks = model.objects.filter(content_type=content_type, **{f"{column}__in": holders}).values_list(
        "object_pk", flat=True
    )
    return {int(pk) for pk in object_pks if pk.isdigit()}


class GroupFilter(admin.SimpleListFilter):
    title = "group"
    parameter_name = "group"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        content_type = ContentType.objects.get_for_model(PathGrant)
        holding = GroupObjectPermission.objects.filter(content_type=content_type).values("group_id")
        return [(str(pk), name) for pk, name in Group.objects.filter(pk__in=holding).values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PathGrant]) -> QuerySet[PathGrant]:
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(pk__in=_grant_pks(Group.objects.filter(pk=int(self.value() or 0)), "group"))


class UserFilter(admin.SimpleListFilter):
    """The grants that apply to a user: to them directly or to one of their groups."""

    title = "user (own or through a group)"
    parameter_name = "user"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        content_type = ContentType.objects.get_for_model(PathGrant)
        direct = UserObjectPermission.objects.filter(content_type=content_type).values("user_id")
        groups = GroupObjectPermission.objects.filter(content_type=content_type).values("group_id")
        model = get_user_model()
        users = model.objects.filter(pk__in=direct) | model.objects.filter(groups__in=groups)
        return [(str(u.pk), u.get_username()) for u in users.distinct().order_by(model.USERNAME_FIELD)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PathGrant]) -> QuerySet[PathGrant]:
        if not (self.value() or "").isdigit():
            return queryset
        model = get_user_model()
        user_id = int(self.value() or 0)
        pks = _grant_pks(model.objects.filter(pk=user_id), "user")
        pks |= _grant_pks(Group.objects.filter(user__pk=user_id), "group")
        return queryset.filter(pk__in=pks)


class MissingFilter(admin.SimpleListFilter):
    """Grants whose folder was deleted or renamed: they decide nothing until revoked or recreated."""

    title = "folder"
    parameter_name = "folder"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("missing", "missing from the data root")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PathGrant]) -> QuerySet[PathGrant]:
        if self.value() != "missing":
            return queryset
        return queryset.filter(pk__in=[pk for pk, p in queryset.values_list("pk", "path") if is_missing(p)])


class GrantChangeList(ChangeList):
    """Fetches the holders of the page's grants in one go rather than per row."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        by_path: dict[str, list[grants.GrantRow]] = {}
        for row in grants.grant_rows([g.path for g in self.result_list]):
            by_path.setdefault(row.path, []).append(row)
        for grant in self.result_list:
            grant.holder_rows = by_path.get(grant.path, [])


@admin.register(PathGrant)
class PathGrantAdmin(admin.ModelAdmin[PathGrant]):
    list_display = ("shown_path", "holders", "note", "updated")
    list_display_links = ("shown_path",)
    list_filter = (GroupFilter, UserFilter, MissingFilter)
    search_fields = ("path", "note")
    search_help_text = "A path, a note, a user name or a group name."
    ordering = ("path",)
    change_list_template = "admin/files/pathgrant/change_list.html"
    actions = ["delete_selected"]

    # --- the list ---------------------------------------------------------------------------------

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return GrantChangeList

    @admin.display(description="path", ordering="path")
    def shown_path(self, grant: PathGrant) -> str:
        if is_missing(grant.path):
            return format_html('{} <span class="grant-missing">missing</span>', str(grant))
        return str(grant)

    @admin.display(description="holders and rights")
    def holders(self, grant: PathGrant) -> str:
        rows: list[grants.GrantRow] | None = getattr(grant, "holder_rows", None)
        if rows is None:
            rows = grants.grant_rows([grant.path])
        if not rows:
            # Its holders were deleted (a group, a user): the grant decides nothing and can go.
            return format_html('<span class="grant-none">{}</span>', "nobody")
        return format_html_join(
            ", ",
            '{} <span class="grant-rights">({})</span>',
            ((r.holder, grants.describe_rights(r.rights)) for r in rows),
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[PathGrant], search_term: str
    ) -> tuple[QuerySet[PathGrant], bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            model = get_user_model()
            users = model.objects.filter(**{f"{model.USERNAME_FIELD}__icontains": term})
            pks = _grant_pks(users, "user") | _grant_pks(Group.objects.filter(name__icontains=term), "group")
            found = found | queryset.filter(pk__in=pks)
        return found, duplicates

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        context = {"access_url": reverse("admin:files_pathgrant_access"), **(extra_context or {})}
        return super().changelist_view(request, context)

    # --- deleting a grant revokes every holder, so that the history says who lost what ---------------

    def delete_model(self, request: HttpRequest, obj: PathGrant) -> None:
        actor = request.user if isinstance(request.user, AbstractBaseUser) else None
        with transaction.atomic():
            for holder, _ in holders_of(obj):
                grants.revoke(obj.path, holder, actor=actor)
            if PathGrant.objects.filter(pk=obj.pk).exists():
                # Nobody held anything on it (their group or account was deleted): the row goes on its own.
                _log(request, obj, DELETION, "Deleted the grant, which nobody held any more.")
                obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[PathGrant]) -> None:
        for obj in list(queryset):
            self.delete_model(request, obj)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> list[LogEntry]:
        # `delete_model` logs each withdrawn holder (grants.revoke) instead of one bare "Deleted".
        return []

    # --- adding and changing: the path with the picker, one row per holder ------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("folders/", wrap(self.folders_view), name="files_pathgrant_folders"),
            path("access/", wrap(self.access_view), name="files_pathgrant_access"),
            *super().get_urls(),
        ]

    # (The admin site's URLs are CSRF-protected already: `admin_view` wraps them.)
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        existing: PathGrant | None = None
        if object_id is not None:
            existing = self.get_object(request, object_id)
            if existing is None:
                # Revoked meanwhile (by another admin, or by removing its last holder).
                self.message_user(request, "That folder grant no longer exists.", messages.WARNING)
                return HttpResponseRedirect(reverse("admin:files_pathgrant_changelist"))
            if not self.has_view_or_change_permission(request, existing):
                raise PermissionDenied
            editable = self.has_change_permission(request, existing)
        else:
            if not self.has_add_permission(request):
                raise PermissionDenied
            editable = True
        picker_url = reverse("admin:files_pathgrant_folders")
        choices = holder_choices()
        initial = [
            {"holder": holder_key(holder), "rights": choice_of(rights)}
            for holder, rights in (holders_of(existing) if existing is not None else [])
        ]
        data = request.POST if request.method == "POST" and editable else None
        form = GrantForm(data, existing=existing, picker_url=picker_url)
        formset = HolderFormSet(data, initial=initial, prefix="holders", choices=choices, adding=existing is None)
        if data is not None and form.is_valid() and formset.is_valid():
            try:
                response = self._save(request, existing, form, formset)
            except ToyzError as exc:
                # A folder deleted after it was granted can lose holders but not gain rights.
                hint = " You can still remove its holders." if exc.code == "not_found" and existing else ""
                form.add_error(None, exc.message + hint)
            else:
                return response
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'Change' if existing else 'Add'} folder grant" if editable else "View folder grant",
            "subtitle": str(existing) if existing else None,
            "opts": self.opts,
            "original": existing,
            "add": existing is None,
            "change": existing is not None,
            "editable": editable,
            "has_view_permission": self.has_view_permission(request),
            "has_delete_permission": existing is not None and self.has_delete_permission(request, existing),
            "form": form,
            "formset": formset,
            "missing": existing is not None and is_missing(existing.path),
            "access_url": reverse("admin:files_pathgrant_access"),
            "errors": bool(form.errors or formset.total_error_count()),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/files/pathgrant/grant_form.html", context)

    def _save(self, request: HttpRequest, existing: PathGrant | None, form: GrantForm, formset: Any) -> HttpResponse:
        actor = request.user if isinstance(request.user, AbstractBaseUser) else None
        key: str = form.cleaned_data["path"]
        granted: list[tuple[grants.Holder, frozenset[Any]]] = []
        revoked: list[grants.Holder] = []
        for row in formset.forms:
            if not row.has_changed():
                continue
            before = holder_of(row.initial["holder"]) if row.initial.get("holder") else None
            after = holder_of(row.cleaned_data["holder"]) if row.cleaned_data.get("holder") else None
            removing = bool(row.cleaned_data.get("DELETE"))
            if after is not None and not removing:
                granted.append((after, row.rights_wanted))
            if before is not None and (removing or after is None or holder_key(before) != holder_key(after)):
                revoked.append(before)
        with transaction.atomic():
            # Grants first: revoking the last holder first would delete the grant and start a new history.
            for holder, rights in granted:
                grants.grant(key, holder, rights, actor=actor)
            for holder in revoked:
                grants.revoke(key, holder, actor=actor)
            obj = PathGrant.objects.filter(path=key).first()
            note = form.cleaned_data["note"]
            if obj is not None and obj.note != note:
                PathGrant.objects.filter(pk=obj.pk).update(note=note)
                _log(request, obj, CHANGE, "Changed the note.")
        shown = key or "(data root)"
        if obj is None:
            self.message_user(
                request, f"Nobody holds a right on {shown} any more: the grant is gone.", messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:files_pathgrant_changelist"))
        self.message_user(request, f"The grant on {shown} is saved.", messages.SUCCESS)
        if "_continue" in request.POST:
            return HttpResponseRedirect(reverse("admin:files_pathgrant_change", args=[obj.pk]))
        return HttpResponseRedirect(reverse("admin:files_pathgrant_changelist"))

    # --- the folder picker's listing ------------------------------------------------------------------

    def folders_view(self, request: HttpRequest) -> JsonResponse:
        """The entries of a folder of the data root, for the picker: `{path, parent, entries, truncated}`."""
        if not self.has_view_permission(request):
            return error_response(ToyzError("forbidden", "Only admins who may see folder grants can browse here."))
        try:
            return JsonResponse(_listing(request.GET.get("path", "")))
        except ToyzError as exc:
            return error_response(exc)

    # --- effective access --------------------------------------------------------------------------------

    def access_view(self, request: HttpRequest) -> TemplateResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = AccessForm(request.GET or None, picker_url=reverse("admin:files_pathgrant_folders"))
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": "Effective access",
            "opts": self.opts,
            "form": form,
            "has_view_permission": True,
        }
        if form.is_valid():
            user = form.cleaned_data["user"]
            raw = form.cleaned_data["path"]
            key: str | None = None
            if raw.strip():
                try:
                    key = grants.grant_path(raw)
                except ToyzError as exc:
                    context["path_error"] = exc.message
            if user is not None:
                context["user_report"] = _user_report(user, key)
            if key is not None:
                context["path_report"] = _path_report(key)
        return TemplateResponse(request, "admin/files/pathgrant/access.html", context)


def _log(request: HttpRequest, obj: PathGrant, flag: int, message: str) -> None:
    if request.user.pk is None:
        return
    LogEntry.objects.log_actions(
        user_id=int(request.user.pk), queryset=[obj], action_flag=flag, change_message=message, single_object=True
    )


def _listing(raw: str) -> dict[str, Any]:
    """A folder's entries through `confine` (symlinks followed; links out of the root or dangling left out)."""
    folder = confine(raw or "/")
    if not folder.is_dir:
        raise ToyzError("bad_path", f"{folder.client} is a file, not a folder: choose it, or a folder to browse.")
    try:
        names = sorted(os.listdir(folder.real), key=lambda n: (n.startswith("."), n.lower()))
    except OSError:
        raise ToyzError("bad_path", "The server cannot list that folder.") from None
    granted = set(PathGrant.objects.values_list("path", flat=True))
    entries: list[dict[str, Any]] = []
    prefix = f"{folder.client}/" if folder.client else ""
    for name in names:
        if len(entries) >= MAX_PICKER_ENTRIES:
            break
        try:
            child = confine(prefix + name)
        except ToyzError:
            continue
        entries.append({"name": name, "path": child.client, "folder": child.is_dir, "granted": child.client in granted})
    entries.sort(key=lambda e: not e["folder"])
    parent = None if not folder.client else ("/".join(folder.client.split("/")[:-1]))
    return {"path": folder.client, "parent": parent, "entries": entries, "truncated": len(entries) < len(names)}


def _user_report(user: AbstractBaseUser, key: str | None) -> dict[str, Any]:
    """What a user can reach: their home, each grant that applies to them, and their rights on `key`."""
    access = access_of(user)
    report: dict[str, Any] = {"user": user, "groups": list(Group.objects.filter(user__pk=user.pk).order_by("name"))}
    if key is not None:
        decision = decide(user, key)
        report["on_path"] = {
            "path": key or "(data root)",
            "rights": grants.describe_rights(decision.rights) if decision.rights else "no access",
            "why": decision.explain(),
        }
    if access is None:
        # Inactive users and admins: `decide` needs no grants for them, and says why.
        report["summary"] = decide(user, "").explain()
        return report
    pks = dict(PathGrant.objects.filter(path__in=list(access.grants)).values_list("path", "pk"))
    report["home"] = access.home
    report["grants"] = [
        {
            "path": path or "(data root)",
            "rights": grants.describe_rights(rights),
            "hides": not rights,
            "through": ", ".join(holders),
            "missing": is_missing(path),
            "pk": pks.get(path),
        }
        for path, (rights, holders) in sorted(access.grants.items())
    ]
    return report


def _path_report(key: str) -> dict[str, Any]:
    """Who can read a path and which grant decides for each, and the grants on it and above it."""
    readers = [
        {
            "user": user,
            "rights": grants.describe_rights(decision.rights),
            "why": decision.explain(),
        }
        for user, decision in grants.who_can_read(key)
    ]
    parts = key_of(key).split("/") if key else []
    above = ["/".join(parts[:n]) for n in range(len(parts), -1, -1)]
    pks = dict(PathGrant.objects.filter(path__in=above).values_list("path", "pk"))
    rows = [
        {
            "path": r.path or "(data root)",
            "holder": r.holder,
            "rights": grants.describe_rights(r.rights),
            "pk": pks[r.path],
        }
        for r in sorted(grants.grant_rows(above), key=lambda r: (-len(r.path), r.holder))
    ]
    return {"path": key or "(data root)", "readers": readers, "grants": rows}
