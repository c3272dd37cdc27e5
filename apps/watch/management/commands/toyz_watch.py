"""Watch the night folders: ``manage.py toyz_watch`` (a long-running service: deploy/systemd/toyz-watch.service).

The folders, the user, the poll and settle times come from the TOYZ_WATCH_* settings; each is checked
before anything is watched, and a setting that cannot work stops the command with a sentence and exit
status 1. One watcher per deployment: a second one exits the same way while the first runs. SIGTERM
or Ctrl-C stops it between two files.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from apps.accounts.services import unattended_user
from apps.jobs import services as jobs
from apps.watch.folders import WatchSetupError, watched_folders
from apps.watch.lock import watch_lock
from apps.watch.services import PollSummary, Watcher, WatchOptions

logger = logging.getLogger("apps.watch")

#: Without news, a line saying the watcher is alive at most this often.
HEARTBEAT_SECONDS = 600.0


class LostLock(Exception):
    """Another watcher holds the deployment's lock now."""


class Command(BaseCommand):
    help = (
        "Watch the folders named by TOYZ_WATCH_FOLDERS and pre-render (and header-index) their new and changed "
        "images as they land, once each has stopped changing and reads whole. Runs until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Seconds between polls (TOYZ_WATCH_POLL_SECONDS).",
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=None,
            metavar="SECONDS",
            help="Seconds a file must stay unchanged before it is taken (TOYZ_WATCH_SETTLE_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        poll = options["poll"] if options["poll"] is not None else float(settings.TOYZ_WATCH_POLL_SECONDS)
        settle = options["settle"] if options["settle"] is not None else float(settings.TOYZ_WATCH_SETTLE_SECONDS)
        if poll <= 0 or settle < 0:
            raise CommandError("--poll must be positive and --settle not negative.")
        user = unattended_user(settings.TOYZ_WATCH_USER)
        if user is None:
            raise CommandError(
                f"TOYZ_WATCH_USER: there is no active user {settings.TOYZ_WATCH_USER!r}."
                if settings.TOYZ_WATCH_USER
                else "There is no superuser to watch the folders as: make one, or set TOYZ_WATCH_USER."
            )
        if not jobs.may_run(user, "imaging.prerender"):
            raise CommandError(
                f"{user.get_username()} may not run pre-renders: grant them the prerender module in the admin "
                "(Modules), or set TOYZ_WATCH_USER to someone who may."
            )
        try:
            folders = watched_folders(settings.TOYZ_WATCH_FOLDERS, user)
        except WatchSetupError as exc:
            raise CommandError(str(exc)) from None
        # Long enough for the slowest single step (a large .gz read to its end) between two renewals.
        lock = watch_lock(ttl_seconds=max(120.0, 6 * poll))
        holder = lock.acquire()
        if holder is not None:
            raise CommandError(f"Another watcher is running: {holder}. Run one watcher per deployment.")
        stop = threading.Event()

        def stop_on(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {sig: signal.signal(sig, stop_on) for sig in (signal.SIGTERM, signal.SIGINT)}

        def keep_lock() -> None:
            if not lock.renew():
                raise LostLock
            if stop.is_set():
                raise KeyboardInterrupt

        watcher = Watcher(
            user,
            folders,
            WatchOptions(poll_seconds=poll, settle_seconds=settle, index_headers=settings.TOYZ_WATCH_INDEX_HEADERS),
            keep_lock=keep_lock,
        )
        logger.info(
            "Watching %s as %s (%s mode): a poll every %g s, files taken after %g s unchanged; %d files already handled.",
            ", ".join(f.client or "(the data root)" for f in folders),
            user.get_username(),
            "distributed" if jobs.distributed() else "embedded",
            poll,
            settle,
            len(watcher.handled),
        )
        try:
            self._run(watcher, poll, stop, keep_lock)
        except LostLock:
            raise CommandError("Another watcher took this one's lock (it was not renewed in time); stopping.") from None
        finally:
            watcher.stop()
            lock.release()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        logger.info("Stopped.")

    def _run(self, watcher: Watcher, poll: float, stop: threading.Event, keep_lock: Any) -> None:
        said = time.monotonic()
        while not stop.is_set():
            started = time.monotonic()
            try:
                keep_lock()
                summary = watcher.poll()
            except (LostLock, KeyboardInterrupt):
                if stop.is_set():
                    return
                raise
            except Exception:
                # A database or Redis restart, a full disk: say so and try again at the next poll.
                logger.exception("This poll failed; trying again in %g s", poll)
                close_old_connections()
                summary = None
            if summary is not None and (
                summary.taken or summary.finished or time.monotonic() - said > HEARTBEAT_SECONDS
            ):
                logger.info(_line(summary, len(watcher.following)))
                said = time.monotonic()
            stop.wait(max(0.0, poll - (time.monotonic() - started)))


def _line(summary: PollSummary, running: int) -> str:
    took = (
        f"took {summary.taken} ({summary.queued} queued, {summary.skipped} complete already, "
        f"{summary.incomplete} incomplete, {summary.refused} refused); "
        if summary.taken
        else ""
    )
    return (
        f"{took}{summary.finished} pre-renders finished; {summary.files} files watched, "
        f"{summary.settling} settling, {running} pre-renders under way"
    )
