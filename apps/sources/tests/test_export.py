"""POST /api/sources/export: the selected rows as a new file, with the write right, never over another."""

from __future__ import annotations

import json

import pytest
from astropy.table import Table

from apps.files import grants
from apps.files.services import Right

pytestmark = pytest.mark.django_db
CAT = {"path": "home/alice/cat.fits", "table": 0}


def export(client, **body):
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
