"""GET /api/sources/describe: a source's tables, columns, rows, sky and pixel columns."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_fits_catalogue_is_described_with_units_ucds_and_its_sky_columns(alice_client, catalogue):
    response = alice_client.get("/api/sources/describe", {"path": "home/alice/cat.fits"})
    assert response.status_code == 200, response.content
    found = response.json()
    assert found["rows"] == 1000 and found["table"] == 0 and found["kind"] == "file"
    assert found["tables"] == [{"index": 0, "name": "STARS", "rows": 1000, "columns": 7}]
    columns = {c["name"]: c for c in found["columns"]}
    # The row number comes first, as a column every plot and filter can name.
    assert found["columns"][0]["name"] == "index" and columns["index"]["kind"] == "int"
    assert columns["RA"]["unit"] == "deg" and columns["RA"]["ucd"] == "pos.eq.ra;meta.main"
    assert columns["flux"]["kind"] == "float" and columns["name"]["kind"] == "string"
    assert found["sky"] == {"ra": "RA", "dec": "DEC"}
    assert found["identity"] and found["name"] == "cat.fits" and found["path"] == "home/alice/cat.fits"


def test_a_table_from_astropys_test_data_is_described(alice_client, astropy_table):
    path = astropy_table("io/fits/tests/data/btable.fits", "btable.fits")
    found = alice_client.get("/api/sources/describe", {"path": path}).json()
    assert found["rows"] == 3
    assert [c["name"] for c in found["columns"]] == ["index", "order", "name", "mag", "Sp"]


def test_a_csv_table_is_described(alice_client, data_root, alice):
    (data_root / "home/alice/t.csv").write_text("a,b,c\n1,2,x\n4,5,y\n")
    found = alice_client.get("/api/sources/describe", {"path": "home/alice/t.csv"}).json()
    assert found["rows"] == 2 and [c["name"] for c in found["columns"]] == ["index", "a", "b", "c"]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"path": "home/alice/cat.fits", "table": 3}, 400, "bad_table"),
        ({"path": "home/alice/cat.fits", "table": -1}, 400, "bad_params"),
        ({"path": "home/alice/cat.fits", "table": "x"}, 400, "bad_params"),
        ({"path": "home/alice/notes.md"}, 422, "unsupported"),
        ({"path": "home/alice"}, 400, "bad_path"),
        ({"path": "home/alice/none.fits"}, 404, "not_found"),
        ({"path": "../etc/passwd"}, 403, "outside_root"),
        ({"path": "home/alice", "kind": "headers", "table": 1}, 400, "bad_table"),
    ],
)
def test_bad_queries_get_a_sentence_and_the_codes_status(alice_client, catalogue, data_root, query, status, code):
    (data_root / "home/alice/notes.md").write_text("# not a table\n")
    response = alice_client.get("/api/sources/describe", query)
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["message"].endswith((".", "?", ")")), error


def test_a_malformed_csv_is_unreadable_with_a_sentence(alice_client, data_root, alice):
    (data_root / "home/alice/bad.csv").write_text('a,b\n1,2\n3,"4\n5,6,7,8\n')
    response = alice_client.get("/api/sources/describe", {"path": "home/alice/bad.csv"})
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert response.json()["error"]["code"] == "unreadable"


def test_an_empty_table_has_no_rows_and_its_columns(alice_client, data_root, alice):
    (data_root / "home/alice/empty.csv").write_text("a,b\n")
    response = alice_client.get("/api/sources/describe", {"path": "home/alice/empty.csv"})
    assert response.status_code == 200, response.content
    assert response.json()["rows"] == 0
