"""What other apps use of the files app: the resolver, the rights, listings, new files, and the path
types of job parameters and REST fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import PlainValidator, ValidationInfo, WithJsonSchema

from apps.files.listing import Entry, Listing, folder_changed, list_folder, to_readers
from apps.files.permissions import (
    Audience,
    Right,
    User,
    access_of,
    grants_version,
    has_right,
    is_active_user,
    key_of,
    readers,
)
from apps.files.resolver import ResolvedPath, data_root, resolve
from apps.files.writing import create_file, make_folder, upload

# What other apps use of this one: the resolver, the rights, and the path types of job parameters.
__all__ = [
    "Audience",
    "Entry",
    "ListClientPath",
    "ListPath",
    "Listing",
    "ReadClientPath",
    "ReadPath",
    "ResolvedPath",
    "Right",
    "User",
    "WriteClientPath",
    "WritePath",
    "create_file",
    "data_root",
    "folder_changed",
    "grants_version",
    "has_right",
    "list_folder",
    "make_folder",
    "read_test",
    "readers",
    "resolve",
    "to_readers",
    "upload",
]

MAX_PATH_LENGTH = 4096


# --- client paths as job parameters ----------------------------------------------------------------


def _path_validator(right: Right) -> PlainValidator:
    def validate(value: object, info: ValidationInfo) -> ResolvedPath:
        user = (info.context or {}).get("user")
        if user is None:
            raise ValueError("cannot be checked without a user")
        # ToyzError is no ValueError: pydantic lets it through, so the resolver's own code reaches the client.
        return resolve(user, value, right)

    return PlainValidator(validate)


def _path_schema(right: Right) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "format": "path", "x-right": right.value, "maxLength": MAX_PATH_LENGTH}, mode="validation"
    )


#: A client path the user may read, resolved (symlinks followed) and checked during validation.
ReadPath = Annotated[ResolvedPath, _path_validator(Right.READ), _path_schema(Right.READ)]
#: A client path the user may list.
ListPath = Annotated[ResolvedPath, _path_validator(Right.LIST), _path_schema(Right.LIST)]
#: A client path the user may write.
WritePath = Annotated[ResolvedPath, _path_validator(Right.WRITE), _path_schema(Right.WRITE)]

# --- client paths in REST queries and bodies --------------------------------------------------------

# A REST view takes the path as the client's string and resolves it itself (its error then keeps the
# resolver's code and status); the schema still says it is a path and which right the view checks, so
# that the OpenAPI schema tells clients, and the security suites (tests/security) find every path
# field to attack. Every REST query or body field that names a file or folder must use one of these.

#: A client path (a string) that the view resolves with the list right.
ListClientPath = Annotated[str, _path_schema(Right.LIST)]
#: A client path (a string) that the view resolves with the read right.
ReadClientPath = Annotated[str, _path_schema(Right.READ)]
#: A client path (a string) that the view resolves with the write right.
WriteClientPath = Annotated[str, _path_schema(Right.WRITE)]


def read_test(user: User) -> Callable[[str], bool]:
    """A test of many client paths (real, normalised) for the user's read right, deciding them all from
    one look at the user's rights: for filtering thousands of indexed files at once."""
    if not is_active_user(user):
        return lambda path: False
    access = access_of(user)
    if access is None:
        return lambda path: True
    return lambda path: Right.READ in access.decide(key_of(path)).rights
