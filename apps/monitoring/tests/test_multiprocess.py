"""The metrics folder of a node's web processes (`apps.monitoring.multiprocess`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.monitoring.multiprocess import MULTIPROC_VARIABLE, MetricsDirError, use_metrics_dir


def test_unset_leaves_the_process_on_its_own_counters() -> None:
    environ: dict[str, str] = {}
    assert use_metrics_dir(environ) is None
    assert MULTIPROC_VARIABLE not in environ


def test_the_folder_is_made_and_handed_to_prometheus_client(tmp_path: Path) -> None:
    environ = {"TOYZ_METRICS_DIR": str(tmp_path / "run" / "metrics")}
    folder = use_metrics_dir(environ)
    assert folder == tmp_path / "run" / "metrics" and folder.is_dir()
    assert environ[MULTIPROC_VARIABLE] == str(folder)


def test_prometheus_clients_own_variable_works_alone(tmp_path: Path) -> None:
    environ = {MULTIPROC_VARIABLE: str(tmp_path / "prom")}
    assert use_metrics_dir(environ) == tmp_path / "prom"


def test_a_folder_that_cannot_be_made_stops_the_start_with_a_sentence(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(MetricsDirError, match=r"TOYZ_METRICS_DIR=.*cannot make the folder"):
        use_metrics_dir({"TOYZ_METRICS_DIR": str(tmp_path / "a-file" / "metrics")})
