"""The web server as `make run` and deploy/ start it: no `Server: uvicorn` header, and with TOYZ_HTTPS
behind a TLS proxy, HSTS and cookies that only travel over HTTPS."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from tests.conftest import ROOT, LayVar, embedded_env, free_port, wait_for

PASSWORD = "server-test-password"


def make_run_server_command(port: int) -> list[str]:
    """The uvicorn command line of `make run`, as make would run it (nothing is executed by `make -n`)."""
    if shutil.which("make") is None:
        pytest.fail("`make` is needed to read the Makefile's run target.")
    planned = subprocess.run(
        ["make", "-n", "run", f"TOYZ_PORT={port}"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in planned.splitlines() if re.search(r"\buvicorn\b", line)]
    assert len(lines) == 1, planned
    return shlex.split(lines[0])


def fetch(url: str, **headers: str) -> Message:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        received: Message = response.headers
    return received


def _up(url: str) -> bool:
    try:
        fetch(url)
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def make_run_server(tmp_path_factory: pytest.TempPathFactory, lay_var: LayVar) -> Iterator[str]:
    """`make run`'s server (its exact command) on a fresh var folder, with TOYZ_HTTPS=1 as behind nginx.
    One per module: the tests only read headers, and each start costs a migration and a server boot."""
    tmp_path: Path = tmp_path_factory.mktemp("make-run")
    # The var folder as `make run`'s migrate leaves a fresh one (migrated once per session, copied here).
    var = lay_var(
        tmp_path / "var", [["migrate", "--noinput", "-v0"], ["toyz_setup", "--no-sample"]], TOYZ_ADMIN_PASSWORD=PASSWORD
    )
    env = embedded_env(var, TOYZ_HTTPS="1")
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(make_run_server_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: server.poll() is not None or _up(f"{base}/accounts/login/"), 60, "the server")
        assert server.poll() is None, (tmp_path / "server.log").read_text()
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_make_run_serves_without_a_server_header(make_run_server: str) -> None:
    headers = fetch(f"{make_run_server}/accounts/login/")
    assert headers["Server"] is None
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_behind_a_tls_proxy_the_site_sends_hsts_and_secure_cookies(make_run_server: str) -> None:
    # nginx on this host says the request came over TLS; uvicorn trusts 127.0.0.1's forwarded headers.
    headers = fetch(f"{make_run_server}/accounts/login/", **{"X-Forwarded-Proto": "https"})
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    cookies = headers.get_all("Set-Cookie") or []
    csrf = [c for c in cookies if c.startswith("csrftoken=")]
    assert csrf and "Secure" in csrf[0], cookies


def test_behind_a_tls_proxy_a_login_gets_a_session_cookie_only_for_https(make_run_server: str) -> None:
    import http.client
    import urllib.parse

    host = urllib.parse.urlsplit(make_run_server).netloc
    proxied = {"X-Forwarded-Proto": "https", "Host": host}
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/accounts/login/", headers=proxied)
    page = connection.getresponse()
    form = page.read().decode()
    csrf = next(c for c in page.headers.get_all("Set-Cookie") or [] if c.startswith("csrftoken="))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token, form
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "username": "admin", "password": PASSWORD})
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            **proxied,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": csrf.split(";")[0],
            "Origin": f"https://{host}",
        },
    )
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status == 302, answer.status  # logged in, sent on to the workspace
    session = [c for c in answer.headers.get_all("Set-Cookie") or [] if c.startswith("sessionid=")]
    assert session and "Secure" in session[0] and "HttpOnly" in session[0], session


def test_plain_http_gets_no_hsts(make_run_server: str) -> None:
    assert fetch(f"{make_run_server}/accounts/login/")["Strict-Transport-Security"] is None


@pytest.mark.parametrize("path", ["Makefile", "deploy/systemd/toyz-web.service", "deploy/compose.yaml"])
def test_every_uvicorn_started_for_the_site_hides_its_server_header(path: str) -> None:
    from deploy.production import setup_from_env, web_command

    lines = (ROOT / path).read_text().splitlines()
    starts = [line for line in lines if "uvicorn toyz_site" in line]
    # The production units start uvicorn through deploy.production's web command; check that command.
    through_production = [line for line in lines if "-m deploy.production web" in line]
    assert starts or through_production, f"no uvicorn command in {path}"
    assert all("--no-server-header" in line for line in starts), starts
    if through_production:
        command = web_command(setup_from_env({}))
        assert command[command.index("-m") + 1] == "uvicorn" and "--no-server-header" in command, command
