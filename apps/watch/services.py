"""The folder watcher: the new and changed images of watched folders are pre-rendered (and added to the
header index) as they land, with no one running a command. See docs/architecture.md, "Watched folders".

Each poll lists the folders (`apps.watch.scan`), lets every new or changed file settle (the same size,
mtime, ctime and inode for the settle time), checks that it reads whole
(`workers.imaging.completeness`), and then takes it once per identity: its pre-render is queued as
`toyz_prerender` queues a file (`apps.imaging.services.queue_prerender`, bulk work, as the watch user,
whose rights are checked), unless the cache holds it complete already. What was done is a
`WatchedFile` row per file, so that a restarted watcher takes nothing twice and catches up on the rest.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from django.db import DatabaseError
from django.utils import timezone

from apps.files.services import ResolvedPath, Right, User, data_root, resolve
from apps.headers import services as headers
from apps.imaging import services as imaging
from apps.jobs import services as jobs
from apps.jobs.services import Job
from apps.watch.models import WatchedFile
from apps.watch.scan import Seen, Settler, scan, seen_from
from workers.errors import ToyzError
from workers.imaging.cache import version_identity
from workers.imaging.completeness import check_complete

logger = logging.getLogger("apps.watch")

FINISHED: Final = (Job.Status.DONE, Job.Status.ERROR, Job.Status.CANCELLED)
Outcome = WatchedFile.Outcome


@dataclass(frozen=True)
class WatchOptions:
    """How the watcher polls: every ``poll_seconds``; a file is taken once it has not changed for
    ``settle_seconds``; ``index_headers`` is "AUTO", "YES" or "NO" (TOYZ_WATCH_INDEX_HEADERS)."""

    poll_seconds: float
    settle_seconds: float
    index_headers: str = "AUTO"


@dataclass
class PollSummary:
    """What one poll did (the counts of the files it took, by outcome) and what it sees."""

    files: int = 0
    settling: int = 0
    taken: int = 0
    queued: int = 0
    skipped: int = 0
    incomplete: int = 0
    refused: int = 0
    finished: int = 0

    def count(self, outcome: str) -> None:
        """Count a file taken with this outcome."""
        self.taken += 1
        name = str(outcome) if outcome in ("queued", "skipped", "incomplete") else "refused"
        setattr(self, name, getattr(self, name) + 1)


class Watcher:
    """Watches some folders for one user (see the module's docstring); `poll` does one round.

    ``keep_lock`` is called before each file is taken: it raises when this watcher has lost the
    deployment's lock (`apps.watch.lock`), so that two watchers never submit the same file.
    """

    def __init__(
        self,
        user: User,
        folders: list[ResolvedPath],
        options: WatchOptions,
        *,
        clock: Callable[[], float] = time.monotonic,
        keep_lock: Callable[[], None] = lambda: None,
    ) -> None:
        self.user, self.folders, self.options = user, folders, options
        self.keep_lock = keep_lock
        self.root = data_root()
        self.settler = Settler(options.settle_seconds, clock)
        #: The version (size, mtime) handled last, by path: a file whose version is here is not looked at
        #: again. Within one data root, path and version make the identity: comparing them needs no hashing.
        self.handled: dict[str, tuple[int, int]] = {}
        #: The Job ids of the queued pre-renders not finished yet, and their files.
        self.following: dict[str, str] = {}
        self._reported: set[str] = set()
        self._indexed: dict[str, bool] = {}
        self._catch_up()

    # --- starting and stopping ----------------------------------------------------------------------

    def _catch_up(self) -> None:
        """Load what earlier runs did. A file queued by an embedded-mode watcher that stopped before its job
        finished is taken again (its job ran in that watcher's own pool); in the distributed mode the
        workers still hold the job, which is followed."""
        rows = list(WatchedFile.objects.values_list("path", "identity", "size", "mtime_ns", "outcome", "job_id"))
        queued = [str(job_id) for *_, outcome, job_id in rows if outcome == Outcome.QUEUED and job_id]
        unfinished = set()
        if queued and not jobs.distributed():
            unfinished = {
                str(pk)
                for pk in Job.objects.filter(pk__in=queued).exclude(status__in=FINISHED).values_list("pk", flat=True)
            }
        for path, identity, size, mtime_ns, outcome, job_id in rows:
            if outcome == Outcome.INTERRUPTED or (outcome == Outcome.QUEUED and job_id is None):
                continue
            if version_identity(str(self.root / path), size, mtime_ns) != identity:
                continue  # the data root moved: the cache knows the file under another identity
            if outcome == Outcome.QUEUED and str(job_id) in unfinished:
                jobs.cancel(str(job_id))
                continue
            if outcome == Outcome.QUEUED:
                self.following[str(job_id)] = path
            self.handled[path] = (size, mtime_ns)

    def stop(self) -> None:
        """In the embedded mode, the jobs this process runs stop with it: cancel them, and mark their files
        so that the next start takes them again. (Workers keep theirs: nothing to do.)"""
        if jobs.distributed() or not self.following:
            return
        for job_id in self.following:
            jobs.cancel(job_id)
        WatchedFile.objects.filter(job_id__in=list(self.following), outcome=Outcome.QUEUED).update(
            outcome=Outcome.INTERRUPTED, detail="The watcher stopped before its pre-render finished."
        )
        logger.info("Stopped: %d unfinished pre-renders are taken again at the next start.", len(self.following))
        self.following.clear()

    # --- one poll -----------------------------------------------------------------------------------

    def poll(self) -> PollSummary:
        """List the folders, take the files that have settled, and follow the queued pre-renders."""
        summary = PollSummary()
        self._indexed.clear()
        found = scan([folder.real for folder in self.folders], self.root)
        for path, why in found.passed_over.items():
            if path not in self._reported:
                self._reported.add(path)
                logger.warning("Passed over: %s %s.", path, why)
        fresh = [seen for seen in found.files.values() if self.handled.get(seen.client) != seen.version]
        for seen in self.settler.settled(fresh):
            self.keep_lock()
            outcome = self._take(seen)
            if outcome is not None:
                summary.count(outcome)
        self._forget_vanished(found.files)
        summary.finished = self._follow_jobs()
        summary.files, summary.settling = len(found.files), self.settler.waiting()
        return summary

    def _take(self, seen: Seen) -> str | None:
        """Handle one settled file; its outcome, or None when it changed meanwhile (it settles again)."""
        try:
            found = check_complete(Path(seen.real))
            after = os.stat(seen.real)
        except FileNotFoundError:
            self.settler.restart(seen)
            return None
        except OSError as exc:
            return self._refuse(seen, f"cannot be read by the watcher ({exc.strerror or exc})")
        except Exception:
            # A file that trips the check itself must not fail every poll from now on.
            logger.exception("Checking %s failed", seen.client)
            return self._refuse(seen, "its check failed unexpectedly (it is in the watcher's log)")
        if seen_from(seen.real, seen.client, after).state != seen.state:
            self.settler.restart(seen)  # it was written to while it was read
            return None
        if not found.complete:
            logger.warning(
                "Incomplete: %s has not changed for %g s but it %s. It is taken when it changes.",
                seen.client,
                self.options.settle_seconds,
                found.reason,
            )
            return self._record(seen, Outcome.INCOMPLETE, detail=found.reason)
        try:
            image = resolve(self.user, seen.client, Right.READ)
            indexed = self._index(image)
            if imaging.is_prerendered(image, None):
                logger.info("Complete in the cache already: %s", seen.client)
                return self._record(seen, Outcome.SKIPPED, indexed=indexed)
            if not imaging.image_hdus(image):
                # A catalogue: indexed (above) but nothing to pre-render; a job would only fail.
                logger.info("Nothing to pre-render: %s has no HDU that can be shown as an image", seen.client)
                return self._record(
                    seen, Outcome.SKIPPED, detail="No HDU that can be shown as an image.", indexed=indexed
                )
            queued = imaging.queue_prerender(self.user, image, None, split=jobs.distributed())
        except ToyzError as exc:
            return self._refuse(seen, f"{exc.code}: {exc.message}")
        except DatabaseError:
            raise  # the poll fails and is tried again: nothing was recorded
        except Exception:
            logger.exception("Taking %s failed", seen.client)
            return self._refuse(seen, "an unexpected error (it is in the watcher's log)")
        self.following[queued.job_id] = seen.client
        parts = f", after {len(queued.parts)} jobs for its HDUs" if queued.parts else ""
        logger.info("Queued: %s (job %s%s)", seen.client, queued.job_id, parts)
        return self._record(seen, Outcome.QUEUED, job_id=queued.job_id, indexed=indexed)

    def _refuse(self, seen: Seen, why: str) -> str:
        logger.warning("Not taken: %s: %s", seen.client, why)
        return self._record(seen, Outcome.REFUSED, detail=why)

    def _record(
        self, seen: Seen, outcome: str, *, detail: str = "", job_id: str | None = None, indexed: bool = False
    ) -> str:
        now = timezone.now()
        WatchedFile.objects.update_or_create(
            path=seen.client,
            defaults={
                "identity": seen.identity,
                "size": seen.size,
                "mtime_ns": seen.mtime_ns,
                "outcome": outcome,
                "detail": detail,
                "job_id": job_id,
                "indexed": indexed,
                "handled": now,
                "finished": None if outcome == Outcome.QUEUED else now,
            },
        )
        self.handled[seen.client] = seen.version
        return outcome

    # --- the header index ---------------------------------------------------------------------------

    def _index(self, image: ResolvedPath) -> bool:
        """Add the file to the header index, when TOYZ_WATCH_INDEX_HEADERS asks for it; whether it was."""
        mode = self.options.index_headers
        if mode == "NO" or (mode == "AUTO" and not self._folder_indexed(image)):
            return False
        try:
            return headers.index_file(image)
        except DatabaseError:
            raise
        except Exception:
            logger.exception("Adding %s to the header index failed", image.client)
            return False

    def _folder_indexed(self, image: ResolvedPath) -> bool:
        """Whether the watched folder that holds the file has an index (the index holds files of it)."""
        holders = [f for f in self.folders if f.real == image.real or f.real in image.real.parents]
        folder = max(holders, key=lambda f: len(f.real.parts), default=None)
        if folder is None:
            return False  # a symlink inside a watched folder to a file elsewhere in the root
        if folder.client not in self._indexed:
            self._indexed[folder.client] = headers.holds_files_under(folder)
        return self._indexed[folder.client]

    # --- files that went, jobs that finished --------------------------------------------------------

    def _forget_vanished(self, present: dict[str, Seen]) -> None:
        """Files handled before that are gone now: their rows go (and their index entries, if they had)."""
        gone = [
            path
            for path in self.handled
            if path not in present and self._watched(path) and not os.path.lexists(self.root / path)
        ]
        for path in gone:
            row = WatchedFile.objects.filter(path=path).values_list("indexed", flat=True).first()
            if row:
                headers.forget_file(path)
            WatchedFile.objects.filter(path=path).delete()
            del self.handled[path]
            logger.info("Gone: %s", path)

    def _watched(self, client: str) -> bool:
        return any(not f.client or client.startswith(f.client + "/") for f in self.folders)

    def _follow_jobs(self) -> int:
        """Record the outcome of the queued pre-renders that finished; how many did."""
        if not self.following:
            return 0
        fields = ("id", "status", "result", "error_code", "error_message", "started", "finished")
        rows = {str(row["id"]): row for row in Job.objects.filter(pk__in=list(self.following)).values(*fields)}
        done = 0
        for job_id, path in list(self.following.items()):
            row = rows.get(job_id)
            if row is not None and row["status"] not in FINISHED:
                continue
            outcome, detail = _outcome_of(row)
            WatchedFile.objects.filter(path=path, job_id=job_id).update(
                outcome=outcome, detail=detail, finished=timezone.now()
            )
            del self.following[job_id]
            done += 1
            if outcome == Outcome.FAILED:
                logger.warning("Failed: %s: %s", path, detail)
            else:
                logger.info("Pre-rendered: %s%s", path, _took(row))
        return done


def _outcome_of(row: dict[str, Any] | None) -> tuple[str, str]:
    if row is None:
        return Outcome.FAILED, "Its job record was deleted."
    if row["status"] == Job.Status.DONE:
        skipped = isinstance(row["result"], dict) and row["result"].get("skipped")
        return (Outcome.SKIPPED if skipped else Outcome.BUILT), ""
    if row["status"] == Job.Status.CANCELLED:
        return Outcome.FAILED, "Its job was cancelled."
    return Outcome.FAILED, f"{row['error_code'] or 'error'}: {row['error_message']}"


def _took(row: dict[str, Any] | None) -> str:
    if row is None or not isinstance(row["result"], dict):
        return ""
    tiles = row["result"].get("tiles")
    seconds = (row["finished"] - row["started"]).total_seconds() if row["started"] and row["finished"] else None
    parts = [f"{tiles:,} tiles" if isinstance(tiles, int) else "", f"{seconds:.1f} s" if seconds is not None else ""]
    shown = ", ".join(p for p in parts if p)
    return f" ({shown})" if shown else ""
