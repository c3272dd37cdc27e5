"""A mosaic detection on real workers: the job fans its CCDs out as `toyz.run_piece` tasks that other worker
processes run, and merges them into one table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from astropy.table import Table

from apps.jobs.models import Job
from apps.jobs.services import submit
from tests.conftest import wait_for
from workers.imaging.synthetic import write_decam_like

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_mosaic_detection_runs_its_ccds_on_several_worker_processes(
    start_worker: Any, make_user: Any, settings: Any
) -> None:
    worker = start_worker("detect", concurrency=3)
    alice = make_user("alice")
    home = Path(settings.TOYZ_DATA_ROOT) / "home/alice"
    home.mkdir(parents=True, exist_ok=True)
    write_decam_like(home / "exposure.fits", n_ccds=6, ccd_shape=(1024, 512), seed=7)

    job = submit(alice, "analysis.detect", {"image": {"path": "home/alice/exposure.fits", "hdu": -1}})
    wait_for(lambda: Job.objects.get(pk=job.pk).status in (Job.Status.DONE, Job.Status.ERROR), 180, "the detection")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, (job.error_code, job.error_message, worker.log_path.read_text()[-3000:])
    result = job.result
    assert result is not None
    assert [c["ccd"] for c in result["per_ccd"]] == [1, 2, 3, 4, 5, 6]
    # The job's own process and at least one other pool process ran CCDs.
    assert len({c["worker"] for c in result["per_ccd"]}) >= 2, result["per_ccd"]
    assert "toyz.run_piece" in worker.log_path.read_text()
    table = Table.read(Path(settings.TOYZ_DATA_ROOT) / result["path"])
    assert len(table) == result["rows"] == sum(c["rows"] for c in result["per_ccd"])
    assert sorted(set(table["ccd"])) == [1, 2, 3, 4, 5, 6]
