"""GET /api/imaging/sky-transform: the image's WCS as grids the browser interpolates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS


@pytest.fixture
def alice_client(client, make_user):
    client.force_login(make_user("alice"))
    return client


def test_it_samples_the_wcs_at_viewer_points(alice_client, sample_fits):
    path = sample_fits("home/alice/m13.fits")
    response = alice_client.get("/api/imaging/sky-transform", {"path": "home/alice/m13.fits", "hdu": 0})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["system"] == "icrs"
    (grid,) = body["grids"]
    assert "ccd" not in grid
    assert len(grid["ra"]) == grid["nx"] * grid["ny"]
    wcs = WCS(fits.getheader(path)).celestial
    ra, dec = wcs.all_pix2world([grid["x0"] - 0.5], [grid["y0"] - 0.5], 0)
    assert np.allclose([grid["ra"][0], grid["dec"][0]], [ra[0], dec[0]], atol=1e-9)


def test_it_revalidates_by_etag(alice_client, sample_fits):
    sample_fits("home/alice/m13.fits")
    url = "/api/imaging/sky-transform?path=home/alice/m13.fits"
    first = alice_client.get(url)
    assert alice_client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


def test_it_answers_no_grids_without_a_wcs(alice_client, data_root: Path):
    fits.PrimaryHDU(np.zeros((10, 10), np.float32)).writeto(data_root / "home/alice/plain.fits")
    assert alice_client.get("/api/imaging/sky-transform", {"path": "home/alice/plain.fits"}).json()["grids"] == []


def test_it_refuses_a_file_the_user_may_not_read(alice_client, sample_fits, make_user):
    make_user("bob")
    sample_fits("home/bob/b.fits")
    response = alice_client.get("/api/imaging/sky-transform", {"path": "home/bob/b.fits"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
