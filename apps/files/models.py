"""Folder grants: who may list, read or write a folder (or a file) inside the data root.

A `PathGrant` names one path; the rights on it are django-guardian object permissions on the grant, to
users and to groups (`list_path`, `read_path`, `write_path`, and `deny_path` for a "none" grant that
hides a subtree inside a shared one). `apps.files.permissions` turns them into each user's rights:
the nearest path with a grant for the user or one of their groups decides.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

#: The permission codename of each right a grant can hold; "none" is `deny_path`.
RIGHT_CODENAMES = {"list": "list_path", "read": "read_path", "write": "write_path"}
NONE_CODENAME = "deny_path"
GRANT_CODENAMES = (*RIGHT_CODENAMES.values(), NONE_CODENAME)


class PathGrant(models.Model):
    """A folder or file that rights are granted on. The path is the real one (symlinks followed),
    relative to the data root, with "/" separators; "" is the data root itself."""

    path = models.CharField(
        max_length=1024,
        unique=True,
        blank=True,
        help_text="A folder or file, relative to the data root (e.g. nights/2026-11-30).",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why this grant exists (shown to admins only).")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "folder grant"
        permissions = [
            ("list_path", "Can list the folder"),
            ("read_path", "Can read the files"),
            ("write_path", "Can write in the folder"),
            ("deny_path", "No access (hides the subtree)"),
        ]

    def __str__(self) -> str:
        return self.path or "(data root)"


class GrantsVersion(models.Model):
    """One row whose counter grows with every change to grants, group memberships or home folders.

    Every process keeps its users' rights in memory and asks this row, one primary-key read per check,
    whether they are still current: a change takes effect on the next request, in every process and on
    open sockets, with no cache server needed.
    """

    counter = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"grants version {self.counter}"


class Shortcut(models.Model):
    """A folder a user pinned in their file browser."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortcuts")
    path = models.CharField(max_length=1024)
    label = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label", "path"]
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="one_shortcut_per_path")]

    def __str__(self) -> str:
        return self.label or self.path
