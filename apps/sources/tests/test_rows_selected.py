"""POST /api/sources/rows: the table view's "only selected" pages, a selection applied after sort and filter."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.django_db
CAT = {"path": "home/alice/cat.fits", "table": 0}


def post_rows(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/api/sources/rows", json.dumps({**CAT, **body}), content_type="application/json")


def test_only_the_selected_rows_come_in_file_order(alice_client, catalogue):
    page = post_rows(
        alice_client, {"count": 10, "columns": ["id", "name"], "selection": {"kind": "rows", "rows": [999, 5, 40]}}
    ).json()
    assert page["total"] == 3 and page["index"] == [5, 40, 999]
    assert page["columns"] == ["id", "name"] and page["cells"][0] == [15, "star 5"]


def test_the_selected_rows_follow_the_sort_and_the_filter(alice_client, catalogue):
    selection = {"kind": "range", "column": "g", "lo": 18}
    page = post_rows(
        alice_client, {"sort": "r", "desc": True, "filter": "id < 300", "count": 500, "selection": selection}
    ).json()
    kept = np.flatnonzero((catalogue["g"] >= 18) & (catalogue["id"] < 300))
    expected = kept[np.argsort(-catalogue["r"][kept], kind="stable")]
    assert page["total"] == len(kept) and page["index"] == expected.tolist()


def test_a_page_further_down_the_selection(alice_client, catalogue):
    selection = {"kind": "expr", "expr": "id % 2 == 0"}
    page = post_rows(alice_client, {"start": 100, "count": 3, "selection": selection}).json()
    assert page["total"] == 500 and page["start"] == 100 and page["index"] == [200, 202, 204]


def test_without_a_selection_the_post_answers_as_the_get(alice_client, catalogue):
    posted = post_rows(alice_client, {"start": 10, "count": 5, "sort": "g"}).json()
    got = alice_client.get("/api/sources/rows", {**CAT, "start": 10, "count": 5, "sort": "g"}).json()
    assert posted == got


def test_an_empty_selection_gives_an_empty_view(alice_client, catalogue):
    page = post_rows(alice_client, {"selection": {"kind": "rows", "rows": []}}).json()
    assert page == {"total": 0, "start": 0, "index": [], "columns": page["columns"], "cells": []}


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"selection": {"kind": "range", "column": "nope", "lo": 1}}, "bad_selection", "nope"),
        ({"selection": {"kind": "circle"}}, "bad_params", "kind"),
        ({"count": 501}, "bad_params", "count"),
        ({"columns": ["g", "nope"]}, "not_found", "nope"),
        ({"columns": "g,r"}, "bad_params", "columns"),
    ],
)
def test_bad_bodies_get_a_sentence(alice_client, catalogue, body, code, words):
    response = post_rows(alice_client, body)
    error = response.json()["error"]
    assert response.status_code in (400, 404) and error["code"] == code and words in error["message"]


def test_another_users_table_is_refused(client, catalogue, make_user):
    client.force_login(make_user("mallory"))
    response = post_rows(client, {"selection": {"kind": "rows", "rows": [1]}})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
