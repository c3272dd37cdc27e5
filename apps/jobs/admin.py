from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join

from apps.jobs import modules, registry
from apps.jobs.models import Job, Module


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ("fn", "user", "status", "done", "total", "attempts", "worker", "created", "finished")
    list_filter = ("status", "fn")
    search_fields = ("fn", "user__username")
    readonly_fields = [f.name for f in Job._meta.get_fields() if f.concrete]


class ModuleForm(forms.ModelForm[Module]):
    """A module's "open to all" flag, and the groups and users granted it (guardian's `run_module`)."""

    groups = forms.ModelMultipleChoiceField(
        Group.objects.order_by("name"),
        required=False,
        widget=FilteredSelectMultiple("groups", is_stacked=False),
        label="Groups granted",
        help_text="Every member of these groups may run the module's functions.",
    )
    users = forms.ModelMultipleChoiceField(
        # Inactive users too: a grant they hold must show, or saving the form would withdraw it unseen.
        get_user_model().objects.order_by("username"),
        required=False,
        widget=FilteredSelectMultiple("users", is_stacked=False),
        label="Users granted",
        help_text="Grant to a group where you can: a group's grant follows its members.",
    )

    class Meta:
        model = Module
        fields = ["open_to_all"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grant_changes: list[dict[str, Any]] = []
        if self.instance.pk is not None:
            held = modules.holders(self.instance)
            self.initial.setdefault("groups", list(held.groups))
            self.initial.setdefault("users", list(held.users))

    def save_grants(self) -> None:
        """Grant and withdraw as the form says; remember each change for the admin's history."""
        module = self.instance
        held = modules.holders(module)
        for kind, before, after in (
            ("group", set(held.groups), set(self.cleaned_data["groups"])),
            ("user", set(held.users), set(self.cleaned_data["users"])),
        ):
            holder: Model
            for holder in sorted(after - before, key=str):
                modules.grant(module, holder)  # type: ignore[arg-type]
                self.grant_changes.append({"added": {"name": f"grant to {kind}", "object": str(holder)}})
            for holder in sorted(before - after, key=str):
                modules.withdraw(module, holder)  # type: ignore[arg-type]
                self.grant_changes.append({"deleted": {"name": f"grant to {kind}", "object": str(holder)}})


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin[Module]):
    """The modules of job functions: open to all or not, and granted to which groups and users.

    Rows come from the registry (nothing to add); a row whose module is no longer installed may be
    deleted, with its grants."""

    form = ModuleForm
    list_display = ("name", "title", "functions", "open_to", "granted_to")
    search_fields = ("name", "title")
    fields = ("name", "title", "description", "functions", "open_to_all", "groups", "users")
    readonly_fields = ("name", "title", "description", "functions")

    @admin.display(description="functions")
    def functions(self, module: Module) -> str:
        info = registry.module_catalogue().get(module.name)
        return ", ".join(info.functions) if info else "none installed now"

    @admin.display(description="open to")
    def open_to(self, module: Module) -> str:
        if module.open_to_all is None:
            opened = module.name in settings.TOYZ_OPEN_MODULES
            return ("every active user" if opened else "those granted") + " (as TOYZ_OPEN_MODULES says)"
        return "every active user" if module.open_to_all else "those granted"

    @admin.display(description="granted to")
    def granted_to(self, module: Module) -> str:
        held = modules.holders(module)
        names = [(f"group {g.name}",) for g in held.groups] + [(f"user {u.get_username()}",) for u in held.users]
        return format_html_join(", ", "{}", names) or "nobody"

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # Modules whose functions were installed since the last migrate get their rows here.
        modules.sync(registry.module_catalogue())
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Module | None = None) -> bool:
        # Only a module that is no longer installed: an installed one's row would come straight back.
        installed = obj is None or obj.name in registry.module_catalogue()
        return not installed and super().has_delete_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.save_grants()

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> list[dict[str, Any]]:
        message: list[dict[str, Any]] = super().construct_change_message(request, form, formsets, add)
        # Say who was granted or withdrawn, not only that the fields changed.
        changed = [m for m in message if "changed" in m]
        for entry in changed:
            entry["changed"]["fields"] = [
                f for f in entry["changed"]["fields"] if f not in ("Groups granted", "Users granted")
            ]
        message = [m for m in message if "changed" not in m or m["changed"]["fields"]]
        return message + list(form.grant_changes)
