from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.parametrize("url", ["/", "/workspaces/1/", "/admin/"])
def test_anonymous_users_are_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_login_page_logs_a_user_in(client, make_user):
    make_user("alice", password="correct-horse-battery")
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b"Log in" in page.content
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct-horse-battery"})
    assert response.status_code == 302
    # The first visit creates a workspace and lands in it.
    assert client.get("/", follow=True).redirect_chain[-1][0].startswith("/workspaces/")


def test_a_wrong_password_says_so(client, make_user):
    make_user("alice", password="correct-horse-battery")
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert b"didn't match" in response.content


def test_logout_needs_a_post_and_ends_the_session(client, make_user):
    client.force_login(make_user("alice"))
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_setup_creates_the_admin_with_the_given_password(db, monkeypatch, data_root: Path):
    monkeypatch.setenv("TOYZ_ADMIN_PASSWORD", "a-very-secret-one")
    out = StringIO()
    call_command("toyz_setup", "--no-sample", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("a-very-secret-one")
    assert "TOYZ_ADMIN_PASSWORD" in out.getvalue()
    assert (data_root / "home/admin").is_dir()


def test_setup_generates_and_prints_a_password_once(db, monkeypatch):
    monkeypatch.delenv("TOYZ_ADMIN_PASSWORD", raising=False)
    out = StringIO()
    call_command("toyz_setup", "--no-sample", stdout=out)
    password = out.getvalue().split("shown once: ")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    again = StringIO()
    call_command("toyz_setup", "--no-sample", stdout=again)
    assert password not in again.getvalue()
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_setup_writes_sample_data_on_first_run(db, settings, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("TOYZ_ADMIN_PASSWORD", "a-very-secret-one")
    settings.TOYZ_DATA_ROOT = tmp_path / "fresh"
    call_command("toyz_setup", stdout=StringIO())
    assert (settings.TOYZ_DATA_ROOT / "samples" / "starfield.fits").is_file()


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def test_setup_adds_the_missing_samples_to_an_existing_data_root_and_changes_nothing_else(
    db, monkeypatch, data_root: Path
):
    from workers.imaging.synthetic import SAMPLES

    monkeypatch.setenv("TOYZ_ADMIN_PASSWORD", "a-very-secret-one")
    (data_root / "night").mkdir()
    (data_root / "night/exposure.fits").write_bytes(b"SIMPLE  = T")
    (data_root / "samples").mkdir()
    (data_root / "samples/notes.txt").write_text("mine")
    (data_root / "samples/starfield.png").write_bytes(b"my own picture")  # a sample the user replaced
    before = snapshot(data_root)
    out = StringIO()
    call_command("toyz_setup", stdout=out)
    after = snapshot(data_root)
    assert {name: after[name] for name in before} == before
    assert set(after) - set(before) == {f"samples/{name}" for name in SAMPLES} - {"samples/starfield.png"}
    assert "Wrote 5 sample files" in out.getvalue()
    again = StringIO()
    call_command("toyz_setup", stdout=again)
    assert snapshot(data_root) == after and "Wrote" not in again.getvalue()
    assert sorted(p.name for p in (data_root / "samples").iterdir() if p.name.startswith(".")) == []


def test_setup_says_why_it_writes_no_samples_where_samples_is_a_file(db, monkeypatch, data_root: Path):
    monkeypatch.setenv("TOYZ_ADMIN_PASSWORD", "a-very-secret-one")
    (data_root / "samples").write_text("not a folder")
    out = StringIO()
    call_command("toyz_setup", stdout=out)
    assert "is not a folder" in out.getvalue() and (data_root / "samples").read_text() == "not a folder"
    assert get_user_model().objects.filter(username="admin").exists()


def test_a_new_account_named_as_a_renamed_one_was_gets_a_home_of_its_own(make_user, data_root: Path):
    from apps.accounts.services import home_of, home_owners

    bob = make_user("bob")
    bob.username = "robert"
    bob.save()
    newbob = make_user("bob")
    assert home_of(bob) == "home/bob"
    assert home_of(newbob) == f"home/user~{newbob.pk}" and (data_root / "home" / f"user~{newbob.pk}").is_dir()
    assert home_owners("home/bob/x.fits") == {bob.pk}
