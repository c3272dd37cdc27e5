"""Monitoring fixtures.

- `scrape(client)` reads /metrics as {(name, labels): value}; `value(samples, name, **labels)` reads one.
- `probe_jobs` registers job functions for the test: ``probe.ok`` succeeds, ``probe.refuses`` raises a
  ToyzError, ``probe.crashes`` raises RuntimeError("a bug").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from apps.jobs import registry
from apps.jobs.params import JobParams, Text
from apps.jobs.registry import JobContext
from workers.errors import ToyzError

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample of a Prometheus text exposition, keyed by its name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; 0 when the series does not exist yet (a counter never incremented)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def scrape() -> Callable[[Any], Samples]:
    def read(client: Any) -> Samples:
        response = client.get("/metrics")
        assert response.status_code == 200, response.content
        return parse(response.content.decode())

    return read


class _Params(JobParams):
    text: Text = ""


def _ok(ctx: JobContext, params: _Params) -> dict[str, Any]:
    return {"text": params.text}


def _refuses(ctx: JobContext, params: _Params) -> dict[str, Any]:
    raise ToyzError("not_found", "No such thing.")


def _crashes(ctx: JobContext, params: _Params) -> dict[str, Any]:
    raise RuntimeError("a bug")


@pytest.fixture
def probe_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_MODULES", dict(registry._MODULES))
    registry.describe_module("probe", "Probe", "Jobs the metrics tests run.")
    registry.register("probe.ok", "Succeeds.", params=_Params)(_ok)
    registry.register("probe.refuses", "Raises a ToyzError.", params=_Params)(_refuses)
    registry.register("probe.crashes", "Raises an unexpected exception.", params=_Params)(_crashes)
