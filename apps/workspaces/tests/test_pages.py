"""The workspace pages as a person meets them: where the home page sends you, the list, the icon."""

from __future__ import annotations

import io

from guardian.shortcuts import assign_perm, remove_perm
from PIL import Image

from apps.workspaces.models import Workspace


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
