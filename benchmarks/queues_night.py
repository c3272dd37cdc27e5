"""Users during the night: readouts and interactive jobs while the workers pre-render a night, against idle.

Run: ``DATABASE_URL=postgres://... TOYZ_REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python
benchmarks/queues_night.py [--files 6] [--rounds 30]`` (``make bench-queues``).

The distributed mode as deploy/README.md runs it on one node: two ASGI processes, an interactive worker
(``-Q interactive``) and a render worker (``-Q prerender,bulk`` at nice 10), PostgreSQL and Redis. A few users'
sockets each run ``--rounds`` pixel readouts (``imaging.pixel``: in the server process) and a third as many
``imaging.describe`` jobs (through Redis and the interactive worker), one after the other, first with the
workers idle, then while ``toyz_prerender`` has a night of ``--files`` 8-CCD exposures queued in ``bulk``
and being built. Prints ``name: value`` lines: p50 and p99 of each kind, idle and during the night, the
ratios night / idle, and how many of the night's files were still waiting or running when the users were
done (the figures are only meaningful if the night was still going).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from distributed_setup import (  # noqa: E402  (after the path is set)
    ROOT,
    Site,
    Socket,
    cleanup,
    distributed,
    environment,
    prepare,
    summary,
)

SHAPE = (2048, 2048)
WORKERS = [("interactive", "interactive", 2, 0), ("render", "prerender,bulk", 2, 10)]


async def users_work(addresses: list[str], site: Site, rounds: int) -> dict[str, list[float]]:
    """Each workspace's readouts and descriptions, in ms (the first of each is warm-up)."""
    times: dict[str, list[float]] = {"readout": [], "describe": []}

    async def one(n: int, user: str, workspace: int) -> None:
        socket = await Socket.open(addresses[n % len(addresses)], workspace, site.cookies[user])
        rng = random.Random(n)
        for r in range(rounds + 1):
            params = {"path": site.images[user], "hdu": 0, "x": rng.uniform(0, SHAPE[1]), "y": rng.uniform(0, SHAPE[0])}
            elapsed, _ = await socket.job("imaging.pixel", params)
            if r:
                times["readout"].append(elapsed)
            if r % 3 == 0:
                elapsed, _ = await socket.job("imaging.describe", {"path": site.images[user]})
                if r:
                    times["describe"].append(elapsed)
            await asyncio.sleep(rng.uniform(0.05, 0.15))
        await socket.close()

    await asyncio.gather(*(one(n, user, ws) for n, (user, ws) in enumerate(site.workspaces)))
    return times


def night_state() -> tuple[int, int, int]:
    """The night's bulk jobs: (waiting, running, finished)."""
    from apps.jobs.models import Job

    rows = list(Job.objects.filter(queue="bulk").values_list("status", flat=True))
    return rows.count("queued"), rows.count("running"), sum(s in ("done", "error") for s in rows)


def lay_night(data_root: Path, files: int) -> None:
    from workers.imaging.synthetic import write_decam_like

    night = data_root / "night"
    night.mkdir()
    first = write_decam_like(night / "e0.fits", n_ccds=8, ccd_shape=(2048, 2048), seed=1)
    for n in range(1, files):
        os.link(first, night / f"e{n}.fits")  # a new file to the cache: its real path differs


def report(name: str, idle: list[float], night: list[float]) -> None:
    a, b = summary(idle), summary(night)
    print(f"{name}_p50_ms_idle: {a['p50']:.2f}")
    print(f"{name}_p99_ms_idle: {a['p99']:.2f}")
    print(f"{name}_p50_ms_night: {b['p50']:.2f}")
    print(f"{name}_p99_ms_night: {b['p99']:.2f}")
    print(f"{name}_ratio_p50_night_over_idle: {b['p50'] / a['p50']:.2f}")
    print(f"{name}_ratio_p99_night_over_idle: {b['p99'] / a['p99']:.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--users", type=int, default=2)
    parser.add_argument("--workspaces", type=int, default=2, help="per user")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="toyz-bench-queues-") as folder:
        env = environment(Path(folder))
        site = prepare(env, args.users, args.workspaces, SHAPE)
        from django.contrib.auth import get_user_model

        get_user_model().objects.create_superuser("bench-admin", password="bench-password-not-used")
        lay_night(Path(env["TOYZ_DATA_ROOT"]), args.files)
        try:
            with distributed(env, 2, WORKERS) as addresses:
                idle = asyncio.run(users_work(addresses, site, args.rounds))
                subprocess.run(
                    [sys.executable, "manage.py", "toyz_prerender", "night", "--no-wait", "--tasks", "per-file",
                     "--user", "bench-admin"],
                    cwd=ROOT, env=env, check=True, capture_output=True,
                )  # fmt: skip
                deadline = time.monotonic() + 120
                while night_state()[1] == 0:
                    if time.monotonic() > deadline:
                        sys.exit("The night never started: is the render worker running?")
                    time.sleep(0.2)
                night = asyncio.run(users_work(addresses, site, args.rounds))
                waiting, running, finished = night_state()
                report("readout", idle["readout"], night["readout"])
                report("interactive_job", idle["describe"], night["describe"])
                print(f"night_files_waiting_at_end: {waiting}")
                print(f"night_files_running_at_end: {running}")
                print(f"night_files_finished_at_end: {finished}")
        finally:
            _forget_the_night(env["TOYZ_REDIS_URL"])
            cleanup()


def _forget_the_night(redis_url: str) -> None:
    """Drop the night's tasks still queued in this benchmark's own Redis database."""
    import redis

    redis.Redis.from_url(redis_url).delete("interactive", "prerender", "bulk")


if __name__ == "__main__":
    main()
