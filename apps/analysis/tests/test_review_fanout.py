"""The fan-out's claims are leases: a claimant lost mid-piece delays the job by a lease, a live one keeps its piece."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest
from celery import current_app
from django.core.cache import cache

from apps.analysis import fanout

pytestmark = pytest.mark.django_db

CALLS: Counter[int] = Counter()


@fanout.piece_worker("review-slow")
def _slow(args: dict[str, Any], index: int) -> int:
    CALLS[index] += 1
    time.sleep(args["seconds"])
    return index * 2


@pytest.fixture
def distributed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(fanout, "distributed", lambda: True)
    monkeypatch.setattr(current_app, "send_task", lambda name, args: sent.append(tuple(args)))
    monkeypatch.setattr(fanout, "CLAIM_SECONDS", 0.4)
    CALLS.clear()
    return sent


LEASE = fanout.CLAIM_SECONDS


# A hang guard, not a speed test: a claim that outlived its lease would hold the job for good.
@pytest.mark.timeout(60)
def test_it_refuses_to_wait_on_a_dead_claimant_longer_than_a_lease(
    distributed: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert LEASE <= 120  # a worker lost mid-piece costs the job a minute or two, not half an hour

    def claim_and_die(name: str, args: tuple[str, int]) -> None:
        # A worker took the piece, then was killed: its claim stays, no result ever comes.
        cache.add(fanout._key(args[0], "claim", args[1]), "task", timeout=fanout.CLAIM_SECONDS)

    monkeypatch.setattr(current_app, "send_task", claim_and_die)
    assert fanout.run_all("review-slow", {"seconds": 0.0}, 3, progress=lambda d, t: None) == [0, 2, 4]
    # The job took over each piece once its dead claimant's lease ran out, and ran it once.
    assert CALLS == {0: 1, 1: 1, 2: 1}


def test_a_live_claimant_renews_its_lease_so_no_piece_runs_twice(
    distributed: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    def worker(name: str, args: tuple[str, int]) -> None:
        threading.Thread(target=fanout.run_piece, args=args, daemon=True).start()

    monkeypatch.setattr(current_app, "send_task", worker)
    assert fanout.run_all("review-slow", {"seconds": 1.2}, 2, progress=lambda d, t: None) == [0, 2]
    assert CALLS == {0: 1, 1: 1}
