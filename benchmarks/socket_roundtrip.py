"""Socket job round trip: 50 open workspaces (a few users) each sending pixel readouts over its socket.

Run: ``DATABASE_URL=postgres://... TOYZ_REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python
benchmarks/socket_roundtrip.py [--sockets 50] [--users 5] [--readouts 20] [--interval 1]``
(``make bench-socket``).

The distributed mode as deployed (deploy/README.md): PostgreSQL, the Redis channel layer, two ASGI server
processes (uvicorn) with the sockets spread over them, an interactive worker (``-Q interactive``) and a render
worker (``-Q prerender,bulk``). Every socket sends ``imaging.pixel`` jobs (a readout of its user's 2k x 2k
image at a random pixel) one after the other, ``--interval`` seconds apart on average (exponentially
distributed pauses: one readout a second per workspace, 50 a second in all, by default), all sockets at once;
the round trip is from the send to the job's result on the socket. The first two readouts of each socket are
warm-up (each server process opens the file once). Two arms, in the same run:

- ``inline`` (the default, ``TOYZ_INLINE_JOBS=1``): readouts run in the server process's pool;
- ``celery`` (``TOYZ_INLINE_JOBS=0``): every readout goes through Redis to the interactive worker and back.

Prints ``name: value`` lines: ``p50_ms_<arm>``, ``p99_ms_<arm>``, ``max_ms_<arm>``, ``readouts_<arm>``,
``readouts_per_s_<arm>``, ``server_cpu_ms_per_readout_<arm>`` (the server processes' CPU time over the
readouts: what bounds the rate a machine can take); targets (issue 12): p50 <= 10 ms, p99 <= 50 ms. The
clients run in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from distributed_setup import (  # noqa: E402  (after the path is set)
    SERVER_PIDS,
    Site,
    Socket,
    cleanup,
    cpu_seconds,
    distributed,
    environment,
    prepare,
    summary,
)

SHAPE = (2048, 2048)
WARMUP = 2
WORKERS = [("interactive", "interactive", 2, 0), ("render", "prerender,bulk", 2, 10)]


async def readouts(addresses: list[str], site: Site, sockets: int, count: int, interval: float) -> list[float]:
    """Every socket's readouts after warm-up, in ms."""
    opened = []
    for n, (user, workspace) in enumerate(site.workspaces[:sockets]):
        opened.append((user, await Socket.open(addresses[n % len(addresses)], workspace, site.cookies[user])))
    times: list[float] = []

    async def one(user: str, socket: Socket, seed: int) -> None:
        rng = random.Random(seed)
        await asyncio.sleep(rng.uniform(0, interval))  # not all in step
        for n in range(WARMUP + count):
            params = {"path": site.images[user], "hdu": 0, "x": rng.uniform(0, SHAPE[1]), "y": rng.uniform(0, SHAPE[0])}
            elapsed, _ = await socket.job("imaging.pixel", params)
            if n >= WARMUP:
                times.append(elapsed)
            await asyncio.sleep(rng.expovariate(1 / interval) if interval > 0 else 0)

    await asyncio.gather(*(one(user, socket, n) for n, (user, socket) in enumerate(opened)))
    for _, socket in opened:
        await socket.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=50)
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--readouts", type=int, default=20, help="per socket, after warm-up")
    parser.add_argument("--interval", type=float, default=1.0, help="mean seconds between a socket's readouts")
    parser.add_argument("--processes", type=int, default=2, help="ASGI server processes")
    parser.add_argument("--arms", default="inline,celery")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="toyz-bench-socket-") as folder:
        env = environment(Path(folder))
        site = prepare(env, args.users, -(-args.sockets // args.users), SHAPE)
        try:
            for arm in args.arms.split(","):
                arm_env = {**env, "TOYZ_INLINE_JOBS": "1" if arm == "inline" else "0"}
                with distributed(arm_env, args.processes, WORKERS) as addresses:
                    start, cpu = time.perf_counter(), cpu_seconds(SERVER_PIDS)
                    times = asyncio.run(readouts(addresses, site, args.sockets, args.readouts, args.interval))
                    elapsed, cpu = time.perf_counter() - start, cpu_seconds(SERVER_PIDS) - cpu
                figures = summary(times)
                print(f"p50_ms_{arm}: {figures['p50']:.2f}")
                print(f"p99_ms_{arm}: {figures['p99']:.2f}")
                print(f"max_ms_{arm}: {figures['max']:.2f}")
                print(f"readouts_{arm}: {len(times)}")
                print(f"readouts_per_s_{arm}: {len(times) / elapsed:.0f}")
                # What the server processes spent per readout (warm-up included): load-independent cost.
                warm = len(times) + WARMUP * args.sockets
                print(f"server_cpu_ms_per_readout_{arm}: {1000 * cpu / warm:.2f}", flush=True)
            print(f"sockets: {args.sockets}")
            print(f"server_processes: {args.processes}")
        finally:
            cleanup()


if __name__ == "__main__":
    main()
