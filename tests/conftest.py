"""Fixtures for the cross-cutting tests: real services and real processes.

- `redis_url`: the Redis the distributed mode uses (TOYZ_REDIS_URL, a database number of the tests' own),
  flushed first. Missing or unreachable Redis is a failure, not a skip: these tests are the proof.
- `service_env`: the environment of a process a test starts (its database, Redis, storage, secret key).
- `start_worker`, `celery_worker`: real `celery worker` processes on the test's PostgreSQL database and Redis.
- `asgi_server`: the real ASGI server (uvicorn) in the distributed mode, on the same database and Redis.
- `free_port()`: a TCP port nobody listens on.
- `embedded_env(var)`: the environment of a `manage.py` or server process in the embedded mode on `var`.
- `lay_var`: `lay_var(dest, commands, **env)` lays at `dest` the var folder that those `manage.py`
  commands leave in a fresh one; each recipe runs once per session (per xdist worker) and is copied after.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from deploy.processes import start_group, stop_group, wait_ready

ROOT = Path(__file__).resolve().parent.parent

#: Every browser test and benchmark drives Debian's Chromium with these arguments.
CHROMIUM = "/usr/bin/chromium"
# WebGL (the plots, the overlay's markers) is drawn by SwiftShader (software): there is no GPU here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


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


def embedded_env(var: Path, **extra: str) -> dict[str, str]:
    """The environment of a process in the embedded mode (SQLite, no Redis) whose var folder is `var`."""
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(TOYZ_VAR_DIR=str(var), **extra)
    return env


LayVar = Callable[..., Path]


@pytest.fixture(scope="session")
def lay_var(tmp_path_factory: pytest.TempPathFactory) -> LayVar:
    """`lay_var(dest, commands, **env)`: the var folder at `dest` as the `manage.py` `commands` (argument
    lists, run in order with `embedded_env(var, **env)`) leave a fresh one. A server's first run (migrate,
    toyz_setup) costs several seconds of CPU: each distinct recipe runs once and later calls copy it."""
    made: dict[tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, str], ...]], Path] = {}

    def lay(dest: Path, commands: Sequence[Sequence[str]], **env: str) -> Path:
        recipe = (tuple(tuple(c) for c in commands), tuple(sorted(env.items())))
        if recipe not in made:
            template = tmp_path_factory.mktemp("var-template")
            for command in commands:
                subprocess.run(
                    [sys.executable, "manage.py", *command], cwd=ROOT, env=embedded_env(template, **env), check=True,
                    stdout=subprocess.DEVNULL,
                )  # fmt: skip
            made[recipe] = template
        # No process has the template open: its SQLite file is complete and copies as it is.
        shutil.copytree(made[recipe], dest, symlinks=True, dirs_exist_ok=True)
        return dest

    return lay


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


def _database_url(database: dict[str, Any]) -> str:
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.fixture
def service_env(
    redis_url: str, shared_storage: tuple[Path, Path], settings: Any, transactional_db: None, tmp_path: Path
) -> dict[str, str]:
    """The environment of a worker or server process that this test starts: its database, Redis and storage."""
    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        pytest.fail("The integration tests run on PostgreSQL: set DATABASE_URL (make pytest-integration does).")
    data_root, cache_dir = shared_storage
    settings.TOYZ_DATA_ROOT, settings.TOYZ_CACHE_DIR = data_root, cache_dir
    return {
        **os.environ,
        # The process must use the test database that pytest-django created, not the real one.
        "DATABASE_URL": _database_url(database),
        "TOYZ_REDIS_URL": redis_url,
        "TOYZ_DATA_ROOT": str(data_root),
        "TOYZ_CACHE_DIR": str(cache_dir),
        "TOYZ_VAR_DIR": str(tmp_path / "service-var"),
        # Sessions that this test logs in are signed with its key; the server must accept them.
        "TOYZ_SECRET_KEY": settings.SECRET_KEY,
    }


#: The queues a test's worker consumes unless told otherwise: all of them, the most urgent first.
ALL_QUEUES = "interactive,prerender,bulk"


@pytest.fixture
def start_worker(service_env: dict[str, str], tmp_path: Path) -> Iterator[Any]:
    """Start `celery worker` processes on the test's database and Redis, each in its own process group
    (so that a test can kill one whole); `start(name, concurrency=1, queues=ALL_QUEUES, **env)` returns the
    process (`queues`: its `-Q`, e.g. "interactive", or "prerender,bulk" as deploy/README.md runs them)."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str, concurrency: int = 1, queues: str = ALL_QUEUES, **extra_env: str) -> subprocess.Popen[bytes]:
        log_path = tmp_path / f"{name}.log"
        process = start_group(
            [sys.executable, "-m", "celery", "-A", "toyz_site", "worker", "--loglevel=INFO", f"--concurrency={concurrency}",
             "-Q", queues, "--without-gossip", "--without-mingle", "-n", f"{name}-{os.getpid()}@%h"],
            log_path, {**service_env, **extra_env},
        )  # fmt: skip
        process.log_path = log_path  # type: ignore[attr-defined]
        started.append(process)
        wait_ready(process, log_path, "ready.", 60, f"worker {name}")
        return process

    yield start
    for process in started:
        stop_group(process, 20)


@pytest.fixture
def celery_worker(start_worker: Any) -> subprocess.Popen[bytes]:
    """One real `celery worker` process with two pool processes."""
    process: subprocess.Popen[bytes] = start_worker("test", concurrency=2)
    return process


@pytest.fixture
def asgi_server(service_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """The real ASGI server, started as `make run` starts it, in the distributed mode; yields its address
    (``127.0.0.1:<port>``). Its log is ``tmp_path / "server.log"``."""
    port = free_port()
    log_path = tmp_path / "server.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--lifespan", "off"],
        cwd=ROOT, env=service_env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip

    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_for(lambda: server.poll() is not None or listening(), 60, "the ASGI server")
        assert server.poll() is None, log_path.read_text()
        yield f"127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=20)


# The production setup's fixtures (nginx, several web processes, a worker): tests/production.py. Imported
# last, since that module takes free_port and embedded_env from here.
from tests.production import production, production_static, start_production  # noqa: E402, F401
