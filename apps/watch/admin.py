"""The watcher's record in the admin: looked at and searched, never edited (the watcher writes it).

Deleting a row makes the watcher take that file again (at its next start)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.watch.models import WatchedFile


@admin.register(WatchedFile)
class WatchedFileAdmin(admin.ModelAdmin[WatchedFile]):
    list_display = ("path", "outcome", "detail", "size", "handled", "finished", "job_id")
    list_filter = ("outcome", "indexed")
    search_fields = ("path", "detail")
    date_hierarchy = "handled"
    readonly_fields = [f.name for f in WatchedFile._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
