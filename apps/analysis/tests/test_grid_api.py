"""GET /api/analysis/grid: the read right, the grid on the sky, errors in the shared shape, revalidation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from conftest import write_wcs_image

URL = "/api/analysis/grid"


@pytest.fixture
def alice_client(client: Any, make_user: Any) -> Any:
    client.force_login(make_user("alice"))
    return client


def _query(path: str, **extra: object) -> dict[str, object]:
    return {"path": path, "x0": 0, "y0": 0, "x1": 500, "y1": 300, **extra}


def test_it_returns_lines_that_lie_on_the_sky(alice_client: Any, data_root: Path) -> None:
    real = write_wcs_image(data_root / "home/alice/m13.fits")
    response = alice_client.get(URL, _query("home/alice/m13.fits"))
    assert response.status_code == 200, response.content
    grid = response.json()
    assert grid["system"] == "icrs" and grid["format"] == "sexagesimal"
    wcs = WCS(fits.getheader(real))
    parallels = [line for line in grid["lines"] if line["axis"] == "lat"]
    assert parallels and all(line["label_at"] for line in grid["lines"])
    for line in parallels:
        xy = np.asarray(line["paths"][0]).reshape(-1, 2)
        _, dec = wcs.all_pix2world(xy[:, 0] - 0.5, xy[:, 1] - 0.5, 0)
        np.testing.assert_allclose(dec, line["value"], atol=0.05 * 0.0001)


def test_it_revalidates_by_etag_and_changes_with_the_query(alice_client: Any, data_root: Path) -> None:
    write_wcs_image(data_root / "home/alice/m13.fits")
    first = alice_client.get(URL, _query("home/alice/m13.fits"))
    again = alice_client.get(URL, _query("home/alice/m13.fits"), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    galactic = alice_client.get(URL, _query("home/alice/m13.fits", system="galactic", format="degrees"))
    assert galactic.status_code == 200 and galactic["ETag"] != first["ETag"]
    assert all(line["label"].endswith("°") for line in galactic.json()["lines"])


def test_it_refuses_a_file_the_user_may_not_read(alice_client: Any, data_root: Path, make_user: Any) -> None:
    make_user("bob")
    write_wcs_image(data_root / "home/bob/secret.fits")
    response = alice_client.get(URL, _query("home/bob/secret.fits"))
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_it_says_an_image_without_wcs_has_no_grid(alice_client: Any, data_root: Path) -> None:
    path = data_root / "home/alice/plain.fits"
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.PrimaryHDU(np.zeros((30, 40), np.float32)).writeto(path)
    response = alice_client.get(URL, _query("home/alice/plain.fits"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unsupported"


def test_it_refuses_an_inverted_box(alice_client: Any, data_root: Path) -> None:
    write_wcs_image(data_root / "home/alice/m13.fits")
    response = alice_client.get(URL, {"path": "home/alice/m13.fits", "x0": 10, "y0": 0, "x1": 5, "y1": 10})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_params"
