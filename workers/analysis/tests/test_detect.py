"""Source detection on generated star fields whose stars are known (`workers.imaging.synthetic`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from astropy.wcs import WCS
from scipy.spatial import cKDTree

from workers.analysis import catalog
from workers.analysis.crossmatch import crossmatch
from workers.analysis.detect import Settings, area_of, detect, detect_image, pieces
from workers.errors import ToyzError
from workers.imaging.synthetic import decam_like_stars, star_field, star_field_stars, tan_header, write_decam_like

SHAPE = (1024, 1024)
FIELD: dict[str, Any] = {"n_stars": 500, "seed": 3, "noise": 5.0}


def _isolated_bright(truth: dict[str, np.ndarray], shape: tuple[int, int], snr: float, noise: float) -> np.ndarray:
    """Stars with a peak above `snr` noise sigma, no other star within 8 px, more than 5 px from the edge."""
    xy = np.c_[truth["x"], truth["y"]]
    nearest = cKDTree(xy).query(xy, k=2)[0][:, 1]
    inside = (xy[:, 0] > 5) & (xy[:, 0] < shape[1] - 5) & (xy[:, 1] > 5) & (xy[:, 1] < shape[0] - 5)
    return np.asarray((truth["peak"] > snr * noise) & (nearest > 8) & inside)


@pytest.mark.parametrize("method", ["sep", "photutils"])
def test_it_recovers_95_percent_of_isolated_stars_brighter_than_10_sigma_within_1_px(method: Any) -> None:
    image = star_field(SHAPE, **FIELD)
    truth = star_field_stars(SHAPE, **FIELD)
    found = detect(image, method=method, deblend=method == "sep")  # photutils' deblending needs scikit-image
    bright = _isolated_bright(truth, SHAPE, 10.0, FIELD["noise"])
    assert bright.sum() > 50
    distance = cKDTree(np.c_[found["x"], found["y"]]).query(np.c_[truth["x"], truth["y"]][bright])[0]
    assert np.mean(distance < 1.0) >= 0.95


def test_it_gives_sky_positions_from_the_wcs_of_the_array() -> None:
    image = star_field((256, 256), n_stars=60, seed=5)
    wcs = WCS(tan_header((128.5, 128.5), (150.0, 2.0), 0.25 / 3600))
    found = detect(image, wcs)
    ra, dec = wcs.all_pix2world(found["x"], found["y"], 0)
    np.testing.assert_allclose(found["ra"], ra)
    np.testing.assert_allclose(found["dec"], dec)
    assert np.isnan(detect(image)["ra"]).all()


def test_it_refuses_an_all_nan_image_and_a_threshold_not_above_zero() -> None:
    with pytest.raises(ToyzError) as nan:
        detect(np.full((64, 64), np.nan, dtype=np.float32))
    assert nan.value.code == "no_data"
    for threshold in (0.0, -1.0, float("nan")):
        with pytest.raises(ToyzError) as bad:
            detect(star_field((64, 64), n_stars=5, seed=1), threshold=threshold)
        assert bad.value.code == "bad_params" and "positive" in bad.value.message


def test_it_ignores_nan_pixels_without_finding_sources_on_their_edges() -> None:
    image = star_field((256, 256), n_stars=40, seed=9)
    image[:, :100] = np.nan
    found = detect(image)
    assert found["x"].size > 0 and found["x"].min() > 99


@pytest.fixture(scope="module")
def mosaic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_decam_like(tmp_path_factory.mktemp("det") / "decam.fits", n_ccds=4, ccd_shape=(512, 256), seed=2)


def test_it_merges_the_ccds_of_a_mosaic_with_their_right_sky_positions(mosaic: Path) -> None:
    table, per_ccd = detect_image(mosaic, hdu=-1, plane=0, settings=Settings())
    assert [p["ccd"] for p in per_ccd] == [1, 2, 3, 4]
    assert sum(p["rows"] for p in per_ccd) == table["x"].size
    assert list(table["id"]) == list(range(1, table["x"].size + 1))
    assert set(table["ccd"]) == {1, 2, 3, 4}
    assert table["label"][0].startswith("S1-")
    truth = decam_like_stars(n_ccds=4, ccd_shape=(512, 256), seed=2)
    bright = truth["peak"] > 200
    found = crossmatch(truth["ra"][bright], truth["dec"][bright], table["ra"], table["dec"], 0.5)
    # Stars on the CCDs (not in the gaps) are found at their true sky positions (0.263"/px).
    assert found.rows_a.size >= 0.8 * bright.sum()
    assert found.median is not None and found.median < 0.1
    # Viewer coordinates: truth's 0-based focal-plane pixels + 0.5 (DETSEC places the CCDs).
    tx, ty = truth["x"][bright][found.rows_a] + 0.5, truth["y"][bright][found.rows_a] + 0.5
    offset = np.hypot(table["x"][found.rows_b] - tx, table["y"][found.rows_b] - ty)
    assert np.median(offset) < 0.1 and offset.max() < 1.0  # stars cut by a CCD's edge are a little off


def test_it_gives_1_based_fits_pixels_of_the_ccd(mosaic: Path) -> None:
    table, _ = detect_image(mosaic, hdu=2, plane=0, settings=Settings())
    assert (table["ccd"] == -1).all()
    np.testing.assert_allclose(table["x_image"], table["x"] + 0.5)
    np.testing.assert_allclose(table["y_image"], table["y"] + 0.5)


def test_it_cuts_pieces_to_a_box_and_refuses_one_off_the_image(mosaic: Path) -> None:
    whole = pieces(mosaic, hdu=-1, plane=0)
    first = whole[0]
    box = (first.x0 + 10, first.y0 + 20, first.x0 + 110, first.y0 + 220)
    cut = pieces(mosaic, hdu=-1, plane=0, box=box)
    assert len(cut) == 1 and cut[0].cols[1] - cut[0].cols[0] == 100 and cut[0].rows[1] - cut[0].rows[0] == 200
    with pytest.raises(ToyzError) as off:
        pieces(mosaic, hdu=-1, plane=0, box=(-500, -500, -400, -400))
    assert off.value.code == "bad_region"


def test_it_places_an_image_region_and_keeps_what_lies_inside(mosaic: Path) -> None:
    area = area_of(mosaic, hdu=2, plane=0, shape="circle", frame="image", points=[(100, 100)], size=(20, 20), angle=0)
    assert area.box() == (80, 80, 120, 120)
    inside = area.contains(np.array([100.0, 119.0, 115.0]), np.array([100.0, 100.0, 115.0]))
    assert list(inside) == [True, True, False]
    with pytest.raises(ToyzError):
        area_of(mosaic, hdu=2, plane=0, shape="line", frame="image", points=[(0, 0), (1, 1)], size=None, angle=0)


def test_it_edits_a_table_adding_deleting_and_relabelling() -> None:
    columns = {name: np.zeros(3) for name in catalog.COLUMNS}
    columns["id"] = np.array([1, 2, 3])
    columns["label"] = np.array(["a", "b", "c"])
    table = catalog.read_table(catalog.fits_bytes(catalog.to_table(columns, {"TOYZHDU": 0})))
    edited = catalog.edit(table, add=[{"x": 5.0, "y": 6.0}], delete=[1], relabel=[(0, "a much longer label")])
    assert list(edited["id"]) == [1, 3, 4]
    assert list(edited["label"]) == ["a much longer label", "c", "4"]
    assert edited["x"][-1] == 5.0
    with pytest.raises(ToyzError):
        catalog.edit(table, delete=[3])


def test_it_matches_a_catalogue_with_itself_shifted_by_half_an_arcsecond() -> None:
    rng = np.random.default_rng(1)
    ra, dec = rng.uniform(150, 150.1, 500), rng.uniform(2, 2.1, 500)
    found = crossmatch(ra, dec, ra, dec + 0.5 / 3600, 1.0)
    assert found.rows_a.size == 500
    assert found.median == pytest.approx(0.5, abs=1e-6)


def test_it_labels_the_rows_of_a_plain_image_1_2_3_like_their_ids(tmp_path: Path) -> None:
    from astropy.io import fits

    path = tmp_path / "field.fits"
    fits.PrimaryHDU(star_field((256, 256), n_stars=40, seed=5)).writeto(path)
    rows, _ = detect_image(path, hdu=0, plane=0, settings=Settings())
    assert rows["id"].size > 10
    assert rows["label"].tolist() == [str(i) for i in rows["id"]]
