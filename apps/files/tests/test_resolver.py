from __future__ import annotations

import os
from pathlib import Path

import pytest

from apps.files.permissions import Right
from apps.files.resolver import resolve
from workers.errors import ToyzError


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def admin(make_user):
    return make_user("root", admin=True)


def code_of(user, path, right=Right.READ) -> str:
    with pytest.raises(ToyzError) as info:
        resolve(user, path, right)
    return info.value.code


def test_a_new_user_gets_a_home_folder(alice, data_root: Path):
    assert (data_root / "home" / "alice").is_dir()


def test_a_user_reads_inside_their_home(alice, data_root: Path):
    (data_root / "home/alice/a.fits").write_bytes(b"x")
    resolved = resolve(alice, "home/alice/a.fits", Right.READ)
    assert resolved.real == (data_root / "home/alice/a.fits").resolve()
    assert resolved.client == "home/alice/a.fits"


def test_leading_slash_and_dots_are_normalised(alice, data_root: Path):
    (data_root / "home/alice/a.fits").write_bytes(b"x")
    assert resolve(alice, "/home/./alice//x/../a.fits", Right.READ).client == "home/alice/a.fits"


@pytest.mark.parametrize("path", ["..", "../etc/passwd", "home/../../etc", "/../../"])
def test_it_refuses_dot_dot_out_of_the_root(alice, path):
    assert code_of(alice, path) == "outside_root"


def test_it_refuses_a_symlink_out_of_the_root(alice, data_root: Path, tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    os.symlink(secret, data_root / "home/alice/link.fits")
    assert code_of(alice, "home/alice/link.fits") == "outside_root"


def test_the_root_check_comes_before_the_permission_check(alice):
    # Alice has no right on /etc either way; the answer must not tell her whether it exists.
    assert code_of(alice, "../../../../etc/passwd") == "outside_root"
    assert code_of(alice, "../../../../etc/does-not-exist") == "outside_root"


def test_a_symlink_into_someone_elses_home_is_judged_by_its_target(alice, make_user, data_root: Path):
    make_user("bob")
    (data_root / "home/bob/private.fits").write_bytes(b"x")
    os.symlink(data_root / "home/bob/private.fits", data_root / "home/alice/peek.fits")
    assert code_of(alice, "home/alice/peek.fits") == "forbidden"


@pytest.mark.parametrize("path", ["a\x00b", 42, None, "x" * 5000, "home\\alice"])
def test_it_refuses_malformed_paths(alice, path):
    assert code_of(alice, path) == "bad_path"


def test_a_user_cannot_read_another_home(alice, make_user, data_root: Path):
    make_user("bob")
    (data_root / "home/bob/b.fits").write_bytes(b"x")
    assert code_of(alice, "home/bob/b.fits") == "forbidden"
    assert code_of(alice, "home/bob", Right.LIST) == "forbidden"


def test_a_user_may_list_the_way_to_their_home_but_not_read_it(alice):
    assert resolve(alice, "", Right.LIST).client == ""
    assert resolve(alice, "home", Right.LIST).client == "home"
    assert code_of(alice, "home", Right.READ) == "forbidden"


def test_admins_reach_everything_inside_the_root(admin, alice, data_root: Path):
    (data_root / "home/alice/a.fits").write_bytes(b"x")
    assert resolve(admin, "home/alice/a.fits", Right.WRITE).client == "home/alice/a.fits"
    assert code_of(admin, "../outside") == "outside_root"


def test_missing_files_are_not_found(alice):
    assert code_of(alice, "home/alice/nope.fits") == "not_found"


def test_anonymous_users_have_no_rights(db):
    from django.contrib.auth.models import AnonymousUser

    assert code_of(AnonymousUser(), "") == "forbidden"


def test_unsafe_usernames_get_a_safe_home_folder(make_user, data_root: Path):
    from apps.accounts.models import Profile

    user = make_user("..")
    home = data_root / "home" / f"user~{user.pk}"
    assert Profile.objects.get(user=user).home == f"home/user~{user.pk}"
    assert home.is_dir() and home.resolve().parent == (data_root / "home").resolve()
    (home / "a.fits").write_bytes(b"x")
    assert resolve(user, f"home/user~{user.pk}/a.fits", Right.READ).real == (home / "a.fits").resolve()


def test_a_username_that_looks_like_a_generated_folder_name_gets_its_own_folder(make_user, data_root: Path):
    from apps.accounts.models import Profile

    first = make_user("..")
    # Django's username validator refuses "~", but create_user (and so scripts) never runs it.
    lookalike = make_user(f"user~{first.pk}")
    homes = dict(Profile.objects.values_list("user_id", "home"))
    assert homes[first.pk] == f"home/user~{first.pk}"
    assert homes[lookalike.pk] == f"home/user~{lookalike.pk}"
    (data_root / homes[first.pk] / "mine.fits").write_bytes(b"x")
    assert code_of(lookalike, f"{homes[first.pk]}/mine.fits") == "forbidden"


def test_a_link_swapped_for_a_file_while_resolving_is_a_clean_bad_path(alice, data_root: Path, monkeypatch):
    link = data_root / "home/alice/swap.fits"
    (data_root / "home/alice/target.fits").write_bytes(b"x")
    os.symlink(data_root / "home/alice/target.fits", link)
    real_readlink = os.readlink

    def swap_then_readlink(path, *args, **kwargs):
        # The race, made deterministic: realpath saw a link, and a file is there when it reads it.
        if os.fspath(path) == str(link) and link.is_symlink():
            link.unlink()
            link.write_bytes(b"y")
        return real_readlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "readlink", swap_then_readlink)
    assert code_of(alice, "home/alice/swap.fits") == "bad_path"


def test_the_listing_api_answers_a_swap_race_with_a_400_not_a_500(alice, client, data_root: Path, monkeypatch):
    link = data_root / "home/alice/sub"
    (data_root / "home/alice/real-sub").mkdir()
    os.symlink(data_root / "home/alice/real-sub", link)
    real_readlink = os.readlink

    def swap_then_readlink(path, *args, **kwargs):
        if os.fspath(path) == str(link) and link.is_symlink():
            link.unlink()
            link.mkdir()
        return real_readlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "readlink", swap_then_readlink)
    client.force_login(alice)
    response = client.get("/api/files/list", {"path": "home/alice/sub"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_path"


@pytest.mark.parametrize("path", ["\ud800", "home/alice/\udfff.fits", "home/\ud83d/x"])
def test_a_lone_surrogate_is_a_bad_path(alice, path):
    assert code_of(alice, path) == "bad_path"


def test_a_real_swap_race_never_escapes_as_anything_but_a_path_error(alice, data_root: Path):
    import threading

    home = data_root / "home/alice"
    (home / "target.fits").write_bytes(b"x")
    swapped = home / "racing.fits"
    stop = threading.Event()

    def swap() -> None:
        # Flip the name between a symlink and a plain file as fast as possible, a bounded number of times.
        for i in range(20000):
            if stop.is_set():
                return
            tmp = home / f".racing-{i}"
            if i % 2:
                tmp.write_bytes(b"y")
            else:
                os.symlink(home / "target.fits", tmp)
            os.replace(tmp, swapped)

    swapper = threading.Thread(target=swap)
    swapper.start()
    try:
        for _ in range(3000):
            try:
                resolve(alice, "home/alice/racing.fits", Right.READ)
            except ToyzError as exc:
                assert exc.code in {"bad_path", "not_found"}
    finally:
        stop.set()
        swapper.join()
