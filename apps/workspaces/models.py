"""Workspaces: a saved page of tiles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse


def _empty_layout() -> list[Any]:
    return []


class Workspace(models.Model):
    """A page of movable, resizable tiles that its owner (and those it is shared with) can open."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspaces")
    name = models.CharField(max_length=200)
    layout = models.JSONField(default=_empty_layout, blank=True, help_text="The tiles, as a flat list.")
    sources = models.JSONField(
        default=_empty_layout, blank=True, help_text="The data sources (tables) its tiles share, with their selections."
    )
    # Bumped by every saved layout: a client says which version its change was based on.
    version = models.PositiveIntegerField(default=0, help_text="How many times the layout was saved.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]
        permissions = [("share_workspace", "Can share the workspace")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workspace", args=[self.pk])


class LastOpened(models.Model):
    """The workspace a user opened last: the home page takes a returning user back there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="last_opened"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    opened = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} → {self.workspace}"
