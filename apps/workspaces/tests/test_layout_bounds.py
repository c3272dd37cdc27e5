"""A stored layout stays within the bounds a client's layout has (MAX_TILES), also after merges:
a stale save that adds new tiles onto the current layout must not grow it past them."""

from __future__ import annotations

from typing import Any

import pytest

from apps.workspaces import services
from apps.workspaces.messages import MAX_TILES
from apps.workspaces.models import Workspace
from workers.errors import ToyzError

pytestmark = pytest.mark.django_db


def tiles(prefix: str, count: int) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{n}", "kind": "image", "x": 0, "y": 0, "w": 1, "h": 1, "state": {}} for n in range(count)]


def test_stale_merges_cannot_grow_a_layout_past_its_limit(make_user: Any) -> None:
    workspace = Workspace.objects.create(owner=make_user("alice"), name="w")
    services.save_layout(workspace.pk, tiles("a", MAX_TILES))
    # Based on version 0, with every tile new: a merge would put MAX_TILES more onto the current ones.
    extra = tiles("b", MAX_TILES)
    with pytest.raises(ToyzError) as refused:
        services.save_layout(workspace.pk, extra, base=0, changed=[t["id"] for t in extra], removed=[])
    assert refused.value.code == "bad_message"
    assert str(MAX_TILES) in refused.value.message
    workspace.refresh_from_db()
    assert len(workspace.layout) == MAX_TILES and workspace.version == 1


def test_a_merge_within_the_limit_is_saved(make_user: Any) -> None:
    workspace = Workspace.objects.create(owner=make_user("alice"), name="w")
    services.save_layout(workspace.pk, tiles("a", MAX_TILES - 1))
    saved = services.save_layout(workspace.pk, tiles("b", 1), base=0, changed=["b0"], removed=[])
    assert saved.merged and len(saved.tiles) == MAX_TILES


@pytest.mark.parametrize("bad", ["x\x00y", "x\ud800y"])
def test_a_layout_with_text_the_database_cannot_hold_is_refused_with_a_sentence(make_user: Any, bad: str) -> None:
    # PostgreSQL's jsonb refuses both (a DataError, answered as an internal error): refused before saving.
    workspace = Workspace.objects.create(owner=make_user("alice"), name="w")
    for tile in (
        {**tiles("a", 1)[0], "state": {"path": bad}},
        {**tiles("a", 1)[0], "state": {bad: 1}},
        {**tiles("a", 1)[0], "state": {"deep": [{"x": [bad]}]}},
        {**tiles("a", 1)[0], "id": bad},
    ):
        with pytest.raises(ToyzError) as refused:
            services.save_layout(workspace.pk, [tile])
        assert refused.value.code == "bad_message"
    workspace.refresh_from_db()
    assert workspace.layout == [] and workspace.version == 0
