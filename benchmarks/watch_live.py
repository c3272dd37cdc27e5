"""A watched night, live: how long after its last byte a landing exposure is queued, and pre-rendered.

Run: ``TOYZ_REDIS_URL=redis://127.0.0.1:6379/4 DATABASE_URL=postgres://postgres@127.0.0.1:5432/toyz_watch
.venv/bin/python benchmarks/watch_live.py [--files 6] [--poll 5] [--settle 10]``  (``make bench-watch-live``)

Use a scratch database and Redis database: it migrates the database, makes a superuser ``bench-watch`` if
there is none, and deletes its own Job and WatchedFile rows at the end. It starts one ``celery worker``
(2 processes) and ``manage.py toyz_watch`` on a temporary data root and cache, then copies ``--files``
DECam-like exposures (8 CCDs of 1024 × 512 float32, 16.8 MB) into the watched folder, each in 8 chunks
0.25 s apart, one after the other, and prints:

- ``landed_to_queued_p50_s`` / ``_max_s``: from a file's last byte to its pre-render's queueing
  (``WatchedFile.handled``): the settle time, up to one poll, and the completeness check;
- ``landed_to_built_p50_s`` / ``_max_s``: to its Job's ``finished``;
- ``settle_plus_poll_s``: the baseline that the first figure cannot beat on average (settle + poll / 2).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.2)
    raise SystemExit(f"Gave up waiting for {what} after {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=6)
    parser.add_argument("--poll", type=float, default=5.0)
    parser.add_argument("--settle", type=float, default=10.0)
    args = parser.parse_args()
    if not os.environ.get("TOYZ_REDIS_URL") or not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set TOYZ_REDIS_URL and DATABASE_URL (a scratch Redis database and PostgreSQL database).")
    tmp = Path(tempfile.mkdtemp(prefix="bench-watch-")).resolve()
    for name in ("data/nights", "cache", "var", "sources"):
        (tmp / name).mkdir(parents=True)
    os.environ.update(
        TOYZ_DATA_ROOT=str(tmp / "data"),
        TOYZ_CACHE_DIR=str(tmp / "cache"),
        TOYZ_VAR_DIR=str(tmp / "var"),
        TOYZ_WATCH_FOLDERS="nights",
        TOYZ_SECRET_KEY=os.environ.get("TOYZ_SECRET_KEY", "bench-watch-secret-key"),
        DJANGO_SETTINGS_MODULE="toyz_site.settings",
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from apps.jobs.models import Job
    from apps.watch.models import WatchedFile
    from workers.imaging.synthetic import write_decam_like

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    if not users.filter(is_superuser=True, is_active=True).exists():
        users.create_superuser("bench-watch", "bench-watch@example.org", None)
    sources = [
        write_decam_like(tmp / "sources" / f"e{i}.fits", n_ccds=8, ccd_shape=(1024, 512), seed=i)
        for i in range(args.files)
    ]
    started: list[subprocess.Popen[bytes]] = []
    paths = [f"nights/{source.name}" for source in sources]
    try:
        worker_log, watch_log = tmp / "worker.log", tmp / "watch.log"
        started.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "toyz_site",
                    "worker",
                    "--loglevel=INFO",
                    "--concurrency=2",
                    "--without-gossip",
                    "--without-mingle",
                    "-n",
                    f"bench-watch-{os.getpid()}@%h",
                ],
                cwd=ROOT,
                stdout=worker_log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        started.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "toyz_watch", "--poll", str(args.poll), "--settle", str(args.settle)],
                cwd=ROOT,
                stdout=watch_log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        wait_for(lambda: "ready." in worker_log.read_text(), 120, "the worker")
        wait_for(lambda: "Watching " in watch_log.read_text(), 120, "the watcher")
        landed: dict[str, float] = {}
        for source, path in zip(sources, paths, strict=True):
            data = source.read_bytes()
            with (tmp / "data" / path).open("wb") as out:
                for k in range(8):
                    out.write(data[len(data) * k // 8 : len(data) * (k + 1) // 8])
                    out.flush()
                    time.sleep(0.25)
            landed[path] = time.time()
        rows = WatchedFile.objects.filter(path__in=paths)
        wait_for(lambda: rows.filter(outcome=WatchedFile.Outcome.BUILT).count() == len(paths), 1800, "the night")
        queued, built = [], []
        for row in rows:
            assert row.job_id is not None
            job = Job.objects.get(pk=row.job_id)
            assert job.finished is not None
            queued.append(row.handled.timestamp() - landed[row.path])
            built.append(job.finished.timestamp() - landed[row.path])
        print(f"files: {len(paths)} ({sources[0].stat().st_size / 1e6:.1f} MB each)")
        print(f"settle_plus_poll_s: {args.settle + args.poll / 2:.1f}")
        print(f"landed_to_queued_p50_s: {statistics.median(queued):.1f}")
        print(f"landed_to_queued_max_s: {max(queued):.1f}")
        print(f"landed_to_built_p50_s: {statistics.median(built):.1f}")
        print(f"landed_to_built_max_s: {max(built):.1f}")
        print(f"incomplete_reports: {watch_log.read_text().count('Incomplete:')}")
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
        Job.objects.filter(params__path__in=paths).delete()
        WatchedFile.objects.filter(path__in=paths).delete()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
