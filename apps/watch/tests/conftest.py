"""Fixtures of the watcher tests (the embedded mode: pre-renders run in this process's pool).

- ``clock``: a fake monotonic clock (``clock.now``, seconds) that the watchers made here read.
- ``night``: the empty folder ``nights/n1`` of the data root.
- ``exposure(name, seed=1)``: writes a small DECam-like exposure (2 CCDs) into ``night``.
- ``make_watcher(user, *folders, settle=10, index="AUTO")``: a Watcher of those client folders.
- ``settle_and_poll(watcher)``: one poll, the settle time later another, and its summary.
- ``wait_for_jobs(watcher)``: until the watcher's queued pre-renders have finished, then one more poll.
- ``_pool_drained`` (autouse): after each test, waits for the jobs still running in this process's pool,
  so that none writes into the next test's database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.files.services import Right, resolve
from apps.watch.services import PollSummary, Watcher, WatchOptions
from workers.imaging.synthetic import write_decam_like

SMALL: dict[str, Any] = {"n_ccds": 2, "ccd_shape": (128, 96)}


@pytest.fixture(autouse=True)
def _pool_drained(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if request.node.get_closest_marker("django_db") is None:
        return
    from apps.jobs.models import Job

    deadline = time.monotonic() + 120
    while Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def night(data_root: Path) -> Path:
    folder = data_root / "nights" / "n1"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def exposure(night: Path) -> Callable[..., Path]:
    def write(name: str, seed: int = 1) -> Path:
        return write_decam_like(night / name, seed=seed, **SMALL)

    return write


@pytest.fixture
def make_watcher(clock: Clock) -> Callable[..., Watcher]:
    def make(user: Any, *folders: str, settle: float = 10, index: str = "AUTO") -> Watcher:
        resolved = [resolve(user, folder, Right.LIST) for folder in folders or ("nights",)]
        return Watcher(
            user, resolved, WatchOptions(poll_seconds=1, settle_seconds=settle, index_headers=index), clock=clock
        )

    return make


@pytest.fixture
def settle_and_poll(clock: Clock) -> Callable[[Watcher], PollSummary]:
    def run(watcher: Watcher) -> PollSummary:
        watcher.poll()
        clock.now += watcher.options.settle_seconds
        return watcher.poll()

    return run


@pytest.fixture
def wait_for_jobs() -> Callable[[Watcher], PollSummary]:
    def wait(watcher: Watcher) -> PollSummary:
        deadline = time.monotonic() + 120
        finished = PollSummary()
        while watcher.following:
            assert time.monotonic() < deadline, f"pre-renders still running: {watcher.following}"
            time.sleep(0.1)
            finished.finished += watcher.poll().finished
        return finished

    return wait
