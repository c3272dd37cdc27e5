"""/healthz in the embedded mode: anonymous, fast, a verdict per check, 503 when one fails, nothing revealed."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from django.db.utils import OperationalError
from django.test import Client

from apps.monitoring import health

pytestmark = pytest.mark.django_db


def test_it_answers_anonymous_callers_with_every_check(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok" and report["mode"] == "embedded"
    assert set(report["checks"]) == {"database", "cache", "workers"}
    assert all(check["ok"] for check in report["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_a_probe_may_name_the_node_by_its_address(client: Client) -> None:
    # Load balancers send the node's IP address as the Host, which ALLOWED_HOSTS does not list.
    assert client.get("/healthz", HTTP_HOST="10.20.30.40:8000").status_code == 200
    # Every other page still checks it.
    assert client.get("/accounts/login/", HTTP_HOST="10.20.30.40:8000").status_code == 400


def test_it_fails_with_503_when_the_cache_folder_cannot_be_written(client: Client, settings, tmp_path: Path) -> None:
    settings.TOYZ_CACHE_DIR = tmp_path / "not-mounted"
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "fail"
    assert report["checks"]["cache"] == {"ok": False, "error": "not writable", "ms": report["checks"]["cache"]["ms"]}
    assert report["checks"]["database"]["ok"]


def test_it_leaves_nothing_behind_in_the_cache_folder(client: Client, cache_dir: Path) -> None:
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert list(cache_dir.iterdir()) == []


def test_it_reveals_no_path_host_or_error_text(client: Client, settings, monkeypatch, tmp_path: Path) -> None:
    def broken() -> dict[str, object]:
        raise OperationalError('could not connect to server at "db7.internal" (10.1.2.3), password for toyz')

    monkeypatch.setattr(health, "check_database", broken)
    settings.TOYZ_CACHE_DIR = tmp_path / "secret-mount"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.content.decode()
    assert response.json()["checks"]["database"]["error"] == "unavailable"
    for secret in ("db7", "10.1.2.3", "password", "secret-mount", str(tmp_path), socket.gethostname()):
        assert secret not in body


def test_a_check_that_hangs_fails_as_a_timeout(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(health, "CHECK_TIMEOUT_SECONDS", 0.2)

    def hangs(folder: Path) -> dict[str, object]:
        time.sleep(1)  # a hard-mounted NFS cache folder whose server went away
        return {}

    monkeypatch.setattr(health, "check_cache_folder", hangs)
    report = client.get("/healthz").json()
    assert report["checks"]["cache"]["error"] == "timeout"
    assert report["status"] == "fail"


def test_it_is_not_throttled_by_the_login_lockout(client: Client, make_user) -> None:
    make_user("alice")
    for _ in range(6):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    # This address and name are locked out of the login now; the probe from the same address is not.
    assert client.post("/accounts/login/", {"username": "alice", "password": "a-long-test-password"}).status_code == 429
    assert client.get("/healthz").status_code == 200


def test_it_takes_only_safe_methods(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_the_required_queues_follow_the_settings(settings) -> None:
    # The declared queues are the answer: interactive, prerender and bulk with this project's settings.
    assert health.routed_queues() == ["bulk", "interactive", "prerender"]
    settings.TOYZ_HEALTH_QUEUES = None
    del settings.CELERY_TASK_QUEUES
    settings.CELERY_TASK_ROUTES = {"toyz.run_job": {"queue": "interactive"}, "toyz.run_bulk_job": {"queue": "bulk"}}
    assert health.routed_queues() == ["bulk", "interactive"]
    settings.TOYZ_HEALTH_QUEUES = ["interactive"]
    assert health.routed_queues() == ["interactive"]
    settings.TOYZ_HEALTH_QUEUES = None
    del settings.CELERY_TASK_ROUTES
    assert health.routed_queues() == ["interactive"]  # the default queue
