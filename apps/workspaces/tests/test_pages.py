"""The workspace pages as a person meets them: where the home page sends you, the list, creating a
workspace, opening one, the icon."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from guardian.shortcuts import assign_perm, remove_perm
from PIL import Image

from apps.workspaces.models import Workspace
from apps.workspaces.permissions import can_change, can_view

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def test_anonymous_visitors_are_sent_to_the_login_page():
    client = Client()
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/login/")
    create = client.post("/workspaces/new/", {"name": "Sneaky"})
    assert create.status_code == 302 and create["Location"].startswith("/accounts/login/")
    assert not Workspace.objects.exists()


def test_a_first_visit_makes_a_workspace_and_opens_it(alice, alice_client):
    response = alice_client.get("/")
    [workspace] = Workspace.objects.all()
    assert workspace.owner == alice and workspace.name == "My workspace"
    assert response.status_code == 302 and response["Location"] == f"/workspaces/{workspace.pk}/"
    # A second visit lists it rather than making another.
    assert alice_client.get("/").status_code == 200
    assert Workspace.objects.count() == 1


def test_home_lists_the_users_workspaces_and_not_other_peoples(alice, alice_client, make_user):
    Workspace.objects.create(owner=alice, name="Night 1")
    Workspace.objects.create(owner=alice, name="M13 cube")
    Workspace.objects.create(owner=make_user("bob"), name="Bob's secret night")
    response = alice_client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Night 1" in page and "M13 cube" in page
    assert "secret" not in page


def test_home_lists_the_workspaces_shared_with_the_user_and_by_whom(alice, alice_client, make_user):
    bob = make_user("bob")
    shared = Workspace.objects.create(owner=bob, name="Bob's night")
    assign_perm("workspaces.view_workspace", alice, shared)
    group = Group.objects.create(name="observers")
    alice.groups.add(group)
    assign_perm("workspaces.view_workspace", group, Workspace.objects.create(owner=bob, name="Survey fields"))
    Workspace.objects.create(owner=bob, name="Bob's secret night")
    response = alice_client.get("/")
    # Not a first visit any more: she has workspaces to open, though none of her own.
    assert response.status_code == 200 and not Workspace.objects.filter(owner=alice).exists()
    page = response.content.decode()
    assert f'href="/workspaces/{shared.pk}/"' in page and "Survey fields" in page and "shared by bob" in page
    assert "secret" not in page


def test_creating_a_workspace_makes_one_owned_by_the_user_and_opens_it(alice, alice_client, make_user):
    response = alice_client.post("/workspaces/new/", {"name": "  Globular clusters  "})
    workspace = Workspace.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workspaces/{workspace.pk}/"
    assert workspace.owner == alice and workspace.name == "Globular clusters" and workspace.layout == []
    assert can_view(alice, workspace) and can_change(alice, workspace)
    bob = make_user("bob")
    assert not can_view(bob, workspace) and not can_change(bob, workspace)
    assert alice_client.get(response["Location"]).status_code == 200


def test_a_workspace_without_a_name_gets_one_and_long_names_are_cut(alice_client):
    alice_client.post("/workspaces/new/", {"name": "   "})
    alice_client.post("/workspaces/new/", {"name": "x" * 500})
    assert sorted(len(w.name) for w in Workspace.objects.all()) == [len("Untitled workspace"), 200]
    assert Workspace.objects.filter(name="Untitled workspace").exists()


def test_create_takes_only_post(alice_client):
    assert alice_client.get("/workspaces/new/").status_code == 405
    assert not Workspace.objects.exists()


def test_another_users_workspace_page_is_not_found(alice_client, make_user):
    theirs = Workspace.objects.create(owner=make_user("bob"), name="Bob's night")
    assert alice_client.get(f"/workspaces/{theirs.pk}/").status_code == 404
    assert alice_client.get("/workspaces/999999/").status_code == 404


def test_a_returning_user_lands_in_their_last_workspace(client, make_user):
    alice = make_user("alice")
    Workspace.objects.create(owner=alice, name="First")
    second = Workspace.objects.create(owner=alice, name="Second")
    client.force_login(alice)
    assert client.get(f"/workspaces/{second.pk}/").status_code == 200
    client.logout()

    client.post("/accounts/login/", {"username": "alice", "password": "a-long-test-password"})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == f"/workspaces/{second.pk}/"


def test_the_workspace_list_stays_reachable_from_the_workspace(client, make_user):
    alice = make_user("alice")
    workspace = Workspace.objects.create(owner=alice, name="Night 1")
    Workspace.objects.create(owner=alice, name="Night 2")
    client.force_login(alice)
    page = client.get(f"/workspaces/{workspace.pk}/").content.decode()
    assert 'data-home-url="/workspaces/"' in page
    listing = client.get("/workspaces/")
    assert listing.status_code == 200
    assert b"Night 1" in listing.content and b"Night 2" in listing.content


def test_a_deleted_last_workspace_leaves_the_user_on_the_list(client, make_user):
    alice = make_user("alice")
    kept = Workspace.objects.create(owner=alice, name="Kept")
    gone = Workspace.objects.create(owner=alice, name="Gone")
    client.force_login(alice)
    client.get(f"/workspaces/{gone.pk}/")
    gone.delete()
    response = client.get("/")
    assert response.status_code == 200 and kept.name.encode() in response.content


def test_a_workspace_no_longer_shared_is_not_where_home_sends_you(client, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    shared = Workspace.objects.create(owner=alice, name="Shared night")
    Workspace.objects.create(owner=bob, name="Own night")
    assign_perm("workspaces.view_workspace", bob, shared)
    client.force_login(bob)
    assert client.get(f"/workspaces/{shared.pk}/").status_code == 200
    assert client.get("/")["Location"] == f"/workspaces/{shared.pk}/"

    remove_perm("workspaces.view_workspace", bob, shared)
    response = client.get("/")
    assert response.status_code == 200 and b"Own night" in response.content


def test_favicon_ico_is_an_icon_for_anyone(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO" and icon.size[0] >= 16


def test_every_page_links_the_icon(client, make_user):
    assert "toyz/favicon.svg" in client.get("/accounts/login/").content.decode()
    alice = make_user("alice")
    workspace = Workspace.objects.create(owner=alice, name="Night 1")
    client.force_login(alice)
    for url in (f"/workspaces/{workspace.pk}/", "/workspaces/"):
        assert "toyz/favicon.svg" in client.get(url).content.decode(), url
    icon = client.get("/static/toyz/favicon.svg")
    assert icon.status_code == 200
