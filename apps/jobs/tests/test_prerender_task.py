"""`workers.tasks.run_bulk_job` (what `toyz_prerender` queues): transient errors are retried, and the last attempt records the failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apps.imaging import services
from apps.jobs.models import Job
from workers.tasks import run_bulk_job

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def job(make_user, sample_fits) -> Job:
    sample_fits("night/a.fits", shape=(300, 400))
    root = make_user("root", admin=True)
    return Job.objects.create(user=root, fn="imaging.prerender", params={"path": "night/a.fits", "hdu": None})


def flaky(failures: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = services.prerender

    def prerender(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append(1)
        if len(calls) <= failures:
            raise OSError(5, "Input/output error (the shared cache went away)")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "prerender", prerender)
    return calls


def test_a_transient_error_is_retried_until_it_passes(job, monkeypatch, cache_dir: Path):
    calls = flaky(2, monkeypatch)
    run_bulk_job.apply(args=(str(job.pk),))
    job.refresh_from_db()
    assert len(calls) == 3
    assert job.status == Job.Status.DONE and job.result["skipped"] is False
    assert list(cache_dir.glob("*/prerendered-all.json"))


def test_the_last_attempt_records_the_error_on_the_job(job, monkeypatch):
    calls = flaky(100, monkeypatch)
    run_bulk_job.apply(args=(str(job.pk),))
    job.refresh_from_db()
    # docs/architecture.md promises up to 3 retries: the first attempt and 3 more.
    assert len(calls) == 4
    assert job.status == Job.Status.ERROR and job.error_code == "job_failed"
    assert "Input/output error" in job.error_message


def test_a_vanished_job_is_ignored(job, monkeypatch, cache_dir: Path):
    calls = flaky(0, monkeypatch)
    job_id = str(job.pk)
    job.delete()
    outcome = run_bulk_job.apply(args=(job_id,))
    assert outcome.successful()
    assert calls == [] and not Job.objects.exists() and not any(cache_dir.iterdir())


def test_a_redelivered_task_of_a_finished_job_builds_nothing_again(job, monkeypatch):
    run_bulk_job.apply(args=(str(job.pk),))
    job.refresh_from_db()
    finished = (job.status, job.finished, job.result)
    assert job.status == Job.Status.DONE
    # As when Redis hands the unacknowledged task to a second worker after the first answered.
    calls = flaky(0, monkeypatch)
    assert run_bulk_job.apply(args=(str(job.pk),)).successful()
    job.refresh_from_db()
    assert calls == [] and (job.status, job.finished, job.result) == finished
