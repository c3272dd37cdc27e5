"""One run for work that several jobs ask for at once: ten users opening one new exposure build it once.

A job function registered with `share=` names the work of each run (a key: for a pre-render, the file's
identity, HDU and plane). The run that does it is the *leader*; the others are *followers*: Job
rows with `leader` set that get no task of their own. The leader's runner sends its progress to every
follower's socket (each with its own client id and Job id, so the consumer needs nothing new) and, at
the end, gives each follower the result, re-checked for the follower's rights and with the follower's
own fields (its client path), or the leader's error.

How a job finds its leader:
- at submission, a running leader (the claim below) or, in the distributed mode, a queued one in a queue
  at least as urgent as its own (a user's pre-render never waits for a queued bulk file: it runs first, and the bulk job follows it
  or finds the pyramid complete);
- when it starts, the *claim* of its key (a cache entry, atomic `add`, Redis in the distributed mode,
  renewed with the leader's progress, expiring if its worker died): if another run holds it, this one
  follows that run and frees its worker slot at once. This is what guarantees one build at a time.

Attaching and finishing take the leader's row lock (and a process lock: SQLite has no row locks), so a
follower either attaches before the leader finishes and gets its result, or sees it finished and runs.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.jobs import registry
from apps.jobs.models import Job
from apps.jobs.queues import QUEUES
from workers.errors import ToyzError

logger = logging.getLogger(__name__)

#: How long a leader's claim lasts unless its progress renews it; then another run may take the work.
CLAIM_SECONDS: Final = 120
#: A claim is renewed at most this often (progress comes up to four times a second).
RENEW_SECONDS: Final = 10
LIVE: Final = (Job.Status.QUEUED, Job.Status.RUNNING)

_lock = threading.RLock()


def share_key(spec: registry.JobSpec, params: Any) -> str:
    """The stored key of a run's shared work ("" when it has none): a hash, so any key fits the column."""
    key = spec.share(params) if spec.share is not None else None
    if key is None:
        return ""
    return hashlib.sha256(f"{spec.name}\0{key}".encode()).hexdigest()


def _claim_key(key: str) -> str:
    return f"toyz:share-claim:{key}"


@contextmanager
def _locked(job_id: Any) -> Iterator[Job | None]:
    """The row of `job_id`, locked against attaching and finishing elsewhere, or None if gone."""
    with _lock, transaction.atomic():
        yield Job.objects.select_for_update().filter(pk=job_id).first()


def _attach(job_id: Any, leader_id: Any) -> bool:
    """Make `job_id` follow `leader_id` if that one still runs or waits (and is no follower); True if so."""
    with _locked(leader_id) as leader:
        if (
            leader is None
            or leader.status not in LIVE
            or leader.leader_id is not None
            or str(leader.pk) == str(job_id)
            or cache.get(cancel_key(str(leader.pk)))
        ):
            return False
        Job.objects.filter(pk=job_id).update(
            leader=leader,
            status=leader.status,
            started=leader.started,
            done=leader.done,
            total=leader.total,
            message=leader.message,
        )
        # Whoever followed this job follows its leader now.
        Job.objects.filter(leader_id=job_id).update(leader=leader)
    return True


def follow_at_submission(job: Job) -> bool:
    """Attach a new job to a leader that runs or waits in a queue at least as urgent; True if it follows."""
    holder = cache.get(_claim_key(job.share_key))
    if holder is not None and _attach(job.pk, holder):
        return True
    if job.queue not in QUEUES:
        # In the embedded mode a queued job may wait in another process's pool (`toyz_prerender`), whose
        # messages cannot reach this process's sockets: follow only runs of this process (their claims).
        return False
    urgent = QUEUES[: QUEUES.index(job.queue) + 1]
    waiting = (
        Job.objects.filter(share_key=job.share_key, leader=None, status=Job.Status.QUEUED, queue__in=urgent)
        .exclude(pk=job.pk)
        .order_by("created")
        .values_list("pk", flat=True)
    )
    return any(_attach(job.pk, leader_id) for leader_id in waiting[:3])


def claim(job: Job) -> bool:
    """Take the work of a starting job; False when it now follows the run that holds it (nothing to do)."""
    key = _claim_key(job.share_key)
    mine = str(job.pk)
    while True:
        if cache.add(key, mine, timeout=CLAIM_SECONDS):
            break
        holder = cache.get(key)
        if holder is None:
            continue  # expired or released meanwhile
        if holder == mine:
            break  # this job resumed after its worker was lost
        if _attach(job.pk, holder):
            logger.info("Job %s (%s) follows %s, which does the same work", job.pk, job.fn, holder)
            return False
        # The holder finished (or is a follower itself) but its claim is still there: take it over.
        if cache.get(key) == holder:
            cache.delete(key)
    # Its followers so far wait no longer.
    Job.objects.filter(leader=job, status=Job.Status.QUEUED).update(status=Job.Status.RUNNING, started=timezone.now())
    return True


def renew(job: Job) -> None:
    """Keep a leader's claim alive while it reports progress."""
    cache.touch(_claim_key(job.share_key), CLAIM_SECONDS)


def release(job: Job) -> None:
    """Give up a leader's claim (after its followers got their results)."""
    key = _claim_key(job.share_key)
    if cache.get(key) == str(job.pk):
        cache.delete(key)


@dataclass(frozen=True)
class Follower:
    """A job that follows a leader: where its messages go."""

    id: str
    reply_to: str
    client_id: int


def live_followers(job: Job) -> list[Follower]:
    """The followers still waiting for `job` (not cancelled), with the progress `job` has now."""
    rows = Job.objects.filter(leader=job, status__in=LIVE).values_list("pk", "reply_to", "client_id")
    return [Follower(str(pk), reply_to, client_id) for pk, reply_to, client_id in rows]


def mirror_progress(job: Job, done: int, total: int, message: str) -> list[Follower]:
    """Copy a leader's progress onto its followers' rows; return them."""
    Job.objects.filter(leader=job, status__in=LIVE).update(done=done, total=total, message=message[:500])
    return live_followers(job)


@dataclass(frozen=True)
class Outcome:
    """What one follower gets: its result, or an error code and message."""

    follower: Follower
    result: dict[str, Any] | None
    code: str = ""
    message: str = ""


def finish_followers(job: Job, result: dict[str, Any] | None, code: str, message: str) -> list[Outcome]:
    """Record the leader's outcome on every live follower's row (its own fields in the result, its rights
    checked again); return what each is to be told. Runs under the leader's row lock."""
    outcomes: list[Outcome] = []
    with _locked(job.pk):
        rows = list(Job.objects.select_related("user").filter(leader=job, status__in=LIVE))
        for row in rows:
            follower = Follower(str(row.pk), row.reply_to, row.client_id)
            outcome = _outcome(row, follower, result, code, message)
            if outcome.result is not None:
                fields: dict[str, Any] = {"status": Job.Status.DONE, "result": outcome.result}
            else:
                fields = {"status": Job.Status.ERROR, "error_code": outcome.code, "error_message": outcome.message}
            Job.objects.filter(pk=row.pk).update(finished=timezone.now(), **fields)
            outcomes.append(outcome)
    return outcomes


def _outcome(row: Job, follower: Follower, result: dict[str, Any] | None, code: str, message: str) -> Outcome:
    if result is None:
        return Outcome(follower, None, code, message)
    try:
        # The follower's own request, checked as the runner checks every job (a grant may have gone since).
        registry.prepare(row.user, row.fn, row.params)
    except ToyzError as exc:
        return Outcome(follower, None, exc.code, exc.message)
    return Outcome(follower, result)


def has_live_followers(job_id: Any) -> bool:
    """Whether anyone still follows `job_id` (its work must go on if its own asker cancels)."""
    return Job.objects.filter(leader_id=job_id, status__in=LIVE).exists()


def cancel_key(job_id: str) -> str:
    """The cache flag that tells a job's runner to stop at its next progress report."""
    return f"toyz:job-cancel:{job_id}"


def cancel(job_id: str) -> bool:
    """Cancel a job for its asker; True when its work is to stop (then revoke its task too).

    Under the row lock, so that nobody attaches to a job being cancelled: a follower simply stops
    following; a leader that others follow goes on for them (its asker's socket dropped it already);
    any other job is flagged, and marked cancelled at once if it still waits.
    """
    with _locked(job_id) as job:
        if job is None:
            return False
        if job.leader_id is not None:
            Job.objects.filter(pk=job_id, status__in=LIVE).update(status=Job.Status.CANCELLED, finished=timezone.now())
            return False
        if has_live_followers(job_id):
            return False
        cache.set(cancel_key(job_id), True, timeout=24 * 3600)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELLED, finished=timezone.now()
        )
        return True
