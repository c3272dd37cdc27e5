"""Job fixtures: `lab`, a module of test functions that is not open to everyone (see `lab.py`)."""

from __future__ import annotations

import pytest

from apps.jobs.tests.lab import install_lab


@pytest.fixture
def lab(monkeypatch: pytest.MonkeyPatch) -> None:
    install_lab(monkeypatch)
