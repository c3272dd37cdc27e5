"""The focal plane through the HTTP API: offered for detector mosaics only, the default of an exposure."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.imaging.tests.test_api import tile_url
from workers.imaging.synthetic import write_decam_like, write_one_field


@pytest.fixture
def alice_client(client, make_user):
    client.force_login(make_user("alice"))
    return client


def test_an_exposure_with_detsec_is_described_on_its_focal_plane_and_a_ccd_on_request(alice_client, data_root: Path):
    write_decam_like(data_root / "home/alice/exp.fits", n_ccds=4, ccd_shape=(256, 128))
    described = alice_client.get("/api/imaging/describe", {"path": "home/alice/exp.fits"}).json()
    assert described["hdu"] == -1 and described["hdus"][0]["kind"] == "mosaic" and described["cuts"]
    assert alice_client.get(tile_url(described)).status_code == 200
    ccd = alice_client.get("/api/imaging/describe", {"path": "home/alice/exp.fits", "hdu": 2}).json()
    assert ccd["hdu"] == 2 and ccd["hdus"] == described["hdus"]
    assert alice_client.get(tile_url(ccd)).status_code == 200


def test_image_error_and_coverage_are_offered_one_by_one_and_no_focal_plane(alice_client, data_root: Path):
    write_one_field(data_root / "home/alice/herschel.fits")
    described = alice_client.get("/api/imaging/describe", {"path": "home/alice/herschel.fits"}).json()
    assert described["hdu"] == 1
    assert [(h["index"], h["name"]) for h in described["hdus"]] == [
        (0, "PRIMARY"), (1, "IMAGE"), (2, "ERROR"), (3, "COVERAGE"),
    ]  # fmt: skip
    # A client that still asks for the focal plane gets a clear error, not a mosaic nor a 500.
    for url, query in [
        ("/api/imaging/describe", {"path": "home/alice/herschel.fits", "hdu": -1}),
        ("/tiles/0/0/0.png", {"path": "home/alice/herschel.fits", "hdu": -1}),
    ]:
        response = alice_client.get(url, query)
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "bad_hdu" and "detector mosaic" in error["message"]
