"""Module grants in the distributed mode: a real `celery worker` process re-checks the grant of a queued
job, and sees a grant made in another process from its next job on (the decision's version is in Redis)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.models import Group

from apps.jobs import modules, registry, services
from apps.jobs.models import Job, Module
from conftest import write_wcs_image

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# Imaging closed to everyone but those granted it, in this process and in the worker alike.
CLOSED_IMAGING = {"TOYZ_OPEN_MODULES": "files"}


def finished(job: Job, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status not in (Job.Status.QUEUED, Job.Status.RUNNING):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} ({job.fn}) never finished")


@pytest.fixture
def observers(make_user: Any, settings: Any) -> Group:
    settings.TOYZ_OPEN_MODULES = ["files"]
    make_user("root", admin=True)
    group = Group.objects.create(name="observers")
    group.user_set.add(make_user("alice"))
    modules.sync(registry.module_catalogue())
    return group


def test_the_worker_refuses_a_job_whose_grant_was_withdrawn_while_it_was_queued(
    start_worker: Any, observers: Group, settings: Any
):
    alice = observers.user_set.get()
    write_wcs_image(settings.TOYZ_DATA_ROOT / "home/alice/m13.fits", (64, 64))
    imaging = Module.objects.get(name="imaging")
    modules.grant(imaging, observers)
    # Accepted while the grant held, and queued in Redis: no worker runs yet.
    job = services.submit(alice, "imaging.describe", {"path": "home/alice/m13.fits"})
    modules.withdraw(imaging, observers)
    start_worker("modules", **CLOSED_IMAGING)
    job = finished(job)
    assert (job.status, job.error_code) == (Job.Status.ERROR, "forbidden")
    assert job.error_message.startswith("imaging.describe needs the module “Imaging” (imaging), which is not granted")
    assert "ask an admin (root <root@example.org>)" in job.error_message

    # Granted again from this process: the worker, which decided "no" a moment ago, runs the next one.
    modules.grant(imaging, observers)
    again = finished(services.submit(alice, "imaging.describe", {"path": "home/alice/m13.fits"}))
    assert again.status == Job.Status.DONE, again.error_message
    assert isinstance(again.result, dict) and again.result["hdus"]
