"""A process in a process group of its own, as the tests and benchmarks run workers and watchers: started
with its output in a log file, waited for until its log says it is ready, and stopped whole (the group:
a Celery worker's pool processes go with it). Imports nothing of Django.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from deploy.render import ROOT


class NotReady(RuntimeError):
    """The process stopped, or did not say it was ready in time; the message ends with its log."""


def start_group(
    command: Sequence[str], log_path: Path, env: Mapping[str, str], *, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    """Start ``command`` as the leader of a new process group, its output (both streams) into ``log_path``."""
    with log_path.open("wb") as log:
        return subprocess.Popen(
            list(command), cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_ready(process: subprocess.Popen[bytes], log_path: Path, marker: str, timeout: float, what: str) -> None:
    """Return once ``marker`` is in the log; raise :class:`NotReady` if the process stops or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        if process.poll() is not None:
            raise NotReady(f"{what} stopped at start-up (status {process.returncode}):\n{text[-3000:]}")
        if marker in text:
            return
        if time.monotonic() > deadline:
            raise NotReady(f"Gave up waiting for {what} after {timeout:.0f} s:\n{text[-3000:]}")
        time.sleep(0.2)


def stop_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM to the process's group (a warm shutdown), SIGKILL to it if it has not stopped within ``timeout``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
