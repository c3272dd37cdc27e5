from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from apps.files.services import list_folder


@pytest.fixture
def tree(make_user, data_root: Path):
    alice = make_user("alice")
    make_user("bob")
    (data_root / "home/alice/sub").mkdir()
    (data_root / "home/alice/m13.fits").write_bytes(b"x" * 10)
    (data_root / "home/alice/notes.txt").write_text("hi")
    (data_root / "home/alice/.hidden").write_text("")
    (data_root / "survey").mkdir()
    return alice


def test_a_new_user_sees_only_the_way_to_their_home(tree):
    assert [e["name"] for e in list_folder(tree, "")["entries"]] == ["home"]
    assert [e["name"] for e in list_folder(tree, "home")["entries"]] == ["alice"]


def test_a_listing_puts_folders_first_and_marks_openable_files(tree):
    listing = list_folder(tree, "home/alice")
    assert [(e["name"], e["kind"], e["openable"]) for e in listing["entries"]] == [
        ("sub", "dir", False),
        ("m13.fits", "file", True),
        ("notes.txt", "file", False),
    ]
    assert listing["parent"] == "home"
    assert listing["entries"][1]["path"] == "home/alice/m13.fits"
    assert listing["entries"][1]["size"] == 10


def test_admins_see_every_folder(make_user, tree):
    admin = make_user("root", admin=True)
    assert [e["name"] for e in list_folder(admin, "")["entries"]] == ["home", "survey"]
    assert {e["name"] for e in list_folder(admin, "home")["entries"]} == {"alice", "bob", "root"}


def test_the_api_answers_json_and_refuses_anonymous_users(client, tree):
    response = client.get("/api/files/list", {"path": ""})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    client.force_login(tree)
    assert client.get("/api/files/list", {"path": "home/alice"}).json()["path"] == "home/alice"
    response = client.get("/api/files/list", {"path": "home/bob"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert client.get("/api/files/list", {"path": "../.."}).json()["error"]["code"] == "outside_root"


def test_symlinks_leaving_the_root_or_the_users_rights_are_hidden(tree, make_user, data_root: Path, tmp_path: Path):
    import os

    (tmp_path / "outside.txt").write_text("secret")
    (data_root / "home/bob/b.fits").write_bytes(b"x")
    os.symlink(tmp_path / "outside.txt", data_root / "home/alice/escape.fits")
    os.symlink(data_root / "home/bob/b.fits", data_root / "home/alice/bobs.fits")
    os.symlink(data_root / "home/alice/m13.fits", data_root / "home/alice/alias.fits")
    names = [e["name"] for e in list_folder(tree, "home/alice")["entries"]]
    assert "escape.fits" not in names and "bobs.fits" not in names
    assert "alias.fits" in names


def test_a_folder_the_server_cannot_read_is_an_error_not_a_500(client, tree, data_root: Path):
    client.force_login(tree)
    response = client.get("/api/files/list", {"path": "home/alice/" + "x" * 300})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_path"


def test_a_deactivated_user_loses_every_right(tree):
    from workers.errors import ToyzError

    tree.is_active = False
    with pytest.raises(ToyzError):
        list_folder(tree, "home/alice")


def test_the_listing_marks_openable_exactly_the_files_the_viewer_opens(client, tree, data_root: Path):
    import shutil

    import astropy

    home = data_root / "home/alice"
    source = Path(astropy.__file__).parent / "wcs/tests/data/dss.14.29.56-62.41.05.fits.gz"
    if not source.is_file():
        pytest.skip("astropy's WCS test data is not installed")
    shutil.copyfile(source, home / "thumbnail-image.fit.gz")  # a gzipped FITS, as archives name them
    (home / "m13.fits").unlink()
    fits.PrimaryHDU(np.ones((8, 8), np.float32)).writeto(home / "flat.FTS")
    client.force_login(tree)
    entries = client.get("/api/files/list", {"path": "home/alice"}).json()["entries"]
    openable = {e["name"]: e["openable"] for e in entries if e["kind"] == "file"}
    assert openable == {"flat.FTS": True, "notes.txt": False, "thumbnail-image.fit.gz": True}
    for name in ("flat.FTS", "thumbnail-image.fit.gz"):
        response = client.get("/api/imaging/describe", {"path": f"home/alice/{name}"})
        assert response.status_code == 200, response.content


def test_the_listing_marks_table_files_by_name(client, tree, data_root: Path):
    home = data_root / "home/alice"
    for name in ("cat.vot", "stars.CSV", "log.parquet", "x.ecsv"):
        (home / name).write_text("")
    client.force_login(tree)
    entries = client.get("/api/files/list", {"path": "home/alice"}).json()["entries"]
    tables = {e["name"]: e["table"] for e in entries}
    # A FITS file may hold tables beside its image: it is marked both ways.
    assert tables == {
        "sub": False,
        "cat.vot": True,
        "log.parquet": True,
        "m13.fits": True,
        "notes.txt": False,
        "stars.CSV": True,
        "x.ecsv": True,
    }


ASTROPY_DATA = Path(fits.__file__).parent / "tests" / "data"


def test_a_fits_file_of_tables_only_is_listed_as_a_table_and_not_as_an_image(tree, data_root: Path):
    home = data_root / "home/alice"
    shutil.copy(ASTROPY_DATA / "tb.fits", home / "tb.fits")  # an empty primary HDU and a binary table
    shutil.copy(ASTROPY_DATA / "comp.fits", home / "comp.fits")  # a tile-compressed image (a BINTABLE inside)
    fits.HDUList([fits.PrimaryHDU(np.zeros((4, 5), np.float32)), fits.BinTableHDU.from_columns(
        [fits.Column("x", "E", array=np.arange(3.0))])]).writeto(home / "both.fits")  # fmt: skip
    entries = {e["name"]: e for e in list_folder(tree, "home/alice")["entries"]}
    assert (entries["tb.fits"]["table"], entries["tb.fits"]["openable"]) == (True, False)
    assert (entries["comp.fits"]["table"], entries["comp.fits"]["openable"]) == (True, True)
    assert (entries["both.fits"]["table"], entries["both.fits"]["openable"]) == (True, True)
    # A broken file stays openable: the viewer says what is wrong with it.
    assert entries["m13.fits"]["openable"] is True


def test_a_fits_file_rewritten_with_an_image_is_listed_as_an_image_again(tree, data_root: Path):
    path = data_root / "home/alice/tb.fits"
    shutil.copy(ASTROPY_DATA / "tb.fits", path)
    assert {e["name"]: e["openable"] for e in list_folder(tree, "home/alice")["entries"]}["tb.fits"] is False
    fits.PrimaryHDU(np.zeros((4, 5), np.float32)).writeto(path, overwrite=True)
    assert {e["name"]: e["openable"] for e in list_folder(tree, "home/alice")["entries"]}["tb.fits"] is True
