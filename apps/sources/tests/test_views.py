"""Rows, masks, locate and densities: what the table view and the plots ask of a source."""

from __future__ import annotations

import json

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from apps.sources.tests.conftest import mask_of

pytestmark = pytest.mark.django_db
CAT = {"path": "home/alice/cat.fits", "table": 0}


def post(client, url: str, body: dict) -> object:
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_ENCODING="gzip")


def test_a_page_of_rows_in_file_order_with_nan_as_null_and_text_as_it_is(alice_client, catalogue):
    page = alice_client.get(
        "/api/sources/rows", {**CAT, "start": 10, "count": 3, "columns": "index,flux,name,id"}
    ).json()
    assert page["total"] == 1000 and page["start"] == 10 and page["index"] == [10, 11, 12]
    assert page["columns"] == ["index", "flux", "name", "id"]
    assert page["cells"][0] == [10, None, "star 10", 30]
    assert page["cells"][1][1] == pytest.approx(float(catalogue["flux"][11]), rel=1e-6)


def test_a_page_past_the_end_is_empty(alice_client, catalogue):
    page = alice_client.get("/api/sources/rows", {**CAT, "start": 995, "count": 10}).json()
    assert page["index"] == [995, 996, 997, 998, 999]
    assert alice_client.get("/api/sources/rows", {**CAT, "start": 5000}).json()["index"] == []


@pytest.mark.parametrize(
    ("query", "code"),
    [({"count": 501}, "bad_params"), ({"start": -1}, "bad_params"), ({"columns": "g,nope"}, "not_found")],
)
def test_bad_row_queries_are_refused(alice_client, catalogue, query, code):
    response = alice_client.get("/api/sources/rows", {**CAT, **query})
    assert response.json()["error"]["code"] == code


def test_rows_sorted_and_filtered_on_the_server(alice_client, catalogue):
    page = alice_client.get(
        "/api/sources/rows", {**CAT, "sort": "g", "desc": "true", "filter": "id < 30", "count": 20}
    ).json()
    assert page["total"] == 10
    expected = np.argsort(-catalogue["g"][:10], kind="stable")
    assert page["index"] == expected.tolist()


def test_a_selection_travels_as_a_bit_mask_with_its_count(alice_client, catalogue):
    response = post(alice_client, "/api/sources/mask", {**CAT, "selection": {"kind": "range", "column": "g", "lo": 18}})
    assert response.status_code == 200, response.content
    expected = catalogue["g"] >= 18
    assert_array_equal(mask_of(response), expected)
    assert response["X-Toyz-Count"] == str(int(expected.sum()))


def test_a_box_and_a_row_set_combine(alice_client, catalogue):
    box = {"kind": "box", "x": "RA", "y": "DEC", "x0": 250.0, "x1": 250.5, "y0": 36.0, "y1": 37.0}
    rows = {"kind": "rows", "rows": [0, 1, 999]}
    response = post(alice_client, "/api/sources/mask", {**CAT, "selection": {"kind": "and", "of": [box, rows]}})
    assert np.flatnonzero(mask_of(response)).tolist() == [0, 1]


@pytest.mark.parametrize(
    ("selection", "code", "words"),
    [
        ({"kind": "circle"}, "bad_params", "kind"),
        ({"kind": "range", "column": "nope", "lo": 1}, "bad_selection", "nope"),
        ({"kind": "rows", "rows": [1, 5000]}, "bad_selection", ""),
        ({"kind": "lasso", "x": "g", "y": "r", "points": [[0, 0], [1, 1]]}, "bad_params", "points"),
    ],
)
def test_bad_selections_get_a_sentence(alice_client, catalogue, selection, code, words):
    response = post(alice_client, "/api/sources/mask", {**CAT, "selection": selection})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] in (code, "bad_selection", "bad_params") and words in error["message"]


def test_locate_finds_the_first_selected_row_in_the_view_order(alice_client, catalogue):
    selection = {"kind": "rows", "rows": [500, 20]}
    found = post(alice_client, "/api/sources/locate", {**CAT, "selection": selection}).json()
    assert found == {"position": 20}
    none = post(alice_client, "/api/sources/locate", {**CAT, "selection": {"kind": "rows", "rows": []}}).json()
    assert none == {"position": None}


def test_a_density_counts_every_row_once(alice_client, catalogue):
    query = {**CAT, "x": "RA", "y": "DEC", "nx": 10, "ny": 5}
    response = alice_client.get("/api/sources/density", query, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, response.content
    assert response["X-Toyz-Bins"] == "10,5"
    import gzip

    counts = np.frombuffer(gzip.decompress(response.content), "<f4").reshape(5, 10)
    assert counts.sum() == 1000
    xlo, xhi, ylo, yhi = (float(v) for v in response["X-Toyz-Range"].split(","))
    assert (xlo, xhi, ylo, yhi) == pytest.approx((250.0, 251.0, 36.0, 37.0))
    # RA and Dec rise together: the counts lie on the diagonal, row 0 the lowest Dec.
    assert counts[0, 0] > 0 and counts[4, 9] > 0 and counts[4, 0] == 0


def test_a_density_of_the_selected_rows(alice_client, catalogue):
    body = {**CAT, "x": "RA", "y": "DEC", "nx": 4, "ny": 4, "selection": {"kind": "rows", "rows": [0, 1, 2]}}
    response = post(alice_client, "/api/sources/density", body)
    import gzip

    assert np.frombuffer(gzip.decompress(response.content), "<f4").sum() == 3
