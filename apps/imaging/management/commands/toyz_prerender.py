"""Pre-render a night: build the pyramid of every image under some paths with Celery workers.

With workers, each multi-HDU file becomes one task per image HDU followed by one task for the
file (the mosaic and the completion marker), which finds its HDUs built (or builds what is still
missing: it waits on the build locks of levels being built, and may render a tile that a running
HDU task also renders, which costs time but never leaves a wrong tile). Finer tasks share a few
exposures better between workers:
`make bench-decam` measures 3 exposures of 8 CCDs on 2 processes (``night_s_per_*``).
`--tasks per-file` queues one task per file instead.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Never, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.accounts.services import unattended_user
from apps.files.services import ResolvedPath, Right, User, data_root, resolve
from apps.imaging import services
from apps.jobs import services as jobs
from apps.jobs.services import Job
from workers.errors import ToyzError

POLL_SECONDS = 0.5
# A night's poll reads a row per CCD job still pending (6,300 for 100 DECam exposures): it waits longer
# between reads when there are many, so that watching stays a small part of what the node's CPU does.
ROWS_PER_POLL_SECOND = 2000
MAX_POLL_SECONDS = 2.0
PLAIN_LINE_SECONDS = 30.0  # without a terminal, a status line at least this often
FINISHED = {Job.Status.DONE, Job.Status.ERROR, Job.Status.CANCELLED}


def poll_seconds(rows: int) -> float:
    """Seconds between two reads of `rows` pending Job rows: 0.5 s up to 1,000 rows, then longer, 2 s at most."""
    return min(MAX_POLL_SECONDS, max(POLL_SECONDS, rows / ROWS_PER_POLL_SECOND))


@dataclass
class _File:
    client: str
    job_id: str | None = None  # None: nothing to queue (complete, or refused before queueing)
    parts: list[str] = field(default_factory=list)  # per-HDU jobs, queued before job_id
    status: str = Job.Status.QUEUED
    done: int = 0
    total: int = 0
    outcome: str = ""  # "built", "skipped" or "failed"
    error: str = ""
    resumed: bool = False  # its job was started again (its worker was lost, or a transient error)


@dataclass
class _Night:
    """What the progress bar and the summary show."""

    files: list[_File]
    started: float = field(default_factory=time.monotonic)

    @property
    def jobs(self) -> list[_File]:
        return [f for f in self.files if f.job_id is not None]

    def count(self, outcome: str) -> int:
        return sum(1 for f in self.files if f.outcome == outcome)

    def finished(self) -> int:
        return sum(1 for f in self.files if f.outcome)

    def status(self) -> str:
        """Everything the bar says after its files count: tiles, rate, ETA and the files being built."""
        tiles = sum(f.done for f in self.files)
        jobs = self.jobs
        # Work measured in files, counting the running ones by their fraction.
        worked = sum(1.0 if f.outcome else (f.done / f.total if f.total else 0.0) for f in jobs)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = worked / elapsed
        left = len(jobs) - worked
        eta = _duration(left / rate) if rate > 0 and left > 0 else ("0s" if left <= 0 else "?")
        running = [f.client + (" (resumed)" if f.resumed else "") for f in jobs if f.status == Job.Status.RUNNING]
        return f"{tiles:,} tiles  {rate * 60:.1f} files/min  ETA {eta}  {', '.join(running)}"

    def line(self) -> str:
        """The bar as one plain line (for logs, when stdout is not a terminal)."""
        total, finished = len(self.files), self.finished()
        filled = round(20 * finished / total) if total else 20
        return f"[{'#' * filled}{'.' * (20 - filled)}] {finished}/{total} files  {self.status()}"


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class _NoTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # Failures are listed in the summary with their message; -v 2 shows the traces.
        return record.exc_info is None


class Command(BaseCommand):
    help = (
        "Build the tile pyramid of every image under the given paths (inside the data root), one Celery "
        "task per file so that every worker shares the work. Files already complete are skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders, relative to the data root.")
        parser.add_argument("-r", "--recursive", action="store_true", help="Include the images in subfolders.")
        parser.add_argument(
            "--hdu",
            type=int,
            default=None,
            help="Only this HDU, -1 for the mosaic (default: every image HDU and the mosaic).",
        )
        parser.add_argument(
            "--wait",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Wait for the workers and show progress (default), or only queue the files.",
        )
        parser.add_argument("--force", action="store_true", help="Delete the cached pyramids and build them again.")
        parser.add_argument(
            "--tasks",
            choices=("per-hdu", "per-file"),
            default="per-hdu",
            help="With workers: one task per image HDU then one per file (default), or one per file.",
        )
        parser.add_argument("--user", help="Run as this user (default: the first superuser).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        self._drawn = time.monotonic()
        self._bar: tqdm[Never] | None = None
        user = self._user(options["user"])
        hdu: int | None = options["hdu"]
        if hdu is not None and hdu < -1:
            raise CommandError("--hdu must be -1 (the mosaic) or an HDU number.")
        images, night = self._collect(user, options["paths"], options["recursive"])
        split = hdu is None and options["tasks"] == "per-hdu" and jobs.distributed()
        runner_log = logging.getLogger("apps.jobs.runner")
        quiet = _NoTracebacks()
        if self.verbosity < 2:
            runner_log.addFilter(quiet)
        try:
            # Every file's job starts here (queued for the workers, or in this process's pool).
            self._prepare(user, images, night, hdu, options["force"], split=split)
            if night.jobs and not self._watch(night, wait=options["wait"]):
                return
        except KeyboardInterrupt:
            self._end_line()
            if not jobs.distributed():
                for entry in night.jobs:
                    for job_id in (*entry.parts, entry.job_id):
                        jobs.cancel(str(job_id))
            raise CommandError(
                "Interrupted. Run the command again to resume: complete files are skipped"
                + (", and queued files stay queued." if jobs.distributed() else "."),
                returncode=130,
            ) from None
        finally:
            runner_log.removeFilter(quiet)
        if options["wait"]:
            services.keep_cache_in_bounds()
        self._summary(night)
        self._failures(night)

    # --- choosing the files ---------------------------------------------------------------------

    def _user(self, username: str | None) -> User:
        user = unattended_user(username)
        if user is None:
            raise CommandError(
                f"There is no active user {username!r}." if username else "There is no superuser: pass --user NAME."
            )
        return user

    def _client_path(self, raw: str) -> str:
        """An argument as a client path: absolute paths must lie inside the data root."""
        if not Path(raw).is_absolute():
            return raw
        root, real = data_root(), Path(raw).resolve()
        if real == root or root in real.parents:
            return real.relative_to(root).as_posix()
        raise CommandError(f"{raw} is outside the data root ({root}).")

    def _collect(self, user: User, raw_paths: list[str], recursive: bool) -> tuple[list[ResolvedPath], _Night]:
        images: list[ResolvedPath] = []
        refused: list[tuple[str, ToyzError]] = []
        for raw in raw_paths:
            try:
                target = resolve(user, self._client_path(raw), Right.READ)
            except ToyzError as exc:
                raise CommandError(f"{raw}: {exc.message}") from None
            if target.real.is_dir():
                try:
                    found, bad = services.find_images(user, target, recursive)
                except ToyzError as exc:
                    raise CommandError(f"{raw}: {exc.message}") from None
                images.extend(found)
                refused.extend(bad)
            else:
                images.append(target)
        unique = list({image.client: image for image in images}.values())
        files = [_File(image.client) for image in unique]
        files += [_File(path, outcome="failed", error=f"{exc.code}: {exc.message}") for path, exc in refused]
        if not files:
            raise CommandError("No image files there (use --recursive for subfolders).")
        return unique, _Night(files)

    def _prepare(
        self, user: User, images: list[ResolvedPath], night: _Night, hdu: int | None, force: bool, *, split: bool
    ) -> None:
        """Skip the complete files (or forget them with --force) and start the jobs of the others:
        with `split`, one per image HDU not complete yet (of files with several) before the file's own."""
        for image, entry in zip(images, night.files, strict=False):
            try:
                if force:
                    services.forget_prerender(image, hdu)
                elif services.is_prerendered(image, hdu):
                    entry.outcome = "skipped"
                    continue
                queued = services.queue_prerender(user, image, hdu, split=split)
                entry.job_id, entry.parts = queued.job_id, queued.parts
            except ToyzError as exc:
                entry.outcome, entry.error = "failed", f"{exc.code}: {exc.message}"

    # --- watching -------------------------------------------------------------------------------

    def _watch(self, night: _Night, *, wait: bool) -> bool:
        """With `wait`, watch the jobs to the end. False when it returned at once (queued only)."""
        if jobs.distributed() and not wait:
            self.stdout.write(
                f"Queued {len(night.jobs)} files for the workers ({night.count('skipped')} already complete)."
            )
            self._failures(night)
            return False
        if jobs.distributed():
            self.stdout.write(f"Queued {len(night.jobs)} files; waiting for the workers (Ctrl-C stops waiting only).")
        elif not wait:
            self.stderr.write("No workers in the embedded mode (no TOYZ_REDIS_URL): running the files here.")
        self._wait(night)
        return True

    def _wait(self, night: _Night) -> None:
        pending = list(night.jobs)
        while True:
            self._refresh(night, pending)
            self._draw(night)
            pending = [entry for entry in pending if not entry.outcome]
            if not pending:
                break
            time.sleep(poll_seconds(sum(1 + len(entry.parts) for entry in pending)))
        self._draw(night, force=True)
        self._end_line()

    def _refresh(self, night: _Night, entries: list[_File]) -> None:
        """Read the Job rows of these files: the shared record that every worker updates."""
        ids = [job_id for e in entries for job_id in (*e.parts, e.job_id) if job_id is not None]
        rows: list[dict[str, Any]] = [
            dict(row) for row in Job.objects.filter(pk__in=ids).values("id", "status", "done", "total", "attempts")
        ]
        # Outcomes (result, error) only for the files' own jobs that have finished: the rest are not read.
        own = {str(e.job_id) for e in entries}
        finished = [row["id"] for row in rows if str(row["id"]) in own and row["status"] in FINISHED]
        outcomes: dict[str, dict[str, Any]] = {
            str(row["id"]): dict(row)
            for row in Job.objects.filter(pk__in=finished).values("id", "result", "error_code", "error_message")
        }
        for read in rows:
            read.update(outcomes.get(str(read["id"]), {"result": None, "error_code": "", "error_message": ""}))
        by_id = {str(read["id"]): read for read in rows}
        for entry in entries:
            row = by_id.get(str(entry.job_id))
            if row is None:
                entry.outcome, entry.error = "failed", "its job record was deleted"
                continue
            # A file's progress is its HDUs' jobs' when it has some (its own job counts their tiles
            # again, as found done), else its own; its outcome is always its own job's.
            mine = [by_id[job_id] for job_id in entry.parts if job_id in by_id] or [row]
            entry.done, entry.total = sum(r["done"] for r in mine), sum(r["total"] for r in mine)
            mine.append(row)
            running = any(r["status"] == Job.Status.RUNNING for r in mine)
            if not entry.resumed and any(r["attempts"] > 1 for r in mine):
                entry.resumed = True
                if not self._tty():
                    self.stdout.write(f"resumed: {entry.client} (started again after its worker was lost or failed)")
            entry.status = Job.Status.RUNNING if running and row["status"] not in FINISHED else row["status"]
            if entry.status not in FINISHED or entry.outcome:
                continue
            if entry.status == Job.Status.DONE:
                skipped = isinstance(row["result"], dict) and row["result"].get("skipped")
                entry.outcome = "skipped" if skipped else "built"
            else:
                entry.outcome = "failed"
                entry.error = f"{row['error_code'] or entry.status}: {row['error_message'] or 'cancelled'}"
            if not self._tty():
                self.stdout.write(f"{entry.outcome}: {entry.client}" + (f" ({entry.error})" if entry.error else ""))

    def _tty(self) -> bool:
        return bool(self.stdout.isatty())

    def _draw(self, night: _Night, *, force: bool = False) -> None:
        if self.verbosity < 1:
            return
        now = time.monotonic()
        if self._tty():
            if self._bar is None:
                # tqdm draws the bar and owns the terminal line; the text after the count is ours.
                self._bar = tqdm(
                    total=len(night.files),
                    file=cast(TextIO, self.stdout._out),
                    bar_format="[{bar:20}] {n}/{total} files  {postfix}",
                    ascii=" #",
                    dynamic_ncols=True,
                    mininterval=0.2,
                )
            self._bar.n = night.finished()
            self._bar.set_postfix_str(night.status(), refresh=False)
            if force:
                self._bar.refresh()
            else:
                self._bar.update(0)  # redraws at most every mininterval
        elif force or now - self._drawn >= PLAIN_LINE_SECONDS:
            self.stdout.write(night.line())
        self._drawn = now

    def _end_line(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    # --- the end --------------------------------------------------------------------------------

    def _summary(self, night: _Night) -> None:
        elapsed = time.monotonic() - night.started
        self.stdout.write(
            f"{len(night.files)} files: {night.count('built')} built, {night.count('skipped')} already complete, "
            f"{night.count('failed')} failed ({_duration(elapsed)})."
        )

    def _failures(self, night: _Night) -> None:
        """List the failed files and end with a non-zero exit status if there are any."""
        failed = [f for f in night.files if f.outcome == "failed"]
        if not failed:
            return
        self.stderr.write("Failed:")
        for entry in failed:
            self.stderr.write(f"  {entry.client}: {entry.error}")
        raise CommandError(f"{len(failed)} of {len(night.files)} files failed.")
