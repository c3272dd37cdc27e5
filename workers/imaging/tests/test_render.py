"""Render parameters, cuts, stretches, palettes and encoders."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from workers.errors import ToyzError
from workers.imaging import FORMATS, STRETCHES, RenderParams, colormap_names, render
from workers.imaging.render import (
    CUT_NAMES,
    TRANSPARENT,
    compute_cuts,
    compute_quantiles,
    make_stretch,
    palette,
    render_array,
    to_indices,
)


def test_parameters_default_to_a_linear_gray_png_with_the_image_cuts():
    p = RenderParams.create()
    assert p == RenderParams("linear", None, None, "gray", False, "png")
    assert not p.has_cuts
    assert p.with_default_cuts((1.0, 2.0)) == RenderParams("linear", 1.0, 2.0, "gray", False, "png")
    given = RenderParams.create(stretch="asinh", lo=-5, cmap="viridis", invert=True, fmt="webp")
    assert given.with_default_cuts((0.0, 1000.0)) == RenderParams("asinh", -5.0, 1000.0, "viridis", True, "webp")
    assert RenderParams.create(lo=3, hi=3).limits() == (3.0, 3.0)  # lo == hi is allowed
    with pytest.raises(ValueError):
        p.limits()


@pytest.mark.parametrize(
    ("values", "word"),
    [
        ({"stretch": "wobbly"}, "stretch"),
        ({"cmap": "not_a_map"}, "colormap"),
        ({"fmt": "gif"}, "format"),
        ({"hi": float("nan")}, "hi"),
        ({"lo": float("inf")}, "lo"),
        ({"hi": float("-inf")}, "hi"),
    ],
)
def test_parameters_refuse_bad_values_with_a_clear_message(values, word):
    with pytest.raises(ToyzError) as err:
        RenderParams.create(**values)
    assert err.value.code == "bad_params" and word in err.value.message


def test_the_key_is_stable_short_and_tells_parameters_apart():
    a = RenderParams("linear", 1, 2, "gray", False, "png")
    assert a.key() == RenderParams("linear", 1.0, 2.0, "gray", False, "png").key()
    assert a.key() == RenderParams("linear", 1.0, 2.0, "gray", 0, "png").key()  # type: ignore[arg-type]
    assert re.fullmatch(r"[0-9a-f]{16}", a.key())  # a folder name in the tile cache
    others = [
        RenderParams("log", 1, 2, "gray", False, "png"),
        RenderParams("linear", 1, 3, "gray", False, "png"),
        RenderParams("linear", 1, 2, "gray", True, "png"),
        RenderParams("linear", 1, 2, "viridis", False, "png"),
        RenderParams("linear", 1, 2, "gray", False, "jpg"),
    ]
    assert len({a.key(), *(o.key() for o in others)}) == 6


def test_the_key_is_the_same_in_every_process():
    # Workers on other nodes find the server's pre-rendered tiles by this key.
    code = (
        "from workers.imaging import RenderParams; print(RenderParams('asinh', -1, 2.5, 'viridis', True, 'png').key())"
    )
    root = Path(__file__).resolve().parents[3]
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert keys == {RenderParams("asinh", -1, 2.5, "viridis", True, "png").key()}


def test_colormap_names_are_matplotlibs_without_reversed_copies():
    names = colormap_names()
    assert "gray" in names and "viridis" in names and not any(n.endswith("_r") for n in names)


def test_cuts_of_nan_only_constant_and_ordinary_samples():
    assert compute_cuts(np.full(10, np.nan)) == dict.fromkeys(CUT_NAMES, (0.0, 1.0))
    assert compute_cuts(np.array([], np.float32)) == dict.fromkeys(CUT_NAMES, (0.0, 1.0))
    assert compute_cuts(np.full(10, 4.0)) == dict.fromkeys(CUT_NAMES, (4.0, 4.0))
    values = np.arange(10001, dtype=np.float64)
    cuts = compute_cuts(np.concatenate([values, [np.inf, -np.inf, np.nan]]))
    assert cuts["minmax"] == (0.0, 10000.0)
    assert cuts["p99"] == pytest.approx((50.0, 9950.0))
    assert cuts["p95"] == pytest.approx((250.0, 9750.0))
    assert cuts["p99.5"] == pytest.approx((25.0, 9975.0))
    assert all(isinstance(v, float) for pair in cuts.values() for v in pair)
    assert compute_quantiles(np.full(3, np.nan)) == []
    assert len(compute_quantiles(values)) == 1001


@pytest.mark.parametrize("stretch", STRETCHES)
def test_stretches_map_the_limits_to_the_ends_of_the_palette(stretch):
    data = np.array([[-10.0, 0.0, 50.0, 100.0, 1e9, np.nan]])
    quantiles = compute_quantiles(np.linspace(0, 100, 1000))
    indices = to_indices(data, 0.0, 100.0, make_stretch(stretch, 0.0, 100.0, quantiles))
    assert indices[0, 0] == indices[0, 1] == 0
    assert indices[0, 3] == indices[0, 4] == 254
    assert 0 < indices[0, 2] < 254 and indices[0, 5] == TRANSPARENT


def test_stretches_differ_in_the_middle():
    data = np.array([[25.0]])
    middles = {s: int(to_indices(data, 0, 100, make_stretch(s, 0, 100, []))[0, 0]) for s in STRETCHES if s != "histeq"}
    assert middles["log"] > middles["sqrt"] > middles["linear"] > middles["squared"]
    assert middles["asinh"] > middles["linear"] > middles["sinh"]
    assert middles["power"] < middles["linear"]


def test_histeq_spreads_a_skewed_sample_evenly():
    sample = np.random.default_rng(0).exponential(1.0, 100_000)
    quantiles = compute_quantiles(sample)
    lo, hi = float(sample.min()), float(sample.max())
    indices = to_indices(sample, lo, hi, make_stretch("histeq", lo, hi, quantiles))
    counts = np.bincount(indices, minlength=256)[:255]
    # Equalised: every quarter of the palette holds about a quarter of the pixels.
    quarters = counts.reshape(5, 51).sum(axis=1) / sample.size
    np.testing.assert_allclose(quarters, 0.2, atol=0.02)


def test_lo_equal_to_hi_renders_a_step_without_dividing_by_zero():
    data = np.array([[1.0, 2.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        indices = to_indices(data, 2.0, 2.0, make_stretch("linear", 2.0, 2.0, []))
    assert indices.tolist() == [[0, 127, 254]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stretch", STRETCHES)
@pytest.mark.parametrize("kind", ["nan", "constant"])
def test_nan_only_and_constant_tiles_render_for_every_stretch_and_cut(kind, stretch, fmt):
    data = np.full((256, 256), np.nan if kind == "nan" else 42.0, np.float32)
    sample = data.ravel()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cuts = compute_cuts(sample)
        quantiles = compute_quantiles(sample)
        for lo, hi in cuts.values():
            params = RenderParams(stretch, lo, hi, "viridis", False, fmt)
            pixels = np.asarray(Image.open(io.BytesIO(render_array(data, params, quantiles))).convert("RGBA"))
            assert pixels.shape == (256, 256, 4)
            if fmt == "jpg":
                continue
            if kind == "nan":
                assert (pixels[..., 3] == 0).all()
            else:
                assert (pixels[..., 3] == 255).all() and (pixels == pixels[0, 0]).all()


def test_png_tiles_are_palette_images_with_one_transparent_entry():
    data = np.array([[0.0, np.nan], [1.0, 0.5]], np.float32)
    raw = render_array(data, RenderParams("linear", 0, 1, "gray", False, "png"), [])
    image = Image.open(io.BytesIO(raw))
    assert image.mode == "P" and image.info["transparency"] == 255
    rgba = np.asarray(image.convert("RGBA"))
    # The first row of the picture is the highest y: data row 1.
    assert rgba[0, 0].tolist() == [255, 255, 255, 255] and rgba[0, 1, :3].tolist() == [128, 128, 128]
    assert rgba[1, 0].tolist() == [0, 0, 0, 255] and rgba[1, 1, 3] == 0


def test_jpeg_tiles_are_black_where_transparent_and_webp_keeps_alpha():
    data = np.full((64, 64), 1.0, np.float32)
    data[:, :32] = np.nan
    jpg = np.asarray(Image.open(io.BytesIO(render_array(data, RenderParams("linear", 0, 1, "gray", False, "jpg"), []))))
    assert jpg.ndim == 3 and jpg[:, :24].max() < 10 and jpg[:, 40:].min() > 245
    webp = Image.open(io.BytesIO(render_array(data, RenderParams("linear", 0, 1, "gray", False, "webp"), [])))
    alpha = np.asarray(webp.convert("RGBA"))[..., 3]
    assert alpha[:, :24].max() == 0 and alpha[:, 40:].min() == 255


def test_inverted_palettes_run_backwards_and_are_cached():
    forward, backward = palette("viridis", False), palette("viridis", True)
    # matplotlib samples a 256-entry table, so the reversed map may differ by one entry.
    np.testing.assert_allclose(forward[:255], backward[254::-1], atol=4)
    assert forward[0].tolist() != backward[0].tolist()
    assert palette("viridis", False) is forward
    assert forward[255].tolist() == [0, 0, 0, 0]
    with pytest.raises(ValueError):
        forward[0, 0] = 1  # shared between threads: read-only


def test_colour_arrays_are_encoded_as_they_are():
    data = np.zeros((2, 2, 3), np.float32)
    data[1] = [255, 0, 0]  # the top row (highest y) is red
    data[0, 1] = np.nan
    params = RenderParams("log", 0, 1, "viridis", True, "png")  # ignored for colour
    rgba = np.asarray(Image.open(io.BytesIO(render_array(data, params, []))).convert("RGBA"))
    assert rgba[0, 0].tolist() == [255, 0, 0, 255] and rgba[1, 0].tolist() == [0, 0, 0, 255]
    assert rgba[1, 1, 3] == 0


def reference_indices(data: np.ndarray, lo: float, hi: float, stretch: Any) -> Any:
    """The index mapping written plainly, a new array at each step (what to_indices did before it
    worked in place): the fast version must give exactly these indices."""
    finite = np.isfinite(data)
    values = np.asarray(data, dtype=np.float64)
    with np.errstate(all="ignore"):
        span = hi - lo
        values = (values - lo) / span if span else np.where(values > lo, 1.0, np.where(values < lo, 0.0, 0.5))
        values[~finite] = 0.0
        values = np.clip(values, 0.0, 1.0)
        values = np.nan_to_num(stretch(values, clip=True), nan=0.0)
        indices = np.rint(np.clip(values, 0.0, 1.0) * (TRANSPARENT - 1)).astype(np.uint8)
    indices[~finite] = TRANSPARENT
    return indices


@pytest.mark.parametrize("stretch", STRETCHES)
@pytest.mark.parametrize(
    ("lo", "hi"), [(90.0, 110.0), (0.0, 250.0), (100.0, 100.0), (120.0, 80.0), (-1e308, 1e308), (1e-300, 2e-300)]
)
def test_indices_are_exactly_those_of_the_plain_mapping(stretch, lo, hi):
    rng = np.random.default_rng(3)
    data = rng.normal(100, 20, (64, 64)).astype(np.float32)
    data[rng.random(data.shape) < 0.05] = np.nan
    data[0, :4] = [np.inf, -np.inf, 3e38, -3e38]
    quantiles = compute_quantiles(data)
    made = make_stretch(stretch, lo, hi, quantiles)
    np.testing.assert_array_equal(to_indices(data, lo, hi, made), reference_indices(data, lo, hi, made))


@pytest.mark.parametrize("cmap", ["gray", "viridis"])
def test_png_tiles_decode_to_their_indices_and_palette_as_pillow_writes_them(cmap):
    rng = np.random.default_rng(5)
    indices = np.clip(rng.normal(120, 40, (256, 256)), 0, 255).astype(np.uint8)  # with transparent pixels
    ours = Image.open(io.BytesIO(render.encode_indexed(indices, cmap, True, "png")))
    table = palette(cmap, True)
    pillows = Image.fromarray(indices)
    pillows.putpalette(table[:, :3].tobytes())
    buf = io.BytesIO()
    pillows.save(buf, format="PNG", transparency=table[:, 3].tobytes())
    theirs = Image.open(io.BytesIO(buf.getvalue()))
    assert ours.mode == "P" and ours.size == (256, 256)
    np.testing.assert_array_equal(np.asarray(ours), indices)
    np.testing.assert_array_equal(np.asarray(ours.convert("RGBA")), np.asarray(theirs.convert("RGBA")))
    # No larger than Pillow's own (zlib level 6) on noise: the faster deflate costs no size.
    assert len(render.encode_indexed(indices, cmap, True, "png")) < 1.02 * len(buf.getvalue())
