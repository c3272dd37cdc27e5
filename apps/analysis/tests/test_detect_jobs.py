"""The detection jobs as the runner calls them: analysis.detect, analysis.catalog_edit, analysis.crossmatch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.table import Table

from apps.jobs import registry
from workers.errors import ToyzError
from workers.imaging.synthetic import write_decam_like

pytestmark = pytest.mark.django_db


class Ctx:
    def __init__(self, user: Any) -> None:
        self.user, self.workspace_id = user, None
        self.seen: list[tuple[int, int]] = []

    def progress(self, done: int, total: int, message: str = "") -> None:
        self.seen.append((done, total))


def run(user: Any, fn: str, params: dict[str, Any]) -> tuple[dict[str, Any], Ctx]:
    spec, checked = registry.prepare(user, fn, params)
    ctx = Ctx(user)
    return spec.func(ctx, checked), ctx


@pytest.fixture
def alice(make_user: Any, data_root: Path) -> Any:
    user = make_user("alice")
    (data_root / "home/alice").mkdir(parents=True, exist_ok=True)
    write_decam_like(data_root / "home/alice/decam.fits", n_ccds=4, ccd_shape=(384, 256), seed=4)
    return user


def test_it_detects_a_mosaic_per_ccd_into_a_new_table_in_the_home_detections_folder(
    alice: Any, data_root: Path
) -> None:
    params = {"image": {"path": "home/alice/decam.fits", "hdu": -1}}
    result, ctx = run(alice, "analysis.detect", params)
    assert result["path"].startswith("home/alice/detections/") and result["table"] == 0
    assert [c["ccd"] for c in result["per_ccd"]] == [1, 2, 3, 4]
    assert ctx.seen[-1] == (4, 4)
    table = Table.read(data_root / result["path"])
    assert len(table) == result["rows"] > 20
    assert {"id", "label", "x", "y", "x_image", "y_image", "ccd", "ra", "dec", "flux", "flags"} <= set(table.colnames)
    again, _ = run(alice, "analysis.detect", {**params, "name": Path(result["path"]).name})
    assert again["path"] != result["path"] and again["path"].endswith("-2.fits")  # never over the first


def test_it_detects_in_one_ccd_and_in_a_region(alice: Any) -> None:
    one, _ = run(alice, "analysis.detect", {"image": {"path": "home/alice/decam.fits", "hdu": -1}, "ccd": 2})
    assert [c["ccd"] for c in one["per_ccd"]] == [2]
    region = {"id": "r", "shape": "box", "frame": "image", "points": [[100, 100]], "size": [120, 120]}
    boxed, _ = run(alice, "analysis.detect", {"image": {"path": "home/alice/decam.fits", "hdu": 1}, "region": region})
    assert 0 < boxed["rows"] < one["rows"] * 2


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"threshold": 0}, "bad_params"),
        ({"threshold": -2}, "bad_params"),
        (
            {"region": {"id": "r", "shape": "circle", "frame": "image", "points": [[-900, -900]], "size": [5, 5]}},
            "bad_region",
        ),
        ({"folder": "home/bob"}, "forbidden"),
    ],
)
def test_it_refuses_bad_requests_clearly(
    alice: Any, make_user: Any, data_root: Path, extra: dict[str, Any], code: str
) -> None:
    make_user("bob")
    (data_root / "home/bob").mkdir(parents=True, exist_ok=True)
    with pytest.raises(ToyzError) as refused:
        run(alice, "analysis.detect", {"image": {"path": "home/alice/decam.fits", "hdu": 1}, **extra})
    assert refused.value.code == code, refused.value.message


def test_an_all_nan_ccd_is_named_in_the_error(alice: Any, data_root: Path) -> None:
    from astropy.io import fits

    fits.PrimaryHDU(np.full((64, 64), np.nan, dtype=np.float32)).writeto(data_root / "home/alice/nan.fits")
    with pytest.raises(ToyzError) as refused:
        run(alice, "analysis.detect", {"image": {"path": "home/alice/nan.fits", "hdu": 0}})
    assert refused.value.code == "no_data"


def test_it_edits_the_table_in_place_and_crossmatches_it_with_itself(alice: Any, data_root: Path) -> None:
    found, _ = run(alice, "analysis.detect", {"image": {"path": "home/alice/decam.fits", "hdu": 1}})
    path = found["path"]
    before = Table.read(data_root / path)
    star = before[int(np.argmax(before["flux"]))]
    edits = {
        "path": path,
        "delete": [0],
        "relabel": [{"row": 1, "label": "my star"}],
        "add": [{"x": float(star["x"]) + 1, "y": float(star["y"])}],
    }
    edited, _ = run(alice, "analysis.catalog_edit", edits)
    after = Table.read(data_root / path)
    assert edited["rows"] == len(after) == len(before)
    assert after["label"][0] == "my star" and after["id"][-1] == before["id"].max() + 1
    assert abs(after["x"][-1] - star["x"]) < 0.5  # the added source is measured, at the star
    matched, _ = run(alice, "analysis.crossmatch", {"a": {"path": path}, "b": {"path": path}})
    assert matched["matched"] == len(after) and matched["median_sep"] == pytest.approx(0.0, abs=1e-6)


def test_editing_needs_the_write_right(alice: Any, make_user: Any) -> None:
    from apps.files.grants import grant
    from apps.files.services import Right

    found, _ = run(alice, "analysis.detect", {"image": {"path": "home/alice/decam.fits", "hdu": 1}})
    bob = make_user("bob")
    grant("home/alice/detections", bob, [Right.READ])
    with pytest.raises(ToyzError) as refused:
        run(bob, "analysis.catalog_edit", {"path": found["path"], "delete": [0]})
    assert refused.value.code == "forbidden"
    with pytest.raises(ToyzError):
        run(
            bob,
            "analysis.detect",
            {"image": {"path": "home/alice/decam.fits", "hdu": 1}, "folder": "home/alice/detections"},
        )
