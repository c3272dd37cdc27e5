"""Several server processes on one node: a scrape of any one counts the requests of all (TOYZ_METRICS_DIR,
prometheus_client's multiprocess mode), and each process writes JSON log lines naming their request."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest

from apps.monitoring.tests.conftest import parse, value
from tests.conftest import ROOT, LayVar, embedded_env, free_port, wait_for


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory, lay_var: LayVar) -> Iterator[tuple[list[str], list[Path]]]:
    """Two uvicorn processes on one var folder and one metrics folder, in the JSON log format."""
    base = tmp_path_factory.mktemp("processes")
    var = lay_var(base / "var", [["migrate", "--noinput", "-v0"]])
    (var / "cache").mkdir(exist_ok=True)  # toyz_setup makes it in a real install; /healthz checks it
    env = embedded_env(var, TOYZ_METRICS_DIR=str(base / "metrics"), TOYZ_LOG_FORMAT="json")
    servers, urls, logs = [], [], []
    try:
        for i in range(2):
            port, log = free_port(), base / f"server{i}.log"
            command = [sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--host", "127.0.0.1",
                       "--port", str(port), "--no-access-log", "--lifespan", "off"]  # fmt: skip
            servers.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
            )
            urls.append(f"http://127.0.0.1:{port}")
            logs.append(log)
            wait_for(lambda p=port, s=servers[-1]: s.poll() is not None or _listening(p), 60, "a server")
            assert servers[-1].poll() is None, log.read_text()
        yield urls, logs
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def _get(url: str, **headers: str) -> tuple[int, bytes, Message]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def test_a_scrape_of_either_process_counts_the_requests_of_both(two_servers: tuple[list[str], list[Path]]) -> None:
    (a, b), _ = two_servers

    def healthz_count(url: str) -> float:
        status, body, _ = _get(f"{url}/metrics")
        assert status == 200, body
        return value(parse(body.decode()), "toyz_http_requests_total", view="healthz", method="GET", status="200")

    start = healthz_count(a)
    assert healthz_count(b) == start
    for url, times in ((a, 3), (b, 4)):
        for _ in range(times):
            assert _get(f"{url}/healthz")[0] == 200
    assert healthz_count(a) == start + 7
    assert healthz_count(b) == start + 7


def test_each_process_logs_json_lines_that_name_the_request(two_servers: tuple[list[str], list[Path]]) -> None:
    (a, _), (log, _) = two_servers
    status, _, headers = _get(f"{a}/no/such/page/", **{"X-Request-ID": "nginx-5f3a9c"})
    assert status == 404 and headers["X-Request-ID"] == "nginx-5f3a9c"
    status, _, headers = _get(f"{a}/no/other/page/")
    made = headers["X-Request-ID"]

    def lines() -> list[dict[str, str]]:
        return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]

    wait_for(lambda: any(line.get("request_id") == made for line in lines()), 10, "the second 404's log line")
    messages = [(line.get("request_id"), line["message"]) for line in lines()]
    assert ("nginx-5f3a9c", "Not Found: /no/such/page/") in messages
    assert (made, "Not Found: /no/other/page/") in messages
    assert not [m for m in messages if '"GET ' in m[1]], "uvicorn's access log was off (--no-access-log) and stays off"
    # Every line of the server is JSON, uvicorn's own start-up lines included.
    assert all(line.startswith("{") for line in log.read_text().splitlines() if line.strip())
