"""Structured logs: request ids from the middleware, job ids from the runner, JSON lines on request."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import AsyncClient, Client

from apps.jobs.models import Job
from apps.jobs.runner import RecordingReporter, execute
from apps.monitoring import context
from apps.monitoring.logs import ContextFilter, JsonFormatter, PlainFormatter, logging_config

pytestmark = pytest.mark.django_db


Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    """`json_lines()`: the root logger's records since the test began, as TOYZ_LOG_FORMAT=json writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def _record(message: str, *args: Any, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("boom")
        except ValueError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("apps.test", logging.WARNING, __file__, 1, message, args, exc_info)


def test_a_json_line_is_one_object_with_the_ids_of_its_context() -> None:
    token_r, token_j = context.request_id.set("req-1"), context.job_id.set("job-2")
    try:
        text = JsonFormatter().format(_record("two\nlines with a %s", 'quote"', exc=True))
    finally:
        context.request_id.reset(token_r)
        context.job_id.reset(token_j)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == 'two\nlines with a quote"'
    assert line["level"] == "WARNING" and line["logger"] == "apps.test"
    assert line["request_id"] == "req-1" and line["job_id"] == "job-2"
    assert "ValueError: boom" in line["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])


def test_a_line_outside_any_request_or_job_has_no_ids() -> None:
    line = json.loads(JsonFormatter().format(_record("idle")))
    assert "request_id" not in line and "job_id" not in line


def test_plain_lines_end_with_their_ids() -> None:
    token = context.job_id.set("job-9")
    try:
        record = _record("built %d tiles", 12)
        ContextFilter().filter(record)
        assert PlainFormatter().format(record).endswith("apps.test: built 12 tiles [job=job-9]")
    finally:
        context.job_id.reset(token)
    assert PlainFormatter().format(_record("idle")).endswith("apps.test: idle")


def test_the_setting_picks_the_format() -> None:
    assert logging_config("json", "INFO")["handlers"]["console"]["formatter"] == "json"
    assert logging_config("json", "INFO")["loggers"]["uvicorn"]["handlers"] == ["console"]
    assert logging_config("plain", "DEBUG")["handlers"]["console"]["formatter"] == "plain"


def test_every_response_names_its_request(client: Client) -> None:
    first, second = client.get("/accounts/login/"), client.get("/accounts/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept(client: Client) -> None:
    nginx_id = "3f1c2b9e0d8a4c6e9b7a1f2e3d4c5b6a"
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID=nginx_id)["X-Request-ID"] == nginx_id


@pytest.mark.parametrize("forged", ['x" "level": "ERROR', "a\nb", "x" * 200, "", "-starts-with-dash"])
def test_a_request_id_that_could_forge_a_log_line_is_replaced(client: Client, forged: str) -> None:
    got = client.get("/accounts/login/", HTTP_X_REQUEST_ID=forged)["X-Request-ID"]
    assert got != forged and re.fullmatch(r"[0-9a-f]{32}", got)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_log_lines_of_a_request_carry_its_id(json_lines: Lines) -> None:
    # Through the async handler, as under uvicorn: Django logs the 404 after the middleware returned.
    response = await AsyncClient().get("/no/such/page/", headers={"X-Request-ID": "probe-42"})
    assert response.status_code == 404
    assert any(
        line["message"].startswith("Not Found") and line.get("request_id") == "probe-42" for line in json_lines()
    )


@pytest.mark.django_db(transaction=True)  # the runner closes the connection, as in a worker
def test_the_log_lines_of_a_job_carry_its_id(json_lines: Lines, make_user: Any, probe_jobs: None) -> None:
    job = Job.objects.create(user=make_user("root", admin=True), fn="probe.crashes", params={})
    execute(str(job.pk), 0, RecordingReporter())
    failed = [line for line in json_lines() if line["logger"] == "apps.jobs.runner" and "failed" in line["message"]]
    assert failed and all(line["job_id"] == str(job.pk) for line in failed)
    assert "RuntimeError: a bug" in failed[0]["exception"]
    assert context.job_id.get() is None  # the context ends with the job
