"""The folders a setting names for watching, checked once before the watcher starts: each must be a folder
inside the data root, reached without a symlink out of it, that the watcher's user may list."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from django.conf import settings

from apps.files.services import ResolvedPath, Right, User, data_root, resolve
from workers.errors import ToyzError


class WatchSetupError(Exception):
    """A setting of the watcher that cannot work, with the sentence that says why."""


def _relative(raw: str) -> PurePosixPath:
    """A setting's entry as a path relative to the data root, without resolving symlinks."""
    root = data_root()
    given = Path(raw)
    if given.is_absolute():
        normal = Path(os.path.normpath(given))
        # The root as configured (perhaps itself a symlink) or as resolved: either spelling is inside.
        for base in (Path(os.path.abspath(settings.TOYZ_DATA_ROOT)), root):
            if normal == base or base in normal.parents:
                return PurePosixPath(normal.relative_to(base).as_posix())
        raise WatchSetupError(f"TOYZ_WATCH_FOLDERS: {raw} is outside the data root ({root}).")
    normal_text = os.path.normpath(raw)
    if normal_text == ".." or normal_text.startswith("../"):
        raise WatchSetupError(f"TOYZ_WATCH_FOLDERS: {raw} is outside the data root ({root}).")
    return PurePosixPath(normal_text)


def watched_folders(raw_folders: Sequence[str], user: User) -> list[ResolvedPath]:
    """Check every entry of TOYZ_WATCH_FOLDERS for ``user``; the folders, resolved.

    Raises WatchSetupError with one sentence for the first entry that cannot be watched: none given,
    outside the data root, missing, a symlink that leads out of the root, not a folder, or a folder the
    user may not list.
    """
    if not raw_folders:
        raise WatchSetupError(
            "TOYZ_WATCH_FOLDERS is empty: name the folders to watch (paths relative to the data root, or "
            "absolute paths inside it, separated by commas)."
        )
    root = data_root()
    folders: list[ResolvedPath] = []
    for raw in raw_folders:
        relative = _relative(raw)
        lexical = root / relative
        real = Path(os.path.realpath(lexical))
        if real != root and root not in real.parents:
            raise WatchSetupError(
                f"TOYZ_WATCH_FOLDERS: {raw} leads out of the data root ({root}) through a symlink, to {real}."
            )
        if not real.exists():
            raise WatchSetupError(f"TOYZ_WATCH_FOLDERS: {raw} does not exist ({lexical}).")
        if not real.is_dir():
            raise WatchSetupError(f"TOYZ_WATCH_FOLDERS: {raw} is a file, not a folder.")
        try:
            folder = resolve(user, relative.as_posix(), Right.LIST)
        except ToyzError as exc:
            raise WatchSetupError(
                f"TOYZ_WATCH_FOLDERS: {raw} cannot be watched as {user.get_username()}: {exc.message}"
            ) from None
        folders.append(folder)
    return folders
