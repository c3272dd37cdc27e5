"""The header index in the admin: looked at, searched and cleaned, never edited (index runs write it)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.headers.models import HeaderEntry


@admin.register(HeaderEntry)
class HeaderEntryAdmin(admin.ModelAdmin[HeaderEntry]):
    list_display = ("path", "date_obs", "filter", "exptime", "object", "problem", "indexed_at")
    list_filter = ("filter",)
    search_fields = ("path", "object")
    date_hierarchy = "date_obs"
    readonly_fields = [f.name for f in HeaderEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
