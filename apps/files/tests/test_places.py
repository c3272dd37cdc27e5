"""The file browser's places over REST: "Shared with me" from the grants, and personal shortcuts that are
checked again whenever they are shown (one to a folder the user lost is unavailable, never listed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from apps.files import grants, places
from apps.files.models import Shortcut
from apps.files.permissions import Right

R, W = Right.READ, Right.WRITE


@pytest.fixture
def bob(make_user: Any) -> Any:
    bob = make_user("bob")
    observers = Group.objects.create(name="observers")
    bob.groups.add(observers)
    return bob


def client_of(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def pin(client: Client, path: str, label: str = "") -> Any:
    return client.post("/api/files/shortcuts", {"path": path, "label": label}, content_type="application/json")


def test_shared_with_me_lists_the_granted_folders_with_rights_and_whose_grant(night, bob, data_root):
    grants.grant("nights/n1", Group.objects.get(name="observers"), [R])
    grants.grant("nights/n1/secret", bob, [])
    grants.grant("nights/n2", bob, [W])
    (data_root / "single.fits").write_bytes(b"x")
    grants.grant("single.fits", bob, [R])
    answer = client_of(bob).get("/api/files/shared")
    assert answer.status_code == 200
    assert answer.json() == {
        "home": "home/bob",
        "folders": [
            {"path": "nights/n1", "name": "n1", "rights": ["list", "read"], "via": ["group observers"],
             "exists": True, "is_dir": True},
            {"path": "nights/n2", "name": "n2", "rights": ["list", "read", "write"], "via": ["user bob"],
             "exists": True, "is_dir": True},
            {"path": "single.fits", "name": "single.fits", "rights": ["list", "read"], "via": ["user bob"],
             "exists": True, "is_dir": False},
        ],
    }  # fmt: skip


def test_nothing_is_shared_with_a_user_without_grants_and_anonymous_clients_are_refused(night, make_user):
    assert client_of(make_user("carol")).get("/api/files/shared").json() == {"home": "home/carol", "folders": []}
    refused = Client().get("/api/files/shared")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthenticated"
    assert Client().get("/api/files/shortcuts").status_code == 401


def test_a_deleted_or_renamed_shared_folder_is_marked_missing_and_the_grant_does_not_follow(night, bob, data_root):
    grants.grant("nights/n1", bob, [R])
    grants.grant("nights/n2", bob, [R])
    night.rename(data_root / "nights" / "renamed")
    (data_root / "nights" / "n2" / "c.fits").unlink()
    (data_root / "nights" / "n2").rmdir()
    client = client_of(bob)
    folders = client.get("/api/files/shared").json()["folders"]
    assert [(f["path"], f["exists"]) for f in folders] == [("nights/n1", False), ("nights/n2", False)]
    # The renamed folder is nobody's now: neither listed nor readable under its new name.
    assert client.get("/api/files/list", {"path": "nights/renamed"}).status_code == 403
    assert [e["name"] for e in client.get("/api/files/list", {"path": "nights"}).json()["entries"]] == []
    # A link put where the folder was leads elsewhere: that is not the folder that was shared.
    (data_root / "nights" / "n1").symlink_to(data_root / "nights" / "renamed")
    assert client.get("/api/files/shared").json()["folders"][0]["exists"] is False


def test_a_pinned_folder_persists_across_sessions_and_can_be_removed(night, bob):
    grants.grant("nights/n1", bob, [R])
    made = pin(client_of(bob), "nights/n1", "Tonight")
    assert made.status_code == 201
    shortcut = made.json()
    assert shortcut == {"id": shortcut["id"], "path": "nights/n1", "label": "Tonight", "available": True, "problem": ""}
    # Another session of the same user (another browser, another day) sees it.
    other = client_of(bob)
    assert other.get("/api/files/shortcuts").json() == [shortcut]
    assert other.delete(f"/api/files/shortcuts/{shortcut['id']}").status_code == 204
    assert other.get("/api/files/shortcuts").json() == []
    gone = other.delete(f"/api/files/shortcuts/{shortcut['id']}")
    assert gone.status_code == 404 and "no such shortcut" in gone.json()["error"]["message"]


def test_pinning_again_keeps_one_shortcut_and_a_label_renames_it(night, bob):
    client = client_of(bob)
    first = pin(client, "home/bob")
    assert first.status_code == 201 and first.json()["label"] == "bob"
    again = pin(client, "home/bob/")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert pin(client, "home/bob", "  My   home ").json()["label"] == "My home"
    assert Shortcut.objects.count() == 1


def test_a_shortcut_through_a_link_pins_the_real_folder(night, bob, data_root):
    grants.grant("nights/n1", bob, [R])
    (data_root / "home" / "bob").mkdir(parents=True, exist_ok=True)
    (data_root / "home" / "bob" / "tonight").symlink_to(night)
    assert pin(client_of(bob), "home/bob/tonight").json()["path"] == "nights/n1"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("nights/n2", 403, "forbidden"),
        # Hidden by a none grant: as unknown as the missing folder next to it.
        ("nights/n1/secret", 404, "not_found"),
        ("../outside", 403, "outside_root"),
        ("nights/n1/a.fits", 400, "bad_path"),
        ("nights/n1/missing", 404, "not_found"),
        ("nights/n1/\x00", 400, "bad_path"),
    ],
)
def test_only_a_folder_one_may_list_can_be_pinned(night, bob, path, status, code):
    grants.grant("nights/n1", bob, [R])
    grants.grant("nights/n1/secret", bob, [])
    refused = pin(client_of(bob), path)
    assert (refused.status_code, refused.json()["error"]["code"]) == (status, code)
    assert refused.json()["error"]["message"]
    assert not Shortcut.objects.exists()


def test_bad_bodies_get_a_sentence(night, bob):
    client = client_of(bob)
    too_long = pin(client, "home/bob", "x" * (places.MAX_LABEL + 1))
    assert too_long.status_code == 400 and "label" in too_long.json()["error"]["message"]
    not_json = client.post("/api/files/shortcuts", "{", content_type="application/json")
    assert not_json.status_code == 400
    assert client.post("/api/files/shortcuts", {"label": "x"}, content_type="application/json").status_code == 400
    assert client.delete("/api/files/shortcuts/x").status_code == 404


def test_a_user_keeps_a_limited_number_of_shortcuts(night, bob, data_root, monkeypatch):
    monkeypatch.setattr(places, "MAX_SHORTCUTS", 3)
    client = client_of(bob)
    for n in range(4):
        (data_root / "home" / "bob" / f"f{n}").mkdir(parents=True)
    assert [pin(client, f"home/bob/f{n}").status_code for n in range(3)] == [201, 201, 201]
    over = pin(client, "home/bob/f3")
    assert over.status_code == 400 and "remove one first" in over.json()["error"]["message"]
    # Pinning one already there is no new shortcut: still fine.
    assert pin(client, "home/bob/f0").status_code == 200


def test_a_shortcut_to_a_folder_the_user_lost_is_unavailable_and_never_listed(night, bob):
    grants.grant("nights/n1", bob, [R])
    client = client_of(bob)
    pin(client, "nights/n1")
    grants.revoke("nights/n1", bob)
    [shown] = client.get("/api/files/shortcuts").json()
    assert shown["available"] is False and shown["problem"] == "You no longer have access to this folder."
    assert client.get("/api/files/list", {"path": "nights/n1"}).status_code == 403
    # Given back, it works again at once.
    grants.grant("nights/n1", bob, [R])
    assert client.get("/api/files/shortcuts").json()[0]["available"] is True


def test_a_shortcut_to_a_deleted_folder_is_unavailable(night, bob, data_root):
    client = client_of(bob)
    folder = data_root / "home" / "bob" / "old"
    folder.mkdir(parents=True)
    pin(client, "home/bob/old")
    folder.rmdir()
    assert client.get("/api/files/shortcuts").json()[0]["problem"] == "This folder no longer exists."


def test_someone_elses_shortcut_can_be_neither_seen_nor_removed(night, bob, make_user):
    shortcut = pin(client_of(bob), "home/bob").json()
    carol = client_of(make_user("carol"))
    assert carol.get("/api/files/shortcuts").json() == []
    assert carol.delete(f"/api/files/shortcuts/{shortcut['id']}").status_code == 404
    assert Shortcut.objects.count() == 1


def test_changing_shortcuts_needs_the_csrf_token(night, bob):
    client = client_of(bob, csrf=True)
    refused = pin(client, "home/bob")
    assert refused.status_code == 403 and not Shortcut.objects.exists()
