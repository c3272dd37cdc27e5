"""Regions on an image: sky to viewer coordinates, bounding boxes and pixel-centre masks."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from astropy.wcs import WCS

from workers.analysis.geometry import Shape, mask, to_viewer
from workers.analysis.pixels import Cutout
from workers.errors import ToyzError
from workers.imaging.synthetic import tan_header, write_decam_like


def _blank(width: int = 20, height: int = 20) -> Cutout:
    return Cutout(np.zeros((height, width), np.float32), 0, 0, None, "", None)


def _centres(m: np.ndarray) -> set[tuple[float, float]]:
    jj, ii = np.nonzero(m)
    return {(i + 0.5, j + 0.5) for i, j in zip(ii.tolist(), jj.tolist(), strict=True)}


def test_a_circle_holds_the_pixel_centres_within_its_radius_boundary_included() -> None:
    shape = Shape("circle", np.array([[10.5, 10.5]]), (2.0, 2.0))
    held = _centres(mask(shape, _blank()))
    assert (12.5, 10.5) in held and (10.5, 8.5) in held  # exactly on the circle
    assert (12.5, 12.5) not in held
    assert len(held) == 13


def test_a_rotated_box_and_an_ellipse_follow_their_angle() -> None:
    box = Shape("box", np.array([[10.0, 10.0]]), (8.0, 2.0), angle=90.0)  # long along y once turned
    held = _centres(mask(box, _blank()))
    assert {(9.5, 6.5), (10.5, 13.5)} <= held and (13.5, 10.5) not in held
    assert len(held) == 16
    ellipse = Shape("ellipse", np.array([[10.0, 10.0]]), (6.0, 1.0), angle=45.0)
    held = _centres(mask(ellipse, _blank()))
    assert (13.5, 13.5) in held and (13.5, 6.5) not in held
    x0, y0, x1, y1 = ellipse.bbox()
    assert y1 - y0 == pytest.approx(x1 - x0)  # 45 degrees: as wide as tall
    assert x1 - x0 == pytest.approx(2 * math.hypot(6 * math.cos(math.pi / 4), math.sin(math.pi / 4)))


def test_a_polygon_holds_the_centres_inside_it() -> None:
    triangle = Shape("polygon", np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]))
    held = _centres(mask(triangle, _blank()))
    assert all(x + y <= 10 for x, y in held)
    assert len(held) == sum(1 for i in range(20) for j in range(20) if i + j + 1 <= 10)
    assert triangle.area == pytest.approx(50.0)


def test_a_line_has_no_mask() -> None:
    with pytest.raises(ToyzError) as err:
        mask(Shape("line", np.array([[0.0, 0.0], [5.0, 5.0]])), _blank())
    assert err.value.code == "bad_params"


def test_a_sky_region_is_placed_through_the_wcs(tmp_path: Path) -> None:
    header = tan_header((50.5, 40.5), (150.0, 2.0), 0.5 / 3600)  # 0.5 arcsec per pixel, north up
    path = tmp_path / "sky.fits"
    fits.PrimaryHDU(np.zeros((80, 100), np.float32), header).writeto(path)
    ra, dec = WCS(header).all_pix2world([[29.5, 19.5]], 0)[0]  # viewer (30, 20)
    region = {"shape": "ellipse", "frame": "sky", "points": [[ra, dec]], "size": [3.0, 1.5], "angle": 30.0}
    shape = to_viewer(path, hdu=0, plane=0, region=region)
    assert shape.centre == pytest.approx((30.0, 20.0), abs=1e-6)
    assert shape.size == pytest.approx((6.0, 3.0), rel=1e-3)
    assert shape.angle == pytest.approx(30.0, abs=0.01)  # north up: as astropy regions converts it
    with pytest.raises(ToyzError) as flat:
        to_viewer(_no_wcs(tmp_path), hdu=0, plane=0, region=region)
    assert flat.value.code == "unsupported"


def _no_wcs(tmp_path: Path) -> Path:
    path = tmp_path / "plain.fits"
    fits.PrimaryHDU(np.zeros((8, 8), np.float32)).writeto(path)
    return path


def test_a_sky_polygon_with_a_vertex_in_a_ccd_gap_keeps_its_place(tmp_path: Path) -> None:
    path = write_decam_like(tmp_path / "mosaic.fits", n_ccds=4, ccd_shape=(256, 128), seed=3)
    with fits.open(path) as hdul:
        wcs = WCS(hdul[1].header)
    # Viewer (100, 50), (132, 50) (in the gap between S1 and S2) and (100, 90), by S1's WCS.
    sky = wcs.all_pix2world([[99.5, 49.5], [131.5, 49.5], [99.5, 89.5]], 0)
    shape = to_viewer(path, hdu=-1, plane=0, region={"shape": "polygon", "frame": "sky", "points": sky.tolist()})
    np.testing.assert_allclose(shape.points, [[100, 50], [132, 50], [100, 90]], atol=1e-4)
