"""/healthz, /metrics and request ids through the production setup: nginx in front of two web processes
(deploy/production.py), with a real worker. Two setups in all: each start costs tens of seconds here."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from apps.monitoring import health
from apps.monitoring.tests.conftest import parse, value
from conftest import write_wcs_image
from tests.conftest import wait_for
from tests.production import Site
from workers.imaging import build_pyramid, default_cuts

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_probes_and_one_scrape_of_both_web_processes(production: Site, make_user: Any, settings: Any) -> None:
    # A load balancer's probe names the node by its address; no session, no cookie.
    reply = production.get("/healthz", headers={"Host": "10.20.30.40"})
    assert reply.status == 200, reply.body
    report = json.loads(reply.body)
    assert report["mode"] == "distributed"
    assert set(report["checks"]) == {"database", "redis", "cache", "workers"}
    assert all(check["ok"] for check in report["checks"].values())
    assert "set-cookie" not in reply.headers
    assert set(report) == set(Client().get("/healthz").json())  # the embedded mode's shape

    alice = make_user("alice")
    write_wcs_image(Path(settings.TOYZ_DATA_ROOT) / "home/alice/m13.fits", (300, 500))
    cookie = production.session_cookie(alice)
    before = parse(production.get("/metrics").body.decode())
    # Many requests on fresh connections: the two processes on the one socket both take some.
    for _ in range(40):
        assert production.get("/healthz").status == 200
    tiles = [production.get(f"/tiles/0/{x}/0.png?path=home/alice/m13.fits", cookie=cookie) for x in (0, 1)]
    assert [t.status for t in tiles] == [200, 200]
    after = parse(production.get("/metrics").body.decode())

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("toyz_http_requests_total", view="healthz", method="GET", status="200") == 40
    assert sum(delta("toyz_tile_cache_total", result=r) for r in ("hit", "miss", "none")) == 2
    assert delta("toyz_tile_cache_total", result=tiles[0].headers.get("x-toyz-cache", "none")) >= 1
    assert all(value(after, "toyz_workers", queue=q) >= 1 for q in health.routed_queues())


def test_metrics_follow_the_address_nginx_saw_and_requests_are_named_by_nginx(start_production: Any) -> None:
    site = start_production(workers=False, TOYZ_METRICS_ALLOW="10.0.0.0/8", TOYZ_LOG_FORMAT="json")
    # This test connects from 127.0.0.1, which the allow-list leaves out; claiming another address in a
    # header changes nothing: nginx overwrites X-Forwarded-For with the peer it saw.
    assert site.get("/metrics").status == 403
    reply = site.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3", "X-Real-IP": "10.1.2.3"})
    assert reply.status == 403 and b"toyz_" not in reply.body

    first = site.get("/no/such/page/")
    second = site.get("/no/such/page/", headers={"X-Request-ID": "chosen-by-the-client"})
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in ids), ids  # nginx's $request_id
    assert ids[0] != ids[1]
    # The web processes' log lines say which request they belong to.
    lines = [json.loads(line) for line in site.log("web").splitlines() if line.startswith("{")]
    assert any(line.get("request_id") == ids[1] and line["message"].startswith("Not Found") for line in lines)


def test_tiles_that_nginx_sends_itself_are_counted_from_its_tile_log(
    start_production: Any, make_user: Any, settings: Any
) -> None:
    site = start_production(workers=False)
    image = "home/alice/m13.fits"
    path = write_wcs_image(Path(settings.TOYZ_DATA_ROOT) / image, (300, 500))
    cache = Path(settings.TOYZ_CACHE_DIR)
    build_pyramid(path, hdu=0, cache_dir=cache)
    lo, hi = default_cuts(path, hdu=0, plane=0, cache_dir=cache)["zscale"]
    cookie = site.session_cookie(make_user("alice"))
    answer = site.get(f"/api/imaging/tile-url?{urlencode({'path': image, 'lo': lo, 'hi': hi})}", cookie=cookie)
    template: str = json.loads(answer.body)["template"]

    def signed(x: int) -> str:
        return template.replace("{level}", "0").replace("{tx}", str(x)).replace("{ty}", "0")

    before = parse(site.get("/metrics").body.decode())
    sent = [site.get(signed(x), cookie=cookie) for x in (0, 1, 0)]
    assert all(r.status == 200 and r.headers.get("x-toyz-signed") == "nginx" for r in sent)
    parts = signed(0).split("/")
    parts[3] = "A" * 22  # a forged signature
    assert site.get("/".join(parts), cookie=cookie).status == 403
    # The same tile through /tiles/: Django checks, nginx sends the file (X-Accel-Redirect).
    accel = site.get(f"/tiles/0/0/0.png?{template.split('?', 1)[1]}", cookie=cookie)
    assert accel.status == 200 and accel.headers["x-toyz-cache"] == "hit"

    def delta(after: dict[Any, float], name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    expected = {("signed", "200", "hit"): 3, ("signed", "403", "-"): 1, ("accel", "200", "hit"): 1}

    def counted(extra: int = 0) -> bool:
        after = parse(site.get("/metrics").body.decode())  # nginx writes its logs every 2 s
        found = {k: delta(after, "toyz_nginx_tiles_total", via=k[0], status=k[1], cache=k[2]) for k in expected}
        return found == {**expected, ("signed", "200", "hit"): 3 + extra}

    wait_for(counted, 30, "nginx's tiles in /metrics")
    after = parse(site.get("/metrics").body.decode())
    assert delta(after, "toyz_nginx_tile_duration_seconds_count", via="signed") == 4
    assert delta(after, "toyz_nginx_tile_duration_seconds_count", via="accel") == 1

    # Both of nginx's logs name the request by the id the web process answered with.
    rid = accel.headers["x-request-id"]
    tile_log = Path(site.production.setup.env["TOYZ_NGINX_TILE_LOG"])
    assert any(line.split()[1] == rid for line in tile_log.read_text().splitlines())
    wait_for(lambda: f"rid={rid}" in site.log("nginx-access"), 10, "the request's line in nginx's access log")

    # logrotate's way: the log renamed, nginx told to reopen it (USR1); nothing is counted twice or lost.
    tile_log.rename(tile_log.with_name(tile_log.name + ".1"))
    site.production.processes["nginx"].send_signal(signal.SIGUSR1)
    wait_for(tile_log.exists, 10, "nginx to reopen its tile log")
    assert site.get(signed(1), cookie=cookie).status == 200
    wait_for(lambda: counted(extra=1), 30, "the tile after the rotation in /metrics")


def test_raw_tiles_that_nginx_sends_are_counted_too(start_production: Any, make_user: Any, settings: Any) -> None:
    site = start_production(workers=False)
    image = "home/alice/m13.fits"
    path = write_wcs_image(Path(settings.TOYZ_DATA_ROOT) / image, (300, 500))
    build_pyramid(path, hdu=0, cache_dir=Path(settings.TOYZ_CACHE_DIR))
    cookie = site.session_cookie(make_user("alice"))
    gzip = {"Accept-Encoding": "gzip"}
    answer = site.get(f"/api/imaging/tile-url?{urlencode({'path': image, 'fmt': 'raw'})}", cookie=cookie)
    template: str = json.loads(answer.body)["template"]
    url = template.replace("{level}", "0").replace("{tx}", "1").replace("{ty}", "0")

    before = parse(site.get("/metrics").body.decode())
    # Not stored yet: nginx passes it to Django, which stores it; then nginx sends the stored file, by its
    # signed URL and after Django's check (X-Accel-Redirect).
    first, second = (site.get(url, cookie=cookie, headers=gzip) for _ in range(2))
    assert (first.headers["x-toyz-cache"], second.headers.get("x-toyz-signed")) == ("miss", "nginx")
    accel = site.get(f"/tiles/0/1/0.raw?{template.split('?', 1)[1]}", cookie=cookie, headers=gzip)
    assert accel.status == 200 and accel.headers["x-toyz-cache"] == "hit"
    expected = {("signed", "200", "miss"): 1, ("signed", "200", "hit"): 1, ("accel", "200", "hit"): 1}

    def counted() -> bool:
        after = parse(site.get("/metrics").body.decode())  # nginx writes its logs every 2 s
        labels = ("via", "status", "cache")
        found = {k: value(after, "toyz_nginx_tiles_total", **dict(zip(labels, k, strict=True))) for k in expected}
        return found == {k: value(before, "toyz_nginx_tiles_total", **dict(zip(labels, k, strict=True))) + n
                         for k, n in expected.items()}  # fmt: skip

    wait_for(counted, 30, "nginx's raw tiles in /metrics")
