"""Build locks: a lock whose holder never lets go (left on a shared filesystem by a node that died)
delays a build but never stops it."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from workers.imaging.cache import build_lock

HOLD_FOREVER = """
import fcntl, sys, time
lock = open(sys.argv[1], "a+b")
fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(600)
"""


def test_a_lock_its_holder_never_releases_delays_a_build_but_does_not_block_it(tmp_path: Path, caplog):
    target = tmp_path / "hdu0-p0" / "L1.npy"
    target.parent.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_FOREVER, str(target.with_name("L1.npy.lock"))], stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        built = threading.Event()

        def build() -> None:
            with build_lock(target, wait=0.5):
                target.write_bytes(b"level")
            built.set()

        with caplog.at_level(logging.WARNING, logger="workers.imaging.cache"):
            threading.Thread(target=build, daemon=True).start()
            assert built.wait(timeout=60), "the build waited on the stale lock for good"
        assert target.read_bytes() == b"level"
        assert "building it without the lock" in caplog.text
    finally:
        holder.kill()
        holder.wait()


def test_a_released_lock_is_taken_and_held_for_the_build(tmp_path: Path):
    target = tmp_path / "L2.npy"
    with build_lock(target, wait=0.5):
        # Another builder cannot take it meanwhile.
        import fcntl

        with target.with_name("L2.npy.lock").open("a+b") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with build_lock(target, wait=0.5):
        pass
