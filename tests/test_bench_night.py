"""`make bench-night` in its small mode: two exposures of four small CCDs through the real script, real Celery
workers, Redis and PostgreSQL, so that the benchmark cannot rot. Times are printed, never asserted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import ROOT
from workers.imaging import build_pyramid

pytestmark = pytest.mark.integration

BASELINE = "c9ce936"


def run_bench(workdir: Path, *args: str) -> dict[str, str]:
    redis_url = os.environ.get("TOYZ_REDIS_URL")
    database_url = os.environ.get("DATABASE_URL", "")
    if not redis_url or "postgres" not in database_url:
        pytest.fail("The integration tests need TOYZ_REDIS_URL and DATABASE_URL (make pytest-integration sets them).")
    parts = urlsplit(database_url)
    # A database of its own beside the tests' (the benchmark makes it); the tests' Redis database, flushed.
    env = {
        **os.environ,
        "BENCH_REDIS_URL": redis_url,
        "BENCH_DATABASE_URL": urlunsplit(parts._replace(path=parts.path + "_night_bench")),
    }
    done = subprocess.run(
        [sys.executable, "benchmarks/night.py", "--workdir", str(workdir), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = [line.partition(": ") for line in done.stdout.splitlines() if ": " in line]
    return {name: value for name, _, value in lines}


def has_baseline() -> bool:
    found = subprocess.run(["git", "cat-file", "-e", f"{BASELINE}^{{commit}}"], cwd=ROOT, capture_output=True)
    return found.returncode == 0


def test_a_small_night_is_prerendered_measured_and_cleaned_up(tmp_path):
    out = run_bench(
        tmp_path,
        *("--exposures", "2", "--ccds", "4", "--ccd-shape", "512x256"),
        *("--baseline-exposures", "1", "--two-node-exposures", "2", "--reap-after", "0"),
    )
    # The night: both exposures built by the workers, timed and measured.
    assert out["night_summary"].startswith("2 files: 2 built, 0 already complete, 0 failed")
    assert out["night_exposures"] == "2"
    for name in ("night_total_s", "night_s_per_exposure_mean", "night_s_per_exposure_p50", "night_s_per_exposure_max"):
        assert float(out[name]) > 0, name
    assert float(out["night_minutes"]) == pytest.approx(float(out["night_total_s"]) / 60, rel=0.01)
    # Every tile of the exposure, as many as a build in this process writes.
    build_pyramid(tmp_path / "decam-4-512x256.fits.fz", hdu=None, cache_dir=tmp_path / "reference")
    assert float(out["night_tiles_per_exposure"]) == len(list((tmp_path / "reference").rglob("*.png")))
    assert float(out["night_cache_mb_per_exposure"]) > 0
    assert float(out["night_worker_cpu_s"]) > 0
    # Two nodes shared the second run, each taking tasks.
    assert float(out["two_node_speedup"]) > 0
    assert "nodeA=" in out["two_node_one_node_tasks"] and "nodeB" not in out["two_node_one_node_tasks"]
    assert "nodeA=" in out["two_node_two_nodes_tasks"] and "nodeB=" in out["two_node_two_nodes_tasks"]
    # The baseline arm (the engine before the speed-ups) drew the same pictures.
    if has_baseline():
        assert out["arm_baseline_ref"] == BASELINE
        assert int(out["arm_tiles_decoded_and_compared"]) > 0
        assert out["arm_files_differing"] == "0"
        assert float(out["arm_speedup_cpu"]) > 0
    else:
        assert out["arm"].startswith("skipped")
    # Nothing of the nights is left on the disk, only the generated exposure (kept for the next run).
    left = {p.name for p in tmp_path.iterdir()} - {"reference"}
    assert not left & {"night-data", "night-cache", "arm-cache-baseline", "arm-cache-current"}
    assert "decam-4-512x256.fits.fz" in left
