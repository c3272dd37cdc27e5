"""The only way a path from a client becomes a file on disk."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings

from apps.files.permissions import Right, User, has_right
from workers.errors import ToyzError

MAX_PATH_LENGTH = 4096
#: Deleted files wait here, at the top of the data root (apps.files.writing); no client path reaches it.
TRASH_FOLDER = ".toyz-trash"


@dataclass(frozen=True)
class ResolvedPath:
    """A client path that has been normalised, resolved inside the data root and checked."""

    client: str  # relative to the data root, POSIX separators, "" for the root itself
    real: Path  # absolute, symlinks followed
    # The resolver's one stat of `real` (None when it does not exist), so that callers need not stat
    # again: a tile request takes the file's identity from it.
    stat_result: os.stat_result | None = field(default=None, compare=False, repr=False)

    @property
    def is_dir(self) -> bool:
        return self.stat_result is not None and stat.S_ISDIR(self.stat_result.st_mode)

    @property
    def name(self) -> str:
        return self.real.name if self.client else "data"


def data_root() -> Path:
    return Path(os.path.realpath(settings.TOYZ_DATA_ROOT))


def _normalise(raw: object) -> PurePosixPath:
    if not isinstance(raw, str):
        raise ToyzError("bad_path", "A path must be a string.")
    if len(raw) > MAX_PATH_LENGTH or "\x00" in raw or "\\" in raw:
        raise ToyzError("bad_path", "That path is not valid.")
    parts: list[str] = []
    for part in raw.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise ToyzError("outside_root", "That path is outside the data folders.")
            parts.pop()
            continue
        parts.append(part)
    return PurePosixPath(*parts)


def confine(raw: object, *, must_exist: bool = True) -> ResolvedPath:
    """Normalise a client path and resolve it inside the data root (symlinks followed), checking no right.

    For the server's own uses (grants, shortcuts being validated); requests go through `resolve`.
    """
    return _locate(raw, None, None, must_exist=must_exist)


def resolve(user: User, raw: object, right: Right, *, must_exist: bool = True) -> ResolvedPath:
    """Resolve a client path for `user` and check `right` on it.

    Order matters: the path is confined to the data root (symlinks followed) before anything
    else is checked, so a refusal never reveals whether a file outside the root exists.
    """
    return _locate(raw, user, right, must_exist=must_exist)


def _locate(raw: object, user: User | None, right: Right | None, *, must_exist: bool) -> ResolvedPath:
    relative = _normalise(raw)
    root = data_root()
    try:
        real = Path(os.path.realpath(root.joinpath(relative)))
    except OSError:
        # A link swapped for a file between realpath's lstat and readlink: the name moved under us.
        raise ToyzError("bad_path", "That path changed while the server was opening it; try again.") from None
    except ValueError:
        # A lone surrogate (UnicodeEncodeError) names no file the system could hold.
        raise ToyzError("bad_path", "That path is not valid.") from None
    if real != root and root not in real.parents:
        raise ToyzError("outside_root", "That path is outside the data folders.")
    client = PurePosixPath(real.relative_to(root).as_posix()) if real != root else PurePosixPath()
    if client.parts[:1] == (TRASH_FOLDER,):
        # Only the restore endpoint takes things out of the trash; to everything else it does not exist.
        raise ToyzError("not_found", "No such file or folder.")
    if user is not None and right is not None and not has_right(user, client, right):
        raise ToyzError("forbidden", f"You don't have the {right.value} right on this path. Ask an admin to grant it.")
    try:
        st: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError:
        # Names too long, folders the server may not enter: the user gets a sentence, not a 500.
        raise ToyzError("bad_path", "The server cannot open that path.") from None
    if must_exist and st is None:
        raise ToyzError("not_found", "No such file or folder.")
    client_str = "" if str(client) == "." else client.as_posix()
    return ResolvedPath(client=client_str, real=real, stat_result=st)
