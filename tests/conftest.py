"""Fixtures for the cross-cutting tests: real services and real processes.

- `redis_url`: the Redis the distributed mode uses (TOYZ_REDIS_URL, a database number of the tests' own),
  flushed first. Missing or unreachable Redis is a failure, not a skip: these tests are the proof.
- `celery_worker`: a real `celery worker` process on the test's PostgreSQL database and Redis.
- `free_port()`: a TCP port nobody listens on.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise TimeoutError(f"Gave up waiting for {what} after {timeout:.0f} s")


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TOYZ_REDIS_URL")
    if not url:
        pytest.fail("The integration tests need TOYZ_REDIS_URL (make pytest-integration sets it).")
    import redis

    client = redis.Redis.from_url(url)
    client.ping()
    client.flushdb()
    return url


@pytest.fixture(scope="session")
def shared_storage(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data root and cache folder that the test process and the worker process both use."""
    base = tmp_path_factory.mktemp("distributed")
    (base / "data").mkdir()
    (base / "cache").mkdir()
    return base / "data", base / "cache"


@pytest.fixture
def celery_worker(
    redis_url: str, shared_storage: tuple[Path, Path], settings: Any, transactional_db: None, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        pytest.fail("The integration tests run on PostgreSQL: set DATABASE_URL (make pytest-integration does).")
    data_root, cache_dir = shared_storage
    settings.TOYZ_DATA_ROOT, settings.TOYZ_CACHE_DIR = data_root, cache_dir
    env = {
        **os.environ,
        # The worker must use the test database that pytest-django created, not the real one.
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "TOYZ_REDIS_URL": redis_url,
        "TOYZ_DATA_ROOT": str(data_root),
        "TOYZ_CACHE_DIR": str(cache_dir),
        "TOYZ_VAR_DIR": str(tmp_path / "worker-var"),
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "toyz_site", "worker", "--loglevel=INFO", "--concurrency=2",
         "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    from toyz_site.celery import app

    try:
        wait_for(lambda: process.poll() is not None or bool(app.control.ping(timeout=0.5)), 60, "the celery worker")
        assert process.poll() is None, (tmp_path / "worker.log").read_text()
        process.log_path = tmp_path / "worker.log"  # type: ignore[attr-defined]
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
