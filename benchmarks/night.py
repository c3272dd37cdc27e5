"""The night, measured: a synthetic night of DECam-like exposures pre-rendered by real Celery workers.

Run: ``make bench-night`` (``.venv/bin/python benchmarks/night.py [--exposures 100]``); Redis and
PostgreSQL must be running. The benchmark uses a Redis database and a PostgreSQL database of its
own (``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/8``, flushed first; ``BENCH_DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/toyz_bench``, created and migrated when missing).

1. The exposure: ``benchmarks/decam.py``'s synthetic DECam-like file (62 CCDs of 2048×4096, fpack'd
   to 308 MB; generated once into ``--workdir``, default ``var/bench``, shared with
   ``make bench-decam``). ``--ccds``/``--ccd-shape`` make a smaller one (Rice-compressed by astropy).
2. The baseline arm (``--baseline-exposures``, default 2): the same exposures pre-rendered by the
   imaging core of this tree and by that of ``--baseline-ref`` (the engine before issue 12's
   speed-ups, laid out with ``git archive``), each on 2 processes taking one task per CCD then one
   per file (``benchmarks/prerender_arm.py``), one after the other in this run: ``arm_*`` lines
   and their ratios, and a comparison of what the two wrote (every level and cut, the decoded
   pixels of up to ``--compare-tiles`` tiles): identical pictures, and the PNG bytes' ratio.
3. The night: ``--exposures`` hard links of the exposure (each a new file to the cache: its
   identity includes its path) in one folder of the data root, one ``celery worker`` with
   ``--concurrency`` processes (2) consuming ``--queues``, and one command, ``manage.py
   toyz_prerender night --recursive``. ``night_total_s`` is the command's wall time (its start-up
   included; ``night_build_s`` from the first task queued to the last one finished);
   ``night_s_per_exposure_*`` each exposure's own time (its first task started to its last task
   finished, from the Job rows), ``night_cache_mb_per_exposure`` what its pre-render wrote,
   ``night_worker_cpus_used`` the workers' CPU seconds over the wall time (below 2, other programs
   on the machine took CPU from them; ``night_minutes_if_cores_free`` divides the workers' CPU
   seconds by their processes instead), ``night_minutes`` the total.
4. Two nodes (``--two-node-exposures``, default 6, a subset of the night): the same number of new
   exposures pre-rendered by one worker ``nodeA@<host>`` (one process), then by ``nodeA`` and
   ``nodeB`` together (one process each, different node names and queue lists, the same cache
   folder, Redis and database): ``two_node_speedup``.

The disk: one exposure's cache is about 1.2 GB, a 100-exposure night 120 GB. Unless ``--keep``,
once an exposure is complete (its marker written) and ``--reap-after`` seconds old (40 s: the
kernel has written it back by then, as a real night's would be), its size is measured and its
space given back: its tiles truncated to nothing and its levels deleted. Tiles are truncated
rather than deleted because this ext4 (no journal) skips recently freed inodes one by one when it
allocates new ones: deleting 11,000 files per exposure made each later file creation several times
slower, which a real night, which deletes nothing, does not pay. A folder's walk (eviction's
``keep_in_bounds``) still sees every file. Everything goes at the end. If free space falls under
``--min-free-gb``, exposures are reaped at once, and under half of it the run stops.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import decam  # noqa: E402  (this folder's DECam generator: the same exposure as make bench-decam)

from workers.imaging import file_identity  # noqa: E402
from workers.imaging.synthetic import write_decam_like  # noqa: E402

#: The engine before issue 12's speed-ups (the pre-render's PNG encoding, index mapping, file writes).
BASELINE_REF = "c9ce936"
DEFAULT_REDIS = "redis://127.0.0.1:6379/8"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/toyz_bench"
USER = "night-bench"
MARKER = "prerendered-all.json"


Results = decam.Results


# --- services -------------------------------------------------------------------------------------


def service_urls() -> tuple[str, str]:
    """The benchmark's own Redis and PostgreSQL URLs (refusing Redis database 0, a server's default)."""
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS
    database_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE
    if urlsplit(redis_url).path.strip("/") in ("", "0"):
        sys.exit(f"BENCH_REDIS_URL={redis_url}: give the benchmark a Redis database number of its own (it is flushed)")
    return redis_url, database_url


def prepare_services(redis_url: str, database_url: str) -> None:
    """Flush the benchmark's Redis database and create its PostgreSQL database if missing."""
    import psycopg
    import redis

    client = redis.Redis.from_url(redis_url)
    client.ping()
    client.flushdb()  # tasks left by an interrupted run would be built in this one
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def service_env(workdir: Path, redis_url: str, database_url: str) -> dict[str, str]:
    """The environment of every process of the benchmark (workers, the command, this one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOYZ_")}
    env.update(
        DJANGO_SETTINGS_MODULE="toyz_site.settings",
        TOYZ_REDIS_URL=redis_url,
        DATABASE_URL=database_url,
        TOYZ_VAR_DIR=str(workdir / "night-var"),
        TOYZ_DATA_ROOT=str(workdir / "night-data"),
        TOYZ_CACHE_DIR=str(workdir / "night-cache"),
        # Nothing is evicted during the run: the reaper gives the space back instead (see above).
        TOYZ_CACHE_MAX_GB="100000",
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    """Migrate the benchmark's database, set Django up in this process and make its superuser."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from apps.jobs.models import Job

    Job.objects.all().delete()  # an earlier run's rows
    users = get_user_model().objects
    if not users.filter(username=USER).exists():
        users.create_superuser(USER, email=None, password=None)


def default_queues() -> list[str]:
    """The queues the project's Celery app declares (all of them), else its default queue."""
    from toyz_site.celery import app

    declared = app.conf.task_queues
    names = [str(q.name) for q in declared] if declared else []
    return names or [str(app.conf.task_default_queue)]


# --- workers --------------------------------------------------------------------------------------


@dataclass
class Worker:
    """A real ``celery worker`` process (its own process group) and what it cost."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    cpu_s: float = 0.0


def start_worker(env: dict[str, str], name: str, queues: Sequence[str], concurrency: int, logs: Path) -> Worker:
    """Start ``celery worker -n <name>@<host> -Q <queues>`` and wait until it is ready."""
    log = logs / f"{name}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "toyz_site", "worker", "--loglevel=INFO",
         f"--concurrency={concurrency}", "-Q", ",".join(queues), "-n", f"{name}@%h",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while "ready." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            raise RuntimeError(f"worker {name} did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    return Worker(name, process, log)


def stop_worker(worker: Worker) -> None:
    """Warm shutdown; the CPU seconds of the worker and of its pool processes (which it waited for)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(worker.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pid, status, usage = os.wait4(worker.process.pid, os.WNOHANG)
        if pid:
            worker.process.returncode = os.waitstatus_to_exitcode(status)
            worker.cpu_s = usage.ru_utime + usage.ru_stime
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait()


@contextlib.contextmanager
def workers(env: dict[str, str], specs: Sequence[tuple[str, Sequence[str], int]], logs: Path) -> Iterator[list[Worker]]:
    """Workers ``(name, queues, concurrency)``, stopped (and their CPU read) when the block ends."""
    started: list[Worker] = []
    try:
        for name, queues, concurrency in specs:
            started.append(start_worker(env, name, queues, concurrency, logs))
        yield started
    finally:
        for worker in started:
            stop_worker(worker)


# --- the disk -------------------------------------------------------------------------------------


def free_gb(folder: Path) -> float:
    """Free gigabytes on the disk of ``folder`` (or of its nearest existing parent)."""
    while not folder.exists():
        folder = folder.parent
    return shutil.disk_usage(folder).free / 1e9


@dataclass
class Footprint:
    """What one exposure's pre-render left in the cache."""

    files: int = 0
    tiles: int = 0
    bytes: int = 0


def footprint(folder: Path) -> Footprint:
    found = Footprint()
    for current, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                found.bytes += (Path(current) / name).stat().st_size
                found.files += 1
                found.tiles += name.endswith(".png")
    return found


def give_back(folder: Path) -> None:
    """Free an identity folder's space without freeing its inodes: tiles truncated, levels deleted."""
    for current, _, names in os.walk(folder):
        for name in names:
            path = Path(current) / name
            with contextlib.suppress(OSError):
                if name.endswith(".npy"):
                    path.unlink()  # a few hundred per exposure; processes mapping one keep reading it
                elif name.endswith(".png"):
                    os.truncate(path, 0)


@dataclass
class Reaper:
    """Measures each complete exposure of a night and gives its space back (see the module's docstring)."""

    cache: Path
    exposures: dict[str, str]  # identity -> the exposure's client path
    after_s: float
    min_free_gb: float
    keep: bool = False
    sizes: dict[str, Footprint] = field(default_factory=dict)
    low_disk: bool = False
    _seen: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Reaper:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._sweep(final=True)

    def _run(self) -> None:
        from django.db import connection

        try:
            while not self._stop.wait(0.5):
                self._sweep(final=False)
        finally:
            connection.close()  # this thread's own

    def _sweep(self, *, final: bool) -> None:
        now = time.monotonic()
        short = free_gb(self.cache) < self.min_free_gb
        self.low_disk = self.low_disk or free_gb(self.cache) < self.min_free_gb / 2
        for identity in self.exposures:
            if identity in self.sizes:
                continue
            folder = self.cache / identity
            if identity not in self._seen:
                if not (folder / MARKER).exists():
                    continue
                self._seen[identity] = now
            due = short or now - self._seen[identity] >= self.after_s
            if final or (due and not _running(self.exposures[identity])):
                self.sizes[identity] = footprint(folder)
                if not self.keep:
                    give_back(folder)


def _running(client: str) -> bool:
    """Whether a job of that exposure is still queued or running (an HDU's task may outlast the file's)."""
    from apps.jobs.models import Job

    return Job.objects.filter(params__path=client, finished__isnull=True).exists()


def check_disk(workdir: Path, needed_gb: float, out: Results) -> None:
    free = free_gb(workdir)
    out.put("disk_free_gb_start", free)
    if free < needed_gb:
        sys.exit(f"{free:.0f} GB free under {workdir}: this run needs about {needed_gb:.0f} GB")


# --- the exposures ------------------------------------------------------------------------------


def exposure(workdir: Path, ccds: int, shape: tuple[int, int], out: Results) -> Path:
    """The compressed exposure every night links to: ``bench-decam``'s for the DECam shape."""
    if shape == decam.CCD_SHAPE:
        return decam.ensure_exposure(workdir, ccds, out)[1]
    path = workdir / f"decam-{ccds}-{shape[0]}x{shape[1]}.fits.fz"
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        write_decam_like(tmp, n_ccds=ccds, ccd_shape=shape, seed=0, compress=True)
        tmp.replace(path)
    return path


def link_night(source: Path, data_root: Path, folder: str, count: int) -> list[Path]:
    """``count`` hard links of ``source`` in ``folder`` of the data root (made anew: new files to the cache)."""
    night = data_root / folder
    shutil.rmtree(night, ignore_errors=True)
    night.mkdir(parents=True)
    links = [night / f"exp{n:03d}.fits.fz" for n in range(count)]
    for link in links:
        os.link(source, link)
    return links


# --- the baseline arm ---------------------------------------------------------------------------


def baseline_tree(workdir: Path, ref: str) -> Path | None:
    """The ``workers/`` package of ``ref``, laid out once under ``workdir``; None without git or the ref."""
    target = workdir / f"baseline-{ref}"
    if (target / "workers" / "imaging").is_dir():
        return target
    archive = workdir / f".baseline-{ref}.tar"
    made = subprocess.run(
        ["git", "archive", "--format=tar", "-o", str(archive), ref, "workers"], cwd=ROOT, capture_output=True
    )
    if made.returncode != 0:
        archive.unlink(missing_ok=True)
        return None
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    return target


def run_arm(tree: Path, cache: Path, files: Sequence[Path], processes: int) -> dict[str, Any]:
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "prerender_arm.py"), "--root", str(tree), "--cache", str(cache),
         "--processes", str(processes), *map(str, files)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def compare_caches(ours: Path, theirs: Path, limit: int) -> tuple[int, int, int, float, int]:
    """Compare what two arms wrote for the same files: (files compared, tiles decoded, differing, PNG bytes
    ratio, stored raw tiles that only ours wrote).

    Levels and cuts are compared whole; PNG tiles by their decoded RGBA pixels, for an evenly spread
    ``limit`` of them (every tile's size is summed). The raw tiles a pre-render now stores (the coarse
    levels' float tiles, ``raw/`` folders) have no counterpart in an older engine: they are counted, not
    compared (workers/imaging/tests/test_raw_tiles.py checks their values against the levels)."""
    import numpy as np
    from PIL import Image

    def listing(root: Path) -> list[Path]:
        return sorted(
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file() and not p.name.startswith(".") and p.suffix != ".lock"
        )

    raw = [p for p in listing(ours) if "raw" in p.parts[:-1] and p.name.endswith(".raw.gz")]
    names = sorted(set(listing(ours)) - set(raw))
    if names != listing(theirs):
        return len(names), 0, -1, 0.0, len(raw)
    tiles = [name for name in names if name.suffix == ".png"]
    step = max(1, len(tiles) // max(1, limit))
    decoded = set(tiles[::step])
    differing = 0
    ours_bytes = theirs_bytes = 0
    for name in names:
        a, b = ours / name, theirs / name
        if name.suffix == ".png":
            ours_bytes += a.stat().st_size
            theirs_bytes += b.stat().st_size
            if name in decoded:
                with Image.open(a) as x, Image.open(b) as y:
                    differing += not np.array_equal(np.asarray(x.convert("RGBA")), np.asarray(y.convert("RGBA")))
        elif name.suffix == ".npy":
            differing += not np.array_equal(np.load(a), np.load(b), equal_nan=True)
        elif name.name == "cuts.json":
            differing += json.loads(a.read_text()) != json.loads(b.read_text())
    return len(names), len(decoded), differing, ours_bytes / max(1, theirs_bytes), len(raw)


def baseline_arm(args: argparse.Namespace, source: Path, data_root: Path, out: Results) -> None:
    tree = baseline_tree(args.workdir, args.baseline_ref)
    if tree is None:
        out.put("arm", f"skipped: git archive of {args.baseline_ref} failed (not a git checkout, or no such commit)")
        return
    files = link_night(source, data_root, "arm", args.baseline_exposures)
    caches = {"baseline": args.workdir / "arm-cache-baseline", "current": args.workdir / "arm-cache-current"}
    out.put("arm_exposures", len(files))
    out.put("arm_baseline_ref", args.baseline_ref)
    results = {
        "baseline": run_arm(tree, caches["baseline"], files, args.concurrency),
        "current": run_arm(ROOT, caches["current"], files, args.concurrency),
    }
    for name, result in results.items():
        out.put(f"arm_{name}_s_per_exposure", result["wall_s"] / len(files))
        out.put(f"arm_{name}_cpu_s_per_exposure", result["cpu_s"] / len(files))
    out.put("arm_speedup_wall", results["baseline"]["wall_s"] / results["current"]["wall_s"])
    out.put("arm_speedup_cpu", results["baseline"]["cpu_s"] / results["current"]["cpu_s"])
    compared, decoded, differing, ratio, raw = compare_caches(caches["current"], caches["baseline"], args.compare_tiles)
    out.put("arm_files_compared", compared)
    out.put("arm_tiles_decoded_and_compared", decoded)
    out.put("arm_files_differing", differing)  # -1: not the same files
    out.put("arm_png_bytes_ratio", ratio)
    out.put("arm_raw_tiles_current_only", raw)
    for cache in caches.values():
        give_back(cache)


# --- the night ----------------------------------------------------------------------------------


@dataclass
class NightRun:
    """What one ``toyz_prerender`` run over a folder gave."""

    wall_s: float
    build_s: float
    command_cpu_s: float
    worker_cpu_s: float
    per_exposure_s: list[float]
    summary: str
    tasks_by_node: dict[str, int]


def prerender_folder(
    env: dict[str, str], folder: str, specs: Sequence[tuple[str, Sequence[str], int]], logs: Path, reaper: Reaper
) -> NightRun:
    """Start the workers, pre-render ``folder`` with one command, stop the workers (and the command,
    if the disk runs low)."""
    from apps.jobs.models import Job

    Job.objects.all().delete()
    log = logs / f"prerender-{folder}.log"
    with workers(env, specs, logs) as running:
        start = time.perf_counter()
        with log.open("wb") as sink:
            command = subprocess.Popen(
                [sys.executable, "manage.py", "toyz_prerender", folder, "--recursive", "--user", USER],
                cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
            )  # fmt: skip
            while True:
                pid, status, usage = os.wait4(command.pid, os.WNOHANG)
                if pid:
                    command.returncode = os.waitstatus_to_exitcode(status)
                    break
                if reaper.low_disk:
                    command.kill()
                    command.wait()
                    raise RuntimeError(f"stopped: under {reaper.min_free_gb / 2:.0f} GB free on the cache's disk")
                time.sleep(0.5)
        wall = time.perf_counter() - start
    text = log.read_text(errors="replace")
    if command.returncode != 0:
        raise RuntimeError(f"toyz_prerender {folder} failed:\n{text[-3000:]}")
    spans: dict[str, list[Any]] = {}
    created: list[Any] = []
    ended: list[Any] = []
    for path, queued, started, finished in Job.objects.values_list("params__path", "created", "started", "finished"):
        spans.setdefault(str(path), []).append((started, finished))
        created.append(queued)
        ended.append(finished)
    per_exposure = [
        (max(f for _, f in rows) - min(s for s, _ in rows)).total_seconds()
        for rows in spans.values()
        if all(s is not None and f is not None for s, f in rows)
    ]
    summary = next((line for line in reversed(text.splitlines()) if " files: " in line), "")
    by_node: dict[str, int] = {}
    for node in Job.objects.values_list("worker", flat=True):
        by_node[node.split("@")[0]] = by_node.get(node.split("@")[0], 0) + 1
    build = (max(f for f in ended if f is not None) - min(created)).total_seconds()
    cpu = sum(w.cpu_s for w in running)
    return NightRun(wall, build, usage.ru_utime + usage.ru_stime, cpu, sorted(per_exposure), summary, by_node)


def night(args: argparse.Namespace, env: dict[str, str], source: Path, queues: list[str], out: Results) -> None:
    data_root, cache = Path(env["TOYZ_DATA_ROOT"]), Path(env["TOYZ_CACHE_DIR"])
    links = link_night(source, data_root, "night", args.exposures)
    identities = {file_identity(link): f"night/{link.name}" for link in links}
    out.put("night_exposures", len(links))
    out.put("night_queues", ",".join(queues))
    out.put("night_concurrency", args.concurrency)
    logs = args.workdir / "night-logs"
    with Reaper(cache, identities, args.reap_after, args.min_free_gb, keep=args.keep) as reaper:
        run = prerender_folder(env, "night", [("night", queues, args.concurrency)], logs, reaper)
    if len(reaper.sizes) != len(links):
        raise RuntimeError(f"only {len(reaper.sizes)} of {len(links)} exposures have a completion marker")
    out.put("night_summary", run.summary)
    out.put("night_total_s", run.wall_s)  # the command's wall time, its start-up included
    out.put("night_build_s", run.build_s)  # the first task queued to the last one finished
    out.put("night_s_per_exposure_throughput", run.wall_s / len(links))  # the total over the count
    out.put("night_s_per_exposure_mean", statistics.fmean(run.per_exposure_s))
    out.put("night_s_per_exposure_p50", statistics.median(run.per_exposure_s))
    out.put("night_s_per_exposure_max", max(run.per_exposure_s))
    sizes = list(reaper.sizes.values())
    out.put("night_cache_mb_per_exposure", statistics.fmean(s.bytes for s in sizes) / 2**20)
    out.put("night_cache_files_per_exposure", statistics.fmean(s.files for s in sizes))
    out.put("night_tiles_per_exposure", statistics.fmean(s.tiles for s in sizes))
    out.put("night_worker_cpu_s", run.worker_cpu_s)
    out.put("night_worker_cpu_s_per_exposure", run.worker_cpu_s / len(links))
    out.put("night_worker_cpus_used", run.worker_cpu_s / run.wall_s)  # of args.concurrency
    out.put("night_command_cpu_s", run.command_cpu_s)
    # What two free cores would give: the workers' CPU per exposure over the two processes.
    out.put("night_minutes_if_cores_free", run.worker_cpu_s / args.concurrency / 60)
    out.put("night_minutes", run.wall_s / 60)


def two_nodes(args: argparse.Namespace, env: dict[str, str], source: Path, queues: list[str], out: Results) -> None:
    count = args.two_node_exposures
    data_root, cache = Path(env["TOYZ_DATA_ROOT"]), Path(env["TOYZ_CACHE_DIR"])
    bulk_only = [q for q in queues if q != "interactive"] or queues
    out.put("two_node_exposures", count)
    out.put("two_node_queues", f"nodeA {','.join(queues)}; nodeB {','.join(bulk_only)}")
    logs = args.workdir / "night-logs"
    runs: dict[str, NightRun] = {}
    for tag, specs in (
        ("one_node", [("nodeA", queues, 1)]),
        ("two_nodes", [("nodeA", queues, 1), ("nodeB", bulk_only, 1)]),
    ):
        links = link_night(source, data_root, f"night-{tag}", count)
        identities = {file_identity(link): f"night-{tag}/{link.name}" for link in links}
        with Reaper(cache, identities, args.reap_after, args.min_free_gb, keep=args.keep) as reaper:
            runs[tag] = prerender_folder(env, f"night-{tag}", specs, logs, reaper)
        out.put(f"two_node_{tag}_s", runs[tag].build_s)
        out.put(f"two_node_{tag}_s_per_exposure", runs[tag].build_s / count)
        out.put(f"two_node_{tag}_worker_cpus_used", runs[tag].worker_cpu_s / runs[tag].wall_s)
        out.put(f"two_node_{tag}_tasks", " ".join(f"{k}={v}" for k, v in sorted(runs[tag].tasks_by_node.items())))
    # The build's own time (first task queued to last finished): the command's start-up is the same in both.
    out.put("two_node_speedup", runs["one_node"].build_s / runs["two_nodes"].build_s)
    # On a loaded machine the two runs get different shares of the cores: what free cores would give
    # is the CPU seconds of one process against those of two processes working side by side.
    out.put("two_node_speedup_if_cores_free", 2 * runs["one_node"].worker_cpu_s / runs["two_nodes"].worker_cpu_s)


# --- the run --------------------------------------------------------------------------------------


def shape_arg(text: str) -> tuple[int, int]:
    height, _, width = text.partition("x")
    return int(height), int(width)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--exposures", type=int, default=100, help="exposures in the night")
    parser.add_argument("--ccds", type=int, default=62, help="CCDs per exposure")
    parser.add_argument("--ccd-shape", type=shape_arg, default=decam.CCD_SHAPE, help="HEIGHTxWIDTH of a CCD")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench", help="exposures, caches, logs")
    parser.add_argument("--queues", help="comma-separated queues of the workers (default: every queue declared)")
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes of the night's worker")
    parser.add_argument("--baseline-exposures", type=int, default=2, help="exposures per arm (0: no baseline arm)")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="git commit of the baseline arm's engine")
    parser.add_argument("--compare-tiles", type=int, default=2000, help="tiles decoded to compare the arms")
    parser.add_argument("--two-node-exposures", type=int, default=6, help="exposures of each two-node run (0: none)")
    parser.add_argument("--reap-after", type=float, default=40.0, help="seconds a complete exposure's cache stays")
    parser.add_argument("--min-free-gb", type=float, default=15.0, help="reap at once below this much free disk")
    parser.add_argument("--keep", action="store_true", help="keep every cache (needs the whole night's space)")
    args = parser.parse_args()
    args.workdir = args.workdir.resolve()
    out = Results()
    out.put("cpus", os.cpu_count() or 0)
    out.put("loadavg_1min_start", os.getloadavg()[0])
    check_disk(args.workdir.parent if not args.workdir.exists() else args.workdir, args.min_free_gb, out)
    redis_url, database_url = service_urls()
    prepare_services(redis_url, database_url)
    env = service_env(args.workdir, redis_url, database_url)
    for name in ("night-data", "night-cache"):
        shutil.rmtree(args.workdir / name, ignore_errors=True)  # an earlier run's (its files are truncated)
    (args.workdir / "night-logs").mkdir(parents=True, exist_ok=True)
    setup_django(env)
    queues = args.queues.split(",") if args.queues else default_queues()
    source = exposure(args.workdir, args.ccds, args.ccd_shape, out)
    out.put("exposure", source.name)
    out.put("exposure_mb", source.stat().st_size / 2**20)
    try:
        if args.baseline_exposures:
            baseline_arm(args, source, Path(env["TOYZ_DATA_ROOT"]), out)
        if args.exposures:
            night(args, env, source, queues, out)
        if args.two_node_exposures:
            two_nodes(args, env, source, queues, out)
    finally:
        out.put("loadavg_1min_end", os.getloadavg()[0])
        out.put("disk_free_gb_end", free_gb(args.workdir))
        out.put("bench_cpu_s", sum(resource.getrusage(resource.RUSAGE_SELF)[:2]))
        if not args.keep:
            for name in ("night-data", "night-cache", "arm-cache-baseline", "arm-cache-current"):
                shutil.rmtree(args.workdir / name, ignore_errors=True)


if __name__ == "__main__":
    main()
