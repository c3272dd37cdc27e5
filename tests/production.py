"""The production setup (deploy/production.py: nginx, several uvicorn processes, two Celery workers) as a
pytest fixture, on the test's PostgreSQL database, Redis database, data root and cache, on free ports.

- `start_production(workers=True, web_processes=2, extra_nginx="", **env)`: start it (extra `TOYZ_*`
  settings in `env`, e.g. `TOYZ_ACCEL_REDIRECT=""`; `extra_nginx`: directives added to nginx's server
  block), returning a :class:`Site`; everything it started stops after the test.
- `production`: `start_production()` with the defaults (X-Accel-Redirect tiles on, the two workers
  `interactive` and `prerender,bulk`, one pool process each).
- :class:`Site`: ``url``, ``request(method, path, headers=..., cookie=...)`` (no redirects followed),
  ``session_cookie(user)`` (a logged-in session made in the test process; the server shares its database
  and secret key), ``login(username, password)`` (through the real login form), ``websocket(path, cookie,
  origin=...)`` (through nginx), ``log(name)`` (web, worker-interactive, worker-prerender-bulk, nginx,
  nginx-error, nginx-access).

Users that `make_user` creates carry the tests' fast password hash, which the servers (real hashers) do
not accept: log them in with `session_cookie`, and use `login` for a failed login or a user saved with
`set_password` under the real hasher.
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from deploy.production import Production, prepare, setup_from_env
from tests.conftest import ROOT, embedded_env, free_port


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, headers (lower-case names; the last of repeated ones) and body."""

    status: int
    headers: dict[str, str]
    body: bytes
    all_headers: list[tuple[str, str]]


@dataclass
class Site:
    """A running production setup, seen from outside: everything goes through nginx."""

    url: str
    host: str
    port: int
    production: Production

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        cookie: str | None = None,
        body: bytes | None = None,
    ) -> Reply:
        """One request on a fresh connection to nginx's plain HTTP listener (redirects are not followed)."""
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            pairs = [(k.lower(), v) for k, v in response.getheaders()]
            return Reply(response.status, dict(pairs), data, pairs)
        finally:
            connection.close()

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def session_cookie(self, user: Any) -> str:
        """A session of ``user``, made in the test process's database (shared with the server)."""
        from django.test import Client

        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"

    def login(self, username: str, password: str, *, headers: dict[str, str] | None = None) -> Reply:
        """Post the login form as a browser does (its CSRF token and cookie first); the reply is a
        302 with the session cookie on success, the form again otherwise."""
        form = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
        assert token, form.body[:500]
        csrf_cookie = re.search(r"csrftoken=([^;]+)", form.headers.get("set-cookie", ""))
        assert csrf_cookie, form.headers
        body = f"csrfmiddlewaretoken={token.group(1).decode()}&username={username}&password={password}"
        return self.request(
            "POST",
            "/accounts/login/",
            body=body.encode(),
            cookie=f"csrftoken={csrf_cookie.group(1)}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.url,
                "Referer": f"{self.url}/accounts/login/",
                **(headers or {}),
            },
        )

    def websocket(self, path: str, cookie: str, *, origin: str | None = None) -> ClientConnection:
        """A WebSocket to ``path`` through nginx, as a page of this site opens it (its Origin by default)."""
        return connect(
            f"ws://{self.host}:{self.port}{path}",
            origin=Origin(origin or self.url),
            additional_headers={"Cookie": cookie},
            open_timeout=30,
        )

    def log(self, name: str) -> str:
        return self.production.log(name)


@pytest.fixture(scope="session")
def production_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """collectstatic's output, made once per session (the built front end included when it is built)."""
    var = tmp_path_factory.mktemp("production-static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=embedded_env(var), check=True,
    )  # fmt: skip
    return var / "static"


@pytest.fixture
def start_production(
    service_env: dict[str, str], production_static: Path, tmp_path: Path
) -> Iterator[Callable[..., Site]]:
    """`start_production(workers=True, web_processes=2, **env)`: the production setup on this test's database,
    Redis database and storage, on a free port; a :class:`Site`. Everything it started stops after the test."""
    started: list[Production] = []
    # A unix socket's path has room for about 100 characters: pytest's folders can be longer.
    run_dir = Path(tempfile.mkdtemp(prefix="toyz-run-"))

    def start(*, workers: bool = True, web_processes: int = 2, extra_nginx: str = "", **env: str) -> Site:
        port = free_port()
        environ = {
            **service_env,
            "TOYZ_PORT": str(port),
            "TOYZ_HOST": "127.0.0.1",
            "TOYZ_PRODUCTION_DIR": str(tmp_path / f"production-{len(started)}"),
            "TOYZ_RUN_DIR": str(run_dir / str(len(started))),
            "TOYZ_STATIC_ROOT": str(production_static),
            "TOYZ_WEB_PROCESSES": str(web_processes),
            "TOYZ_WORKER_CONCURRENCY": "1",
            "TOYZ_NGINX_WORKERS": "1",
            **env,
        }
        setup = setup_from_env(environ, workers=workers)
        # pytest-django made and migrated the database; the static files are the session's.
        prepare(setup, database=False, static=False, samples=False)
        if extra_nginx:
            # A test's own additions to the server block, beside what deploy/nginx.d/ renders.
            (setup.nginx_dir / "nginx.d" / "zz-test.conf").write_text(extra_nginx)
        production = Production(setup)
        started.append(production)
        production.start()
        return Site(url=setup.url, host=setup.host, port=setup.port, production=production)

    try:
        yield start
    finally:
        for production in started:
            production.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture
def production(start_production: Callable[..., Site]) -> Site:
    """The production setup with its defaults: nginx, two web processes, two workers, X-Accel tiles."""
    return start_production()
