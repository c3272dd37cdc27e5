"""Deleting into the per-root trash, listing it per user, restoring, and keeping it out of every client's reach."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.files import trash
from apps.files.resolver import TRASH_FOLDER
from apps.files.services import Right, list_folder, resolve
from workers.errors import ToyzError


def post(client, url: str, body: object):
    return client.post(url, body, content_type="application/json")


def delete(client, path: str):
    return post(client, "/api/files/delete", {"path": path})


def trash_of(client) -> list[dict[str, object]]:
    response = client.get("/api/files/trash")
    assert response.status_code == 200, response.content
    return list(response.json()["entries"])


def test_a_deleted_file_waits_in_the_trash_with_a_record_of_who_and_where(alice_client, data_root: Path):
    (data_root / "home/alice/m13.fits").write_bytes(b"pixels")
    response = delete(alice_client, "home/alice/m13.fits")
    assert response.status_code == 200, response.content
    entry = response.json()
    assert (entry["path"], entry["name"], entry["kind"], entry["size"], entry["deleted_by"]) == (
        "home/alice/m13.fits", "m13.fits", "file", 6, "alice",
    )  # fmt: skip
    assert not (data_root / "home/alice/m13.fits").exists()
    kept = data_root / TRASH_FOLDER / entry["id"]
    assert (kept / "item").read_bytes() == b"pixels"
    assert json.loads((kept / "record.json").read_text())["path"] == "home/alice/m13.fits"
    assert [e["id"] for e in trash_of(alice_client)] == [entry["id"]]


def test_restore_puts_it_back_and_empties_its_trash_entry(alice_client, data_root: Path):
    (data_root / "home/alice/m13.fits").write_bytes(b"pixels")
    entry_id = delete(alice_client, "home/alice/m13.fits").json()["id"]
    response = post(alice_client, f"/api/files/trash/{entry_id}/restore", {})
    assert response.status_code == 200, response.content
    assert response.json()["path"] == "home/alice/m13.fits"
    assert (data_root / "home/alice/m13.fits").read_bytes() == b"pixels"
    assert trash_of(alice_client) == []
    assert os.listdir(data_root / TRASH_FOLDER) == []
    again = post(alice_client, f"/api/files/trash/{entry_id}/restore", {})
    assert again.status_code == 404


def test_restore_never_overwrites_but_may_take_a_new_name(alice_client, data_root: Path):
    home = data_root / "home/alice"
    (home / "a.fits").write_bytes(b"first")
    entry_id = delete(alice_client, "home/alice/a.fits").json()["id"]
    (home / "a.fits").write_bytes(b"second")
    refused = post(alice_client, f"/api/files/trash/{entry_id}/restore", {})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "exists"
    assert "another name" in refused.json()["error"]["message"]
    assert (home / "a.fits").read_bytes() == b"second"
    renamed = post(alice_client, f"/api/files/trash/{entry_id}/restore", {"name": "a (restored).fits"})
    assert renamed.status_code == 200
    assert (home / "a (restored).fits").read_bytes() == b"first"
    bad = post(alice_client, f"/api/files/trash/{entry_id}/restore", {"name": "../x"})
    assert bad.status_code in (400, 404)


def test_a_restore_whose_folder_is_gone_says_so(alice_client, data_root: Path):
    (data_root / "home/alice/night").mkdir()
    (data_root / "home/alice/night/a.fits").write_bytes(b"x")
    entry_id = delete(alice_client, "home/alice/night/a.fits").json()["id"]
    (data_root / "home/alice/night").rmdir()
    response = post(alice_client, f"/api/files/trash/{entry_id}/restore", {})
    assert response.status_code == 404
    assert "home/alice/night" in response.json()["error"]["message"]


def test_a_whole_folder_goes_to_the_trash_and_comes_back(alice_client, data_root: Path):
    (data_root / "home/alice/night/sub").mkdir(parents=True)
    (data_root / "home/alice/night/sub/a.fits").write_bytes(b"x")
    entry = delete(alice_client, "home/alice/night").json()
    assert entry["kind"] == "dir"
    assert not (data_root / "home/alice/night").exists()
    assert post(alice_client, f"/api/files/trash/{entry['id']}/restore", {}).status_code == 200
    assert (data_root / "home/alice/night/sub/a.fits").read_bytes() == b"x"


def test_each_user_sees_only_the_deletions_they_may_write_back(alice_client, client, make_user, data_root: Path):
    (data_root / "home/alice/a.fits").write_bytes(b"x")
    entry_id = delete(alice_client, "home/alice/a.fits").json()["id"]
    from django.contrib.auth import get_user_model

    bob = get_user_model().objects.get(username="bob")
    client.force_login(bob)
    assert trash_of(client) == []
    assert post(client, f"/api/files/trash/{entry_id}/restore", {}).status_code == 404
    client.force_login(make_user("root", admin=True))
    assert [e["id"] for e in trash_of(client)] == [entry_id]


def test_deleting_needs_the_write_right(alice_client, data_root: Path):
    (data_root / "home/bob/b.fits").write_bytes(b"x")
    assert delete(alice_client, "home/bob/b.fits").status_code == 403
    assert delete(alice_client, "home/alice").status_code == 403
    assert delete(alice_client, "home/alice/../../..").status_code in (400, 403)
    assert delete(alice_client, "").status_code == 400
    assert (data_root / "home/bob/b.fits").exists()


def test_deleting_a_symlink_deletes_the_link_not_its_target(alice_client, data_root: Path, tmp_path: Path):
    target = tmp_path / "outside.fits"
    target.write_bytes(b"keep")
    (data_root / "home/alice/out.fits").symlink_to(target)
    assert delete(alice_client, "home/alice/out.fits").status_code == 200
    assert target.read_bytes() == b"keep"


@pytest.mark.parametrize(
    "path",
    [TRASH_FOLDER, f"{TRASH_FOLDER}/x", f"home/../{TRASH_FOLDER}", f"/{TRASH_FOLDER}/", f"./{TRASH_FOLDER}"],
)
def test_the_trash_is_out_of_every_clients_reach(client, make_user, data_root: Path, path: str):
    admin = make_user("root", admin=True)
    client.force_login(admin)
    (data_root / "top.fits").write_bytes(b"x")
    delete(client, "top.fits")
    for right in Right:
        with pytest.raises(ToyzError) as refused:
            resolve(admin, path, right)
        assert refused.value.code == "not_found"
    assert client.get("/api/files/list", {"path": path}).status_code == 404
    assert client.get("/api/imaging/describe", {"path": path + "/item"}).status_code == 404
    query = f"path={path}&name=x.fits"
    assert client.post(f"/api/files/upload?{query}", b"x", content_type="application/octet-stream").status_code == 404
    assert TRASH_FOLDER not in [e["name"] for e in list_folder(admin, "")["entries"]]


def test_a_symlink_into_the_trash_leads_nowhere(alice_client, alice, data_root: Path):
    (data_root / "home/alice/a.fits").write_bytes(b"x")
    entry_id = delete(alice_client, "home/alice/a.fits").json()["id"]
    (data_root / "home/alice/peek").symlink_to(data_root / TRASH_FOLDER / entry_id)
    assert alice_client.get("/api/files/list", {"path": "home/alice/peek"}).status_code == 404
    assert "peek" not in [e["name"] for e in list_folder(alice, "home/alice")["entries"]]


def test_hand_made_or_broken_trash_entries_are_ignored(alice_client, data_root: Path):
    (data_root / "home/alice/a.fits").write_bytes(b"x")
    entry_id = delete(alice_client, "home/alice/a.fits").json()["id"]
    (data_root / TRASH_FOLDER / "not-an-id").mkdir()
    (data_root / TRASH_FOLDER / "20260101T000000-000000000000").mkdir()  # no record
    assert [e["id"] for e in trash_of(alice_client)] == [entry_id]
    for bad_id in ("../home", "not-an-id", "20260101T000000-000000000000", "x" * 500):
        response = post(alice_client, f"/api/files/trash/{bad_id}/restore", {})
        assert response.status_code == 404, bad_id


def test_toyz_empty_trash_removes_only_old_deletions(alice_client, data_root: Path, capsys):
    for name in ("old.fits", "new.fits"):
        (data_root / f"home/alice/{name}").write_bytes(b"x")
    old = delete(alice_client, "home/alice/old.fits").json()["id"]
    new = delete(alice_client, "home/alice/new.fits").json()["id"]
    record = data_root / TRASH_FOLDER / old / "record.json"
    content = json.loads(record.read_text())
    record.write_text(json.dumps({**content, "deleted_at": content["deleted_at"] - 40 * 24 * 3600}))
    call_command("toyz_empty_trash", "--days", "30")
    assert "Removed 1 deletion" in capsys.readouterr().out
    assert os.listdir(data_root / TRASH_FOLDER) == [new]
    assert trash.empty_trash(0) == 1


def test_a_deleted_accounts_home_goes_to_the_trash_and_a_new_account_of_that_name_starts_empty(
    make_user, data_root, django_capture_on_commit_callbacks
):
    from apps.files import trash

    bob = make_user("bob")
    (data_root / "home/bob/notes.fits").write_bytes(b"private")
    with django_capture_on_commit_callbacks(execute=True):
        bob.delete()
    assert not (data_root / "home/bob").exists()
    again = make_user("bob")
    assert (data_root / "home/bob").is_dir() and not any((data_root / "home/bob").iterdir())
    assert not (data_root / "home/bob/notes.fits").exists()
    admin = make_user("root", admin=True)
    [entry] = [e for e in trash.list_trash(admin) if e["path"] == "home/bob"]
    assert entry["deleted_by"] == "the account bob was deleted"
    assert trash.list_trash(again) == []  # the new bob may write home/bob, but the old files are not his to see
    trash.restore(admin, entry["id"], "bob-old")
    assert (data_root / "home/bob-old/notes.fits").read_bytes() == b"private"


def test_a_profile_pointed_outside_the_homes_folder_is_left_alone_when_its_account_goes(
    make_user, data_root, django_capture_on_commit_callbacks
):
    from apps.accounts.models import Profile

    carol = make_user("carol")
    (data_root / "nights").mkdir()
    Profile.objects.filter(user=carol).update(home="nights")
    with django_capture_on_commit_callbacks(execute=True):
        carol.delete()
    assert (data_root / "nights").is_dir()
