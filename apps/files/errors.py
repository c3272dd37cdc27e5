"""The one error type of path handling: a code for programs and a sentence for people."""

from __future__ import annotations


class PathError(Exception):
    """A client path that cannot be used: outside the root, missing, forbidden or malformed."""

    status = {"outside_root": 403, "forbidden": 403, "not_found": 404, "bad_path": 400}

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def http_status(self) -> int:
        return self.status.get(self.code, 400)
