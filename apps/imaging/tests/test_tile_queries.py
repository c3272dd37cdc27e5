"""Tile URLs: rendering parameters parsed at the edge (the query model), filled and checked by the core."""

from __future__ import annotations

import pytest


@pytest.fixture
def alice_client(client, make_user, sample_fits):
    client.force_login(make_user("alice"))
    sample_fits("home/alice/m13.fits", shape=(300, 500))
    return client


def test_limits_left_out_or_empty_are_the_zscale_cuts_and_lo_may_equal_hi(alice_client):
    path = "home/alice/m13.fits"
    zscale = alice_client.get("/api/imaging/describe", {"path": path}).json()["cuts"]["zscale"]
    given = alice_client.get(f"/tiles/0/0/0.png?path={path}&lo={zscale[0]}&hi={zscale[1]}")
    for query in ("", "&lo=&hi=", f"&lo={zscale[0]}", f"&hi={zscale[1]}"):
        left_out = alice_client.get(f"/tiles/0/0/0.png?path={path}{query}")
        assert left_out.status_code == 200 and left_out.content == given.content, query
    assert alice_client.get(f"/tiles/0/0/0.png?path={path}&lo=3&hi=3").status_code == 200


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("stretch=wobbly", "stretch"),
        ("cmap=not_a_map", "colormap"),
        ("lo=abc", "lo"),
        ("hi=nan", "hi"),
        ("lo=inf", "lo"),
        ("hi=-Infinity", "hi"),
        ("inv=maybe", "inv"),
    ],
)
def test_tile_queries_refuse_bad_values_with_a_clear_message(alice_client, query, word):
    response = alice_client.get(f"/tiles/0/0/0.png?path=home/alice/m13.fits&{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_params" and word in error["message"]
