"""Per-user data that Django's User does not carry."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """A user's home folder, fixed when the account is created so that renaming the user moves nothing."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    home = models.CharField(
        max_length=255,
        unique=True,  # two accounts never share a home folder, whatever their names
        help_text="The home folder, as a path relative to the data root (e.g. home/alice).",
    )

    def __str__(self) -> str:
        return f"{self.user} → {self.home}"
