"""Running the pieces of one job in parallel (a mosaic's CCDs): Celery sub-tasks in the distributed mode,
a thread pool in the embedded one.

Distributed: the job stores its plan in the cache, sends one ``toyz.run_piece`` task per piece and, while it
waits, runs unclaimed pieces itself. A piece is *claimed* (``cache.add``, atomic in Redis) by whoever starts it
first, so each runs once, and the job never deadlocks when every worker slot is busy — its own included: with
one worker process the job simply does every piece. A claim is a lease of :data:`CLAIM_SECONDS` that its holder
renews while the piece runs; a piece whose claimant died without answering is run again by the job within a lease. Results come back through the cache (pickled arrays),
errors as ``(code, message)``. Cancelling the job stops the pieces not yet started.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from typing import Any, Final

from celery import current_app
from django.conf import settings
from django.core.cache import cache

from apps.jobs.services import distributed
from workers.errors import JobCancelled, ToyzError

logger = logging.getLogger(__name__)

#: The Celery task of one piece: `workers.tasks.run_piece`.
RUN_PIECE_TASK: Final = "toyz.run_piece"
#: How long a claim holds unless renewed (every quarter of it, while the piece runs); then the job takes the
#: piece over. Short, so that a worker lost mid-piece (killed, its node gone) delays the job by a minute, not
#: by a piece's longest run.
CLAIM_SECONDS: Final = 60
#: How long plans and results stay in the cache when nobody collects them (a job that died).
KEEP_SECONDS: Final = 3 * 3600
POLL_SECONDS: Final = 0.1

PieceWork = Callable[[dict[str, Any], int], Any]
#: What each kind of plan does with one piece: ``work(plan_args, index) -> result`` (picklable).
_WORKERS: dict[str, PieceWork] = {}


def piece_worker(kind: str) -> Callable[[PieceWork], PieceWork]:
    """Register the function that runs one piece of plans of `kind` (in the job or in a sub-task)."""

    def decorator(func: PieceWork) -> PieceWork:
        _WORKERS[kind] = func
        return func

    return decorator


def _key(run: str, *parts: object) -> str:
    return ":".join(("toyz:fanout", run, *map(str, parts)))


def run_piece(run: str, index: int) -> None:
    """Run piece `index` of plan `run` unless someone claimed it; leave its result (or error) in the cache.

    What the ``toyz.run_piece`` task does; it tolerates a vanished plan (the job finished or was cancelled).
    """
    plan = cache.get(_key(run, "plan"))
    if plan is None or cache.get(_key(run, "stop")):
        return
    if not cache.add(_key(run, "claim", index), "task", timeout=CLAIM_SECONDS):
        return
    _store(run, index, plan)


def _renew(key: str, done: threading.Event) -> None:
    """Keep the claim `key` alive until `done` (a thread beside the piece's work)."""
    while not done.wait(CLAIM_SECONDS / 4):
        try:
            cache.touch(key, CLAIM_SECONDS)
        except Exception:  # a cache hiccup: the next renewal tries again
            logger.warning("Could not renew the claim %s", key, exc_info=True)


def _store(run: str, index: int, plan: dict[str, Any]) -> None:
    outcome: tuple[str, Any]
    done = threading.Event()
    threading.Thread(target=_renew, args=(_key(run, "claim", index), done), daemon=True).start()
    try:
        outcome = ("ok", _WORKERS[plan["kind"]](plan["args"], index))
    except ToyzError as exc:
        outcome = ("error", (exc.code, exc.message))
    except Exception:
        logger.exception("Piece %s of %s (%s) failed", index, run, plan["kind"])
        outcome = ("error", ("job_failed", "Detection failed unexpectedly on one piece; it is in the server log."))
    finally:
        done.set()
    cache.set(_key(run, "result", index), outcome, timeout=KEEP_SECONDS)


def run_all(
    kind: str,
    args: dict[str, Any],
    count: int,
    *,
    progress: Callable[[int, int], None],
    workers: int | None = None,
) -> list[Any]:
    """Run pieces ``0 .. count-1`` of `kind` with `args` in parallel and return their results in order.

    `progress(done, count)` is called as pieces finish (and while waiting, so a cancelled job stops: it raises
    JobCancelled). The first piece error is raised as ToyzError once the others have stopped.
    `workers` caps the embedded pool (default TOYZ_EMBEDDED_WORKERS); the distributed mode uses every worker.
    """
    work = _WORKERS[kind]
    if not distributed():
        return _run_threads(work, args, count, progress, workers or int(settings.TOYZ_EMBEDDED_WORKERS))
    run = uuid.uuid4().hex
    cache.set(_key(run, "plan"), {"kind": kind, "args": args}, timeout=KEEP_SECONDS)
    try:
        for index in range(count):
            current_app.send_task(RUN_PIECE_TASK, args=(run, index))
        return _collect(run, count, progress)
    except BaseException:
        cache.set(_key(run, "stop"), True, timeout=KEEP_SECONDS)
        raise
    finally:
        cache.delete_many([_key(run, "plan"), *(_key(run, "result", i) for i in range(count))])


def _collect(run: str, count: int, progress: Callable[[int, int], None]) -> list[Any]:
    results: dict[int, Any] = {}
    plan = cache.get(_key(run, "plan"))
    if plan is None:  # evicted at once (a cache out of memory): nobody could run the pieces
        raise ToyzError("job_failed", "The job's plan could not be kept in the cache; try again or tell an admin.")
    while len(results) < count:
        pending = [i for i in range(count) if i not in results]
        found = cache.get_many([_key(run, "result", i) for i in pending])
        for i in pending:
            outcome = found.get(_key(run, "result", i))
            if outcome is None:
                continue
            status, value = outcome
            if status == "error":
                raise ToyzError(*value)
            results[i] = value
        progress(len(results), count)
        if len(results) == count:
            break
        # Idle: take the next piece nobody started (or whose claimant vanished) and run it here.
        for i in pending:
            if i not in results and cache.add(_key(run, "claim", i), "job", timeout=CLAIM_SECONDS):
                _store(run, i, plan)
                break
        else:
            time.sleep(POLL_SECONDS)
    return [results[i] for i in range(count)]


def _run_threads(
    work: PieceWork, args: dict[str, Any], count: int, progress: Callable[[int, int], None], workers: int
) -> list[Any]:
    results: dict[int, Any] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, count)), thread_name_prefix="toyz-piece") as pool:
        futures = {pool.submit(work, args, i): i for i in range(count)}
        try:
            while futures:
                done, _ = wait(futures, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    results[futures.pop(future)] = future.result()
                progress(len(results), count)
        except (JobCancelled, ToyzError, Exception):
            for future in futures:
                future.cancel()
            raise
    return [results[i] for i in range(count)]
