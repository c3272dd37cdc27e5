"""The one exception the imaging core raises for bad input."""

from __future__ import annotations

from typing import Final

ERROR_CODES: Final = frozenset(
    {
        "not_found",
        "unreadable",
        "not_an_image",
        "bad_hdu",
        "bad_plane",
        "bad_params",
        "unsupported",
        "too_large",
    }
)


class ImagingError(Exception):
    """A problem with the input that the user can fix, with a code and a readable message.

    Parameters
    ----------
    code : str
        One of ``not_found``, ``unreadable``, ``not_an_image``, ``bad_hdu``, ``bad_plane``,
        ``bad_params``, ``unsupported``, ``too_large``.
    message : str
        A sentence saying what is wrong and what to do about it.
    """

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown imaging error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"ImagingError({self.code!r}, {self.message!r})"
