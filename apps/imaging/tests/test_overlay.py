"""POST /api/imaging/overlay and GET /api/imaging/world-to-pixel: a catalogue placed on an image."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from astropy.table import Table

from apps.files.services import Right
from workers.imaging.synthetic import decam_like_stars, write_decam_like

N_CCDS, CCD_SHAPE, SEED = 4, (256, 128), 4


@pytest.fixture
def alice_client(client, make_user):
    client.force_login(make_user("alice"))
    return client


@pytest.fixture
def exposure(data_root: Path) -> dict[str, np.ndarray]:
    """A DECam-like exposure in alice's home and a CSV of its stars (RA/Dec, and pixel columns 1-based)."""
    (data_root / "home/alice").mkdir(parents=True, exist_ok=True)
    write_decam_like(data_root / "home/alice/exp.fits", n_ccds=N_CCDS, ccd_shape=CCD_SHAPE, seed=SEED)
    stars = decam_like_stars(n_ccds=N_CCDS, ccd_shape=CCD_SHAPE, seed=SEED)
    table = Table({"id": np.arange(stars["ra"].size), "RA": stars["ra"], "DEC": stars["dec"]})
    table["X_IMAGE"], table["Y_IMAGE"] = stars["x"] + 1, stars["y"] + 1
    table.write(data_root / "home/alice/stars.csv", format="ascii.csv")
    return stars


def pairs(response) -> np.ndarray:
    data = response.content
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return np.frombuffer(data, "<f4").reshape(-1, 2)


def body(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {"path": "home/alice/stars.csv", "image": "home/alice/exp.fits", "hdu": -1}
    base.update(overrides)
    return base


def test_the_stars_of_an_exposure_land_on_its_focal_plane(alice_client, exposure):
    response = alice_client.post(
        "/api/imaging/overlay", body(ra="RA", dec="DEC"), content_type="application/json", HTTP_ACCEPT_ENCODING="gzip"
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/octet-stream" and response["Content-Encoding"] == "gzip"
    xy = pairs(response)
    n = exposure["ra"].size
    assert int(response["X-Toyz-Rows"]) == n and xy.shape == (n, 2)
    inside = np.isfinite(xy[:, 0])
    assert int(response["X-Toyz-Inside"]) == inside.sum() > 20 and not inside.all()  # the gaps hold some
    np.testing.assert_allclose(xy[inside, 0], exposure["x"][inside] + 0.5, atol=2e-3)
    np.testing.assert_allclose(xy[inside, 1], exposure["y"][inside] + 0.5, atol=2e-3)


def test_columns_found_by_name_and_pixel_columns_place_the_same_rows(alice_client, exposure):
    by_name = pairs(alice_client.post("/api/imaging/overlay", body(), content_type="application/json"))
    by_pixel = alice_client.post(
        "/api/imaging/overlay", body(x="X_IMAGE", y="Y_IMAGE", pixel_origin=1), content_type="application/json"
    )
    assert by_pixel.status_code == 200, by_pixel.content
    xy = pairs(by_pixel)
    # Pixel columns cover the gaps too (they are focal-plane pixels); where both place a row they agree.
    both = np.isfinite(by_name[:, 0])
    np.testing.assert_allclose(xy[both], by_name[both], atol=2e-3)


def test_a_detection_table_lands_on_an_image_without_wcs_exactly(alice_client, data_root):
    from astropy.io import fits

    from workers.analysis import catalog
    from workers.analysis.detect import COLUMNS

    (data_root / "home/alice").mkdir(parents=True, exist_ok=True)
    fits.PrimaryHDU(np.zeros((40, 60), np.float32)).writeto(data_root / "home/alice/plain.fits")
    # Two sources in viewer coordinates (pixel (10, 20) covers [10, 11) x [20, 21)), as detect writes them.
    x, y = np.array([10.5, 33.25]), np.array([20.5, 7.75])
    columns: dict[str, np.ndarray] = {name: np.zeros(2) for name in COLUMNS}
    columns |= {"id": np.arange(1, 3), "label": np.array(["1", "2"]), "x": x, "y": y, "ccd": np.full(2, -1)}
    columns |= {"x_image": x + 0.5, "y_image": y + 0.5}
    (data_root / "home/alice/found.fits").write_bytes(catalog.fits_bytes(catalog.to_table(columns)))
    image = {"path": "home/alice/found.fits", "image": "home/alice/plain.fits", "hdu": 0}
    # Guessed columns, the x/y columns named (their header declares "pixel origin 0.5"), and the origin given.
    for extra in ({}, {"x": "x", "y": "y"}, {"x": "x", "y": "y", "pixel_origin": "viewer"}):
        response = alice_client.post("/api/imaging/overlay", {**image, **extra}, content_type="application/json")
        assert response.status_code == 200, response.content
        np.testing.assert_allclose(pairs(response), np.c_[x, y], atol=1e-6)
    # Named without the declaration's help, the same numbers as 0-based numpy pixels land half a pixel on.
    (data_root / "home/alice/plain.csv").write_text("x,y\n10.5,20.5\n33.25,7.75\n")
    numpy_origin = pairs(
        alice_client.post(
            "/api/imaging/overlay", {**image, "path": "home/alice/plain.csv"}, content_type="application/json"
        )
    )
    np.testing.assert_allclose(numpy_origin, np.c_[x, y] + 0.5, atol=1e-6)
    viewer = pairs(
        alice_client.post(
            "/api/imaging/overlay",
            {**image, "path": "home/alice/plain.csv", "pixel_origin": "viewer"},
            content_type="application/json",
        )
    )
    np.testing.assert_allclose(viewer, np.c_[x, y], atol=1e-6)


def test_the_world_to_pixel_query_centres_on_a_star(alice_client, exposure):
    placed = pairs(alice_client.post("/api/imaging/overlay", body(ra="RA", dec="DEC"), content_type="application/json"))
    i = int(np.flatnonzero(np.isfinite(placed[:, 0]))[0])
    query = {"path": "home/alice/exp.fits", "hdu": -1, "ra": exposure["ra"][i], "dec": exposure["dec"][i]}
    got = alice_client.get("/api/imaging/world-to-pixel", query).json()
    assert got["inside"] and abs(got["x"] - placed[i, 0]) < 1e-3 and abs(got["y"] - placed[i, 1]) < 1e-3
    off = alice_client.get("/api/imaging/world-to-pixel", {**query, "ra": 10.0, "dec": -40.0}).json()
    assert off["inside"] is False and off["x"] is None and off["y"] is None


def test_without_the_read_right_on_either_file_the_overlay_is_refused(client, make_user, exposure, data_root):
    from apps.files import grants

    bob = make_user("bob")
    (data_root / "shared").mkdir()
    write_decam_like(data_root / "shared/exp.fits", n_ccds=2, ccd_shape=(64, 32), seed=1)
    (data_root / "shared/stars.csv").write_bytes((data_root / "home/alice/stars.csv").read_bytes())
    grants.grant("shared", bob, [Right.READ])
    client.force_login(bob)
    for table, image in [
        ("home/alice/stars.csv", "shared/exp.fits"),
        ("shared/stars.csv", "home/alice/exp.fits"),
    ]:
        response = client.post("/api/imaging/overlay", body(path=table, image=image), content_type="application/json")
        assert response.status_code == 403, response.content
        assert response.json()["error"]["code"] == "forbidden"
    allowed = client.post(
        "/api/imaging/overlay", body(path="shared/stars.csv", image="shared/exp.fits"), content_type="application/json"
    )
    assert allowed.status_code == 200, allowed.content
    refused = client.get("/api/imaging/world-to-pixel", {"path": "home/alice/exp.fits", "ra": 150.1, "dec": 2.2})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "status", "code", "words"),
    [
        ({"ra": "RA"}, 400, "bad_params", "ra and dec go together"),
        ({"ra": "nope(", "dec": "DEC"}, 400, "bad_expression", ""),
        ({"hdu": 9}, 400, "bad_hdu", "HDU 9"),
        ({"path": "home/alice/exp.fits"}, 400, "bad_table", "holds no table"),
        ({"pixel_origin": 2, "x": "X_IMAGE", "y": "Y_IMAGE"}, 400, "bad_params", "pixel_origin"),
    ],
)
def test_bad_overlays_get_a_sentence(alice_client, exposure, overrides, status, code, words):
    response = alice_client.post("/api/imaging/overlay", body(**overrides), content_type="application/json")
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and words in error["message"], error


def test_a_table_of_text_or_without_positions_is_refused_in_a_sentence(alice_client, exposure, data_root):
    Table({"name": ["a", "b"], "flux": [1.0, 2.0]}).write(data_root / "home/alice/names.csv", format="ascii.csv")
    response = alice_client.post(
        "/api/imaging/overlay", body(path="home/alice/names.csv"), content_type="application/json"
    )
    assert response.status_code == 400 and "choose the columns" in response.json()["error"]["message"]
    text = alice_client.post(
        "/api/imaging/overlay",
        body(path="home/alice/names.csv", ra="name", dec="flux"),
        content_type="application/json",
    )
    assert text.status_code == 422 and "holds text" in text.json()["error"]["message"]


def test_the_table_is_opened_in_the_pool_not_in_djangos_sync_thread(alice_client, exposure, monkeypatch):
    # A first conversion of a large text table takes minutes: in the sync thread it would stall every request.
    import threading
    from typing import Any

    from apps.sources import services as sources
    from workers.sources import open_table

    seen: list[str] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread().name)
        return open_table(*args, **kwargs)

    monkeypatch.setattr(sources, "open_table", spy)
    response = alice_client.post("/api/imaging/overlay", body(ra="RA", dec="DEC"), content_type="application/json")
    assert response.status_code == 200, response.content
    assert seen and threading.main_thread().name not in seen
