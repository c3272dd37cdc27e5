"""Pictures (PNG, JPEG, TIFF, ...) shown like one-HDU images, y flipped to point up."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from workers.errors import ToyzError
from workers.imaging import build_pyramid, clear_caches, describe


def test_grey_pictures_use_stretch_and_colormap_with_y_up(tmp_path, tile):
    rows = np.repeat(np.arange(40, dtype=np.uint8)[:, None] * 5, 30, axis=1)  # file row 0 = 0
    path = tmp_path / "grey.png"
    Image.fromarray(rows).save(path)
    pixels = tile(path, lo=0, hi=195)
    # The picture's top row (value 0) is the highest y; in the tile it sits at row 256 - 40.
    assert pixels[216, 0, 0] == 0 and pixels[255, 0, 0] == 255
    assert (pixels[:216, :, 3] == 0).all() and (pixels[216:, 30:, 3] == 0).all()
    inverted = tile(path, lo=0, hi=195, invert=True)
    assert inverted[216, 0, 0] == 255 and inverted[255, 0, 0] == 0


def test_colour_pictures_render_as_they_are(tmp_path, tile):
    picture = np.zeros((40, 60, 3), np.uint8)
    picture[:20, :, 0] = 255  # the top half is red
    path = tmp_path / "photo.png"
    Image.fromarray(picture).save(path)
    pixels = tile(path, stretch="log", cmap="viridis")  # ignored for colour
    assert pixels[216 + 5, 10].tolist() == [255, 0, 0, 255] and pixels[255, 10].tolist() == [0, 0, 0, 255]
    assert pixels[0, 0, 3] == 0


def test_alpha_is_kept_and_binned(tmp_path, tile):
    picture = np.zeros((600, 600, 4), np.uint8)
    picture[..., 1] = 200
    picture[..., 3] = 255
    picture[:, :300, 3] = 0  # left half see-through
    path = tmp_path / "alpha.png"
    Image.fromarray(picture).save(path)
    level1 = tile(path, level=1)
    assert level1[255, 10, 3] == 0 and level1[255, 200, 3] == 255 and level1[255, 200, 1] == 200


def test_pictures_are_decoded_once_into_the_cache(tmp_path, cache_dir, tile, monkeypatch):
    path = tmp_path / "grey.tif"
    Image.fromarray(np.full((300, 400), 9, np.uint8)).save(path)
    tile(path, lo=0, hi=10)
    assert len(list(cache_dir.glob("*/hdu0-p0/L0.npy"))) == 1
    clear_caches()

    def refuse(*args, **kwargs):
        raise AssertionError("decoded again")

    from workers.imaging import raster

    monkeypatch.setattr(raster, "decode_raster", refuse)
    tile(path, x=1, lo=0, hi=10)
    tile(path, level=1, lo=0, hi=10)


@pytest.mark.parametrize(("mode", "suffix"), [("L", "bmp"), ("P", "gif"), ("I;16", "png"), ("1", "png")])
def test_other_picture_modes_open(tmp_path, cache_dir, mode, suffix):
    path = tmp_path / f"pic.{suffix}"
    base = Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8) * 3)
    (
        base.convert(mode) if mode != "I;16" else Image.fromarray(np.arange(64, dtype=np.uint16).reshape(8, 8) * 999)
    ).save(path)
    d = describe(path, cache_dir=cache_dir)
    assert d["format"] == "raster" and d["hdus"][0]["width"] == 8
    summary = build_pyramid(path, hdu=0, cache_dir=cache_dir)
    assert summary["tiles"] == 1


def test_a_damaged_picture_is_unreadable(tmp_path, cache_dir, tile):
    good = tmp_path / "good.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300), dtype=np.uint8)).save(good)
    bad = tmp_path / "bad.png"
    bad.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(ToyzError) as err:
        tile(bad)
    assert err.value.code == "unreadable"


def test_pictures_are_never_memory_mapped(tmp_path, monkeypatch):
    import mmap

    from workers.imaging.raster import decode_raster

    def refuse(*args, **kwargs):
        raise AssertionError("a picture was memory-mapped: a truncated file would SIGBUS")

    path = tmp_path / "raw.bmp"  # uncompressed grey: Pillow maps such files when opened by path
    Image.fromarray(np.full((40, 30), 200, np.uint8)).save(path)
    monkeypatch.setattr(mmap, "mmap", refuse)
    assert decode_raster(str(path), "raw.bmp")[0, 0] == 200
