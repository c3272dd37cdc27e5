"""Monitoring fixtures: `scrape(client)` reads /metrics as {(name, labels): value}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

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
