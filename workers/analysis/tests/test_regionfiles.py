"""Region files: ds9 and CRTF read into viewer/ICRS regions and written back, checked on the sky."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.wcs import WCS
from astropy.wcs.utils import proj_plane_pixel_scales

from workers.analysis.regionfiles import MAX_TEXT_CHARS, ImageFrame, off_image, parse, serialize
from workers.errors import ToyzError
from workers.imaging.synthetic import write_decam_like


def rotated_image(path: Path, *, angle_deg: float, shape=(120, 200)) -> WCS:
    """A TAN image of 1"/px, its North turned `angle_deg` from +y."""
    c, s = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    scale = 1.0 / 3600
    header = fits.Header()
    header.update(
        CTYPE1="RA---TAN", CTYPE2="DEC--TAN", CRPIX1=80.3, CRPIX2=40.7, CRVAL1=150.0, CRVAL2=2.2,
        CD1_1=-scale * c, CD1_2=scale * s, CD2_1=scale * s, CD2_2=scale * c,
    )  # fmt: skip
    fits.PrimaryHDU(np.zeros(shape, np.float32), header).writeto(path)
    return WCS(header)


def arcsec_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(SkyCoord(a[0], a[1], unit="deg").separation(SkyCoord(b[0], b[1], unit="deg")).arcsec)


def test_it_reads_ds9_image_pixels_half_a_pixel_below_their_1_based_numbers():
    got = parse("image\ncircle(10,20,3)\nbox(5,6,2,4,30)\nellipse(1,1,3,2,45)\nline(1,1,5,5)\npoint(2,3)")
    by_shape = {r["shape"]: r for r in got.regions}
    assert by_shape["circle"]["points"] == [[9.5, 19.5]] and by_shape["circle"]["size"] == [3, 3]
    assert by_shape["box"]["points"] == [[4.5, 5.5]] and by_shape["box"]["size"] == [2, 4]
    assert by_shape["box"]["angle"] == pytest.approx(30)
    # ds9 ellipses give semi-axes, as the viewer keeps them.
    assert by_shape["ellipse"]["size"] == [3, 2] and by_shape["ellipse"]["angle"] == pytest.approx(45)
    assert by_shape["line"]["points"] == [[0.5, 0.5], [4.5, 4.5]]
    assert all(r["frame"] == "image" for r in got.regions)


def test_it_writes_image_regions_back_with_1_based_ds9_pixels():
    regions = parse("image\ncircle(10,20,3) # color=red text={M31}\npolygon(1,1,5,1,3,4)").regions
    text, notes = serialize(regions, "ds9", "image")
    again = parse(text).regions
    assert notes == []
    assert [r["points"] for r in again] == [r["points"] for r in regions]
    assert again[0]["color"] == "red" and again[0]["text"] == "M31"
    assert "circle(10.0" in text.replace("00000", "")


def test_it_reads_sky_frames_as_icrs_degrees_and_arcseconds():
    got = parse('fk5\ncircle(10:00:00,+02:12:00,3") # text={a}\ngalactic;ellipse(120,10,3",2",0)').regions
    circle, ellipse = got
    assert circle["frame"] == "sky" and circle["size"] == pytest.approx([3, 3])
    assert arcsec_between(circle["points"][0], (150.0, 2.2)) < 0.05  # FK5 J2000 ≈ ICRS to ~20 mas
    expected = SkyCoord(120, 10, unit="deg", frame="galactic").icrs
    assert arcsec_between(ellipse["points"][0], (expected.ra.deg, expected.dec.deg)) < 1e-6
    # The galactic longitude axis is turned against the equatorial one there: the angle follows.
    assert ellipse["size"] == pytest.approx([3, 2]) and ellipse["angle"] != pytest.approx(0, abs=1)


@pytest.mark.parametrize("fmt", ["ds9", "crtf"])
def test_a_sky_circle_round_trips_onto_a_rotated_image_within_a_hundredth_of_an_arcsecond(tmp_path, fmt):
    path = tmp_path / "rotated.fits"
    wcs = rotated_image(path, angle_deg=33.0)
    region = {
        "id": "a", "shape": "circle", "frame": "sky", "points": [[150.0123456, 2.2012345]],
        "size": [4.0, 4.0], "angle": 0.0, "text": "star", "color": "",
    }  # fmt: skip
    text, _ = serialize([region], fmt, "sky")
    back = parse(text, "auto").regions[0]
    centre: list[float] = region["points"][0]  # type: ignore[index]
    assert arcsec_between(back["points"][0], (centre[0], centre[1])) < 0.01
    # Placed on the rotated image, it lands where astropy's WCS puts the position.
    image = ImageFrame(path, hdu=0, plane=0)
    text_px, _ = serialize([back], "ds9", "image", image)
    pixel = parse(text_px).regions[0]
    x, y = wcs.world_to_pixel(SkyCoord(150.0123456, 2.2012345, unit="deg"))
    # 1"/px: within 0.005 px is within 0.005" (CRTF writes fewer digits than ds9).
    assert pixel["points"][0] == pytest.approx([float(x) + 0.5, float(y) + 0.5], abs=5e-3)
    assert pixel["size"] == pytest.approx([4.0, 4.0], rel=1e-4)  # 1"/px


def test_an_ellipse_keeps_its_orientation_through_sky_and_image_frames(tmp_path):
    path = tmp_path / "rotated.fits"
    rotated_image(path, angle_deg=33.0)
    image = ImageFrame(path, hdu=0, plane=0)
    drawn = {
        "id": "e", "shape": "ellipse", "frame": "image", "points": [[60.0, 50.0]],
        "size": [10.0, 4.0], "angle": 20.0, "text": "", "color": "",
    }  # fmt: skip
    text, _ = serialize([drawn], "ds9", "sky", image)
    sky = parse(text).regions[0]
    assert sky["frame"] == "sky" and sky["size"] == pytest.approx([10.0, 4.0], rel=1e-3)
    text_px, _ = serialize([sky], "ds9", "image", image)
    back = parse(text_px).regions[0]
    assert back["points"][0] == pytest.approx([60.0, 50.0], abs=1e-4)
    assert back["size"] == pytest.approx([10.0, 4.0], rel=1e-3)
    assert back["angle"] == pytest.approx(20.0, abs=0.01)


def test_unknown_shapes_and_bad_lines_are_noted_and_the_rest_read():
    got = parse("image\ncircle(1,2,3)\nannulus(1,2,3,4)\nvector(1,2,3,4)\nfoo(1,2)\nbox(3,3,1,1,0)")
    assert [r["shape"] for r in got.regions] == ["circle", "box"]
    assert len(got.notes) == 3
    assert any("vector" in n for n in got.notes) and any("annulus" in n for n in got.notes)


def test_a_crtf_line_it_cannot_read_is_skipped_with_its_number():
    text = '#CRTFv0\ncircle [[150deg, 2.2deg], 3arcsec], color=red, label="a"\nnonsense here\n'
    got = parse(text)
    assert len(got.regions) == 1 and got.regions[0]["color"] == "red" and got.regions[0]["text"] == "a"
    assert got.notes and "Line 3" in got.notes[0]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "bad_params"),
        ("   \n ", "bad_params"),
        ("hello world\nfoo bar", "bad_file"),
        ("\x00\x01garbage", "bad_file"),
    ],
)
def test_empty_or_garbage_text_is_refused_with_a_sentence(text, code):
    with pytest.raises(ToyzError) as caught:
        parse(text)
    assert caught.value.code == code and caught.value.message.endswith(".")


def test_a_huge_text_is_refused_before_it_is_parsed():
    with pytest.raises(ToyzError) as caught:
        parse("image\n" + "circle(1,2,3)\n" * (MAX_TEXT_CHARS // 10))
    assert caught.value.code == "too_large"


def test_more_regions_than_the_viewer_keeps_are_cut_with_a_note():
    got = parse("image\n" + "point(1,2)\n" * 600)
    assert len(got.regions) == 500 and any("first 500" in n for n in got.notes)


def test_regions_off_the_image_are_kept_and_reported(tmp_path):
    path = tmp_path / "rotated.fits"
    rotated_image(path, angle_deg=10.0)
    image = ImageFrame(path, hdu=0, plane=0)
    got = parse("image\ncircle(10,10,3)\ncircle(5000,10,3)\nicrs\npoint(150.0,2.2)\npoint(10.0,-40.0)")
    notes = off_image(got.regions, image)
    assert len(got.regions) == 4
    assert notes == [
        "Region 2 (circle) lies off the image; it is kept.",
        "Region 4 (point) lies off the image; it is kept.",
    ]


def test_sky_regions_land_on_a_mosaic_in_its_own_frame(tmp_path):
    path = tmp_path / "decam.fits"
    write_decam_like(path, n_ccds=4, ccd_shape=(128, 64), seed=3)
    with fits.open(path) as hdus:
        centre = WCS(hdus[2].header).pixel_to_world(31.5, 63.5)
    ra, dec = float(centre.ra.deg), float(centre.dec.deg)
    image = ImageFrame(path, hdu=-1, plane=0)
    region = {"id": "p", "shape": "point", "frame": "sky", "points": [[ra, dec]], "size": None, "angle": 0.0,
              "text": "", "color": ""}  # fmt: skip
    from workers.imaging.project import world_to_viewer

    placed = world_to_viewer(path, hdu=-1, plane=0, ra=[ra], dec=[dec])
    text, _ = serialize([region], "ds9", "image", image)
    back = parse(text).regions[0]
    assert back["points"][0] == pytest.approx([placed.x[0], placed.y[0]], abs=1e-3)


def test_crtf_in_image_pixels_is_refused_with_a_sentence():
    regions = parse("image\ncircle(10,20,3)").regions
    with pytest.raises(ToyzError) as caught:
        serialize(regions, "crtf", "image")
    assert caught.value.code == "unsupported"


def test_changing_frame_without_an_image_is_refused():
    regions = parse("image\ncircle(10,20,3)").regions
    with pytest.raises(ToyzError) as caught:
        serialize(regions, "ds9", "sky")
    assert caught.value.code == "bad_params"


def test_a_region_drawn_on_a_mosaic_is_written_in_sky_coordinates_ccd_by_ccd(tmp_path):
    # Four 64 x 128 CCDs side by side, 8 px gaps: CCD 1 (HDU 1) at x 0-64, CCD 2 (HDU 2) at x 72-136.
    path = tmp_path / "decam.fits"
    write_decam_like(path, n_ccds=4, ccd_shape=(128, 64), seed=3)
    image = ImageFrame(path, hdu=-1, plane=0)
    # A polygon with vertices on CCD 1, on CCD 2, and one in the gap between them (x 68: 4 px from both,
    # the first CCD nearer by its rectangle order).
    points = [[20.5, 30.5], [100.25, 40.5], [110.5, 100.5], [68.0, 110.0]]
    region = {"id": "m", "shape": "polygon", "frame": "image", "points": points, "size": None, "angle": 0.0,
              "text": "", "color": ""}  # fmt: skip
    text, notes = serialize([region], "ds9", "sky", image)
    assert notes == [] and text.splitlines()[-1].startswith("polygon(")
    back = parse(text).regions[0]
    assert back["frame"] == "sky"
    with fits.open(path) as hdus:
        wcs1, wcs2 = WCS(hdus[1].header), WCS(hdus[2].header)
    # Each vertex through its own CCD's WCS: viewer x - the CCD's x0 - 0.5 is its 0-based pixel.
    expected = [
        wcs1.pixel_to_world(20.0, 30.0),
        wcs2.pixel_to_world(100.25 - 72 - 0.5, 40.0),
        wcs2.pixel_to_world(110.0 - 72, 100.0),
        wcs1.pixel_to_world(67.5, 109.5),  # in the gap: CCD 1's WCS, extrapolated
    ]
    for (ra, dec), sky in zip(back["points"], expected, strict=True):
        assert ra == pytest.approx(sky.ra.deg, abs=2e-6) and dec == pytest.approx(sky.dec.deg, abs=2e-6)
    # And back to mosaic pixels: every vertex where it was drawn, the one in the gap included.
    again, _ = serialize([back], "ds9", "image", image)
    returned = parse(again).regions[0]["points"]
    np.testing.assert_allclose(returned, points, atol=2e-3)


def test_a_circle_drawn_on_a_mosaic_keeps_its_size_in_arcseconds(tmp_path):
    path = tmp_path / "decam.fits"
    write_decam_like(path, n_ccds=4, ccd_shape=(128, 64), seed=3)
    image = ImageFrame(path, hdu=-1, plane=0)
    with fits.open(path) as hdus:
        scale = float(np.mean(proj_plane_pixel_scales(WCS(hdus[3].header)))) * 3600
    region = {"id": "c", "shape": "circle", "frame": "image", "points": [[170.0, 64.0]], "size": [10.0, 10.0],
              "angle": 0.0, "text": "", "color": ""}  # fmt: skip
    back = parse(serialize([region], "ds9", "sky", image)[0]).regions[0]
    assert back["size"][0] == pytest.approx(10.0 * scale, rel=1e-3)
