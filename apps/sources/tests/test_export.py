"""POST /api/sources/export: the selected rows as a new file, with the write right, never over another."""

from __future__ import annotations

import json
from typing import Any

import pytest
from astropy.table import Table

from apps.files import grants
from apps.files.services import Right

pytestmark = pytest.mark.django_db
CAT = {"path": "home/alice/cat.fits", "table": 0}


def export(client: Any, **body: Any) -> Any:
    return client.post("/api/sources/export", json.dumps({**CAT, **body}), content_type="application/json")


def test_the_selected_rows_are_written_as_a_new_csv(alice_client, catalogue, data_root):
    selection = {"kind": "rows", "rows": [3, 1, 4]}
    response = export(
        alice_client, selection=selection, columns=["id", "g"], format="csv", folder="home/alice", name="picked"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"path": "home/alice/picked.csv", "rows": 3}
    written = Table.read(data_root / "home/alice/picked.csv", format="ascii.csv")
    assert written.colnames == ["id", "g"] and sorted(written["id"]) == [3, 9, 12]


def test_every_row_goes_when_there_is_no_selection(alice_client, catalogue, data_root):
    response = export(alice_client, format="fits", folder="home/alice", name="all.fits")
    assert response.json() == {"path": "home/alice/all.fits", "rows": 1000}
    written = Table.read(data_root / "home/alice/all.fits")
    assert len(written) == 1000 and "index" not in written.colnames
    assert str(written["RA"].unit) == "deg"


def test_an_export_never_overwrites(alice_client, catalogue, data_root):
    (data_root / "home/alice/taken.csv").write_text("keep me")
    response = export(alice_client, format="csv", folder="home/alice", name="taken.csv")
    assert response.status_code == 409 and response.json()["error"]["code"] == "exists"
    assert (data_root / "home/alice/taken.csv").read_text() == "keep me"
    assert not [p for p in (data_root / "home/alice").iterdir() if p.name.startswith(".toyz-upload-")]


def test_an_export_needs_the_write_right_on_the_folder(client, make_user, catalogue, data_root):
    admin = make_user("root", admin=True)
    (data_root / "survey").mkdir()
    from django.contrib.auth import get_user_model

    alice = get_user_model().objects.get(username="alice")  # made with the catalogue
    grants.grant("survey", alice, [Right.LIST, Right.READ], actor=admin)
    client.force_login(alice)
    response = export(client, format="csv", folder="survey", name="x.csv")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert list((data_root / "survey").iterdir()) == []
    response = export(client, format="csv", folder="home/bob", name="x.csv")
    assert response.json()["error"]["code"] in ("forbidden", "not_found")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"format": "xlsx", "folder": "home/alice", "name": "x"}, "bad_params"),
        ({"format": "csv", "folder": "home/alice", "name": "a/b.csv"}, "bad_name"),
        ({"format": "csv", "folder": "home/alice", "name": ".."}, "bad_name"),
        ({"format": "csv", "folder": "home/alice/cat.fits", "name": "x"}, "bad_path"),
        ({"format": "csv", "folder": "home/alice", "name": "x", "columns": ["nope"]}, "not_found"),
        ({"format": "csv", "folder": "../..", "name": "x"}, "outside_root"),
    ],
)
def test_bad_exports_are_refused_and_write_nothing(alice_client, catalogue, data_root, body, code):
    before = sorted(p.name for p in (data_root / "home/alice").iterdir())
    response = export(alice_client, **body)
    assert response.json()["error"]["code"] == code, response.content
    assert sorted(p.name for p in (data_root / "home/alice").iterdir()) == before


# astropy's VOTable warnings cannot be rebuilt from their arguments, which crashes pytest-xdist's workers.
@pytest.mark.filterwarnings("ignore::astropy.io.votable.exceptions.VOWarning")
def test_a_votable_selection_exports_as_a_votable(alice_client, astropy_table, data_root):
    path = astropy_table("io/votable/tests/data/names.xml", "names.vot")
    body = {"path": path, "selection": {"kind": "rows", "rows": [0]}, "format": "votable"}
    response = alice_client.post(
        "/api/sources/export",
        json.dumps({**body, "folder": "home/alice", "name": "one"}),
        content_type="application/json",
    )
    assert response.json() == {"path": "home/alice/one.vot", "rows": 1}, response.content
    written = Table.read(data_root / "home/alice/one.vot", format="votable")
    assert len(written) == 1 and str(written["RAdeg"].unit) == "deg"


def test_an_export_larger_than_the_free_space_is_refused_with_a_sentence(
    alice_client, catalogue, data_root, monkeypatch
):
    import os

    real = os.statvfs

    def nearly_full(path: Any) -> Any:
        info = real(path)
        # 10 free blocks of 4 KiB: 40 KiB, less than 1000 rows of every column as CSV (about 120 KB).
        return os.statvfs_result((4096, 4096, info.f_blocks, 10, 10, info.f_files, info.f_ffree,
                                  info.f_favail, info.f_flag, info.f_namemax))  # fmt: skip

    monkeypatch.setattr(os, "statvfs", nearly_full)
    response = export(alice_client, format="csv", folder="home/alice", name="all")
    assert response.status_code == 507
    error = response.json()["error"]
    assert error["code"] == "no_space" and "40 KB free" in error["message"] and "home/alice" in error["message"]
    assert not (data_root / "home/alice/all.csv").exists()
    # A few rows fit.
    few = export(
        alice_client, selection={"kind": "rows", "rows": [1, 2]}, format="csv", folder="home/alice", name="few"
    )
    assert few.status_code == 200, few.content
