"""The headers.index job through POST /api/jobs: open to every user, progress in files, counts of what they may read."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from apps.files.grants import grant
from apps.files.services import Right
from apps.headers.models import HeaderEntry

# Jobs run in the embedded pool's threads, which must see the rows this test writes.
pytestmark = pytest.mark.django_db(transaction=True)


def run(client: Client, fn: str, params: dict[str, Any]) -> dict[str, Any]:
    started = client.post(f"/api/jobs/{fn}", data=params, content_type="application/json")
    assert started.status_code == 202, started.content
    for _ in range(400):
        found: dict[str, Any] = client.get(f"/api/jobs/runs/{started.json()['id']}").json()
        if found["status"] not in ("queued", "running"):
            return found
        time.sleep(0.05)
    raise AssertionError("the index job never finished")


def test_a_user_indexes_only_the_files_they_may_read_and_hears_only_of_those(make_user, night):
    alice = make_user("alice")
    grant("nights", alice, [Right.READ])
    grant("nights/n1/secret", alice, [])
    client = Client()
    client.force_login(alice)
    found = run(client, "headers.index", {"path": "nights"})
    assert found["status"] == "done", found
    result = found["result"]
    assert (result["files"], result["read"], result["problems"]) == (5, 5, 1)
    assert result["failures"][0]["path"] == "nights/n1/broken.fits"
    # The file under the none grant is neither read nor counted nor named in the progress.
    assert found["done"] == found["total"] == 5
    assert set(HeaderEntry.objects.values_list("path", flat=True)) == set(
        HeaderEntry.objects.exclude(path__startswith="nights/n1/secret/").values_list("path", flat=True)
    )
    assert HeaderEntry.objects.count() == 5
    again = run(client, "headers.index", {"path": "nights", "recursive": True})["result"]
    assert (again["read"], again["unchanged"]) == (0, 5)


def test_a_file_is_refused_as_the_folder_to_index(make_user, night):
    client = Client()
    client.force_login(make_user("root", admin=True))
    found = run(client, "headers.index", {"path": "nights/n1/c4d_001.fits"})
    assert found["status"] == "error" and found["error"]["code"] == "bad_path"
