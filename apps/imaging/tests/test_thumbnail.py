"""GET /api/imaging/thumbnail: a small PNG of the whole image, cached, behind the read right."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest
from django.test import Client
from PIL import Image

from workers.imaging.synthetic import write_decam_like

pytestmark = pytest.mark.django_db


def get(client: Client, path: str, **extra: object):
    return client.get("/api/imaging/thumbnail?" + urlencode({"path": path, **extra}))


def test_it_shrinks_the_whole_image_keeping_its_aspect_and_caches_it(client, make_user, sample_fits, cache_dir):
    client.force_login(make_user("alice"))
    sample_fits("home/alice/m13.fits", shape=(300, 500))
    response = get(client, "home/alice/m13.fits", size=64, v="1")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=86400"
    picture = Image.open(io.BytesIO(response.content))
    assert picture.size == (64, 38)
    # The image is a gradient rising to the top right: so is its thumbnail (row 0 is the top).
    gray = np.asarray(picture.convert("L"), dtype=float)
    assert gray[0, -1] > gray[-1, 0]
    assert list(cache_dir.rglob("thumbnail-64.png"))
    assert get(client, "home/alice/m13.fits", size=64).content == response.content


def test_an_exposure_gives_its_focal_plane(client, make_user, data_root):
    client.force_login(make_user("root", admin=True))
    (data_root / "n1").mkdir()
    write_decam_like(data_root / "n1/c4d.fits", n_ccds=4, ccd_shape=(256, 128))
    response = get(client, "n1/c4d.fits")
    assert response.status_code == 200
    width, height = Image.open(io.BytesIO(response.content)).size
    assert max(width, height) == 128 and width != height


def test_it_needs_the_read_right_and_a_sensible_size(client, make_user, sample_fits):
    make_user("bob")
    sample_fits("home/bob/secret.fits")
    client.force_login(make_user("alice"))
    assert get(client, "home/bob/secret.fits").status_code == 403
    sample_fits("home/alice/m13.fits")
    too_big = get(client, "home/alice/m13.fits", size=4096)
    assert too_big.status_code == 400 and too_big.json()["error"]["code"] == "bad_params"


def test_a_file_that_is_no_image_answers_a_sentence(client, make_user, data_root):
    client.force_login(make_user("alice"))
    Path(data_root / "home/alice/notes.fits").write_bytes(b"not fits at all")
    response = get(client, "home/alice/notes.fits")
    assert response.status_code in (400, 422) and response.json()["error"]["message"]
