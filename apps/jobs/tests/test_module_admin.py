"""The Module admin: modules listed with their functions and holders, granted from a module's page,
every change in the admin's history."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.test import Client

from apps.jobs import modules, registry
from apps.jobs.models import Module

pytestmark = pytest.mark.usefixtures("lab")


@pytest.fixture
def admin_client_of(make_user) -> Client:
    client = Client()
    client.force_login(make_user("root", admin=True))
    return client


def history(module: Module) -> list[str]:
    entries = LogEntry.objects.filter(object_id=str(module.pk), content_type__model="module").order_by("pk")
    return [entry.get_change_message() for entry in entries]


def page(module: Module) -> str:
    return f"/admin/jobs/module/{module.pk}/change/"


def test_the_list_shows_every_installed_module_with_its_functions_openness_and_holders(admin_client_of, make_user):
    response = admin_client_of.get("/admin/jobs/module/")
    assert response.status_code == 200
    # Opening the list made the rows of the modules installed since migrate.
    lab = Module.objects.get(name="lab")
    modules.grant(lab, Group.objects.create(name="observers"))
    modules.grant(lab, make_user("alice"))
    text = admin_client_of.get("/admin/jobs/module/").content.decode()
    assert "Laboratory" in text and "lab.echo" in text and "lab.count" in text
    assert "group observers, user alice" in text
    assert (
        "every active user (as TOYZ_OPEN_MODULES says)" in text and "those granted (as TOYZ_OPEN_MODULES says)" in text
    )


def test_granting_a_group_from_the_modules_page_lets_its_members_run_it_and_is_in_the_history(
    admin_client_of, make_user
):
    alice = make_user("alice")
    observers = Group.objects.create(name="observers")
    observers.user_set.add(alice)
    admin_client_of.get("/admin/jobs/module/")
    lab = Module.objects.get(name="lab")
    form = admin_client_of.get(page(lab)).content.decode()
    assert "Groups granted" in form and "Users granted" in form and "lab.echo" in form
    echo = registry.get("lab.echo")
    assert not registry.can_run(alice, echo)

    saved = admin_client_of.post(page(lab), {"open_to_all": "", "groups": [observers.pk], "users": []})
    assert saved.status_code == 302, saved.content.decode()
    assert registry.can_run(alice, echo)
    assert modules.holders(lab).groups == (observers,)

    admin_client_of.post(page(lab), {"open_to_all": "False", "groups": [], "users": [alice.pk]})
    lab.refresh_from_db()
    assert lab.open_to_all is False and modules.holders(lab).users == (alice,) and registry.can_run(alice, echo)

    admin_client_of.post(page(lab), {"open_to_all": "True", "groups": [], "users": []})
    assert registry.can_run(make_user("bob"), echo)
    assert history(lab) == [
        "Added grant to group “observers”.",
        "Changed Open to all. Deleted grant to group “observers”. Added grant to user “alice”.",
        "Changed Open to all. Deleted grant to user “alice”.",
    ]


def test_modules_come_from_the_registry_and_only_an_uninstalled_one_may_be_deleted(admin_client_of, monkeypatch: Any):
    admin_client_of.get("/admin/jobs/module/")
    lab = Module.objects.get(name="lab")
    assert admin_client_of.get("/admin/jobs/module/add/").status_code == 403
    assert admin_client_of.get(f"/admin/jobs/module/{lab.pk}/delete/").status_code == 403
    monkeypatch.setattr(registry, "_REGISTRY", {k: v for k, v in registry._REGISTRY.items() if v.module != "lab"})
    assert "none installed now" in admin_client_of.get("/admin/jobs/module/").content.decode()
    deleted = admin_client_of.post(f"/admin/jobs/module/{lab.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not Module.objects.filter(name="lab").exists()


def test_other_users_cannot_open_the_module_admin(make_user):
    client = Client()
    client.force_login(make_user("alice"))
    assert client.get("/admin/jobs/module/").status_code == 302  # to the admin's login
