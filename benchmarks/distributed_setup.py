"""The distributed mode for benchmarks: PostgreSQL, Redis, several ASGI server processes and Celery workers,
started as deploy/README.md runs them, and users with open workspace sockets.

Used by ``socket_roundtrip.py`` and ``queues_night.py``. The database (``DATABASE_URL``) is migrated and gets
users named ``bench-*`` (removed again at the end); Redis (``TOYZ_REDIS_URL``) should be a database number of
the benchmark's own. Files go to a temporary folder.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy.processes import start_group, stop_group, wait_ready  # noqa: E402  (after the path is set)

#: The process ids of the servers started by :func:`servers` (while they run), for CPU accounting.
SERVER_PIDS: list[int] = []


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds used so far by the processes ``pids`` (and their waited-for children)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p99": percentile(values, 99), "max": max(values)}


def environment(base: Path, **extra: str) -> dict[str, str]:
    """The environment of every process: the caller's database and Redis, the temporary data and cache."""
    for name in ("DATABASE_URL", "TOYZ_REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(
                f"Set {name}: the benchmark runs the distributed mode (PostgreSQL and a Redis database of its own)."
            )
    (base / "data").mkdir(exist_ok=True)
    (base / "cache").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "TOYZ_DATA_ROOT": str(base / "data"),
        "TOYZ_CACHE_DIR": str(base / "cache"),
        "TOYZ_VAR_DIR": str(base / "var"),
        "TOYZ_SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "DJANGO_SETTINGS_MODULE": "toyz_site.settings",
        **extra,
    }
    return env


def _wait_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 90
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start:\n{log.read_text()}")
        time.sleep(0.2)


@contextmanager
def servers(env: dict[str, str], count: int, logs: Path) -> Iterator[list[str]]:
    """``count`` uvicorn processes on the Redis channel layer; yields their addresses."""
    started: list[subprocess.Popen[bytes]] = []
    addresses = []
    try:
        for n in range(count):
            port = free_port()
            log = logs / f"server{n}.log"
            process = start_group(
                [sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--host", "127.0.0.1", "--port",
                 str(port), "--no-access-log", "--lifespan", "off", "--no-server-header"],
                log, env,
            )  # fmt: skip
            started.append(process)
            SERVER_PIDS.append(process.pid)
            _wait_listening(process, port, log)
            addresses.append(f"127.0.0.1:{port}")
        yield addresses
    finally:
        SERVER_PIDS.clear()
        for process in started:
            stop_group(process, 30)


@contextmanager
def worker(env: dict[str, str], name: str, queues: str, concurrency: int, logs: Path, nice: int = 0) -> Iterator[None]:
    """A ``celery worker`` consuming ``queues`` (``nice`` raises its CPU niceness, as ``make worker-render``)."""
    log = logs / f"{name}.log"
    command = [sys.executable, "-m", "celery", "-A", "toyz_site", "worker", "-Q", queues, "-n", f"{name}@%h",
               f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip", "--without-mingle"]  # fmt: skip
    if nice:
        command = ["nice", "-n", str(nice), *command]
    process = start_group(command, log, env)
    try:
        wait_ready(process, log, "ready.", 90, f"the worker {name}")
        yield
    finally:
        stop_group(process, 30)


@dataclass
class Site:
    """The users, their workspaces and session cookies, and the image each may read."""

    cookies: dict[str, str] = field(default_factory=dict)  # username -> Cookie header
    workspaces: list[tuple[str, int]] = field(default_factory=list)  # (username, workspace id)
    images: dict[str, str] = field(default_factory=dict)  # username -> client path


def prepare(env: dict[str, str], users: int, workspaces_each: int, image_shape: tuple[int, int]) -> Site:
    """Migrate, then make the users (each with an image in their home) and their workspaces, in this process."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    os.environ.update(env)
    import django

    django.setup()
    import numpy as np
    from astropy.io import fits
    from django.contrib.auth import get_user_model
    from django.test import Client

    from apps.workspaces.models import Workspace

    cleanup()
    site = Site()
    data_root = Path(env["TOYZ_DATA_ROOT"])
    rng = np.random.default_rng(1)
    for n in range(users):
        name = f"bench-{n}"
        user = get_user_model().objects.create_user(name, password="bench-password-not-used")
        home = data_root / "home" / name
        home.mkdir(parents=True, exist_ok=True)
        data = rng.normal(100, 10, image_shape).astype(np.float32)
        fits.PrimaryHDU(data).writeto(home / "field.fits", overwrite=True)
        site.images[name] = f"home/{name}/field.fits"
        client = Client()
        client.force_login(user)
        site.cookies[name] = f"sessionid={client.cookies['sessionid'].value}"
        for w in range(workspaces_each):
            site.workspaces.append((name, int(Workspace.objects.create(owner=user, name=f"bench {w}").pk)))
    return site


def cleanup() -> None:
    """Remove the benchmark's users (their workspaces and jobs go with them)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username__startswith="bench-").delete()


class Socket:
    """One open workspace socket that runs jobs and times them (send to result)."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.next_id = 0

    @classmethod
    async def open(cls, address: str, workspace: int, cookie: str) -> Socket:
        from websockets.asyncio.client import connect

        connection = await connect(
            f"ws://{address}/ws/workspaces/{workspace}/",
            additional_headers={"Cookie": cookie},
            origin=f"http://{address}",  # type: ignore[arg-type]
            max_size=2**24,
        )
        while json.loads(await connection.recv()).get("event") != "workspace":
            pass
        return cls(connection)

    async def job(self, fn: str, params: dict[str, Any], timeout: float = 120) -> tuple[float, dict[str, Any]]:
        """Run one job; its round trip in ms (send to result) and the result message."""
        self.next_id += 1
        wanted = self.next_id
        start = time.perf_counter()
        await self.connection.send(json.dumps({"type": "job", "id": wanted, "fn": fn, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.connection.recv(), timeout))
            if message.get("id") == wanted and message.get("type") == "result":
                elapsed = (time.perf_counter() - start) * 1000.0
                if message["status"] != "ok":
                    raise RuntimeError(f"{fn} failed: {message}")
                return elapsed, message

    async def close(self) -> None:
        await self.connection.close()


@contextmanager
def distributed(env: dict[str, str], processes: int, workers: list[tuple[str, str, int, int]]) -> Iterator[list[str]]:
    """Servers and workers (name, queues, concurrency, nice) of one run; yields the servers' addresses."""
    logs = Path(env["TOYZ_VAR_DIR"]).parent / "logs"
    logs.mkdir(exist_ok=True)
    with ExitStack() as stack:
        for name, queues, concurrency, nice in workers:
            stack.enter_context(worker(env, name, queues, concurrency, logs, nice))
        yield stack.enter_context(servers(env, processes, logs))
