"""A job whose worker was lost is run again by another one, and its watchers are told so."""

from __future__ import annotations

from typing import Any

import pytest

from apps.jobs.messages import JobMessage
from apps.jobs.models import Job
from apps.jobs.runner import RecordingReporter, execute

# The runner closes its thread's database connection when a job ends, as pool threads must.
pytestmark = pytest.mark.django_db(transaction=True)


def run(job: Job, worker: str) -> list[dict[str, Any]]:
    messages: list[JobMessage] = []
    execute(str(job.pk), 5, RecordingReporter(lambda _id, message: messages.append(message)), worker=worker)
    return [m.wire() for m in messages]


def test_a_job_left_running_by_a_lost_worker_says_it_was_resumed_and_answers_once(make_user):
    alice = make_user("alice")
    # What a worker that died mid-job leaves behind: the row still says running.
    job = Job.objects.create(
        user=alice, fn="files.list", params={"path": "home/alice"}, status=Job.Status.RUNNING, attempts=1, worker="a@n1"
    )
    messages = run(job, "b@n2")
    assert messages[0] == {
        "type": "progress",
        "id": 5,
        "done": 0,
        "total": 0,
        "message": "The worker running this job was lost; resumed on b@n2.",
    }
    result = messages[-1]
    assert (
        [m["type"] for m in messages].count("result") == 1 and result["type"] == "result" and result["status"] == "ok"
    )
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == (Job.Status.DONE, 2, "b@n2")


def test_a_first_run_counts_one_attempt_and_says_nothing_of_resuming(make_user):
    alice = make_user("alice")
    job = Job.objects.create(user=alice, fn="files.list", params={"path": "home/alice"})
    messages = run(job, "a@n1")
    assert [m["type"] for m in messages] == ["result"]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.worker) == (Job.Status.DONE, 1, "a@n1")
