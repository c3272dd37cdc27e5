"""CPU per pre-rendered tile through /tiles/ + X-Accel-Redirect: the web processes' and PostgreSQL's.

Run: ``.venv/bin/python benchmarks/request_cpu.py [--requests 3000]`` with ``DATABASE_URL`` and
``TOYZ_REDIS_URL`` set (as for ``make bench-serve``, whose work folder, image and functions it reuses).

Throughput on this shared 2-core machine follows whatever else runs; the CPU a request costs does not. It
starts the production setup (``benchmarks/serve.py``'s ``production_site``), sends ``--requests`` tile
requests one after another on one keep-alive connection, and prints per request: the wall time, the CPU of
the web processes (uvicorn's master and workers) and the CPU of PostgreSQL (the postmaster and its children,
those that exited included: a connection per request is a backend forked and reaped per request; other
clients of that PostgreSQL count too, so run it on a quiet server).
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

import serve  # noqa: E402  (after the path is set)

from workers.imaging import default_cuts  # noqa: E402

POSTMASTER_PID = Path("/var/run/postgresql/15-main.pid")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of ``pids`` and of their reaped children; a process gone meanwhile counts 0."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def children(ppid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == ppid:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--workdir", type=Path, default=serve.ROOT / "var" / "bench-serve")
    parser.add_argument("--postmaster-pid", type=Path, default=POSTMASTER_PID, help="PostgreSQL's pid file")
    options = parser.parse_args()
    for name in ("DATABASE_URL", "TOYZ_REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"Set {name} (the production setup's PostgreSQL database and Redis).")
    args = argparse.Namespace(
        database_url=os.environ["DATABASE_URL"], redis_url=os.environ["TOYZ_REDIS_URL"], web_processes=2
    )
    work = options.workdir.absolute()
    path = serve.ensure_image(work / "data", 2)
    ccds = serve.prerender(path, work / "cache")
    password = secrets.token_urlsafe(16)
    postmaster = int(options.postmaster_pid.read_text().split()[0]) if options.postmaster_pid.exists() else None
    with serve.production_site(work, args, password) as base:
        cookie = serve.login(base, password)
        hdu = ccds[0][0]
        lo, hi = default_cuts(path, hdu=hdu, plane=0, cache_dir=work / "cache")["zscale"]
        query = serve.template(base, cookie, hdu, lo=repr(lo), hi=repr(hi))["template"].split("?", 1)[1]
        paths = serve.tile_paths(f"/tiles/{{level}}/{{tx}}/{{ty}}.png?{query}", ccds, hdu)
        host, port = base.split("//")[1].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=60)

        def get(tile: str) -> None:
            connection.request("GET", tile, headers={"Cookie": cookie})
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200 or reply.getheader("X-Toyz-Cache") != "hit":
                sys.exit(f"{tile}: {reply.status} {reply.getheader('X-Toyz-Cache')}")

        for tile in paths[:200]:  # warm-up: every process has opened what it keeps open
            get(tile)
        masters = [c for c in children(os.getpid()) if b"uvicorn" in Path(f"/proc/{c}/cmdline").read_bytes()]
        web = masters + [c for m in masters for c in children(m)]
        database = [postmaster, *children(postmaster)] if postmaster else []
        web0, db0, start = cpu_seconds(web), cpu_seconds(database), time.perf_counter()
        for i in range(options.requests):
            get(paths[i % len(paths)])
        web1, db1, end = cpu_seconds(web), cpu_seconds(database), time.perf_counter()
        n = options.requests
        serve.say(f"wall_ms_per_request: {1000 * (end - start) / n:.2f}")
        serve.say(f"web_cpu_ms_per_request: {1000 * (web1 - web0) / n:.2f}")
        serve.say(f"postgres_cpu_ms_per_request: {1000 * (db1 - db0) / n:.2f}  (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
