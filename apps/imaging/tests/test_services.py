"""The imaging services: tile query parsing (until the edge's query model) and the one tile call."""

from __future__ import annotations

import pytest

from apps.imaging.services import render_params_from_query
from workers.errors import ToyzError
from workers.imaging import RenderParams


def test_tile_queries_fill_defaults_and_parse_values():
    assert render_params_from_query({}) == RenderParams("linear", None, None, "gray", False, "png")
    q = {"stretch": "asinh", "lo": "-5", "hi": "1e3", "cmap": "viridis", "inv": "1", "fmt": "webp"}
    assert render_params_from_query(q) == RenderParams("asinh", -5.0, 1000.0, "viridis", True, "webp")
    assert render_params_from_query({"lo": "3", "hi": "3"}).lo == 3.0  # lo == hi is allowed
    assert render_params_from_query({"lo": "", "hi": "2"}) == RenderParams.create(hi=2.0)  # empty is missing


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ({"stretch": "wobbly"}, "stretch"),
        ({"cmap": "not_a_map"}, "colormap"),
        ({"fmt": "gif"}, "format"),
        ({"lo": "abc"}, "lo"),
        ({"hi": "nan"}, "hi"),
        ({"lo": "inf"}, "lo"),
        ({"hi": "-Infinity"}, "hi"),
        ({"inv": "maybe"}, "inv"),
    ],
)
def test_tile_queries_refuse_bad_values_with_a_clear_message(query, word):
    with pytest.raises(ToyzError) as err:
        render_params_from_query(query)
    assert err.value.code == "bad_params" and word in err.value.message
