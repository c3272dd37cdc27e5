"""The Celery queues, by urgency, and which task goes to which (plain names: the settings import this).

- ``interactive``: jobs a user waits for in front of a page (describe, readouts, analysis, detection's
  pieces). Served by worker processes of their own, so that no pre-render ever holds them up.
- ``prerender``: a pre-render a user asked for in the viewer.
- ``bulk``: unattended work (``toyz_prerender``, watched folders). A worker that consumes both
  ``prerender`` and ``bulk`` polls them in that order (``queue_order_strategy`` "priority"), so a user's
  pre-render starts before the night's remaining files.

Operators name them in ``celery worker -Q``; the metrics read the lengths of the Redis lists of these names.
"""

from __future__ import annotations

from typing import Final, Literal

INTERACTIVE: Final = "interactive"
PRERENDER: Final = "prerender"
BULK: Final = "bulk"
#: Every queue, the most urgent first: a worker started without ``-Q`` consumes them in this order.
QUEUES: Final = (INTERACTIVE, PRERENDER, BULK)
#: The queue of a job function's watched runs (``register(..., queue=)``); bulk is the submitter's choice.
WatchedQueue = Literal["interactive", "prerender"]

#: The default queue of each task sent by name; a call may name another (a user's pre-render).
TASK_ROUTES: Final = {
    "toyz.run_job": {"queue": INTERACTIVE},
    "toyz.run_piece": {"queue": INTERACTIVE},
    "toyz.run_bulk_job": {"queue": BULK},
    "toyz.prerender_file": {"queue": BULK},
}


def queue_for(watched_queue: WatchedQueue, *, bulk: bool) -> str:
    """The queue a job's task goes to: ``bulk`` for unattended work, else its function's queue."""
    return BULK if bulk else watched_queue
