"""The index follows what users change through Toyz: after an upload, a new folder, a rename, a delete
or a restore in a folder, that folder's rows are brought up to date (files changed by other means wait
for the next index run; watching folders is issue 12)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from apps.files.services import ResolvedPath, folder_changed
from apps.headers import services


@receiver(folder_changed)
def _follow_change(sender: Any, folder: ResolvedPath, **kwargs: Any) -> None:
    services.refresh_folder(folder)
