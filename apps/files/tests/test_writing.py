"""Uploads, new folders and renames: every rule of the write right, through the API as a client calls it."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path
from urllib.parse import urlencode

import pytest

from apps import events
from apps.files import fsops, writing
from workers.errors import ToyzError


def upload(client, folder: str, name: str, data: bytes, **extra: str):
    query = urlencode({"path": folder, "name": name, **extra})
    return client.post(f"/api/files/upload?{query}", data=data, content_type="application/octet-stream")


def files_in(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def code(response) -> str:
    return str(response.json()["error"]["code"])


# --- uploads -------------------------------------------------------------------------------------


def test_an_upload_lands_whole_under_its_name_and_leaves_no_temporary_file(alice_client, data_root: Path):
    response = upload(alice_client, "home/alice", "m13.fits", b"SIMPLE" * 1000)
    assert response.status_code == 201, response.content
    assert response.json() == {**response.json(), "name": "m13.fits", "path": "home/alice/m13.fits", "kind": "file"}
    assert response.json()["size"] == 6000 and response.json()["openable"] is True
    assert (data_root / "home/alice/m13.fits").read_bytes() == b"SIMPLE" * 1000
    assert files_in(data_root / "home/alice") == ["m13.fits"]


def test_an_existing_name_is_never_overwritten_unless_the_client_says_so(alice_client, data_root: Path):
    (data_root / "home/alice/a.txt").write_bytes(b"old")
    response = upload(alice_client, "home/alice", "a.txt", b"new")
    assert response.status_code == 409
    assert code(response) == "exists"
    assert "already exists" in response.json()["error"]["message"]
    assert (data_root / "home/alice/a.txt").read_bytes() == b"old"
    assert upload(alice_client, "home/alice", "a.txt", b"new", replace="true").status_code == 201
    assert (data_root / "home/alice/a.txt").read_bytes() == b"new"
    assert files_in(data_root / "home/alice") == ["a.txt"]


def test_a_folder_is_never_replaced_by_an_upload(alice_client, data_root: Path):
    (data_root / "home/alice/night1").mkdir()
    response = upload(alice_client, "home/alice", "night1", b"x", replace="true")
    assert response.status_code == 409
    assert "folder" in response.json()["error"]["message"]
    assert (data_root / "home/alice/night1").is_dir()


HOSTILE_NAMES = [
    "",
    "   ",
    ".",
    "..",
    "a/b",
    "../escape",
    "a\\b",
    "a\x00b",
    "a\nb",
    "tab\there",
    "bell\x07",
    "del\x7f",
    "line\u2028sep",
    ".hidden",
    ".toyz-trash",
    ".toyz-upload-0123456789abcdef",
    " leading",
    "trailing ",
    "x" * 256,
    "é" * 128,  # 256 bytes in UTF-8
    "\ud800",
    None,
    42,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_hostile_names_are_refused_with_a_sentence(name: object):
    with pytest.raises(ToyzError) as refused:
        fsops.clean_name(name)
    assert refused.value.code == "bad_name"
    assert refused.value.message.endswith(".")


@pytest.mark.parametrize("name", ["a/b", "..", ".hidden", "a\x00b", "x" * 300], ids=repr)
def test_the_api_refuses_hostile_names_without_writing(alice_client, data_root: Path, name: str):
    response = upload(alice_client, "home/alice", name, b"x")
    assert response.status_code == 400
    assert code(response) == "bad_name"
    assert files_in(data_root / "home/alice") == []


def test_names_are_stored_in_unicode_nfc(alice_client, data_root: Path):
    response = upload(alice_client, "home/alice", "Ce\u0301phe\u0301e.fits", b"x")
    assert response.json()["name"] == "C\u00e9ph\u00e9e.fits"
    assert files_in(data_root / "home/alice") == ["C\u00e9ph\u00e9e.fits"]
    assert fsops.clean_name("x" * 255) == "x" * 255


@pytest.mark.parametrize(
    ("folder", "expected"),
    [("../..", "outside_root"), ("home/alice/../../..", "outside_root"), ("home/alice/../bob", "forbidden")],
)
def test_traversal_is_refused(alice_client, data_root: Path, folder: str, expected: str):
    response = upload(alice_client, folder, "x.txt", b"x")
    assert code(response) == expected
    assert not list(data_root.parent.glob("**/x.txt"))


def test_a_symlink_out_of_the_root_lets_no_write_escape(alice_client, data_root: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (data_root / "home/alice/out").symlink_to(outside)
    (data_root / "home/alice/bobs").symlink_to(data_root / "home/bob")
    assert code(upload(alice_client, "home/alice/out", "x.txt", b"x")) == "outside_root"
    assert code(upload(alice_client, "home/alice/bobs", "x.txt", b"x")) == "forbidden"
    assert code(
        alice_client.post("/api/files/folder", {"path": "home/alice/out", "name": "d"}, "application/json")
    ) == ("outside_root")
    assert files_in(outside) == [] and files_in(data_root / "home/bob") == []


def test_a_dangling_symlink_of_the_new_name_is_not_followed(alice_client, data_root: Path, tmp_path: Path):
    target = tmp_path / "planted.txt"
    (data_root / "home/alice/x.txt").symlink_to(target)
    assert code(upload(alice_client, "home/alice", "x.txt", b"payload")) == "exists"
    assert not target.exists()
    # Replacing replaces the link itself, never what it points to.
    assert upload(alice_client, "home/alice", "x.txt", b"payload", replace="1").status_code == 201
    assert not target.exists()
    assert not (data_root / "home/alice/x.txt").is_symlink()


def test_an_upload_over_the_limit_is_refused_from_its_announced_size(alice_client, data_root: Path, settings):
    settings.TOYZ_UPLOAD_MAX_BYTES = 10
    response = upload(alice_client, "home/alice", "big.fits", b"x" * 11)
    assert response.status_code == 413
    assert code(response) == "too_large"
    assert files_in(data_root / "home/alice") == []
    assert upload(alice_client, "home/alice", "small.fits", b"x" * 10).status_code == 201


def test_the_limit_is_enforced_while_streaming_a_body_of_unknown_size(alice, data_root: Path, settings):
    settings.TOYZ_UPLOAD_MAX_BYTES = 3 * writing.CHUNK_BYTES
    body = io.BytesIO(b"x" * (3 * writing.CHUNK_BYTES + 1))
    with pytest.raises(ToyzError) as refused:
        writing.upload(alice, "home/alice", "big.fits", body, length=None)
    assert refused.value.code == "too_large"
    assert files_in(data_root / "home/alice") == []


def test_a_body_shorter_than_announced_leaves_nothing(alice, data_root: Path):
    with pytest.raises(ToyzError) as refused:
        writing.upload(alice, "home/alice", "cut.fits", io.BytesIO(b"x" * 5), length=10)
    assert "cut short" in refused.value.message
    assert files_in(data_root / "home/alice") == []


class _Gate(io.RawIOBase):
    """A body that waits at a barrier before its last bytes, so two uploads are in flight at once."""

    def __init__(self, data: bytes, barrier: threading.Barrier) -> None:
        self.data, self.barrier, self.sent = data, barrier, False

    def read(self, size: int = -1, /) -> bytes:
        if self.sent:
            return b""
        self.barrier.wait(timeout=30)
        self.sent = True
        return self.data


@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_uploads_of_one_name_exactly_one_lands(make_user, data_root: Path):
    from django.db import connection

    alice = make_user("alice")
    barrier = threading.Barrier(2)
    outcomes: dict[bytes, object] = {}

    def run(data: bytes) -> None:
        try:
            outcomes[data] = writing.upload(alice, "home/alice", "same.fits", _Gate(data, barrier), length=len(data))
        except ToyzError as error:
            outcomes[data] = error.code
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(data,)) for data in (b"A" * 100, b"B" * 100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(v if isinstance(v, str) else "ok" for v in outcomes.values())
    assert codes == ["exists", "ok"]
    winner = next(data for data, v in outcomes.items() if not isinstance(v, str))
    assert (data_root / "home/alice/same.fits").read_bytes() == winner
    assert files_in(data_root / "home/alice") == ["same.fits"]


def test_a_user_without_the_write_right_is_refused(alice_client, data_root: Path):
    for folder in ("home/bob", "home", "", "samples"):
        response = upload(alice_client, folder, "x.txt", b"x")
        assert response.status_code in (403, 404), (folder, response.content)
    assert not list(data_root.glob("**/x.txt"))


def test_an_admin_may_write_anywhere_inside_the_root(client, make_user, data_root: Path):
    client.force_login(make_user("root", admin=True))
    assert upload(client, "", "top.txt", b"x").status_code == 201
    assert upload(client, "home/root", "mine.txt", b"x").status_code == 201
    assert (data_root / "top.txt").is_file()


def test_anonymous_clients_and_missing_csrf_tokens_are_refused(client, alice, data_root: Path):
    assert upload(client, "home/alice", "x.txt", b"x").status_code == 401
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    response = upload(strict, "home/alice", "x.txt", b"x")
    assert response.status_code == 403
    assert files_in(data_root / "home/alice") == []


def test_a_form_upload_is_refused_with_what_to_send_instead(alice_client, data_root: Path):
    query = urlencode({"path": "home/alice", "name": "x.txt"})
    response = alice_client.post(f"/api/files/upload?{query}", {"file": io.BytesIO(b"x")})
    assert response.status_code == 400
    assert "application/octet-stream" in response.json()["error"]["message"]


# --- folders and renames -------------------------------------------------------------------------


def post(client, url: str, body: object):
    return client.post(url, body, content_type="application/json")


def test_a_new_folder_is_made_once(alice_client, data_root: Path):
    response = post(alice_client, "/api/files/folder", {"path": "home/alice", "name": "night 1"})
    assert response.status_code == 201
    assert response.json()["kind"] == "dir" and response.json()["path"] == "home/alice/night 1"
    assert (data_root / "home/alice/night 1").is_dir()
    again = post(alice_client, "/api/files/folder", {"path": "home/alice", "name": "night 1"})
    assert again.status_code == 409 and code(again) == "exists"
    assert code(post(alice_client, "/api/files/folder", {"path": "home/alice", "name": "a/b"})) == "bad_name"
    assert code(post(alice_client, "/api/files/folder", {"path": "home/bob", "name": "x"})) == "forbidden"


def test_bad_json_bodies_are_sentences_not_500s(alice_client):
    bodies: list[object] = [{"path": 3, "name": "x"}, {"name": "x"}, [], "text", "{"]
    for body in bodies:
        response = post(alice_client, "/api/files/folder", body)
        assert response.status_code == 400, (body, response.content)
        assert code(response) in ("bad_params", "bad_message"), response.content


def test_a_rename_stays_in_its_folder_and_never_overwrites(alice_client, data_root: Path):
    home = data_root / "home/alice"
    (home / "a.fits").write_bytes(b"a")
    (home / "b.fits").write_bytes(b"b")
    response = post(alice_client, "/api/files/rename", {"path": "home/alice/a.fits", "name": "c.fits"})
    assert response.status_code == 200
    assert response.json()["path"] == "home/alice/c.fits"
    assert files_in(home) == ["b.fits", "c.fits"]
    taken = post(alice_client, "/api/files/rename", {"path": "home/alice/c.fits", "name": "b.fits"})
    assert taken.status_code == 409 and code(taken) == "exists"
    assert (home / "b.fits").read_bytes() == b"b" and (home / "c.fits").read_bytes() == b"a"
    moved = post(alice_client, "/api/files/rename", {"path": "home/alice/c.fits", "name": "../c.fits"})
    assert code(moved) == "bad_name"
    missing = post(alice_client, "/api/files/rename", {"path": "home/alice/nope", "name": "x"})
    assert code(missing) == "not_found"


def test_renaming_a_folder_onto_an_existing_folder_is_refused(alice_client, data_root: Path):
    home = data_root / "home/alice"
    (home / "one").mkdir()
    (home / "two").mkdir()  # empty: a plain rename(2) would silently replace it
    response = post(alice_client, "/api/files/rename", {"path": "home/alice/one", "name": "two"})
    assert code(response) == "exists"
    assert files_in(home) == ["one", "two"]


def test_renaming_a_symlink_renames_the_link_not_its_target(alice_client, data_root: Path):
    home = data_root / "home/alice"
    (home / "real.fits").write_bytes(b"x")
    (home / "alias.fits").symlink_to(home / "real.fits")
    response = post(alice_client, "/api/files/rename", {"path": "home/alice/alias.fits", "name": "b.fits"})
    assert response.status_code == 200
    assert (home / "b.fits").is_symlink() and (home / "real.fits").is_file()


def test_someone_elses_files_cannot_be_renamed(alice_client, data_root: Path):
    (data_root / "home/bob/b.fits").write_bytes(b"x")
    response = post(alice_client, "/api/files/rename", {"path": "home/bob/b.fits", "name": "mine.fits"})
    assert code(response) == "forbidden"
    response = post(alice_client, "/api/files/rename", {"path": "home/alice", "name": "alicia"})
    assert code(response) == "forbidden"  # her home's folder is not hers to rename
    assert (data_root / "home/bob/b.fits").exists() and (data_root / "home/alice").is_dir()


def test_a_folder_with_something_the_user_may_not_write_is_not_moved(alice, data_root: Path, monkeypatch):
    home = data_root / "home/alice"
    (home / "shared/secret").mkdir(parents=True)
    (home / "shared/secret/plan.txt").write_text("x")
    from apps.files.permissions import has_right as real_has_right

    # As a "none" grant on a subfolder would make it.
    monkeypatch.setattr(fsops, "has_right", lambda u, p, r: "secret" not in p.parts and real_has_right(u, p, r))
    with pytest.raises(ToyzError) as refused:
        writing.rename(alice, "home/alice/shared", "public")
    assert refused.value.code == "forbidden"
    assert (home / "shared/secret/plan.txt").exists()


# --- the listing and the event -------------------------------------------------------------------


def test_the_listing_says_whether_the_user_may_write_there(alice_client, client, make_user):
    assert alice_client.get("/api/files/list", {"path": "home/alice"}).json()["writable"] is True
    assert alice_client.get("/api/files/list", {"path": "home"}).json()["writable"] is False
    assert alice_client.get("/api/files/list", {"path": ""}).json()["writable"] is False
    client.force_login(make_user("root", admin=True))
    listing = client.get("/api/files/list", {"path": ""}).json()
    assert listing["writable"] is True
    assert listing["max_upload_bytes"] > 0


def test_every_change_tells_the_folders_readers(alice_client, alice, data_root: Path, monkeypatch):
    sent: list[tuple[events.Audience, events.Event]] = []
    monkeypatch.setattr(events, "to_audience", lambda audience, event: sent.append((audience, event)))
    upload(alice_client, "home/alice", "a.fits", b"x")
    post(alice_client, "/api/files/folder", {"path": "home/alice", "name": "d"})
    post(alice_client, "/api/files/rename", {"path": "home/alice/d", "name": "e"})
    assert [event.model_dump() for _, event in sent] == [
        {"type": "event", "event": "folder.changed", "path": "home/alice"}
    ] * 3
    assert all(alice.pk in audience.users for audience, _ in sent)
    # A refused change tells nobody.
    upload(alice_client, "home/alice", "a.fits", b"x")
    assert len(sent) == 3
