"""Hostile or careless requests to the sources endpoints get a 400 with a sentence, never a 500."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db
PATH = "home/alice/cat.fits"


def _post(client, url: str, body: dict[str, object]) -> tuple[int, str]:
    reply = client.post(url, json.dumps(body), content_type="application/json")
    return reply.status_code, reply.json()["error"]["code"]


def test_a_density_of_a_text_column_is_a_sentence(alice_client, catalogue):
    reply = alice_client.get("/api/sources/density", {"path": PATH, "x": "name", "y": "g"})
    assert reply.status_code == 400
    assert reply.json()["error"] == {"code": "bad_expression", "message": "name holds text; a density needs numbers."}


@pytest.mark.parametrize(
    "selection",
    [
        {"kind": "range", "column": "name", "lo": 1},
        {"kind": "box", "x": "name", "y": "g", "x0": 0, "x1": 1, "y0": 0, "y1": 1},
        {"kind": "expr", "expr": "name"},
    ],
)
def test_a_selection_on_a_text_column_is_a_sentence(alice_client, catalogue, selection):
    body = {"path": PATH, "selection": selection}
    assert _post(alice_client, "/api/sources/mask", body) == (400, "bad_expression")


def test_a_filter_on_a_text_column_and_a_deep_expression_are_sentences(alice_client, catalogue):
    for query in ({"filter": "name"}, {"sort": "(" * 300 + "g" + ")" * 300}, {"filter": "round(g, nan) > 1"}):
        reply = alice_client.get("/api/sources/rows", {"path": PATH, **query})
        assert reply.status_code in (200, 400), query
        if reply.status_code == 400:
            assert reply.json()["error"]["code"] == "bad_expression"
