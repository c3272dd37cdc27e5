"""`/api/jobs`: listing the job functions with their schemas, starting a job over HTTP, and reading its run."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from apps.jobs import modules, registry
from apps.jobs.models import Job, Module

# Jobs run in the embedded pool's threads, which must see the rows this test writes.
pytestmark = pytest.mark.django_db(transaction=True)


def logged_in(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def wait_for_run(client: Client, job_id: str) -> dict[str, Any]:
    for _ in range(200):
        run: dict[str, Any] = client.get(f"/api/jobs/runs/{job_id}").json()
        if run["status"] not in ("queued", "running"):
            return run
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never finished")


def test_it_lists_each_job_function_with_the_schema_of_its_parameters(make_user):
    listed = {f["name"]: f for f in logged_in(make_user()).get("/api/jobs").json()}
    assert {"files.list", "imaging.describe", "imaging.pixel", "imaging.prerender", "imaging.prerender_folder"} <= set(
        listed
    )
    pixel = listed["imaging.pixel"]
    assert pixel["description"] and pixel["heavy"] is False and listed["imaging.prerender"]["heavy"] is True
    schema = pixel["params"]
    assert schema["additionalProperties"] is False and set(schema["required"]) == {"path", "x", "y"}
    assert schema["properties"]["path"]["format"] == "path" and schema["properties"]["path"]["x-right"] == "read"
    assert schema["properties"]["hdu"]["minimum"] == -1 and schema["properties"]["hdu"]["maximum"] == 10_000
    assert listed["files.list"]["params"]["properties"]["path"]["x-right"] == "list"


def test_it_lists_only_the_modules_a_user_may_run_and_names_each_functions_module(make_user, settings, lab):
    alice, bob, root = make_user("alice"), make_user("bob"), make_user("root", admin=True)
    settings.TOYZ_OPEN_MODULES = ["files"]
    modules.sync(registry.module_catalogue())
    observers = Group.objects.create(name="observers")
    observers.user_set.add(bob)
    modules.grant(Module.objects.get(name="lab"), observers)

    def listed(user: Any) -> dict[str, str]:
        return {f["name"]: f["module"] for f in logged_in(user).get("/api/jobs").json()}

    assert listed(alice) == {"files.list": "files"}
    assert listed(bob) == {"files.list": "files", "lab.echo": "lab"}
    assert {"imaging.prerender", "lab.echo", "lab.count"} <= set(listed(root))
    assert listed(root)["lab.count"] == "counting"
    refused = logged_in(alice).post(
        "/api/jobs/imaging.prerender", {"path": "home/alice"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["error"] == {
        "code": "forbidden",
        "message": "imaging.prerender needs the module “Pre-rendering” (prerender), which is not granted to you or your "
        "groups: ask an admin (root <root@example.org>) to grant it to you or to one of your groups.",
    }
    started = logged_in(bob).post("/api/jobs/lab.echo", {"text": "hi"}, content_type="application/json")
    assert started.status_code == 202 and wait_for_run(logged_in(bob), started.json()["id"])["result"] == {"text": "hi"}
    assert not Job.objects.filter(user=alice).exists()


def test_anonymous_users_get_401():
    assert Client().get("/api/jobs").status_code == 401
    assert Client().post("/api/jobs/files.list", {}, content_type="application/json").status_code == 401


def test_a_job_started_over_http_answers_202_and_its_run_gives_the_result(make_user, data_root):
    client = logged_in(make_user("alice"))
    (data_root / "home/alice/m13.fits").write_bytes(b"SIMPLE")
    started = client.post("/api/jobs/files.list", {"path": "home/alice"}, content_type="application/json")
    assert started.status_code == 202, started.content
    body = started.json()
    assert body["fn"] == "files.list" and body["status"] == "queued"
    run = wait_for_run(client, body["id"])
    assert run["status"] == "done" and run["error"] is None
    assert [e["name"] for e in run["result"]["entries"]] == ["m13.fits"]
    assert Job.objects.get(pk=body["id"]).workspace is None


def test_a_job_that_fails_gives_its_error_in_the_run(make_user, data_root):
    client = logged_in(make_user("alice"))
    (data_root / "home/alice/fake.fits").write_text("not FITS\n" * 10)
    job_id = client.post(
        "/api/jobs/imaging.describe", {"path": "home/alice/fake.fits"}, content_type="application/json"
    ).json()["id"]
    run = wait_for_run(client, job_id)
    assert run["status"] == "error" and run["error"]["code"] == "unreadable" and run["result"] is None


@pytest.mark.parametrize(
    ("fn", "body", "status", "code", "sentence"),
    [
        ("imaging.pixel", {"path": "home/alice", "x": "1", "y": 2}, 400, "bad_params", "x must be a finite number."),
        ("imaging.pixel", {"path": "home/alice", "y": 2}, 400, "bad_params", "imaging.pixel needs the parameter x."),
        ("imaging.describe", {"path": "home/alice", "hdu": 1.5}, 400, "bad_params", "hdu must be a whole number."),
        ("imaging.describe", {"path": "home/alice", "plane": -1}, 400, "bad_params", "plane must be at least 0."),
        ("files.list", {"nope": 1}, 400, "bad_params", "files.list takes no parameter nope."),
        ("files.list", [1], 400, "bad_params", "params must be an object."),
        ("files.list", {"path": "../.."}, 403, "outside_root", None),
        ("os.system", {}, 400, "unknown_function", None),
    ],
)
def test_bad_requests_get_a_readable_error_and_record_nothing(make_user, fn, body, status, code, sentence):
    response = logged_in(make_user("alice")).post(f"/api/jobs/{fn}", body, content_type="application/json")
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    if sentence:
        assert error["message"] == sentence
    assert not Job.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(make_user):
    client = logged_in(make_user("alice"), csrf=True)
    assert client.post("/api/jobs/files.list", {}, content_type="application/json").status_code == 403
    assert not Job.objects.exists()


def test_a_run_is_shown_only_to_its_owner_and_admins(make_user):
    alice, bob, root = make_user("alice"), make_user("bob"), make_user("root", admin=True)
    job = Job.objects.create(user=alice, fn="files.list", params={})
    assert logged_in(alice).get(f"/api/jobs/runs/{job.pk}").status_code == 200
    assert logged_in(root).get(f"/api/jobs/runs/{job.pk}").status_code == 200
    hidden = logged_in(bob).get(f"/api/jobs/runs/{job.pk}")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"


def test_an_unexpected_failure_shows_its_owner_a_sentence_not_the_exception(make_user, monkeypatch):

    def explode(ctx: Any, params: Any) -> dict[str, Any]:
        raise RuntimeError("secret /srv/internal/db password=hunter2")

    spec = registry.get("files.list")
    monkeypatch.setitem(registry._REGISTRY, "files.list", dataclasses.replace(spec, func=explode))
    alice, root = make_user("alice"), make_user("root", admin=True)
    job_id = logged_in(alice).post("/api/jobs/files.list", {}, content_type="application/json").json()["id"]
    run = wait_for_run(logged_in(alice), job_id)
    assert run["error"]["code"] == "job_failed" and "hunter2" not in json.dumps(run)
    assert "server log" in run["error"]["message"]
    # An admin reading the run sees what the row keeps.
    assert "hunter2" in logged_in(root).get(f"/api/jobs/runs/{job_id}").json()["error"]["message"]


def test_a_body_over_the_servers_upload_limit_is_too_large_not_an_internal_error(make_user):
    response = logged_in(make_user("alice")).post(
        "/api/jobs/files.list", '{"path": "' + "a" * 3_000_000 + '"}', content_type="application/json"
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_a_user_may_not_queue_jobs_over_http_without_end(make_user, monkeypatch):
    from apps.jobs import api

    alice = make_user("alice")
    monkeypatch.setattr(api, "MAX_UNFINISHED_HTTP_JOBS", 2)
    for _ in range(2):
        Job.objects.create(user=alice, fn="files.list", params={})
    response = logged_in(alice).post("/api/jobs/files.list", {}, content_type="application/json")
    assert response.status_code == 429 and response.json()["error"]["code"] == "too_many_jobs"
    assert Job.objects.count() == 2
