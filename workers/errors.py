"""The one error type of Toyz: a code for programs, a sentence for people, and an HTTP status.

Raised by the numeric core, the path resolver, the job layer and the socket alike; rendered once
for HTTP (``apps.http.error_response``) and once for the workspace socket (``apps.jobs.messages``).
Plain Python: the numeric core imports it too.
"""

from __future__ import annotations

from typing import Final

#: The HTTP status of each code; a code not listed is a client error (400).
STATUS: Final[dict[str, int]] = {
    "bad_message": 400,
    "bad_params": 400,
    "bad_path": 400,
    "bad_hdu": 400,
    "bad_plane": 400,
    "bad_name": 400,
    "bad_expression": 400,
    "bad_selection": 400,
    "bad_table": 400,
    "unknown_function": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "outside_root": 403,
    "not_found": 404,
    "duplicate_id": 409,
    "cancelled": 409,
    "exists": 409,
    "length_required": 411,
    "too_large": 413,
    "not_an_image": 422,
    "unreadable": 422,
    "unsupported": 422,
    "too_many_jobs": 429,
    "internal": 500,
    "job_failed": 500,
    "timeout": 504,
    "no_space": 507,
}


class ToyzError(Exception):
    """A request that cannot be served as asked: bad input, a missing right, a file that cannot be read.

    Parameters
    ----------
    code : str
        A short identifier for programs (``not_found``, ``bad_params``, ``forbidden``...).
    message : str
        A sentence saying what is wrong and what to do about it; shown to the user as it is.
    status : int, optional
        The HTTP status; by default the one :data:`STATUS` gives the code.
    """

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else STATUS.get(code, 400)

    def __repr__(self) -> str:
        return f"ToyzError({self.code!r}, {self.message!r})"

    def as_dict(self) -> dict[str, str]:
        """The body both renderers send: ``{"code": ..., "message": ...}``."""
        return {"code": self.code, "message": self.message}


class JobCancelled(ToyzError):
    """Raised inside a job function (at a progress report) when its job was cancelled."""

    def __init__(self) -> None:
        super().__init__("cancelled", "The job was cancelled.")
