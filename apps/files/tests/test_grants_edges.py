"""Grants at the edges: a granted folder deleted or renamed, a deleted group, a home folder renamed on
disk. Nothing crashes (every answer is a sentence or an empty list) and nothing widens."""

from __future__ import annotations

import io
import shutil
from pathlib import PurePosixPath
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from apps.files import grants, places
from apps.files.models import PathGrant
from apps.files.permissions import Right, decide, has_right, readers
from apps.files.resolver import resolve
from apps.files.services import list_folder
from workers.errors import ToyzError

R, L = Right.READ, Right.LIST


def p(text: str) -> PurePosixPath:
    return PurePosixPath(text)


def refusal(user: Any, path: str, right: Right = R) -> str:
    with pytest.raises(ToyzError) as refused:
        resolve(user, path, right)
    return refused.value.code


def access(user: str, path: str) -> list[str]:
    out = io.StringIO()
    call_command("toyz_access", "--user", user, path, stdout=out)
    return out.getvalue().splitlines()


def test_a_renamed_granted_folder_is_not_followed_and_nothing_widens(night, team, data_root):
    observers, bob, carol = team
    grants.grant("nights/n1", observers, [R])
    night.rename(data_root / "nights" / "n1-old")
    assert refusal(bob, "nights/n1-old/a.fits") == "forbidden"
    assert refusal(bob, "nights/n1/a.fits") == "not_found"  # the grant's path is still his, but empty
    assert list_folder(bob, "nights")["entries"] == []
    assert [f.exists for f in places.shared_folders(bob)] == [False]
    assert bob.pk not in readers(p("nights/n1-old/a.fits")).users
    assert access("bob", "nights/n1-old/a.fits")[2:] == ["rights: none", "decided by: no grant applies"]
    # The grant can still be withdrawn by the path it was made on.
    assert grants.revoke("nights/n1", observers)
    assert not has_right(carol, p("nights/n1-old"), L)


def test_a_folder_renamed_into_the_granted_path_gets_the_grant_of_the_path(night, team, data_root):
    # Grants name paths, not folders: what now lies at the path is what is shared (said in the admin's help).
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    night.rename(data_root / "nights" / "n1-old")
    (data_root / "nights" / "n1").mkdir()
    (data_root / "nights" / "n1" / "new.fits").write_bytes(b"x")
    assert [e["name"] for e in list_folder(bob, "nights/n1")["entries"]] == ["new.fits"]
    assert [f.exists for f in places.shared_folders(bob)] == [True]


def test_a_granted_folder_replaced_by_a_link_out_of_the_share_grants_nothing_there(night, team, data_root):
    observers, bob, _ = team
    (data_root / "private").mkdir()
    (data_root / "private" / "c.fits").write_bytes(b"x")
    grants.grant("nights/n1", observers, [R])
    shutil.rmtree(night)
    (data_root / "nights" / "n1").symlink_to(data_root / "private")
    # The link resolves to private/, which nobody granted: the grant on nights/n1 does not reach it.
    assert refusal(bob, "nights/n1/c.fits") == "forbidden"
    assert places.shared_folders(bob)[0].exists is False
    with pytest.raises(ToyzError):
        list_folder(bob, "nights/n1")


def test_a_deleted_granted_folder_crashes_nothing(night, team):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    grants.grant("nights/n1/secret", bob, [])
    shutil.rmtree(night)
    assert refusal(bob, "nights/n1") == "not_found"
    assert list_folder(bob, "nights")["entries"] == []
    assert [(f.path, f.exists) for f in places.shared_folders(bob)] == [("nights/n1", False)]
    assert decide(bob, "nights/n1/secret/b.fits").rights == frozenset()
    client = Client()
    client.force_login(bob)
    assert client.get("/api/files/shared").status_code == 200
    assert client.get("/api/files/list", {"path": "nights/n1"}).status_code == 404
    assert {row.path for row in grants.grant_rows()} == {"nights/n1", "nights/n1/secret"}
    assert "(no such file or folder at the moment)" in access("bob", "nights/n1")[1]


def test_a_deleted_group_takes_its_members_rights_with_it_and_crashes_nothing(night, team, make_user):
    observers, bob, _ = team
    grants.grant("nights/n1", observers, [R])
    assert has_right(bob, p("nights/n1/a.fits"), R)
    observers.delete()
    assert not has_right(bob, p("nights/n1/a.fits"), R)
    assert refusal(bob, "nights/n1", L) == "forbidden"
    assert places.shared_folders(bob) == []
    assert bob.pk not in readers(p("nights/n1/a.fits")).users
    assert grants.grant_rows() == []
    assert access("bob", "nights/n1/a.fits")[2:] == ["rights: none", "decided by: no grant applies"]
    # A group made again under the same name is a new group: it has no grant until one is given.
    again = Group.objects.create(name="observers")
    bob.groups.add(again)
    assert not has_right(bob, p("nights/n1/a.fits"), R)
    grants.grant("nights/n1", again, [R])
    assert has_right(bob, p("nights/n1/a.fits"), R)
    assert PathGrant.objects.count() == 1


def test_a_home_folder_renamed_on_disk_gives_its_owner_nobody_elses(team, data_root):
    _, bob, carol = team
    (data_root / "home" / "bob" / "mine.fits").write_bytes(b"x")
    (data_root / "home" / "carol" / "hers.fits").write_bytes(b"x")
    (data_root / "home" / "bob").rename(data_root / "home" / "bob-2025")
    assert refusal(bob, "home/bob") == "not_found"
    # The folder under its new name is no one's home: bob keeps no right there, nor gains any elsewhere.
    assert refusal(bob, "home/bob-2025/mine.fits") == "forbidden"
    assert refusal(bob, "home/carol/hers.fits") == "forbidden"
    assert refusal(carol, "home/bob-2025/mine.fits") == "forbidden"
    assert [e["name"] for e in list_folder(bob, "home")["entries"]] == []
    assert bob.pk not in readers(p("home/bob-2025/mine.fits")).users
    assert places.home(bob) == "home/bob"


def test_a_home_folder_replaced_by_a_link_to_someone_elses_gives_no_access_to_it(team, data_root):
    _, bob, carol = team
    (data_root / "home" / "carol" / "hers.fits").write_bytes(b"x")
    shutil.rmtree(data_root / "home" / "bob")
    (data_root / "home" / "bob").symlink_to(data_root / "home" / "carol")
    # Paths resolve before rights are checked: home/bob/hers.fits is carol's file, and bob has no right on it.
    assert refusal(bob, "home/bob/hers.fits") == "forbidden"
    assert refusal(bob, "home/bob", L) == "forbidden"
    assert has_right(carol, p("home/carol/hers.fits"), R)
    client = Client()
    client.force_login(bob)
    assert client.get("/api/files/list", {"path": "home/bob"}).status_code == 403
    pinned = client.post("/api/files/shortcuts", {"path": "home/bob"}, content_type="application/json")
    assert pinned.status_code == 403


def test_a_grant_outside_the_root_is_refused_with_a_sentence(night, team, data_root, tmp_path):
    observers, _, _ = team
    (tmp_path / "elsewhere").mkdir()
    (data_root / "out").symlink_to(tmp_path / "elsewhere")
    for raw in ("../elsewhere", "out", "nights/../../elsewhere"):
        with pytest.raises(ToyzError) as refused:
            grants.grant(raw, observers, [R])
        assert refused.value.code == "outside_root" and "grants apply inside it only" in refused.value.message
    assert not PathGrant.objects.exists()
