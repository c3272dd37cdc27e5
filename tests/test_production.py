"""The production setup running for real (nginx, two uvicorn processes on a unix socket, a Celery worker,
PostgreSQL, Redis): tiles already on disk go out through nginx (X-Accel-Redirect) with the headers of the
embedded mode, and nothing widens: no other user's tile, no traversal, no file of the cache but a tile,
sockets keep their Origin check, and the client's own forwarded headers are overwritten."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pytest
from axes.models import AccessAttempt
from django.test import Client
from websockets.exceptions import InvalidStatus

from apps.workspaces.models import Workspace
from conftest import write_wcs_image
from tests.conftest import ROOT, wait_for
from tests.production import Site
from workers.imaging import build_pyramid

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

IMAGE = "home/alice/m13.fits"


@pytest.fixture
def alice_and_bob(make_user: Any) -> tuple[Any, Any]:
    return make_user("alice"), make_user("bob")


@pytest.fixture
def prerendered(alice_and_bob: Any, settings: Any) -> tuple[Path, dict[str, Any]]:
    """Alice's image, pre-rendered into the shared cache, and its description (as the viewer gets it)."""
    alice, _ = alice_and_bob
    path = write_wcs_image(Path(settings.TOYZ_DATA_ROOT) / IMAGE, (300, 500))
    build_pyramid(path, hdu=None, cache_dir=Path(settings.TOYZ_CACHE_DIR))
    client = Client()
    client.force_login(alice)
    description = client.get("/api/imaging/describe", {"path": IMAGE}).json()
    return path, description


def tile_url(description: dict[str, Any], *, level: int = 0, x: int = 0, y: int = 0, **overrides: Any) -> str:
    """The URL the viewer asks for a tile with the pre-rendered rendering (zscale cuts, linear, gray)."""
    lo, hi = description["cuts"]["zscale"]
    query = {"path": IMAGE, "hdu": description["hdu"], "plane": 0, "stretch": "linear", "lo": lo, "hi": hi}
    query.update({"cmap": "gray", "inv": 0, "v": description["identity"], **overrides})
    return f"/tiles/{level}/{x}/{y}.png?{urlencode({k: v for k, v in query.items() if v is not None})}"


def embedded(user: Any, url: str, **headers: str) -> Any:
    """The same request to Django in this process, which sends every tile itself (no TOYZ_ACCEL_REDIRECT)."""
    client = Client()
    client.force_login(user)
    return client.get(url, headers=headers)


def headers_of(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers to compare: sorted, the policy's directives too (each process lists them in its own order)."""
    return sorted(
        (name, "; ".join(sorted(value.split("; "))) if name == "content-security-policy" else value)
        for name, value in pairs
    )


def tile_files(cache: Path, identity: str) -> list[Path]:
    return sorted(p for p in (cache / identity).rglob("render/*/*/*.png") if not p.name.startswith("."))


def accessed(site: Site, needle: str) -> str:
    """The line of nginx's access log that holds ``needle`` (the log is flushed every 2 s)."""
    found: list[str] = []

    def logged() -> bool:
        found[:] = [line for line in site.log("nginx-access").splitlines() if needle in line]
        return bool(found)

    wait_for(logged, 15, f"{needle} in nginx's access log")
    return found[-1]


def test_a_prerendered_tile_goes_out_through_nginx_with_the_embedded_modes_headers(
    production: Site, alice_and_bob: Any, prerendered: Any, settings: Any
) -> None:
    alice, _ = alice_and_bob
    _, description = prerendered
    cookie = production.session_cookie(alice)
    url = tile_url(description, x=1)
    file = next(p for p in tile_files(Path(settings.TOYZ_CACHE_DIR), description["identity"]) if p.name == "1_0.png")

    reply = production.get(url, cookie=cookie)
    assert reply.status == 200
    assert reply.body == file.read_bytes()
    reference = embedded(alice, url)
    assert reference.status_code == 200 and reference.content == reply.body
    # Every header Django set, as it set it (ETag, Cache-Control, Content-Type, X-Toyz-Cache, the security
    # headers), and nothing of nginx's own but the connection's: no validator, no ranges, no redirect.
    assert reply.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert reply.headers["x-toyz-cache"] == "hit"
    # Each answer names its own request (nginx's $request_id there, a made one here): present, not equal.
    assert reply.headers["x-request-id"] and reference["X-Request-ID"]
    own = ("date", "server", "connection", "x-request-id")
    sent = [(name, value) for name, value in reply.all_headers if name not in own]
    assert headers_of(sent) == headers_of((k.lower(), v) for k, v in reference.items() if k.lower() not in own)
    relative = file.relative_to(settings.TOYZ_CACHE_DIR).as_posix()
    line = accessed(production, f"/tiles/0/1/0.png?{url.split('?', 1)[1]}")
    assert f"accel=/_toyz_cache/{relative} cache=hit" in line

    again = production.get(url, cookie=cookie, headers={"If-None-Match": reply.headers["etag"]})
    assert (again.status, again.body, again.headers["etag"]) == (304, b"", reply.headers["etag"])
    assert again.headers["x-toyz-cache"] == "hit"

    # Cuts left to the server (the image's zscale) find the same pre-rendered file, after opening the image.
    implicit = production.get(tile_url(description, x=1, lo=None, hi=None), cookie=cookie)
    assert (implicit.status, implicit.body, implicit.headers["x-toyz-cache"]) == (200, reply.body, "hit")
    assert implicit.headers["etag"] == reply.headers["etag"]

    # A rendering nobody pre-rendered is made by Django, as in the embedded mode.
    fresh_url = tile_url(description, x=1, cmap="viridis")
    fresh = production.get(fresh_url, cookie=cookie)
    assert (fresh.status, fresh.headers["x-toyz-cache"]) == (200, "miss")
    assert fresh.body == embedded(alice, fresh_url).content
    assert "accel=- cache=miss" in accessed(production, "cmap=viridis")


def test_a_raw_tile_is_stored_when_first_sent_and_then_goes_out_through_nginx(
    production: Site, alice_and_bob: Any, prerendered: Any, settings: Any
) -> None:
    alice, bob = alice_and_bob
    _, description = prerendered
    cookie = production.session_cookie(alice)
    url = f"/tiles/0/1/1.raw?{urlencode({'path': IMAGE, 'hdu': 0, 'plane': 0, 'v': description['identity']})}"
    today = embedded(alice, url)  # this process stores nothing: the values read from the levels
    assert today.status_code == 200 and today["X-Toyz-Cache"] == "miss"
    relative = f"{description['identity']}/hdu0-p0/raw/0/1_1.raw"
    stored = Path(settings.TOYZ_CACHE_DIR) / f"{relative}.gz"
    assert not stored.exists()

    first = production.get(url, cookie=cookie, headers={"Accept-Encoding": "gzip"})
    assert (
        first.status == 200 and first.headers["x-toyz-cache"] == "miss" and first.headers["content-encoding"] == "gzip"
    )
    assert stored.read_bytes() == first.body and gzip.decompress(first.body) == today.content
    reply = production.get(url, cookie=cookie, headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200 and reply.body == first.body and reply.headers["x-toyz-cache"] == "hit"
    assert f"accel=/_toyz_cache/{relative} cache=hit" in accessed(production, "/tiles/0/1/1.raw")
    # Every header the embedded mode sends with the stored tile, as it sends it.
    reference = embedded(alice, url, accept_encoding="gzip")
    assert reference.content == reply.body and reference["Content-Encoding"] == "gzip"
    own = ("date", "server", "connection", "x-request-id")
    sent = [(name, value) for name, value in reply.all_headers if name not in own]
    assert headers_of(sent) == headers_of((k.lower(), v) for k, v in reference.items() if k.lower() not in own)
    # A client that takes no gzip gets the floats: nginx inflates the stored file.
    plain = production.get(url, cookie=cookie)
    assert plain.status == 200 and "content-encoding" not in plain.headers and plain.body == today.content
    np.testing.assert_array_equal(np.frombuffer(plain.body, "<f4"), np.frombuffer(today.content, "<f4"))
    # Nobody else gets it, by any name.
    bobs = production.session_cookie(bob)
    for refused in (
        production.get(url, cookie=bobs, headers={"Accept-Encoding": "gzip"}),
        production.get(f"/_toyz_cache/{relative}", cookie=cookie),
        production.get(f"/_toyz_cache/{relative}.gz", cookie=cookie),
    ):
        assert refused.status in (403, 404) and refused.body != first.body and refused.body != today.content


def test_nothing_but_a_readable_tile_is_ever_sent(
    start_production: Any, alice_and_bob: Any, prerendered: Any, settings: Any
) -> None:
    # No job runs here: the site without a worker starts sooner.
    production = start_production(workers=False)
    alice, bob = alice_and_bob
    _, description = prerendered
    url = tile_url(description)
    assert production.get(url, cookie=production.session_cookie(alice)).status == 200
    bobs = production.session_cookie(bob)
    tile = tile_files(Path(settings.TOYZ_CACHE_DIR), description["identity"])[0]
    relative = tile.relative_to(settings.TOYZ_CACHE_DIR).as_posix()

    refused = {
        "another user's tile": production.get(url, cookie=bobs),
        "no session": production.get(url),
        "traversal in the path": production.get(url.replace("path=home%2Falice", "path=home%2Fbob%2F..%2Falice"), cookie=bobs),
        "out of the root": production.get(url.replace("path=home%2Falice%2Fm13.fits", "path=..%2F..%2Fetc%2Fpasswd"), cookie=bobs),
        "the internal location": production.get(f"/_toyz_cache/{relative}", cookie=bobs),
        "the internal prefix": production.get("/_toyz_cache/", cookie=bobs),
        "dot segments to it": production.get(f"/tiles/../_toyz_cache/{relative}", cookie=bobs),
        "encoded dot segments to it": production.get(f"/tiles/%2e%2e/_toyz_cache/{relative}", cookie=bobs),
    }  # fmt: skip
    statuses = {what: reply.status for what, reply in refused.items()}
    assert statuses == {
        "another user's tile": 403,
        "no session": 401,
        "traversal in the path": 403,
        "out of the root": 403,
        "the internal location": 404,
        "the internal prefix": 404,
        "dot segments to it": 404,
        "encoded dot segments to it": 404,
    }
    assert not any(reply.body == tile.read_bytes() for reply in refused.values())
    assert json.loads(refused["another user's tile"].body)["error"]["code"] == "forbidden"


class _Redirector(http.server.BaseHTTPRequestHandler):
    """An upstream that answers every request with the X-Accel-Redirect the request names: a stand-in
    for a web process that got the path wrong, to try nginx's internal location on its own."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("X-Accel-Redirect", self.headers["X-Test-Redirect"])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def redirector() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_internal_location_sends_tile_files_and_nothing_else_of_the_cache(
    start_production: Any, redirector: int, settings: Any
) -> None:
    site = start_production(
        workers=False,
        web_processes=1,
        extra_nginx=f"location /_test_redirect {{ proxy_pass http://127.0.0.1:{redirector}; }}\n",
    )
    cache = Path(settings.TOYZ_CACHE_DIR)
    identity, key = "0123456789abcdef" * 2, "fedcba9876543210"
    tiles = cache / identity / "hdu0-p0" / "render" / key / "0"
    tiles.mkdir(parents=True)
    contents = {
        "a tile": "0_0.png",
        "a dotfile": ".0_1.png",
        "a temporary file": ".0_2.png.k3x9.tmp",
        "a float level": "../../../L0.npy",
        "a description": "../../../description.json",
        "a marker": "../../../../prerendered-all.json",
        "a tile named .npy": "0_3.npy",
        "a tile named .json": "0_4.json",
    }
    for what, name in contents.items():
        (tiles / name).write_bytes(what.encode())
    (cache / "secret.txt").write_bytes(b"a secret")

    def through(target: str) -> tuple[int, bytes]:
        reply = site.get("/_test_redirect", headers={"X-Test-Redirect": target})
        return reply.status, reply.body

    base = f"/_toyz_cache/{identity}/hdu0-p0/render/{key}/0/"
    # The stand-in works: a tile's own path is sent.
    assert through(base + "0_0.png") == (200, b"a tile")
    for what, name in contents.items():
        if what != "a tile":
            status, body = through(base + name)
            assert status == 404 and body != what.encode(), what
    # Raw tiles: named as their URL (.raw), sent from the .gz beside it, inflated for this client (no gzip).
    raw = cache / identity / "hdu0-p0" / "raw" / "0"
    raw.mkdir(parents=True)
    (raw / "0_0.raw.gz").write_bytes(gzip.compress(b"a raw tile"))
    for name in (".0_1.raw.gz", "0_2.npy", ".0_4.raw.gz.x9.tmp"):
        (raw / name).write_bytes(gzip.compress(name.encode()))
    raw_base = f"/_toyz_cache/{identity}/hdu0-p0/raw/0/"
    assert through(raw_base + "0_0.raw") == (200, b"a raw tile")
    for name in ("0_0.raw.gz", ".0_1.raw", "0_2.npy", "0_4.raw", "../../L0.npy", "../../description.json"):
        status, body = through(raw_base + name)
        assert status == 404 and b"raw" not in body and b"npy" not in body, name
    for target in (
        f"/_toyz_cache/{identity}/hdu0-p0/raw/0/../../../../secret.txt",
        f"/_toyz_cache/{identity}/hdu0-p0/render/{key}/0/../../../../../secret.txt",
        f"/_toyz_cache/{identity}/hdu0-p0/render/{key}/0/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/_toyz_cache/secret.txt",
        "/_toyz_cache/../secret.txt",
        "/_toyz_cache//etc/passwd",
    ):
        status, body = through(target)
        assert status >= 400 and b"secret" not in body and b"root:" not in body, target


def test_workspace_sockets_work_through_nginx_and_keep_their_origin_check(
    production: Site, alice_and_bob: Any, prerendered: Any
) -> None:
    alice, _ = alice_and_bob
    workspace = Workspace.objects.create(owner=alice, name="Behind nginx")
    path = f"/ws/workspaces/{workspace.pk}/"
    cookie = production.session_cookie(alice)

    with pytest.raises(InvalidStatus) as refused:
        production.websocket(path, cookie, origin="http://evil.example.org")
    assert refused.value.response.status_code == 403

    with production.websocket(path, cookie) as socket:
        assert json.loads(socket.recv(timeout=30))["event"] == "workspace"
        socket.send(json.dumps({"type": "job", "id": 1, "fn": "imaging.describe", "params": {"path": IMAGE}}))
        while (message := json.loads(socket.recv(timeout=60))).get("type") != "result":
            pass
    assert message["status"] == "ok", message
    assert message["result"]["hdus"][0]["width"] == 500
    # The job ran in the interactive worker, taken from its queue.
    assert "toyz.run_job" in production.log("worker-interactive")

    # A view change reaches every other page of the workspace, whichever web process holds its socket
    # (nginx hands connections to both; the Redis channel layer carries the event between them).
    with contextlib.ExitStack() as stack:
        pages = [stack.enter_context(production.websocket(path, cookie)) for _ in range(4)]
        for page in pages:
            assert json.loads(page.recv(timeout=30))["event"] == "workspace"
        pages[0].send(json.dumps({"type": "view", "tile": "t1", "state": {"zoom": 3}}))
        for page in pages[1:]:
            while (event := json.loads(page.recv(timeout=30))).get("event") != "view":
                pass
            assert (event["tile"], event["state"]) == ("t1", {"zoom": 3})


def test_the_client_cannot_forge_its_address_or_scheme(start_production: Any, settings: Any) -> None:
    # No job runs here: the site without a worker starts sooner.
    production = start_production(workers=False)
    forged = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    reply = production.login("mallory", "not-the-password", headers=forged)
    # The form again (a failed login), not a CSRF refusal: Django saw the request as plain HTTP.
    assert reply.status == 200 and b"csrfmiddlewaretoken" in reply.body
    attempts = list(AccessAttempt.objects.values_list("username", "ip_address"))
    assert attempts == [("mallory", "127.0.0.1")]
    # The web processes trust those headers from any peer because only nginx can be one: they listen on
    # a unix socket in a folder nobody else may enter, and on no TCP port.
    setup = production.production.setup
    assert setup.socket_path.is_socket() and setup.run_dir.stat().st_mode & 0o777 == 0o700
    web = production.production.processes["web"]
    assert "--uds" in web.args and "--port" not in web.args and "--host" not in web.args


def test_static_files_are_sent_by_nginx(start_production: Any, production_static: Path) -> None:
    # No job runs here: the site without a worker starts sooner.
    production = start_production(workers=False)
    css = production.get("/static/toyz/site.css", headers={"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.headers["cache-control"] == "public, max-age=86400"
    # collectstatic's gzip copy, sent as it is.
    assert css.headers.get("content-encoding") == "gzip"
    # A file the web processes never saw (they serve nothing from this folder) is there at once.
    marker = production_static / "toyz" / f"marker-{time.monotonic_ns()}.txt"
    marker.write_text("served by nginx")
    try:
        assert production.get(f"/static/toyz/{marker.name}").body == b"served by nginx"
    finally:
        marker.unlink()
    bundle = sorted((production_static / "assets").glob("*.js"))
    if bundle:  # the front end is built (make test builds it first)
        asset = production.get(f"/static/assets/{bundle[0].name}")
        assert asset.status == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"


def _queues_and_niceness(pid: int) -> tuple[str, int]:
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    niceness = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    return argv[argv.index(b"-Q") + 1].decode(), niceness


def test_two_workers_run_as_the_units_do_and_stop_production_stops_both(production: Site) -> None:
    processes = production.production.processes
    workers = {name: _queues_and_niceness(p.pid) for name, p in processes.items() if name.startswith("worker")}
    # One worker for what users wait for; one for pre-renders, then the night, at a lower CPU priority.
    assert workers == {
        "worker-interactive": ("interactive,celery", 0),
        "worker-prerender-bulk": ("prerender,bulk,celery", 10),
    }
    # Each said it was ready, under its own node name.
    assert "interactive@" in production.log("worker-interactive")
    assert "prerender-bulk@" in production.log("worker-prerender-bulk")
    pids = [p.pid for p in processes.values()]

    # `make stop-production` from another shell: every process of the start, both workers included.
    setup = production.production.setup
    stop = subprocess.run(
        [sys.executable, "-m", "deploy.production", "stop"], cwd=ROOT, env=setup.env, capture_output=True, text=True
    )
    assert stop.returncode == 0, stop.stderr
    assert stop.stdout.strip() == "stopped: nginx, web, worker-interactive, worker-prerender-bulk"
    for process in processes.values():
        process.wait(timeout=60)
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
    assert not list(setup.run_dir.glob("*.pid"))
