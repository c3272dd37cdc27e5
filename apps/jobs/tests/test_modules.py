"""Module grants: who may run which module's functions, how cheaply that is decided, and the refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.checks import run_checks

from apps.jobs import modules, registry
from apps.jobs.models import Job, Module
from apps.jobs.params import NoParams
from apps.jobs.registry import prepare
from apps.jobs.runner import RecordingReporter, execute
from workers.errors import ToyzError

pytestmark = pytest.mark.usefixtures("lab")


def refused(user: Any, fn: str, params: Any = None) -> ToyzError:
    with pytest.raises(ToyzError) as info:
        prepare(user, fn, params or {})
    assert info.value.code == "forbidden"
    return info.value


def runs(user: Any, fn: str) -> bool:
    return registry.can_run(user, registry.get(fn))


def module(name: str) -> Module:
    modules.sync(registry.module_catalogue())
    return Module.objects.get(name=name)


def group_of(name: str, *users: Any) -> Group:
    group = Group.objects.create(name=name)
    group.user_set.add(*users)
    return group


def test_a_function_belongs_to_its_name_prefix_unless_it_names_its_module():
    by_name = {spec.name: spec.module for spec in registry.specs()}
    assert by_name["files.list"] == "files" and by_name["imaging.prerender"] == "prerender"
    assert by_name["lab.echo"] == "lab" and by_name["lab.count"] == "counting"
    catalogue = registry.module_catalogue()
    assert catalogue["lab"].title == "Laboratory" and catalogue["lab"].functions == ("lab.echo",)
    assert catalogue["counting"].title == "counting" and catalogue["imaging"].title == "Imaging"


@pytest.mark.parametrize("bad", ["Lab", "", "a.b", "x" * 101, "../x"])
def test_a_bad_module_name_is_refused_at_registration(bad):
    with pytest.raises(RuntimeError, match="no module name"):
        registry.register("lab.bad", "Bad.", params=NoParams, module=bad)


def test_a_user_without_the_grant_is_refused_with_the_function_the_module_and_whom_to_ask(make_user):
    alice = make_user("alice")
    make_user("root", admin=True)
    make_user("zed", admin=True).__class__.objects.filter(username="zed").update(first_name="Zed", last_name="Admin")
    module("lab")
    error = refused(alice, "lab.echo")
    assert error.message == (
        "lab.echo needs the module “Laboratory” (lab), which is not granted to you or your groups: "
        "ask an admin (root <root@example.org>, Zed Admin <zed@example.org>) to grant it to you or to one of your groups."
    )
    assert error.status == 403
    assert "the module counting," in refused(alice, "lab.count").message


def test_the_contact_setting_replaces_the_admins_names(make_user, settings):
    settings.TOYZ_ADMIN_CONTACT = "the helpdesk (help@example.org)"
    assert "ask the helpdesk (help@example.org) to grant it" in refused(make_user("alice"), "lab.echo").message


def test_with_no_admin_the_refusal_still_says_whom_to_ask(make_user):
    assert "ask the site's administrator to grant it" in refused(make_user("alice"), "lab.echo").message


def test_members_of_a_granted_group_run_the_module_until_it_is_withdrawn_or_they_leave(make_user):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    observers = group_of("observers", alice, bob)
    lab = module("lab")
    modules.grant(lab, observers)
    assert runs(alice, "lab.echo") and runs(bob, "lab.echo") and not runs(carol, "lab.echo")
    # The grant is for "lab" only: the other test module stays closed.
    assert not runs(alice, "lab.count")
    observers.user_set.remove(bob)
    assert not runs(bob, "lab.echo") and runs(alice, "lab.echo")
    modules.withdraw(lab, observers)
    assert not runs(alice, "lab.echo")


def test_a_grant_to_a_user_and_a_deleted_group(make_user):
    alice, bob = make_user("alice"), make_user("bob")
    lab = module("lab")
    modules.grant(lab, alice)
    assert runs(alice, "lab.echo") and not runs(bob, "lab.echo")
    students = group_of("students", bob)
    modules.grant(lab, students)
    assert runs(bob, "lab.echo")
    students.delete()
    assert not runs(bob, "lab.echo")


def test_admins_run_everything_and_inactive_users_nothing(make_user):
    root, alice = make_user("root", admin=True), make_user("alice")
    assert runs(root, "lab.echo") and runs(root, "lab.count") and runs(alice, "files.list")
    alice.is_active = False
    alice.save()
    error = refused(alice, "files.list", {"path": ""})
    assert error.message == "Only signed-in, active users may run files.list."
    assert registry.runnable(alice) == []


def test_analysis_files_imaging_prerendering_sources_and_headers_are_open_by_default_and_the_setting_decides_unflagged_modules(
    make_user, settings
):
    alice = make_user("alice")
    assert settings.TOYZ_OPEN_MODULES == ["analysis", "files", "headers", "imaging", "prerender", "sources"]
    analysis = ("catalog_edit", "contours", "crossmatch", "detect", "histogram", "line", "photometry", "profile")
    assert {spec.name for spec in registry.runnable(alice)} == {
        *(f"analysis.{name}" for name in (*analysis, "spectrum", "stats", "surface")),
        "files.list",
        "headers.index",
        "imaging.describe",
        "imaging.pixel",
        "imaging.prerender",
        "imaging.prerender_folder",
        "sources.describe",
        "sources.export",
    }
    settings.TOYZ_OPEN_MODULES = ["files", "lab"]
    assert {spec.module for spec in registry.runnable(alice)} == {"files", "lab"}


def test_a_class_can_be_kept_from_heavy_jobs_and_still_view(make_user, settings):
    # Pre-rendering is a module of its own: closing it leaves describing and pixel readouts open.
    alice = make_user("alice")
    settings.TOYZ_OPEN_MODULES = ["files", "imaging"]
    assert runs(alice, "imaging.describe") and runs(alice, "imaging.pixel")
    assert "the module “Pre-rendering” (prerender)" in refused(alice, "imaging.prerender").message
    assert "the module “Pre-rendering” (prerender)" in refused(alice, "imaging.prerender_folder").message


def test_the_admins_flag_overrides_the_setting_both_ways(make_user):
    alice = make_user("alice")
    lab, imaging = module("lab"), module("imaging")
    lab.open_to_all, imaging.open_to_all = True, False
    lab.save()
    imaging.save()
    assert runs(alice, "lab.echo") and not runs(alice, "imaging.pixel")
    assert "the module “Imaging” (imaging)" in refused(alice, "imaging.pixel").message
    imaging.open_to_all = None
    imaging.save()
    assert runs(alice, "imaging.pixel")


class CountingCache:
    """The shared cache, counting its reads."""

    def __init__(self) -> None:
        self.reads = 0

    def get(self, key: str, default: Any = None) -> Any:
        self.reads += 1
        return cache.get(key, default)

    def __getattr__(self, name: str) -> Any:
        return getattr(cache, name)


def test_a_decision_costs_one_cache_read_and_no_query_while_nothing_changes(
    make_user, monkeypatch, django_assert_num_queries
):
    alice = make_user("alice")
    modules.grant(module("lab"), group_of("observers", alice))
    counting = CountingCache()
    monkeypatch.setattr(modules, "cache", counting)
    assert runs(alice, "lab.echo")  # decides from the database, once
    counting.reads = 0
    spec = registry.get("lab.echo")
    with django_assert_num_queries(0):
        for _ in range(5):
            assert registry.can_run(alice, spec)
        assert len(registry.runnable(alice)) == len(registry.specs()) - 1  # all but lab.count
    assert counting.reads == 6


def test_a_change_made_elsewhere_is_seen_through_the_shared_version(make_user):
    alice = make_user("alice")
    lab = module("lab")
    assert not runs(alice, "lab.echo")
    # What another process does: the rows change (no signal reaches this one), then the version.
    Module.objects.filter(pk=lab.pk).update(open_to_all=True)
    assert not runs(alice, "lab.echo")  # still the remembered decision: nothing said it changed
    cache.set(modules.VERSION_KEY, "changed elsewhere", timeout=None)
    assert runs(alice, "lab.echo")
    # A version evicted from the cache (or a restarted Redis) is a change too.
    Module.objects.filter(pk=lab.pk).update(open_to_all=False)
    cache.delete(modules.VERSION_KEY)
    assert not runs(alice, "lab.echo")


def test_rows_follow_the_registry_and_keep_a_vanished_modules_grants(make_user, monkeypatch):
    alice = make_user("alice")
    modules.sync(registry.module_catalogue())
    assert set(Module.objects.values_list("name", flat=True)) >= {"files", "imaging", "lab", "counting"}
    lab = Module.objects.get(name="lab")
    assert (lab.title, lab.description, lab.open_to_all) == ("Laboratory", "Experimental tools for the tests.", None)
    modules.grant(lab, alice)
    # The lab is uninstalled for a while: its row and grant stay.
    monkeypatch.setattr(registry, "_REGISTRY", {k: v for k, v in registry._REGISTRY.items() if v.module != "lab"})
    modules.sync(registry.module_catalogue())
    assert modules.holders(Module.objects.get(name="lab")).users == (alice,)
    # And its new version's title reaches the row.
    monkeypatch.undo()
    from apps.jobs.tests.lab import install_lab

    install_lab(monkeypatch)
    registry.describe_module("lab", "Laboratory 2")
    modules.sync(registry.module_catalogue())
    assert Module.objects.get(name="lab").title == "Laboratory 2" and runs(alice, "lab.echo")


def test_deleting_a_module_row_deletes_its_grants(make_user):
    alice = make_user("alice")
    lab = module("lab")
    modules.grant(lab, alice)
    lab.delete()
    modules.sync(registry.module_catalogue())
    assert modules.holders(Module.objects.get(name="lab")).users == ()
    assert not runs(alice, "lab.echo")


def test_the_checks_catch_a_misspelt_open_module(settings):
    settings.TOYZ_OPEN_MODULES = ["files", "imageing", "Bad Name"]
    found = {m.id: m.msg for m in run_checks() if m.id and m.id.startswith("jobs.")}
    assert found == {
        "jobs.W001": "TOYZ_OPEN_MODULES names 'imageing', but no installed job function belongs to it.",
        "jobs.E001": "TOYZ_OPEN_MODULES names 'Bad Name', which is no module name.",
    }


# The runner closes its thread's database connection when a job ends, as pool and worker threads must.
@pytest.mark.django_db(transaction=True)
def test_the_runner_refuses_a_job_whose_grant_was_withdrawn_while_it_was_queued(make_user):
    alice = make_user("alice")
    make_user("root", admin=True)
    observers = group_of("observers", alice)
    lab = module("lab")
    modules.grant(lab, observers)
    # Accepted while the grant held: queued, and no worker has taken it yet.
    job = Job.objects.create(user=alice, fn="lab.echo", params={"text": "hi"})
    modules.withdraw(lab, observers)
    messages: list[dict[str, Any]] = []
    execute(str(job.pk), 7, RecordingReporter(lambda _id, message: messages.append(message.wire())), worker="w@n1")
    assert messages == [
        {
            "type": "result",
            "id": 7,
            "status": "error",
            "error": {
                "code": "forbidden",
                "message": "lab.echo needs the module “Laboratory” (lab), which is not granted to you or your "
                "groups: ask an admin (root <root@example.org>) to grant it to you or to one of your groups.",
            },
        }
    ]
    job.refresh_from_db()
    assert (job.status, job.error_code, job.result) == (Job.Status.ERROR, "forbidden", None)
    # Granted again, the next job runs.
    modules.grant(lab, alice)
    again = Job.objects.create(user=alice, fn="lab.echo", params={"text": "hi"})
    execute(str(again.pk), 8, RecordingReporter(), worker="w@n1")
    again.refresh_from_db()
    assert (again.status, again.result) == (Job.Status.DONE, {"text": "hi"})
