"""The header index: bring it up to date for a folder, search it for a user, and show a folder as a table.

The index holds every FITS file under the data root that an index run or a change made through Toyz
reached, whoever may read it; what a user is shown is filtered through their read right, one file at a
time (`apps.files.services.read_test`), counts included.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.files.services import ResolvedPath, User, data_root, read_test
from apps.headers.models import MAX_PATH_CHARS, HeaderEntry
from apps.headers.table import DEFAULT_KEYWORDS, folder_table
from apps.headers.versions import bump_index_version
from workers.errors import ToyzError
from workers.headers import Query, Term, is_fits_name, parse_query, read_header, typed_fields
from workers.headers import matches as core_matches

__all__ = [
    "DEFAULT_KEYWORDS",
    "IndexSummary",
    "folder_table",
    "forget_file",
    "holds_files_under",
    "index_file",
    "index_folder",
    "refresh_folder",
    "search",
]

logger = logging.getLogger(__name__)

#: At most this many failures are listed in an index run's summary.
MAX_LISTED_PROBLEMS: Final = 100
#: A search looks at no more than this many indexed files of a folder (narrow the folder otherwise).
MAX_SCANNED: Final = 200_000
#: The most results one search answers with (the total counts them all).
MAX_RESULTS: Final = 500
Progress = Callable[[int, int, str], None]


# --- keeping the index up to date -----------------------------------------------------------------


@dataclass
class IndexSummary:
    """What one index run did, counting only the files the asking user may read."""

    path: str
    files: int = 0
    read: int = 0
    unchanged: int = 0
    removed: int = 0
    problems: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "files": self.files,
            "read": self.read,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "problems": self.problems,
            "failures": self.failures[:MAX_LISTED_PROBLEMS],
        }


@dataclass(frozen=True)
class _Found:
    client: str
    folder: str
    name: str
    info: os.stat_result


def _client_of(real: Path, root: Path) -> str:
    return real.relative_to(root).as_posix() if real != root else ""


def _under(folder: str) -> Q:
    """Rows of files in ``folder`` or below it."""
    if not folder:
        return Q()
    return Q(folder=folder) | Q(folder__startswith=folder + "/")


def _walk(real: Path, root: Path, recursive: bool) -> Iterator[_Found]:
    """The FITS files in a folder (and below), neither hidden nor reached through a symlink."""
    for current, dirs, files in os.walk(real):
        # Symlinked folders are not followed (os.walk's default): their targets are indexed where they are.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if recursive else []
        folder = _client_of(Path(current), root)
        for name in sorted(files):
            if name.startswith(".") or not is_fits_name(name):
                continue
            try:
                info = (Path(current) / name).lstat()
            except OSError:
                continue  # vanished meanwhile
            client = f"{folder}/{name}" if folder else name
            if stat.S_ISREG(info.st_mode) and len(client) <= MAX_PATH_CHARS:
                yield _Found(client, folder, name, info)


def _same_identity(row: tuple[int, int, int], info: os.stat_result) -> bool:
    return row == (info.st_size, info.st_mtime_ns, info.st_ino)


def _store(found: _Found, real: Path) -> HeaderEntry:
    read = read_header(real)
    fields = typed_fields(read.keywords)
    values = {
        "folder": found.folder,
        "name": found.name,
        "size": found.info.st_size,
        "mtime_ns": found.info.st_mtime_ns,
        "inode": found.info.st_ino,
        "indexed_at": timezone.now(),
        "problem": read.problem or "",
        "truncated": read.truncated,
        "header": read.keywords,
        "date_obs": fields.date_obs,
        "mjd": fields.mjd,
        "exptime": fields.exptime,
        "filter": (fields.filter or "")[:80],
        "object": (fields.object or "")[:200],
    }
    try:
        with transaction.atomic():
            entry, _ = HeaderEntry.objects.update_or_create(path=found.client, defaults=values)
            bump_index_version()
    except IntegrityError:
        # Another run stored the same file meanwhile: theirs is as fresh as ours.
        entry = HeaderEntry.objects.get(path=found.client)
    return entry


def index_folder(
    folder: ResolvedPath,
    *,
    recursive: bool,
    user: User | None = None,
    progress: Progress | None = None,
) -> IndexSummary:
    """Bring the index of a folder up to date: read new and changed files, drop vanished ones.

    A file whose size, mtime (ns) and inode are those of its row is not read again. Without
    ``recursive``, the rows of files in subfolders that no longer exist are dropped too (a folder
    renamed or deleted through Toyz). ``user``: only the files they may read are read, named in the
    progress and counted (None: every file, for the admin's command and the folder-change signal). ``progress(done, total, message)`` counts files.
    """
    if not folder.is_dir:
        raise ToyzError("bad_path", "That is a file, not a folder; the index reads folders.")
    root = data_root()
    base = _client_of(folder.real, root)
    may_read = read_test(user) if user is not None else (lambda path: True)
    summary = IndexSummary(path=folder.client)
    # A user's run reads only the files they may read: its progress names them, and no one makes the
    # server read headers under a none grant that hides them (the admin's command reads everything).
    found = [item for item in _walk(folder.real, root, recursive) if may_read(item.client)]
    scope = _under(base) if recursive else Q(folder=base)
    known = {
        path: (size, mtime_ns, inode)
        for path, size, mtime_ns, inode in HeaderEntry.objects.filter(scope).values_list(
            "path", "size", "mtime_ns", "inode"
        )
    }
    total = len(found)
    for done, item in enumerate(found):
        if progress is not None:
            progress(done, total, item.client)
        summary.files += 1
        row = known.pop(item.client, None)
        if row is not None and _same_identity(row, item.info):
            summary.unchanged += 1
            continue
        entry = _store(item, root / item.client)
        summary.read += 1
        if entry.problem:
            summary.problems += 1
            if len(summary.failures) < MAX_LISTED_PROBLEMS:
                summary.failures.append({"path": item.client, "problem": entry.problem})
    vanished = list(known)
    if not recursive:
        vanished += _rows_of_vanished_subfolders(folder.real, base)
    for start in range(0, len(vanished), 1000):
        chunk = vanished[start : start + 1000]
        summary.removed += sum(map(may_read, chunk))
        if HeaderEntry.objects.filter(path__in=chunk).delete()[0]:
            bump_index_version()
    if progress is not None:
        progress(total, total, "done")
    return summary


def index_file(image: ResolvedPath) -> bool:
    """Add or update one file's entry (the folder watcher, `apps.watch`, as each new file lands).

    Read again only when its identity changed; False when it is no FITS file by name, not a regular
    file, or its path is too long for the index (nothing stored).
    """
    root = data_root()
    real = image.real
    info = image.stat_result
    if info is None or not stat.S_ISREG(info.st_mode) or not is_fits_name(real.name):
        return False
    client = _client_of(real, root)
    if len(client) > MAX_PATH_CHARS:
        return False
    row = HeaderEntry.objects.filter(path=client).values_list("size", "mtime_ns", "inode").first()
    if row is None or not _same_identity(row, info):
        _store(_Found(client, _client_of(real.parent, root), real.name, info), real)
    return True


def forget_file(client: str) -> None:
    """Drop the entry of a file that is gone (the watcher saw it vanish); nothing when it has none."""
    if HeaderEntry.objects.filter(path=client).delete()[0]:
        bump_index_version()


def holds_files_under(folder: ResolvedPath) -> bool:
    """Whether the index holds any file in ``folder`` or below it: someone indexed it."""
    return HeaderEntry.objects.filter(_under(_client_of(folder.real, data_root()))).exists()


def _rows_of_vanished_subfolders(real: Path, base: str) -> list[str]:
    """Indexed files below a folder's subfolders that are gone (renamed or deleted)."""
    try:
        present = {entry.name for entry in os.scandir(real) if entry.is_dir(follow_symlinks=False)}
    except OSError:
        return []
    prefix = f"{base}/" if base else ""
    below = HeaderEntry.objects.filter(folder__startswith=prefix) if prefix else HeaderEntry.objects.exclude(folder="")
    gone = []
    for path, folder in below.values_list("path", "folder"):
        top = folder[len(prefix) :].split("/", 1)[0]
        if top and top not in present:
            gone.append(path)
    return gone


def refresh_folder(folder: ResolvedPath) -> None:
    """Follow a change made through Toyz in ``folder`` (an upload, a rename, a delete, a restore).

    Only that folder is looked at: files added to a folder moved in whole wait for the next index run.
    Never raises: the change itself succeeded, and the index must not turn it into an error.
    """
    try:
        if folder.is_dir:
            index_folder(folder, recursive=False)
    except Exception:
        logger.exception("Following a change in %s for the header index failed", folder.client)


# --- search ----------------------------------------------------------------------------------------


class Found(TypedDict):
    path: str
    name: str
    date_obs: str | None
    mjd: float | None
    exptime: float | None
    filter: str
    object: str
    problem: str
    keywords: dict[str, Any]


class SearchResult(TypedDict):
    path: str
    query: str
    total: int
    results: list[Found]


_ORDER_LOOKUP: Final = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def _narrowing(term: Term) -> Q | None:
    """A database condition that every file the term matches meets (None when there is no cheap one).

    The typed fields hold the first of several spellings (EXPTIME before EXPOSURE, ...), so a file
    that has the keyword the term names has it in its typed field; the query itself is checked
    afterwards on the whole header.
    """
    if term.key == "EXPTIME" and term.amount is not None and term.op in _ORDER_LOOKUP:
        return Q(**{f"exptime__{_ORDER_LOOKUP[term.op]}": term.amount})
    if term.key == "DATE-OBS" and term.moment is not None and term.op in _ORDER_LOOKUP:
        # The typed time may add TIME-OBS to a DATE-OBS holding a date only: allow a day either way.
        slack = timedelta(days=1)
        bound = term.moment - slack if term.op in (">", ">=") else term.moment + slack
        return Q(**{f"date_obs__{_ORDER_LOOKUP[term.op]}": bound})
    if term.key in ("FILTER", "OBJECT") and term.op == ":" and term.value.isascii():
        return Q(**{f"{term.key.lower()}__istartswith": term.value})
    return None


def _candidates(folder: str, query: Query) -> QuerySet[HeaderEntry]:
    rows = HeaderEntry.objects.filter(_under(folder))
    for term in query.terms:
        condition = _narrowing(term)
        if condition is not None:
            rows = rows.filter(condition)
    return rows


def _found(row: dict[str, Any], query: Query) -> Found:
    header: dict[str, Any] = row["header"]
    asked = [term.key for term in query.terms if term.key is not None]
    return Found(
        path=row["path"],
        name=row["name"],
        date_obs=row["date_obs"].isoformat() if row["date_obs"] else None,
        mjd=row["mjd"],
        exptime=row["exptime"],
        filter=row["filter"],
        object=row["object"],
        problem=row["problem"],
        keywords={key: header[key] for key in dict.fromkeys(asked) if key in header},
    )


def search(user: User, folder: ResolvedPath, text: str, limit: int = 100) -> SearchResult:
    """The indexed files in ``folder`` and below that match ``text`` and that ``user`` may read.

    Results are in path order; ``total`` counts every match the user may read (no other).
    Raises ``bad_query`` for a query that does not parse, ``too_large`` when the folder holds more
    indexed files than one search looks at.
    """
    if not folder.is_dir:
        raise ToyzError("bad_path", "That is a file; search a folder.")
    query = parse_query(text)
    limit = max(0, min(limit, MAX_RESULTS))
    base = _client_of(folder.real, data_root())
    may_read = read_test(user)
    rows = _candidates(base, query)
    # The cap counts what the user may read: many files of others beside a few of theirs are no reason
    # to refuse. The paths alone are read first (narrow); the headers only of the readable ones.
    readable: list[str] = []
    for path in rows.order_by("path").values_list("path", flat=True).iterator(chunk_size=5000):
        if may_read(path):
            readable.append(path)
            if len(readable) > MAX_SCANNED:
                raise ToyzError(
                    "too_large", f"That folder holds more than {MAX_SCANNED} indexed files; search a folder inside it."
                )
    fields = ("path", "name", "header", "date_obs", "mjd", "exptime", "filter", "object", "problem")
    total = 0
    results: list[Found] = []
    for start in range(0, len(readable), 1000):
        chunk = readable[start : start + 1000]
        for row in HeaderEntry.objects.filter(path__in=chunk).order_by("path").values(*fields):
            if not core_matches(query, row["name"], row["header"]):
                continue
            total += 1
            if len(results) < limit:
                results.append(_found(row, query))
    return SearchResult(path=folder.client, query=text, total=total, results=results)
