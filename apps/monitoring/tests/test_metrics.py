"""/metrics in the embedded mode: the allow-list, and what requests, tiles and jobs add to it."""

from __future__ import annotations

import ipaddress
import math
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.jobs import registry
from apps.jobs.models import Job
from apps.jobs.runner import RecordingReporter, execute, flush_quick_records, run_now
from apps.monitoring import jobstats
from apps.monitoring.metrics import job_families, queue_lists
from apps.monitoring.tests.conftest import parse, value

pytestmark = pytest.mark.django_db


def test_loopback_gets_the_prometheus_text_format(client: Client) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    for family in (
        "toyz_http_requests_total",
        "toyz_tile_duration_seconds",
        "toyz_tile_cache_total",
        "toyz_job_duration_seconds",
    ):
        assert f"# HELP {family} " in text
    assert parse(text), "no sample at all"


@pytest.mark.parametrize("address", ["10.0.0.7", "192.168.1.5", "2001:db8::1", "not-an-address"])
def test_other_addresses_are_refused(client: Client, address: str) -> None:
    response = client.get("/metrics", REMOTE_ADDR=address)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert b"toyz_" not in response.content


def test_a_forwarded_for_header_does_not_open_it(client: Client) -> None:
    # Only the peer counts (uvicorn puts nginx's client there); a header is the client's own claim.
    response = client.get("/metrics", REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 403


def test_the_allow_list_is_a_setting_of_cidr_blocks(client: Client, settings) -> None:
    settings.TOYZ_METRICS_ALLOW = [ipaddress.ip_network("10.0.0.0/8")]
    assert client.get("/metrics", REMOTE_ADDR="10.200.0.9").status_code == 200
    assert client.get("/metrics").status_code == 403  # loopback is no longer in it
    settings.TOYZ_METRICS_ALLOW = []
    assert client.get("/metrics", REMOTE_ADDR="10.200.0.9").status_code == 403


def test_an_ipv4_mapped_loopback_counts_as_loopback(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="::ffff:127.0.0.1").status_code == 200


def test_requests_are_counted_by_view_method_and_status(client: Client, scrape: Any) -> None:
    before = scrape(client)
    client.get("/accounts/login/")
    client.get("/accounts/login/")
    client.get("/api/files/list?path=")  # anonymous: 401
    client.get("/no/such/page/")
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("toyz_http_requests_total", view="login", method="GET", status="200") == 2
    assert delta("toyz_http_requests_total", view="api:files-list", method="GET", status="401") == 1
    assert delta("toyz_http_requests_total", view="none", method="GET", status="404") == 1
    assert delta("toyz_http_request_duration_seconds_count", view="login") == 2
    # No path ever becomes a label: file names and ids would make a series each.
    assert not [key for key in after if any("no/such" in v for _, v in key[1])]


def test_tile_responses_are_timed_and_counted_by_their_cache_answer(
    client: Client, scrape: Any, make_user: Any, sample_fits: Any
) -> None:
    client.force_login(make_user("alice"))
    sample_fits("home/alice/m13.fits")
    before = scrape(client)
    answers = []
    for _ in range(3):
        response = client.get("/tiles/0/0/0.png?path=home/alice/m13.fits")
        assert response.status_code == 200
        answers.append(response.get("X-Toyz-Cache", "none"))
    after = scrape(client)
    for answer in set(answers):
        count = answers.count(answer)
        assert (
            value(after, "toyz_tile_cache_total", result=answer) - value(before, "toyz_tile_cache_total", result=answer)
            == count
        )
        seen = value(after, "toyz_tile_duration_seconds_count", cache=answer)
        assert seen - value(before, "toyz_tile_duration_seconds_count", cache=answer) == count


def _run_as_a_worker_does(user: Any, fn: str) -> None:
    job = Job.objects.create(user=user, fn=fn, params={})
    execute(str(job.pk), 0, RecordingReporter())


def _run_in_the_server(user: Any, fn: str) -> None:
    # A quick job (runner.run_now) as `submit` makes it: its row not saved yet, stamped when submitted.
    spec, params = registry.prepare(user, fn, {})
    run_now(Job(user=user, fn=fn, params={}, created=timezone.now()), spec, params, RecordingReporter())


# The runner closes the connection, as in a worker; the recorder thread writes quick jobs' rows on its own.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [_run_as_a_worker_does, _run_in_the_server], ids=["worker", "in-server"])
def test_jobs_are_counted_by_function_and_outcome(
    client: Client, scrape: Any, make_user: Any, probe_jobs: None, run: Any
) -> None:
    admin = make_user("root", admin=True)
    before = scrape(client)
    for fn in ("probe.ok", "probe.ok", "probe.refuses", "probe.crashes"):
        run(admin, fn)
    flush_quick_records()
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("toyz_job_duration_seconds_count", fn="probe.ok", outcome="ok") == 2
    assert delta("toyz_job_duration_seconds_count", fn="probe.refuses", outcome="error") == 1
    assert delta("toyz_job_duration_seconds_count", fn="probe.crashes", outcome="failed") == 1
    assert delta("toyz_job_duration_seconds_bucket", fn="probe.ok", outcome="ok", le="+Inf") == 2
    assert delta("toyz_job_wait_seconds_count", fn="probe.ok") == 2
    assert Job.objects.filter(fn__startswith="probe.").count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_job_counts_its_queue_wait_once(make_user: Any, probe_jobs: None) -> None:
    admin = make_user("root", admin=True)
    job = Job.objects.create(user=admin, fn="probe.ok", params={})
    Job.objects.filter(pk=job.pk).update(attempts=1, status=Job.Status.QUEUED)  # a retry's second start
    before = jobstats.LOCAL.snapshot()
    execute(str(job.pk), 0, RecordingReporter())
    added = {k: v - before.get(k, 0.0) for k, v in jobstats.LOCAL.snapshot().items() if v != before.get(k, 0.0)}
    assert added and all(k.startswith(jobstats.DURATION) for k in added)


def test_job_counters_become_cumulative_histograms() -> None:
    counts: dict[str, float] = {}
    for seconds in (0.003, 0.2, 0.2, 45.0):
        for name, add in jobstats.increments("imaging.prerender", "ok", seconds, None).items():
            counts[name] = counts.get(name, 0.0) + add
    (duration, _) = job_families(counts)
    samples = {(s.name, s.labels.get("le")): s.value for s in duration.samples}
    assert samples[("toyz_job_duration_seconds_bucket", "0.01")] == 1
    assert samples[("toyz_job_duration_seconds_bucket", "0.25")] == 3
    assert samples[("toyz_job_duration_seconds_bucket", "30.0")] == 3
    assert samples[("toyz_job_duration_seconds_bucket", "60.0")] == 4
    assert samples[("toyz_job_duration_seconds_bucket", "+Inf")] == 4
    assert samples[("toyz_job_duration_seconds_count", None)] == 4
    assert math.isclose(samples[("toyz_job_duration_seconds_sum", None)], 45.403)


def test_a_counter_of_an_unknown_shape_is_skipped() -> None:
    counts = dict(jobstats.increments("files.list", "ok", 0.02, None))
    counts["something\telse"] = 3.0
    counts["wait\tfiles.list"] = 1.0
    (duration, wait) = job_families(counts)
    assert {s.labels.get("fn") for s in duration.samples} == {"files.list"}
    assert wait.samples == []


def test_a_queue_is_measured_over_its_priority_lists() -> None:
    assert queue_lists("bulk", {}) == ["bulk", "bulk\x06\x163", "bulk\x06\x166", "bulk\x06\x169"]
    options = {"priority_steps": [0, 5], "sep": ":", "global_keyprefix": "toyz-"}
    assert queue_lists("bulk", options) == ["toyz-bulk", "toyz-bulk:5"]
