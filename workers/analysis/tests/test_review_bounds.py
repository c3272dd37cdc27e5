"""Hostile sizes and shapes given to the analysis core: each is bounded in time and memory, or refused."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest

from workers.analysis.geometry import Shape, mask
from workers.analysis.pixels import Cutout


def _brute_polygon(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], v: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """The reference: even-odd over every vertex and every point, edges included (vertices × pixels work)."""
    inside = np.zeros(x.shape, dtype=bool)
    on_edge = np.zeros(x.shape, dtype=bool)
    for k in range(len(v)):
        (xa, ya), (xb, yb) = v[k], v[(k + 1) % len(v)]
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = xa + (y - ya) * (xb - xa) / (yb - ya)
        inside ^= ((ya > y) != (yb > y)) & (x < x_at)
        cross = (xb - xa) * (y - ya) - (yb - ya) * (x - xa)
        within = (min(xa, xb) <= x) & (x <= max(xa, xb)) & (min(ya, yb) <= y) & (y <= max(ya, yb))
        on_edge |= (np.abs(cross) <= 1e-9 * max(1.0, math.hypot(xb - xa, yb - ya))) & within
    return inside | on_edge


def _star(n: int, centre: float, outer: float, inner: float) -> npt.NDArray[np.float64]:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.where(np.arange(n) % 2 == 0, outer, inner)
    return np.stack([centre + r * np.cos(t), centre + r * np.sin(t)], axis=1)


def test_it_masks_polygons_as_the_even_odd_rule_with_their_edges() -> None:
    rng = np.random.default_rng(11)
    shapes = [
        np.array([[2.5, 2.5], [12.5, 2.5], [12.5, 8.5], [2.5, 8.5]]),  # edges through pixel centres
        np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]),
        np.array([[1.5, 1.5], [1.5, 1.5], [15.5, 3.5], [3.5, 15.5]]),  # a repeated vertex
        _star(40, 10.0, 9.0, 3.0),
        *(rng.uniform(-2, 22, (int(rng.integers(3, 30)), 2)) for _ in range(20)),  # self-crossing
        *(np.round(rng.uniform(-2, 22, (8, 2))) + 0.5 for _ in range(10)),
    ]
    for width, height in ((20, 20), (30, 7), (5, 33)):
        cut = Cutout(np.zeros((height, width), np.float32), 0, 0, None, "", None)
        x = np.broadcast_to(0.5 + np.arange(width, dtype=np.float64)[None, :], (height, width))
        y = np.broadcast_to(0.5 + np.arange(height, dtype=np.float64)[:, None], (height, width))
        for v in shapes:
            np.testing.assert_array_equal(mask(Shape("polygon", v), cut), _brute_polygon(x, y, v))


# A hang guard, not a speed test: vertices × pixels work took about 4 minutes here, the scan lines well
# under a second, so only the old kind of work runs into it, however loaded the machine.
@pytest.mark.timeout(60)
def test_it_masks_a_1000_vertex_polygon_over_4_million_pixels_in_seconds() -> None:
    cut = Cutout(np.zeros((2000, 2000), np.float32), 0, 0, None, "", None)
    shape = Shape("polygon", _star(1000, 1000.0, 990.0, 50.0))
    held = mask(shape, cut)
    assert 0 < held.sum() < held.size
    thin = Cutout(np.zeros((200_000, 3), np.float32), 0, 0, None, "", None)  # tall and narrow: scans columns
    narrow = mask(Shape("polygon", _star(1000, 1.5, 1.4, 0.5) * [1, 60_000]), thin)
    assert 0 < narrow.sum() < narrow.size
