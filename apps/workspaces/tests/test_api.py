"""`/api/workspaces` as its users meet it: the lists, create, rename, duplicate, delete, the shares and
who may give what, the name lookup, and a sentence for every refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from guardian.shortcuts import assign_perm

from apps.workspaces.models import Workspace
from apps.workspaces.permissions import can_change, can_share, can_view

pytestmark = pytest.mark.django_db

LAYOUT = [{"id": "a", "kind": "image", "x": 0, "y": 0, "w": 6, "h": 5, "state": {"path": "home/alice/m13.fits"}}]


def client_of(user: Any) -> Client:
    # enforce_csrf_checks: the API must work with the token the pages give their scripts, as a browser sends it.
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/workspaces/")  # sets the CSRF cookie, as the list page does
    return client


def call(client: Client, method: str, url: str, body: Any = None) -> tuple[int, Any]:
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    response = getattr(client, method)(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    return response.status_code, (response.json() if response.content else None)


def give(client: Client, workspace: Workspace, kind: str, name: str, right: str) -> tuple[int, Any]:
    return call(client, "put", f"/api/workspaces/{workspace.pk}/shares", {"kind": kind, "name": name, "right": right})


@pytest.fixture
def alice(make_user: Any) -> Any:
    return make_user("alice")


@pytest.fixture
def bob(make_user: Any) -> Any:
    return make_user("bob")


@pytest.fixture
def night(alice: Any) -> Workspace:
    return Workspace.objects.create(owner=alice, name="Night 1", layout=LAYOUT)


@pytest.fixture
def as_alice(alice: Any) -> Client:
    return client_of(alice)


@pytest.fixture
def as_bob(bob: Any) -> Client:
    return client_of(bob)


def error_of(status_and_body: tuple[int, Any]) -> tuple[int, str, str]:
    status, body = status_and_body
    return status, body["error"]["code"], body["error"]["message"]


# --- the lists --------------------------------------------------------------------------------------


def test_the_list_has_mine_and_shared_with_me_with_owners_and_rights(alice, bob, night, as_bob):
    own = Workspace.objects.create(owner=bob, name="Bob's own")
    observers = Group.objects.create(name="observers")
    bob.groups.add(observers)
    survey = Workspace.objects.create(owner=alice, name="Survey")
    assign_perm("workspaces.view_workspace", bob, night)
    assign_perm("workspaces.change_workspace", observers, survey)
    Workspace.objects.create(owner=alice, name="Alice's secret")
    status, body = call(as_bob, "get", "/api/workspaces")
    assert status == 200
    assert [(w["id"], w["owner"], w["right"], w["is_owner"], w["may_delete"]) for w in body["mine"]] == [
        (own.pk, "bob", "share", True, True)
    ]
    shared = {w["name"]: (w["owner"], w["right"], w["is_owner"], w["may_delete"], w["url"]) for w in body["shared"]}
    assert shared == {
        "Night 1": ("alice", "view", False, False, f"/workspaces/{night.pk}/"),
        "Survey": ("alice", "change", False, False, f"/workspaces/{survey.pk}/"),
    }


def test_an_admin_lists_only_their_own_and_shared_but_may_open_and_delete_any(alice, make_user, night):
    admin = client_of(make_user("root", admin=True))
    status, body = call(admin, "get", "/api/workspaces")
    assert status == 200 and body == {"mine": [], "shared": []}
    status, one = call(admin, "get", f"/api/workspaces/{night.pk}")
    assert status == 200 and one["right"] == "share" and one["may_delete"] and not one["is_owner"]


def test_the_list_page_shows_both_lists_with_owners_and_the_actions_each_may_take(alice, bob, night, as_bob):
    assign_perm("workspaces.view_workspace", bob, night)
    Workspace.objects.create(owner=bob, name="Bob own")
    page = as_bob.get("/workspaces/").content.decode()
    mine, shared = page.split("Shared with you")
    assert "Bob own" in mine and 'data-action="delete"' in mine and 'data-action="share"' in mine
    assert "Night 1" in shared and "shared by alice" in shared and "you may view" in shared
    # A viewer may copy it, nothing else.
    assert 'data-action="duplicate"' in shared
    assert not any(f'data-action="{a}"' in shared for a in ("rename", "share", "delete"))


# --- create, rename, duplicate, delete -----------------------------------------------------------------


def test_creating_makes_a_workspace_of_ones_own(alice, as_alice):
    status, body = call(as_alice, "post", "/api/workspaces", {"name": "  Globular   clusters "})
    assert status == 201 and body["name"] == "Globular clusters" and body["owner"] == "alice"
    assert Workspace.objects.get(pk=body["id"]).owner == alice
    status, body = call(as_alice, "post", "/api/workspaces", {})
    assert status == 201 and body["name"] == "Untitled workspace"


def test_a_name_too_long_is_refused_with_a_sentence(as_alice, night):
    status, code, message = error_of(call(as_alice, "post", "/api/workspaces", {"name": "x" * 201}))
    assert (status, code) == (400, "bad_params") and "200 characters" in message
    status, code, message = error_of(call(as_alice, "patch", f"/api/workspaces/{night.pk}", {"name": "   "}))
    assert (status, code) == (400, "bad_params") and "needs a name" in message
    assert Workspace.objects.get(pk=night.pk).name == "Night 1"


def test_those_who_may_change_rename_and_viewers_are_told_whom_to_ask(bob, night, as_alice, as_bob):
    assign_perm("workspaces.view_workspace", bob, night)
    status, code, message = error_of(call(as_bob, "patch", f"/api/workspaces/{night.pk}", {"name": "Mine now"}))
    assert (status, code) == (403, "forbidden") and "ask alice" in message
    assign_perm("workspaces.change_workspace", bob, night)
    status, body = call(as_bob, "patch", f"/api/workspaces/{night.pk}", {"name": "Night 1, reduced"})
    assert status == 200 and body["name"] == "Night 1, reduced" and body["owner"] == "alice"
    assert Workspace.objects.get(pk=night.pk).name == "Night 1, reduced"


def test_a_workspace_one_may_not_view_is_not_found_whatever_one_asks(bob, night, as_bob):
    for method, url, body in [
        ("get", f"/api/workspaces/{night.pk}", None),
        ("patch", f"/api/workspaces/{night.pk}", {"name": "x"}),
        ("delete", f"/api/workspaces/{night.pk}", None),
        ("post", f"/api/workspaces/{night.pk}/duplicate", {}),
        ("get", f"/api/workspaces/{night.pk}/shares", None),
        ("put", f"/api/workspaces/{night.pk}/shares", {"kind": "user", "name": "bob", "right": "share"}),
        ("get", "/api/workspaces/999999", None),
    ]:
        status, code, message = error_of(call(as_bob, method, url, body))
        assert (status, code) == (404, "not_found") and "not shared with you" in message, (method, url)
    assert Workspace.objects.filter(pk=night.pk, name="Night 1").exists()
    assert not can_view(bob, night)


def test_a_view_only_recipient_saves_a_copy_of_their_own(alice, bob, night, as_bob):
    assign_perm("workspaces.view_workspace", bob, night)
    status, body = call(as_bob, "post", f"/api/workspaces/{night.pk}/duplicate", {})
    assert status == 201 and body["name"] == "Night 1 (copy)" and body["owner"] == "bob" and body["is_owner"]
    copy = Workspace.objects.get(pk=body["id"])
    assert copy.owner == bob and copy.layout == LAYOUT and copy.pk != night.pk
    # The copy is bob's alone: alice's shares are not copied, and alice has no right on it.
    assert can_change(bob, copy) and not can_view(alice, copy)
    status, body = call(as_bob, "post", f"/api/workspaces/{night.pk}/duplicate", {"name": "My night"})
    assert status == 201 and body["name"] == "My night"


def test_only_the_owner_or_an_admin_may_delete(alice, bob, make_user, night, as_alice, as_bob):
    for codename in ("view_workspace", "change_workspace", "share_workspace"):
        assign_perm(f"workspaces.{codename}", bob, night)
    status, code, message = error_of(call(as_bob, "delete", f"/api/workspaces/{night.pk}"))
    assert (status, code) == (403, "forbidden") and "owner (alice) or an admin" in message
    assert call(as_alice, "delete", f"/api/workspaces/{night.pk}") == (204, None)
    assert not Workspace.objects.filter(pk=night.pk).exists()
    other = Workspace.objects.create(owner=alice, name="Other")
    admin = client_of(make_user("root", admin=True))
    assert call(admin, "delete", f"/api/workspaces/{other.pk}") == (204, None)


def test_the_api_needs_a_login_and_the_csrf_token(night, alice):
    anonymous = Client()
    response = anonymous.get("/api/workspaces")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"
    # A logged-in client without the token (a forged cross-site request) changes nothing.
    client = client_of(alice)
    response = client.patch(f"/api/workspaces/{night.pk}", {"name": "Forged"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["error"]["message"]
    assert Workspace.objects.get(pk=night.pk).name == "Night 1"


def test_bad_bodies_get_a_sentence_not_a_crash(night, as_alice):
    status, code, message = error_of(call(as_alice, "patch", f"/api/workspaces/{night.pk}", {"name": 5}))
    assert (status, code) == (400, "bad_params") and "name" in message
    status, code, message = error_of(give(as_alice, night, "robot", "bob", "view"))
    assert (status, code) == (400, "bad_params") and "kind" in message
    status, code, message = error_of(give(as_alice, night, "user", "bob", "own"))
    assert (status, code) == (400, "bad_params") and "right" in message
    response = as_alice.put(
        f"/api/workspaces/{night.pk}/shares",
        "{not json",
        content_type="application/json",
        HTTP_X_CSRFTOKEN=as_alice.cookies["csrftoken"].value,
    )
    assert response.status_code == 400 and response.json()["error"]["message"]


# --- shares -------------------------------------------------------------------------------------------


def test_the_owner_gives_changes_and_withdraws_rights(alice, bob, night, as_alice):
    status, body = give(as_alice, night, "user", "bob", "view")
    assert status == 200 and body["shares"] == [{"kind": "user", "name": "bob", "right": "view", "editable": True}]
    assert can_view(bob, night) and not can_change(bob, night)
    status, body = give(as_alice, night, "user", "bob", "share")
    assert can_share(bob, night) and body["shares"][0]["right"] == "share"
    # Lowering takes away what is above, and keeps what is below.
    give(as_alice, night, "user", "bob", "view")
    assert can_view(bob, night) and not can_change(bob, night) and not can_share(bob, night)
    status, body = call(as_alice, "delete", f"/api/workspaces/{night.pk}/shares?kind=user&name=bob")
    assert status == 200 and body["shares"] == [] and body["owner"] == "alice" and body["may_give"] == "share"
    assert not can_view(bob, night)


def test_a_group_share_reaches_its_members(alice, bob, night, as_alice):
    observers = Group.objects.create(name="night observers")
    bob.groups.add(observers)
    status, body = give(as_alice, night, "group", "night observers", "change")
    assert status == 200 and body["shares"] == [
        {"kind": "group", "name": "night observers", "right": "change", "editable": True}
    ]
    assert can_change(bob, night) and not can_share(bob, night)
    give(as_alice, night, "group", "night observers", "none")
    assert not can_view(bob, night)


def test_only_sharers_may_read_or_give_shares(bob, make_user, night, as_bob):
    carol = make_user("carol")
    assign_perm("workspaces.view_workspace", bob, night)
    assign_perm("workspaces.change_workspace", bob, night)
    status, code, message = error_of(call(as_bob, "get", f"/api/workspaces/{night.pk}/shares"))
    assert (status, code) == (403, "forbidden") and "owner (alice)" in message
    status, code, _ = error_of(give(as_bob, night, "user", "carol", "view"))
    assert (status, code) == (403, "forbidden") and not can_view(carol, night)
    # Nor may a changer raise themselves.
    assert error_of(give(as_bob, night, "user", "bob", "share"))[:2] == (403, "forbidden")


def test_a_share_holder_shares_on_but_not_against_other_sharers(alice, bob, make_user, night, as_alice, as_bob):
    carol, dave = make_user("carol"), make_user("dave")
    give(as_alice, night, "user", "bob", "share")
    give(as_alice, night, "user", "dave", "share")
    status, body = give(as_bob, night, "user", "carol", "share")
    assert status == 200 and can_share(carol, night)
    assert body["may_give"] == "share"
    editable = {s["name"]: s["editable"] for s in body["shares"]}
    assert editable == {"bob": True, "carol": False, "dave": False}
    # Bob may not lower or remove another sharer; only the owner may.
    status, code, message = error_of(give(as_bob, night, "user", "dave", "view"))
    assert (status, code) == (403, "forbidden") and "only its owner (alice) or an admin" in message
    assert can_share(dave, night)
    give(as_alice, night, "user", "dave", "view")
    assert not can_share(dave, night)
    # Bob may lower his own right; then he no longer sees the shares.
    status, body = give(as_bob, night, "user", "bob", "change")
    assert status == 200 and body["shares"] == [] and can_change(bob, night) and not can_share(bob, night)


def test_an_admin_may_share_anyones_workspace(alice, bob, make_user, night):
    admin = client_of(make_user("root", admin=True))
    status, body = give(admin, night, "user", "bob", "share")
    assert status == 200 and body["shares"][0]["right"] == "share" and can_share(bob, night)


def test_sharing_with_nobody_or_the_owner_is_refused_with_a_sentence(alice, make_user, night, as_alice):
    status, code, message = error_of(give(as_alice, night, "user", "nobody", "view"))
    assert (status, code) == (404, "not_found") and "no active user named 'nobody'" in message
    status, code, message = error_of(give(as_alice, night, "group", "ghosts", "view"))
    assert (status, code) == (404, "not_found") and "no group named 'ghosts'" in message
    status, code, message = error_of(give(as_alice, night, "user", "alice", "view"))
    assert (status, code) == (400, "bad_params") and "owns this workspace" in message
    sleeper = make_user("sleeper")
    sleeper.is_active = False
    sleeper.save()
    assert error_of(give(as_alice, night, "user", "sleeper", "view"))[:2] == (404, "not_found")


def test_a_deactivated_user_holds_no_share(bob, night, as_alice):
    give(as_alice, night, "user", "bob", "change")
    bob.is_active = False
    bob.save()
    assert not can_view(bob, night)


def test_a_right_given_alone_in_the_admin_counts_with_those_below_it(bob, night, as_bob):
    assign_perm("workspaces.change_workspace", bob, night)
    assert can_view(bob, night) and can_change(bob, night)
    status, body = call(as_bob, "get", f"/api/workspaces/{night.pk}")
    assert status == 200 and body["right"] == "change"


# --- lookups ------------------------------------------------------------------------------------------


def test_the_lookup_suggests_active_users_and_groups_by_prefix(make_user, as_alice):
    bob = make_user("bob")
    bob.first_name, bob.last_name = "Bob", "Builder"
    bob.save()
    make_user("bobby")
    make_user("carol")
    asleep = make_user("boris")
    asleep.is_active = False
    asleep.save()
    group = Group.objects.create(name="Bolometer team")
    group.user_set.add(bob)
    status, body = call(as_alice, "get", "/api/workspaces/lookup?q=BO")
    assert status == 200
    assert body == [
        {"kind": "user", "name": "bob", "detail": "Bob Builder"},
        {"kind": "user", "name": "bobby", "detail": ""},
        {"kind": "group", "name": "Bolometer team", "detail": "group of 1 member"},
    ]
    assert call(as_alice, "get", "/api/workspaces/lookup?q=") == (200, [])


def test_the_lookup_returns_a_few_and_refuses_long_queries(make_user, as_alice):
    for n in range(15):
        make_user(f"user{n:02d}")
    status, body = call(as_alice, "get", "/api/workspaces/lookup?q=user")
    assert status == 200 and len(body) == 10
    status, code, message = error_of(call(as_alice, "get", "/api/workspaces/lookup?q=" + "x" * 151))
    assert (status, code) == (400, "bad_params") and "q" in message


def test_the_lookup_is_for_logged_in_users_only(make_user):
    make_user("bob")
    response = Client().get("/api/workspaces/lookup?q=b")
    assert response.status_code == 401
