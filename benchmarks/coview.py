"""Live co-viewing: how long a view change of one client takes to reach the 9 others.

Run: ``.venv/bin/python benchmarks/coview.py [--rounds 300] [--clients 10]`` (``make bench-coview``)

It makes a fresh SQLite database in a temporary folder, 10 users and one workspace that alice owns
and shares (view and change) with the 9 others, starts the real ASGI server (uvicorn, as ``make run``
does) and opens one workspace socket per user, all in this process. Alice then sends view messages
(``{"type": "view", "tile", "state"}``, a viewer's whole state as the page sends it), one at a time:
each round ends when all 9 others have received it, then waits 10 ms. The latency of a delivery is
the time from just before the send to the receiving socket's read of the event; ``p50_ms:`` and
``p99_ms:`` are over every delivery of every round after 20 rounds of warm-up.

- ``embedded``: one server process, the in-memory channel layer (no Redis configured);
- ``redis`` (when ``TOYZ_REDIS_URL`` is set): two server processes on the Redis channel layer, the
  sockets split between them, alice on the first: 4 deliveries of each round stay in her process
  and 5 cross to the other (also reported alone, ``cross_process_p50_ms``).

The clients share this one Python process, so the figures include their own reading and JSON decoding.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WARMUP = 20
PAUSE_S = 0.01
STATE = {
    "path": "home/alice/m13.fits",
    "hdu": 0,
    "plane": 0,
    "stretch": "asinh",
    "limits": "zscale",
    "cmap": "viridis",
    "invert": False,
    "contrast": 1,
    "bias": 0.5,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(env: dict[str, str], clients: int) -> tuple[int, list[str]]:
    """Migrate the database, make the users and the shared workspace; their session cookies."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "toyz_site.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from guardian.shortcuts import assign_perm

    from apps.workspaces.models import Workspace

    model = get_user_model()
    names = ["alice"] + [f"user{i}" for i in range(1, clients)]
    users = [model.objects.create_user(name, password="x") for name in names]
    workspace = Workspace.objects.create(owner=users[0], name="Bench")
    cookies = []
    for user in users[1:]:
        assign_perm("workspaces.view_workspace", user, workspace)
        assign_perm("workspaces.change_workspace", user, workspace)
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
    return int(workspace.pk), cookies


@contextmanager
def server(env: dict[str, str], log: Path) -> Iterator[str]:
    """A uvicorn process serving Toyz; yields its address."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--lifespan", "off"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


async def measure(addresses: list[str], workspace: int, cookies: list[str], rounds: int) -> dict[str, list[float]]:
    """Latencies (ms) of every delivery, by whether it crossed to another server process."""
    from websockets.asyncio.client import ClientConnection, connect

    sockets: list[ClientConnection] = []
    same: set[int] = set()  # the receivers on alice's server process
    for i, cookie in enumerate(cookies):
        # Alice and the first half on the first server, the rest on the last one.
        address = addresses[0] if i <= (len(cookies) - 1) // 2 else addresses[-1]
        if address == addresses[0]:
            same.add(i)
        ws = await connect(
            f"ws://{address}/ws/workspaces/{workspace}/",
            additional_headers={"Cookie": cookie},
            origin=f"http://{address}",  # type: ignore[arg-type]
        )
        hello = json.loads(await ws.recv())
        assert hello.get("event") == "workspace", hello
        sockets.append(ws)
    sent_at: dict[int, float] = {}
    got: dict[int, int] = {}
    done: dict[int, asyncio.Event] = {}
    latencies: dict[str, list[float]] = {"all": [], "same": [], "cross": []}

    async def receive(index: int, ws: ClientConnection) -> None:
        async for raw in ws:
            now = time.perf_counter()
            message = json.loads(raw)
            if message.get("event") != "view":
                continue
            seq = int(message["seq"])
            if seq >= WARMUP:
                ms = (now - sent_at[seq]) * 1000.0
                latencies["all"].append(ms)
                latencies["same" if index in same else "cross"].append(ms)
            got[seq] = got.get(seq, 0) + 1
            if got[seq] == len(sockets) - 1:
                done[seq].set()

    readers = [asyncio.create_task(receive(i, ws)) for i, ws in enumerate(sockets) if i > 0]
    sender = sockets[0]
    for seq in range(WARMUP + rounds):
        done[seq] = asyncio.Event()
        state = {**STATE, "center": [1000.0 + seq, 2000.0 - seq], "resolution": 1.0 + seq % 7}
        message = json.dumps({"type": "view", "tile": "t1", "state": state, "seq": seq})
        sent_at[seq] = time.perf_counter()
        await sender.send(message)
        await asyncio.wait_for(done[seq].wait(), timeout=30)
        await asyncio.sleep(PAUSE_S)
    for task in readers:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return latencies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def report(mode: str, latencies: dict[str, list[float]]) -> None:
    values = latencies["all"]
    print(f"mode: {mode}")
    print(f"deliveries: {len(values)}")
    print(f"p50_ms: {statistics.median(values):.2f}")
    print(f"p99_ms: {percentile(values, 99):.2f}")
    print(f"max_ms: {max(values):.2f}")
    if mode == "redis" and latencies["cross"]:
        print(f"same_process_p50_ms: {statistics.median(latencies['same']):.2f}")
        print(f"cross_process_p50_ms: {statistics.median(latencies['cross']):.2f}")
        print(f"cross_process_p99_ms: {percentile(latencies['cross'], 99):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()
    redis_url = os.environ.get("TOYZ_REDIS_URL", "")
    with tempfile.TemporaryDirectory(prefix="toyz-bench-coview-") as folder:
        base = Path(folder)
        (base / "data").mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL")}
        env.update(
            TOYZ_VAR_DIR=str(base / "var"),
            TOYZ_DATA_ROOT=str(base / "data"),
            TOYZ_CACHE_DIR=str(base / "cache"),
            TOYZ_SECRET_KEY="bench-coview-" + "x" * 40,
        )
        workspace, cookies = prepare(env, args.clients)
        with server(env, base / "embedded.log") as address:
            report("embedded", asyncio.run(measure([address], workspace, cookies, args.rounds)))
        if not redis_url:
            print("redis: skipped (set TOYZ_REDIS_URL to measure two server processes on Redis)")
            return
        distributed = {**env, "TOYZ_REDIS_URL": redis_url}
        with server(distributed, base / "a.log") as first, server(distributed, base / "b.log") as second:
            report("redis", asyncio.run(measure([first, second], workspace, cookies, args.rounds)))


if __name__ == "__main__":
    main()
