"""Bad input on grants: a grant outside the roots is refused with a clear sentence (by `grants.grant`, and
by the admin's and the command's forms when they exist); a granted folder deleted, renamed or replaced
by a symlink, a deleted group, a user whose home was renamed: nothing crashes, nothing widens."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, get_commands

from apps.files import grants
from apps.files.models import PathGrant
from apps.files.permissions import Right
from tests.security.conftest import REFUSALS, TARGETS, Scene, check_answer, forbidden_tokens
from tests.security.corpus import SECRET_NAME
from workers.errors import ToyzError

R = Right.READ


def bad_grant_paths(scene: Scene) -> list[Any]:
    outside = scene.outside
    return [
        "..",
        "../outside",
        "../outside/" + SECRET_NAME,
        str(outside),
        str(outside / SECRET_NAME),
        "/etc",
        "home/bob/out",
        "home/bob/out/" + SECRET_NAME,
        "home/bob/rel-out",
        "home/bob/slash",
        "home/bob/secret-link",
        "home/bob/loop",
        "home/bob/dangling",
        "shared/night/night-out",
        "nights/none-such",
        "shared\\night",
        "shared/night\x00",
        "\ud800",
        "x" * 5000,
        "~",
        42,
        None,
    ]


def describe(client: Any, path: str) -> Any:
    return client.get("/api/imaging/describe", {"path": path})


def test_a_grant_outside_the_root_or_on_nothing_is_refused_with_a_sentence(scene):
    before = sorted(PathGrant.objects.values_list("path", flat=True))
    for raw in bad_grant_paths(scene):
        for holder in (scene.observers, scene.users["carol"]):
            with pytest.raises(ToyzError) as refused:
                grants.grant(raw, holder, [R])
            assert refused.value.code in ("outside_root", "not_found", "bad_path"), (raw, refused.value)
            assert len(refused.value.message) > 15 and " " in refused.value.message
            if refused.value.code == "outside_root":
                assert "outside the data root" in refused.value.message
            # Withdrawing on such a path answers as cleanly.
            try:
                assert grants.revoke(raw, holder) is False
            except ToyzError as exc:
                assert exc.code in ("outside_root", "not_found", "bad_path")
    assert sorted(PathGrant.objects.values_list("path", flat=True)) == before
    assert not grants.grant_rows(["..", "../outside", str(scene.outside)])


@pytest.mark.skipif("toyz_grant" not in get_commands(), reason="manage.py toyz_grant is not installed yet")
def test_the_grant_command_refuses_a_path_outside_the_root_with_a_sentence(scene):
    before = PathGrant.objects.count()
    for raw in ["../outside", str(scene.outside), "home/bob/out", "nights/none-such"]:
        with pytest.raises(CommandError) as refused:
            call_command("toyz_grant", raw, "--group", "observers", "--rights", "read")
        assert len(str(refused.value)) > 15 and "Traceback" not in str(refused.value)
    assert PathGrant.objects.count() == before


@pytest.mark.skipif("toyz_access" not in get_commands(), reason="manage.py toyz_access is not installed yet")
def test_the_access_command_refuses_a_path_outside_the_root_with_a_sentence(scene):
    for raw in ["../outside", str(scene.outside), "home/bob/out"]:
        with pytest.raises(CommandError) as refused:
            call_command("toyz_access", "--user", "bob", raw)
        assert len(str(refused.value)) > 15


@pytest.mark.skipif(PathGrant not in admin.site._registry, reason="the admin has no folder grants yet")
def test_the_admin_refuses_a_grant_outside_the_root_without_crashing(scene):
    from django.urls import reverse

    client = scene.clients["root"]
    url = reverse("admin:files_pathgrant_add")
    before = PathGrant.objects.count()
    for raw in ["../outside", str(scene.outside), "home/bob/out", "\x00"]:
        response = client.post(url, {"path": raw, "note": ""})
        assert response.status_code in (200, 400), (raw, response.status_code)
    assert PathGrant.objects.count() == before


def _refused(client: Any, path: str, user: str) -> str:
    response = describe(client, path)
    error = check_answer(response, where=f"describe {path} as {user}", tokens=forbidden_tokens(user), asked=path)
    assert error is not None and error["code"] in REFUSALS, (path, response.status_code)
    return str(error["code"])


def test_a_granted_folder_deleted_renamed_or_replaced_crashes_nothing_and_widens_nothing(scene):
    bob = scene.clients["bob"]
    night, closed = scene.root / "shared/night", scene.root / "closed-9b7f"
    # Renamed: the grant stays on the old path, the new name is not shared.
    night.rename(scene.root / "shared/night-renamed")
    assert _refused(bob, "shared/night-renamed/night-img.fits", "bob") == "forbidden"
    assert _refused(bob, TARGETS["night_file"], "bob") == "not_found"
    listing = bob.get("/api/files/list", {"path": "shared"})
    assert listing.status_code == 200 and [e["name"] for e in listing.json()["entries"]] == ["listonly", "rw"]
    # Deleted.
    shutil.rmtree(scene.root / "shared/night-renamed")
    assert _refused(bob, TARGETS["night_file"], "bob") == "not_found"
    assert bob.get("/api/files/list", {"path": ""}).status_code == 200
    assert [path for path, _, _ in grants.shared_with(scene.users["bob"])] == [
        "shared/listonly",
        "shared/night",
        "shared/rw",
    ]
    # Replaced by a symlink to a closed folder, or out of the root: the grant names the real path, so neither opens.
    night.symlink_to(closed)
    assert _refused(bob, "shared/night/closedimg-9b7f.fits", "bob") == "forbidden"
    night.unlink()
    night.symlink_to(scene.outside)
    assert _refused(bob, f"shared/night/{SECRET_NAME}", "bob") == "outside_root"
    night.unlink()
    # Made again: a path grant shares it again, and its none-granted subfolder stays hidden.
    (night / "confidential-5e2d").mkdir(parents=True)
    (night / "confidential-5e2d" / "hidden-5e2d.fits").write_bytes((scene.root / TARGETS["rw_file"]).read_bytes())
    listing = bob.get("/api/files/list", {"path": "shared/night"})
    assert listing.status_code == 200 and listing.json()["entries"] == []
    assert _refused(bob, TARGETS["conf_file"], "bob") == "not_found"


def test_a_deleted_group_takes_its_rights_away_at_once(scene):
    bob = scene.clients["bob"]
    assert describe(bob, TARGETS["night_file"]).status_code == 200
    scene.observers.delete()
    for key in ("night_file", "rw_file", "listonly_file"):
        _refused(bob, TARGETS[key], "bob")
    listing = bob.get("/api/files/list", {"path": ""})
    assert listing.status_code == 200 and [e["name"] for e in listing.json()["entries"]] == ["home"]
    assert grants.shared_with(scene.users["bob"]) == []
    assert grants.grant_rows(["shared/night"]) == []
    # The grant rows of the group went with it; a new group of the same name gets nothing.
    from django.contrib.auth.models import Group

    Group.objects.create(name="observers").user_set.add(scene.users["bob"])
    _refused(bob, TARGETS["night_file"], "bob")


def test_a_renamed_user_keeps_their_home_and_a_new_user_of_the_old_name_gets_another(scene, make_user):
    bob = scene.users["bob"]
    bob.username = "robert"
    bob.save()
    # A new account with the old name: no crash, and no right on robert's folder.
    newbob = make_user("bob")
    from apps.accounts.services import home_of
    from apps.files.permissions import readers

    assert home_of(newbob) not in ("home/bob", None)
    from django.test import Client

    client = Client()
    client.force_login(newbob)
    assert _refused(client, "home/bob/bobown-77ee.fits", "carol") == "forbidden"
    assert describe(scene.clients["bob"], "home/bob/bobown-77ee.fits").status_code == 200  # robert's session
    from pathlib import PurePosixPath

    audience = readers(PurePosixPath("home/bob/bobown-77ee.fits"))
    assert bob.pk in audience.users and newbob.pk not in audience.users


def test_a_home_folder_renamed_on_disk_crashes_nothing_and_widens_nothing(scene):
    from apps.accounts.models import Profile

    bob, carol = scene.clients["bob"], scene.clients["carol"]
    (scene.root / "home/bob").rename(scene.root / "home/bob-old")
    assert bob.get("/api/files/list", {"path": "home/bob"}).json()["error"]["code"] == "not_found"
    assert _refused(bob, "home/bob-old/bobown-77ee.fits", "carol") == "forbidden"
    assert _refused(carol, "home/bob-old/bobown-77ee.fits", "carol") == "forbidden"
    # An admin points the profile at the new name: bob has it, and the old name is nobody's.
    Profile.objects.filter(user=scene.users["bob"]).update(home="home/bob-old")
    Profile.objects.get(user=scene.users["bob"]).save()  # a save, as the admin's form does, bumps the grants version
    assert describe(bob, "home/bob-old/bobown-77ee.fits").status_code == 200
    (scene.root / "home/bob").mkdir()
    assert bob.get("/api/files/list", {"path": "home/bob"}).json()["error"]["code"] == "forbidden"


def test_a_deleted_user_leaves_no_rights_behind(scene):
    dave = scene.users["dave"]
    grants.grant("shared/night", dave, [R])
    client = scene.clients["dave"]
    assert describe(client, TARGETS["night_file"]).status_code == 200
    get_user_model().objects.filter(pk=dave.pk).delete()
    assert describe(client, TARGETS["night_file"]).status_code == 401
    assert [row.holder for row in grants.grant_rows(["shared/night"])] == ["group observers"]


@pytest.mark.parametrize("home", ["", "/", ".", "home/..", "home/../closed-9b7f", "../outside", "home/bob/"])
def test_a_home_folder_set_to_nonsense_widens_nothing(scene, home):
    from apps.accounts.models import Profile

    carol = scene.clients["carol"]
    Profile.objects.filter(user=scene.users["carol"]).update(home=home)
    Profile.objects.get(user=scene.users["carol"]).save()
    for key in ("closed_file", "night_file", "alice_file"):
        _refused(carol, TARGETS[key], "carol")
    for path in ("", "closed-9b7f", "home/bob"):
        response = carol.post("/api/jobs/imaging.prerender_folder", {"path": path}, content_type="application/json")
        error = check_answer(response, where=f"{home!r}: {path}", tokens=forbidden_tokens("carol"))
        assert error is not None and error["code"] in REFUSALS, (home, path, response.status_code)
    listing = carol.get("/api/files/list", {"path": ""})
    check_answer(listing, where=f"{home!r}: the root", tokens=forbidden_tokens("carol"))
