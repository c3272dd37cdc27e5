"""/healthz and /metrics in the distributed mode, against the real Redis, PostgreSQL and `celery worker`
processes: workers counted from their heartbeats, queue depth from the broker's lists, job durations and
outcomes counted in the worker and read by the web side, the worker's JSON log lines naming their job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import Client

from apps.jobs import services as jobs
from apps.jobs.models import Job
from apps.monitoring import health
from apps.monitoring.tests.conftest import parse, value
from conftest import write_wcs_image
from tests.conftest import free_port, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_healthz_passes_while_a_worker_beats_and_fails_once_it_stops(start_worker: Any, client: Client) -> None:
    status, report = _health(client)
    assert status == 503 and report["checks"]["workers"]["error"] == "no live worker"
    assert report["checks"]["redis"]["ok"] and report["checks"]["database"]["ok"] and report["checks"]["cache"]["ok"]

    worker = start_worker("beating", concurrency=1)
    wait_for(lambda: _health(client)[0] == 200, 30, "the worker's first heartbeat")
    status, report = _health(client)
    assert report["mode"] == "distributed"
    assert set(report["checks"]["workers"]["queues"]) == set(health.routed_queues())
    assert all(n == 1 for n in report["checks"]["workers"]["queues"].values())
    assert "beating" not in json.dumps(report)  # counts, never node names

    # A second worker on the same queues is counted too.
    start_worker("second", concurrency=1)
    wait_for(lambda: all(n == 2 for n in _health(client)[1]["checks"]["workers"]["queues"].values()), 30, "2 workers")

    # A clean shutdown takes a worker off at once (a dead one is counted out after 30 s).
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=30)
    assert all(n == 1 for n in _health(client)[1]["checks"]["workers"]["queues"].values())


def test_healthz_fails_fast_when_redis_is_gone(client: Client, settings: Any, redis_url: str) -> None:
    settings.TOYZ_REDIS_URL = f"redis://127.0.0.1:{free_port()}/5"  # nobody listens there
    status, report = _health(client)
    assert status == 503
    assert report["checks"]["redis"] == {"ok": False, "error": "unavailable", "ms": report["checks"]["redis"]["ms"]}
    assert not report["checks"]["workers"]["ok"]
    assert report["checks"]["database"]["ok"]
    assert "127.0.0.1" not in json.dumps(report)


def test_metrics_read_queue_depth_and_live_workers_from_redis(
    client: Client, settings: Any, redis_url: str, start_worker: Any
) -> None:
    consumed = health.routed_queues()  # what a test worker consumes
    settings.TOYZ_HEALTH_QUEUES = [*consumed, "ops-probe"]
    broker = redis.Redis.from_url(redis_url)
    # Three waiting messages at the default priority and two at a higher step (kombu keeps a list each).
    broker.lpush("ops-probe", "a", "b", "c")
    broker.lpush("ops-probe\x06\x163", "d", "e")
    try:
        start_worker("counted", concurrency=1)
        samples = parse(client.get("/metrics").content.decode())
    finally:
        broker.delete("ops-probe", "ops-probe\x06\x163")
    assert value(samples, "toyz_queue_length", queue="ops-probe") == 5
    assert all(value(samples, "toyz_workers", queue=queue) == 1 for queue in consumed)
    assert value(samples, "toyz_workers", queue="ops-probe") == 0
    assert value(samples, "toyz_metrics_redis_up") == 1


def test_jobs_in_a_worker_are_counted_and_logged_with_their_id(
    client: Client, settings: Any, start_worker: Any, make_user: Any
) -> None:
    worker = start_worker("jsonlog", concurrency=1, TOYZ_LOG_FORMAT="json")
    alice = make_user("alice")
    data_root = Path(settings.TOYZ_DATA_ROOT)
    write_wcs_image(data_root / "home/alice/ok.fits", (200, 300))
    (data_root / "home/alice/broken.fits").write_bytes(b"SIMPLE  =                    T" + b" " * 50)
    before = parse(client.get("/metrics").content.decode())

    ran = [
        jobs.submit(alice, "imaging.describe", {"path": f"home/alice/{name}.fits"}) for name in ("ok", "ok", "broken")
    ]
    finished = (Job.Status.DONE, Job.Status.ERROR)
    wait_for(lambda: Job.objects.filter(pk__in=[j.pk for j in ran], status__in=finished).count() == 3, 60, "the jobs")

    after = parse(client.get("/metrics").content.decode())

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("toyz_job_duration_seconds_count", fn="imaging.describe", outcome="ok") == 2
    assert delta("toyz_job_duration_seconds_count", fn="imaging.describe", outcome="error") == 1
    assert delta("toyz_job_wait_seconds_count", fn="imaging.describe") == 3

    # The worker's log is JSON lines; the runner's line about the refused file names its job.
    broken = str(ran[2].pk)
    lines = [json.loads(line) for line in worker.log_path.read_text().splitlines() if line.startswith("{")]
    assert lines, worker.log_path.read_text()[-2000:]
    assert any(line.get("job_id") == broken and "ended error" in line["message"] for line in lines)


def test_a_worker_with_the_heartbeat_step_stops_cleanly(start_worker: Any) -> None:
    # Every worker runs the step: a warm shutdown must still end with status 0 and no complaint.
    worker: subprocess.Popen[bytes] = start_worker("plain", concurrency=1)
    os.killpg(worker.pid, signal.SIGTERM)
    assert worker.wait(timeout=30) == 0
    assert "Could not record" not in worker.log_path.read_text()  # type: ignore[attr-defined]
