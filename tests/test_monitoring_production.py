"""/healthz, /metrics and request ids through the production setup: nginx in front of two web processes
(deploy/production.py), with a real worker. Two setups in all: each start costs tens of seconds here."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from apps.monitoring import health
from apps.monitoring.tests.conftest import parse, value
from conftest import write_wcs_image
from tests.production import Site

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
