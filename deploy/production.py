"""Run Toyz here as it is deployed: nginx in front, several web processes, the Celery workers.

    python -m deploy.production start   # prepare, start it all, stop it all on Ctrl-C (make run-production)
    python -m deploy.production stop    # stop what a `start` left running, from its pid files

Everything comes from the environment (deploy/README.md, "Running it here"): ``DATABASE_URL`` (PostgreSQL,
created if missing), ``TOYZ_REDIS_URL``, ``TOYZ_PORT``, ``TOYZ_WEB_PROCESSES``, ``TOYZ_WORKER_QUEUES``,
``TOYZ_WORKER_CONCURRENCY``, ``TOYZ_PRODUCTION_DIR`` and every ``TOYZ_*`` setting of Toyz itself. The same
:class:`Production` starts it for the tests (tests/production.py) on free ports and their own database.
This module imports nothing of Django: it runs ``manage.py``, uvicorn, celery and nginx as processes.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

from deploy.render import ROOT, render

DEFAULT_DATABASE_URL: Final = "postgres://postgres@127.0.0.1:5432/toyz_production"
DEFAULT_REDIS_URL: Final = "redis://127.0.0.1:6379/0"
#: The workers `start` runs, one per space-separated queue set (the Makefile's WORKER_QUEUES), as the systemd
#: units and the compose file run them; Celery's default queue is always added to each.
DEFAULT_QUEUES: Final = "interactive prerender,bulk"
#: The queue users wait on (apps/jobs/queues.py; this module imports nothing of Toyz's apps).
INTERACTIVE: Final = "interactive"
#: The CPU niceness of a worker that takes no interactive work, as `make worker-render`: users keep the cores.
RENDER_NICENESS: Final = 10
#: Where Django sends pre-rendered tiles (X-Accel-Redirect); deploy/nginx.conf's internal location.
ACCEL_PREFIX: Final = "/_toyz_cache/"
# The longest path of a unix socket (sun_path, with its terminating NUL).
_SUN_PATH_MAX: Final = 107
# Stopping order: no new requests first, then the web processes, then the workers (every "worker-*").
_STOP_ORDER: Final = ("nginx", "web", "worker")


class ProductionError(Exception):
    """Something the production setup needs is missing, or a process would not start."""


def _nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        raise ProductionError("nginx is not installed (make run-production installs Debian's package).")
    return found


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ProductionError(f"{name}={raw!r} is not an integer.") from None
    if value < 1:
        raise ProductionError(f"{name}={value}: at least 1.")
    return value


@dataclass(frozen=True)
class Setup:
    """What to run and where: the environment of every process and the folders of the production setup.

    ``home`` (TOYZ_PRODUCTION_DIR, default var/production) holds, unless set apart: the rendered nginx
    configuration (``nginx/``, TOYZ_NGINX_DIR), pid files, nginx's temporary files and the web socket
    (``run/``, TOYZ_RUN_DIR: short enough for a unix socket's path), and the logs (``log/``, TOYZ_LOG_DIR).
    """

    env: dict[str, str]
    home: Path
    run_dir: Path
    log_dir: Path
    nginx_dir: Path
    host: str
    port: int
    web_processes: int
    #: The queues of each worker `start` runs (``-Q``), in the order the workers start.
    worker_queues: tuple[tuple[str, ...], ...]
    worker_concurrency: int
    workers: bool = True

    @property
    def url(self) -> str:
        """The base URL of the site (the plain HTTP listener), without a trailing slash."""
        return f"http://{self.host}:{self.port}"

    @property
    def socket_path(self) -> Path:
        """The unix socket the web processes listen on, and nginx's upstream."""
        return self.run_dir / "web.sock"


def _queues(raw: str, default_queue: str) -> tuple[str, ...]:
    queues = [q.strip() for q in raw.split(",") if q.strip()]
    # A task that no route names goes to Celery's default queue: the workers take it too, never strand it.
    if default_queue not in queues:
        queues.append(default_queue)
    return tuple(queues)


def _worker_queues(raw: str, default_queue: str) -> tuple[tuple[str, ...], ...]:
    # "interactive prerender,bulk": one worker per space-separated set ("a, b" is still one set).
    sets = tuple(_queues(part, default_queue) for part in raw.replace(", ", ",").split())
    if not sets:
        raise ProductionError("TOYZ_WORKER_QUEUES names no queue.")
    return sets


def setup_from_env(environ: Mapping[str, str] | None = None, *, workers: bool = True) -> Setup:
    """The :class:`Setup` that ``environ`` (the process's environment by default) describes."""
    env = dict(os.environ if environ is None else environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("TOYZ_REDIS_URL", DEFAULT_REDIS_URL)
    # On unless explicitly set (an empty value turns it off: every tile byte through Django).
    env.setdefault("TOYZ_ACCEL_REDIRECT", ACCEL_PREFIX)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def folder(name: str, default: Path) -> Path:
        path = Path(env.get(name) or default).absolute()
        env[name] = str(path)
        return path

    var = folder("TOYZ_VAR_DIR", ROOT / "var")
    # Signed tile URLs, checked by nginx (deploy/nginx.d/signed-tiles.conf): on unless set; nginx and the
    # web processes share the key through the environment.
    env.setdefault("TOYZ_SIGNED_TILES", "1")
    if not env.get("TOYZ_TILE_SIGNING_KEY", "").strip():
        env["TOYZ_TILE_SIGNING_KEY"] = kept_key(var / "tile_signing_key")
    home = folder("TOYZ_PRODUCTION_DIR", var / "production")
    run_dir = folder("TOYZ_RUN_DIR", home / "run")
    if len(str(run_dir / "web.sock")) > _SUN_PATH_MAX:
        raise ProductionError(f"{run_dir}: too long for a unix socket's folder; set a shorter TOYZ_RUN_DIR.")
    host = env.setdefault("TOYZ_HOST", "127.0.0.1")
    port = _positive(env, "TOYZ_PORT", 8080)
    env["TOYZ_PORT"] = str(port)
    env["TOYZ_WEB_UPSTREAM"] = f"unix:{run_dir / 'web.sock'}"
    # Where the web processes add up their counters for /metrics (emptied before they start).
    folder("TOYZ_METRICS_DIR", run_dir / "metrics")
    # nginx sends /static/ (deploy/nginx.conf): the web processes skip whitenoise on every request.
    env.setdefault("TOYZ_SERVE_STATIC", "0")
    log_dir = folder("TOYZ_LOG_DIR", home / "log")
    # The tiles nginx answers itself, which /metrics counts (the web processes read what nginx writes).
    folder("TOYZ_NGINX_TILE_LOG", log_dir / "nginx-tiles.log")
    return Setup(
        env=env,
        home=home,
        run_dir=run_dir,
        log_dir=log_dir,
        nginx_dir=folder("TOYZ_NGINX_DIR", home / "nginx"),
        host=host,
        port=port,
        web_processes=_positive(env, "TOYZ_WEB_PROCESSES", os.cpu_count() or 1),
        worker_queues=_worker_queues(
            env.get("TOYZ_WORKER_QUEUES", DEFAULT_QUEUES), env.get("TOYZ_CELERY_DEFAULT_QUEUE", "celery")
        ),
        worker_concurrency=_positive(env, "TOYZ_WORKER_CONCURRENCY", os.cpu_count() or 1),
        workers=workers,
    )


def kept_key(path: Path) -> str:
    """A random key made once into ``path`` (mode 600) and read from it afterwards, even when several
    processes start together; as the settings keep their SECRET_KEY in the var folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if not key:  # a start that was killed between making the file and writing it
        raise ProductionError(f"{path} is empty: delete it and start again.")
    return key


def empty_metrics_dir(setup: Setup) -> None:
    """Forget the counters of earlier web processes: files of gone processes would keep adding up (and a
    reused pid would continue one), so the folder starts empty with each start of the web processes."""
    shutil.rmtree(setup.env["TOYZ_METRICS_DIR"], ignore_errors=True)


def web_command(setup: Setup) -> list[str]:
    """The web processes: uvicorn with TOYZ_WEB_PROCESSES workers on the unix socket nginx proxies to."""
    return [
        sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--uds", str(setup.socket_path),
        "--workers", str(setup.web_processes),
        # X-Forwarded-For/Proto from any peer: the only peer that can reach a socket in a folder that
        # only Toyz's user may enter is nginx, which sets both itself (deploy/nginx.conf).
        "--proxy-headers", "--forwarded-allow-ips", "*",
        "--no-server-header", "--no-access-log", "--lifespan", "off",
        # Longer than nginx keeps an idle upstream connection, so that nginx is the one to close it.
        "--timeout-keep-alive", "75",
    ]  # fmt: skip


def worker_name(queues: tuple[str, ...]) -> str:
    """A worker's name (its Celery node name before ``@host``, and ``worker-<name>`` here): its queues."""
    return "-".join(q for q in queues if q != "celery") or "celery"


def worker_command(setup: Setup, queues: tuple[str, ...]) -> list[str]:
    """A Celery worker on ``queues``, named after them and this host; one without the interactive queue
    runs at a lower CPU priority (``nice``), so that the work users wait for keeps the cores."""
    command = [
        sys.executable, "-m", "celery", "-A", "toyz_site", "worker", "--loglevel=INFO",
        "-Q", ",".join(queues), f"--concurrency={setup.worker_concurrency}", "-n", f"{worker_name(queues)}@%h",
    ]  # fmt: skip
    if INTERACTIVE not in queues:
        command = [shutil.which("nice") or "/usr/bin/nice", "-n", str(RENDER_NICENESS), *command]
    return command


def nginx_command(setup: Setup) -> list[str]:
    """nginx on the rendered configuration, in the foreground (a child of whoever starts it)."""
    return [
        _nginx(), "-p", str(setup.nginx_dir), "-e", str(setup.log_dir / "nginx-error.log"),
        "-c", str(setup.nginx_dir / "nginx.conf"), "-g", "daemon off;",
    ]  # fmt: skip


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database that ``url`` names when it does not exist; True if it was made."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return False  # SQLite and the like make their own file
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ProductionError(f"DATABASE_URL={url!r} names no database.")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def manage(setup: Setup, *args: str) -> None:
    """Run one ``manage.py`` command in the production environment; its failure stops everything."""
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=setup.env, check=False)
    if result.returncode != 0:
        raise ProductionError(f"manage.py {' '.join(args)} failed (exit status {result.returncode}).")


def prepare(setup: Setup, *, database: bool = True, static: bool = True, samples: bool = True) -> Path:
    """Make what the processes need: the database (created, migrated), the collected static files,
    the samples and admin account (``toyz_setup``), the folders, and the rendered nginx configuration
    (whose path it returns)."""
    if database:
        if ensure_database(setup.env["DATABASE_URL"]):
            print(f"Created the database of {setup.env['DATABASE_URL']}")
        manage(setup, "migrate", "--noinput")
    if samples:
        manage(setup, "toyz_setup")
    if static:
        manage(setup, "collectstatic", "--noinput", "-v0")
    return render_nginx(setup)


def render_nginx(setup: Setup) -> Path:
    """Make the run and log folders and render nginx's configuration into ``setup.nginx_dir``."""
    setup.log_dir.mkdir(parents=True, exist_ok=True)
    # The web socket lives here, and uvicorn makes it writable by anyone: only its owner may enter.
    setup.run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    setup.run_dir.chmod(0o700)
    return render(setup.nginx_dir, setup.env)


@dataclass
class Production:
    """The running processes of one :class:`Setup`: ``start()``, then ``stop()`` (also on error)."""

    setup: Setup
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def commands(self) -> dict[str, list[str]]:
        """The command line of each process, by name."""
        found = {"web": web_command(self.setup), "nginx": nginx_command(self.setup)}
        if self.setup.workers:
            for queues in self.setup.worker_queues:
                found[f"worker-{worker_name(queues)}"] = worker_command(self.setup, queues)
        return found

    def start(self, timeout: float = 120) -> None:
        """Start the web processes, the workers and nginx, and wait until the site answers through nginx."""
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout: float) -> None:
        setup = self.setup
        setup.socket_path.unlink(missing_ok=True)  # left by a killed run: uvicorn would not bind
        empty_metrics_dir(setup)
        for name, command in self.commands().items():
            log = (setup.log_dir / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=setup.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            log.close()
            (setup.run_dir / f"{name}.pid").write_text(f"{self.processes[name].pid}\n")
        deadline = time.monotonic() + timeout
        self._wait(deadline, "the site through nginx", lambda: self._answers("/accounts/login/"))
        for name in self.processes:
            if name.startswith("worker-"):
                self._wait(deadline, f"the Celery worker {name}", functools.partial(self._ready, name))

    def _ready(self, name: str) -> bool:
        return " ready." in self.log(name)

    def _wait(self, deadline: float, what: str, ready: Callable[[], bool]) -> None:
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise ProductionError(f"{name} stopped at start-up:\n{self.log(name)[-3000:]}")
            if ready():
                return
            time.sleep(0.2)
        raise ProductionError(f"Gave up waiting for {what}.")

    def _answers(self, path: str) -> bool:
        connection = http.client.HTTPConnection(self.setup.host, self.setup.port, timeout=5)
        try:
            connection.request("GET", path)
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def log(self, name: str) -> str:
        """What process ``name`` (web, worker-<queues>, nginx) wrote so far; nginx's errors are in nginx-error."""
        path = self.setup.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def failed(self) -> str | None:
        """The name of a process that stopped on its own, if any."""
        return next((name for name, p in self.processes.items() if p.poll() is not None), None)

    def stop(self, timeout: float = 30) -> None:
        """Stop every process (its whole process group), nginx first; kill what does not stop in time."""
        for name in sorted(self.processes, key=_stop_rank):
            process = self.processes.pop(name)
            _stop_group(process.pid, functools.partial(_exited, process), timeout)
            (self.setup.run_dir / f"{name}.pid").unlink(missing_ok=True)


def _stop_rank(name: str) -> tuple[int, str]:
    kind = name.split("-", 1)[0]
    return (_STOP_ORDER.index(kind) if kind in _STOP_ORDER else len(_STOP_ORDER), name)


def _stop_group(pid: int, stopped: Callable[[], bool], timeout: float) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stopped():
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _exited(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is not None


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    # A process that exited but whose parent has not reaped it yet (a zombie) is gone too.
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def stop_from_pid_files(setup: Setup) -> list[str]:
    """Stop the processes a ``start`` in another shell left running (its pid files); return their names."""
    stopped = []
    # "worker.pid" is an older start's one worker.
    names = ["nginx", "web", "worker", *sorted(p.stem for p in setup.run_dir.glob("worker-*.pid"))]
    for name in names:
        pid_file = setup.run_dir / f"{name}.pid"
        try:
            pid = int(pid_file.read_text())
        except (OSError, ValueError):
            continue
        # Each was started as the leader of its own process group, so the group has its pid.
        try:
            alive = os.getpgid(pid) == pid
        except ProcessLookupError:
            alive = False
        if alive:
            _stop_group(pid, functools.partial(_gone, pid), 30)
            stopped.append(name)
        pid_file.unlink(missing_ok=True)
    return stopped


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Toyz as deployed: nginx, web processes, Celery workers.")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("start", help="prepare, start it all here, stop it all on Ctrl-C (make run-production)")
    actions.add_parser("stop", help="stop what a start in another shell left running")
    # One process each, as the systemd units and the compose file run them (the same command lines).
    actions.add_parser("web", help="run the web processes (uvicorn on the unix socket)")
    worker = actions.add_parser("worker", help="run a Celery worker")
    worker.add_argument("--queues", help="comma-separated queues (default: TOYZ_WORKER_QUEUES, when it names one set)")
    actions.add_parser("nginx", help="render the nginx configuration and run nginx")
    args = parser.parse_args(argv)
    try:
        setup = setup_from_env()
        if args.action == "stop":
            print("stopped: " + (", ".join(stop_from_pid_files(setup)) or "nothing was running"))
            return 0
        if args.action in ("web", "worker", "nginx"):
            if args.action == "web":
                command = web_command(setup)
                setup.socket_path.unlink(missing_ok=True)  # left by a killed run: uvicorn would not bind
                empty_metrics_dir(setup)
            elif args.action == "worker":
                if args.queues:
                    queues = _queues(args.queues, setup.env.get("TOYZ_CELERY_DEFAULT_QUEUE", "celery"))
                elif len(setup.worker_queues) == 1:
                    queues = setup.worker_queues[0]
                else:
                    raise ProductionError("worker: give --queues (TOYZ_WORKER_QUEUES names several workers).")
                command = worker_command(setup, queues)
            else:
                render_nginx(setup)
                command = nginx_command(setup)
            os.chdir(ROOT)
            os.execve(command[0], command, setup.env)
        if stop_from_pid_files(setup):
            print("Stopped what an earlier start left running.")
        prepare(setup)
        production = Production(setup)
        production.start()
    except ProductionError as exc:
        print(f"deploy/production.py: {exc}", file=sys.stderr)
        return 1
    return _serve(production)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _serve(production: Production) -> int:
    """Wait for Ctrl-C (or SIGTERM), or for a process to stop on its own; then stop them all."""
    setup = production.setup
    # Both, explicitly: a shell starting this in the background leaves SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    print(
        f"Toyz is at {setup.url}/ (nginx; {setup.web_processes} web processes; workers on "
        f"{' and '.join(','.join(q) for q in setup.worker_queues)}). Logs: {setup.log_dir}. Ctrl-C stops it all."
    )
    status = 0
    try:
        while (name := production.failed()) is None:
            time.sleep(0.5)
        print(f"{name} stopped on its own; see {setup.log_dir / (name + '.log')}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        print("Stopping nginx, the web processes and the workers...")
    finally:
        production.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())
