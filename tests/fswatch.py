"""Counting the files that any process renames into some folders (Linux inotify through ctypes).

Every cache file is written to a temporary name and renamed into place, so one ``IN_MOVED_TO`` event is one
write of that file, whichever process (a worker's pool child) made it. Tests use this to prove that a tile
was rendered once, not merely that it exists.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
from collections import Counter
from pathlib import Path
from typing import Final

IN_MOVED_TO: Final = 0x00000080
IN_NONBLOCK: Final = 0o4000
_EVENT: Final = struct.Struct("iIII")  # wd, mask, cookie, len; the name follows


class MovedIn:
    """Watch folders (which must exist) and count, per path, the files renamed into them."""

    def __init__(self, folders: list[Path]) -> None:
        self._libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._fd = self._libc.inotify_init1(IN_NONBLOCK)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self._folders: dict[int, Path] = {}
        self.counts: Counter[Path] = Counter()
        for folder in folders:
            wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), IN_MOVED_TO)
            if wd < 0:
                raise OSError(ctypes.get_errno(), f"inotify_add_watch {folder} failed")
            self._folders[wd] = folder

    def collect(self) -> Counter[Path]:
        """Read every event waiting and return the counts so far."""
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return self.counts
            offset = 0
            while offset < len(data):
                wd, mask, _, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
                offset += _EVENT.size + length
                if mask & IN_MOVED_TO and wd in self._folders:
                    self.counts[self._folders[wd] / os.fsdecode(name)] += 1

    def close(self) -> None:
        os.close(self._fd)
