"""The focal-plane mosaic: every CCD (image HDU) of a multi-extension file placed on one plane.

Only a detector mosaic has one: several HDUs that are different parts of one focal plane, not
several views of one area (image/error/coverage, SCI/VAR/SKYFIT, DATA/STAT). Placement, in
order of preference: ``DETSEC`` (where the HDU's ``DATASEC`` goes on the detector, in detector
pixels; a reversed range such as ``[2048:1,1:4096]`` flips the data), then, for CCDs of one
shape, each HDU's celestial WCS (its corners projected into the first CCD's pixel frame and
rounded to whole pixels). A placement whose CCDs overlap, or (by WCS) that leaves the focal
plane mostly empty, is no mosaic. Gaps are NaN.

Nothing is ever built for the mosaic itself: a tile at level ``k`` is assembled when asked from
the CCDs' own level-``k`` arrays (the per-HDU pyramids), each placed at its level-0 offset
divided by ``2**k`` (rounded down). At ``k ≥ 1`` a CCD may therefore sit up to one pixel from
where binning the whole mosaic would put it; CCDs are painted in HDU order, so where two touch
the later one wins, the same way in every tile.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np

# typing_extensions: pydantic reads these TypedDicts as response schemas only in that form on Python 3.11.
from typing_extensions import TypedDict

from workers.errors import ToyzError

from . import shared
from .cache import plane_dir
from .hdus import TILE_SIZE, HduInfo, level_count
from .pyramid import (
    bin2x2,
    can_preview,
    level_array,
    level_built,
    level_shape,
    preview_level,
    previewable,
    read_level_region,
)
from .reading import SAMPLE_TARGET, FloatArray, ImagePlane, OpenedFile, read_sample, select_plane

MOSAIC_HDU: Final = -1
#: Placements whose CCDs overlap by more than this fraction of the smaller one are rejected.
MAX_OVERLAP: Final = 0.1
#: A WCS placement whose bounding box is more than this many times the CCDs' own area is not
#: one focal plane (DECam's hexagon fills two thirds of its box): e.g. two unrelated fields.
MAX_SPREAD: Final = 4.0

_SECTION = re.compile(r"\[\s*(\d+)\s*:\s*(\d+)\s*,\s*(\d+)\s*:\s*(\d+)\s*\]")


@dataclass(frozen=True)
class Ccd:
    """One HDU placed on the mosaic.

    ``x0``, ``y0`` is the level-0 mosaic pixel of the placed region's lower-left corner;
    ``data`` is the part of the HDU used, ``(x0, x1, y0, y1)`` in 0-based HDU pixels, end
    exclusive; ``flip_x``/``flip_y`` say whether the HDU's x/y run backwards on the mosaic.
    """

    hdu: int
    name: str
    x0: int
    y0: int
    data: tuple[int, int, int, int]
    flip_x: bool = False
    flip_y: bool = False

    @property
    def width(self) -> int:
        """Width of the placed region, level-0 pixels."""
        return self.data[1] - self.data[0]

    @property
    def height(self) -> int:
        """Height of the placed region, level-0 pixels."""
        return self.data[3] - self.data[2]


@dataclass(frozen=True)
class Mosaic:
    """The mosaic of an opened file: its size and where each CCD goes."""

    identity: str
    width: int
    height: int
    ccds: tuple[Ccd, ...]
    planes: tuple[ImagePlane, ...]
    method: Literal["detsec", "wcs"]
    has_wcs: bool
    compressed: bool
    hdu: int = MOSAIC_HDU
    plane: int = 0
    bands: int = 1

    @property
    def levels(self) -> int:
        """Number of pyramid levels of the mosaic."""
        return level_count(self.width, self.height)

    def folder(self, cache_dir: Path) -> Path:
        """The cache folder of the mosaic (cuts and pre-rendered tiles)."""
        return plane_dir(cache_dir, self.identity, MOSAIC_HDU, 0)

    def info(self) -> HduInfo:
        """The mosaic's entry in a description's ``hdus``."""
        return HduInfo(
            index=MOSAIC_HDU,
            name="MOSAIC",
            kind="mosaic",
            shape=[self.height, self.width],
            dtype="float32",
            is_image=True,
            compressed=self.compressed,
            has_wcs=self.has_wcs,
            width=self.width,
            height=self.height,
            planes=1,
            bands=1,
            levels=self.levels,
            problem=None,
            ccds=len(self.ccds),
        )


class CcdRef(TypedDict):
    """Which CCD a mosaic pixel falls on, and which pixel of it (0-based HDU column and row)."""

    hdu: int
    name: str
    col: int
    row: int


# --- placement --------------------------------------------------------------------------------


def _section(value: Any) -> tuple[int, int, int, int] | None:
    """Parse an IRAF section ``[x1:x2,y1:y2]`` (1-based, inclusive, possibly reversed)."""
    match = _SECTION.fullmatch(str(value or "").strip())
    if match is None:
        return None
    x1, x2, y1, y2 = (int(v) for v in match.groups())
    return x1, x2, y1, y2


def _data_section(f: OpenedFile, info: HduInfo) -> tuple[int, int, int, int] | None:
    """Return the ``DATASEC`` as given (1-based), the whole HDU without one, None if it is bad."""
    data = _section(f.keyword(info["index"], "DATASEC")) or (1, info["width"], 1, info["height"])
    inside_x = min(data[0], data[1]) >= 1 and max(data[0], data[1]) <= info["width"]
    inside_y = min(data[2], data[3]) >= 1 and max(data[2], data[3]) <= info["height"]
    if not (inside_x and inside_y):
        return None
    return data


def _by_detsec(f: OpenedFile, infos: list[HduInfo]) -> list[Ccd] | None:
    ccds = []
    for info in infos:
        det = _section(f.keyword(info["index"], "DETSEC"))
        data = _data_section(f, info)
        if det is None or data is None:
            return None
        dx0, dx1 = min(data[0], data[1]) - 1, max(data[0], data[1])
        dy0, dy1 = min(data[2], data[3]) - 1, max(data[2], data[3])
        if abs(det[1] - det[0]) + 1 != dx1 - dx0 or abs(det[3] - det[2]) + 1 != dy1 - dy0:
            return None  # binned readouts: DETSEC in unbinned pixels; the WCS places them
        ccds.append(
            Ccd(
                hdu=info["index"],
                name=info["name"],
                x0=min(det[0], det[1]) - 1,
                y0=min(det[2], det[3]) - 1,
                data=(dx0, dx1, dy0, dy1),
                flip_x=(det[0] > det[1]) != (data[0] > data[1]),
                flip_y=(det[2] > det[3]) != (data[2] > data[3]),
            )
        )
    return ccds


def _by_wcs(f: OpenedFile, infos: list[HduInfo]) -> list[Ccd] | None:
    wcss = [f.celestial_wcs(info["index"]) for info in infos]
    if any(w is None for w in wcss):
        return None
    ref = wcss[0]
    ccds = []
    try:
        for info, wcs in zip(infos, wcss, strict=True):
            section = _data_section(f, info) or (1, info["width"], 1, info["height"])
            dx0, dx1 = min(section[:2]) - 1, max(section[:2])
            dy0, dy1 = min(section[2:]) - 1, max(section[2:])
            w, h = dx1 - dx0, dy1 - dy0
            corners = np.array([[dx0, dy0], [dx1 - 1, dy0], [dx0, dy1 - 1]], dtype=np.float64)
            with f.lock, np.errstate(all="ignore"):  # astropy's WCS objects are not thread-safe
                sky = wcs.all_pix2world(corners, 0)
                # The first CCD's projection without its distortion: a common tangent plane.
                p00, p10, p01 = ref.wcs_world2pix(sky, 0)
            vx, vy = p10 - p00, p01 - p00
            # Only CCDs that are rotated by 0 or 180 degrees (or mirrored) and unscaled fit a grid.
            if w > 1 and (abs(vx[1]) > 0.1 * abs(vx[0]) or not 0.8 <= abs(vx[0]) / (w - 1) <= 1.25):
                return None
            if h > 1 and (abs(vy[0]) > 0.1 * abs(vy[1]) or not 0.8 <= abs(vy[1]) / (h - 1) <= 1.25):
                return None
            x = min(p00[0], p10[0]) if w > 1 else p00[0]
            y = min(p00[1], p01[1]) if h > 1 else p00[1]
            if not (math.isfinite(x) and math.isfinite(y)):
                return None
            flip_x, flip_y = bool(w > 1 and vx[0] < 0), bool(h > 1 and vy[1] < 0)
            data = (dx0, dx1, dy0, dy1)
            ccds.append(Ccd(info["index"], info["name"], round(x), round(y), data, flip_x, flip_y))
    except Exception:  # a WCS that cannot project is no placement
        return None
    return ccds


def _overlapping(ccds: list[Ccd]) -> bool:
    for i, a in enumerate(ccds):
        for b in ccds[i + 1 :]:
            w = min(a.x0 + a.width, b.x0 + b.width) - max(a.x0, b.x0)
            h = min(a.y0 + a.height, b.y0 + b.height) - max(a.y0, b.y0)
            if w > 0 and h > 0 and w * h > MAX_OVERLAP * min(a.width * a.height, b.width * b.height):
                return True
    return False


def _kind(dtype: str | None) -> str:
    return "f" if dtype is None or np.dtype(dtype).kind == "f" else "i"


def _spread(ccds: list[Ccd]) -> float:
    """Area of the placement's bounding box over the CCDs' own area (1 when they tile it)."""
    width = max(c.x0 + c.width for c in ccds) - min(c.x0 for c in ccds)
    height = max(c.y0 + c.height for c in ccds) - min(c.y0 for c in ccds)
    return width * height / max(1, sum(c.width * c.height for c in ccds))


def mosaic_of(f: OpenedFile) -> Mosaic | None:
    """Return the mosaic of ``f`` (computed once per opened file), or None.

    A file has a mosaic when at least two displayable 2-D image HDUs (of the same kind of values,
    integers or floats, as its first one; of its first one's EXTNAME when that name repeats) are
    parts of one detector: every one has a ``DETSEC`` and none overlaps another, or they have
    one shape and their WCS puts them side by side without overlap. Those HDUs are its CCDs.
    """
    with f.lock:
        if "mosaic" not in f.memo:
            # Another process may have placed it already (its headers need not be parsed here then).
            known = _from_placement(f, shared.recall("mosaic", f.identity))
            if known is None:
                made = _make_mosaic(f)
                shared.keep("mosaic", f.identity, _placement_of(made))
                f.remember("mosaic", made)
            else:
                f.remember("mosaic", known or None)
        found: Mosaic | None = f.memo.get("mosaic")
        return found


def _placement_of(mosaic: Mosaic | None) -> dict[str, Any]:
    """A mosaic's placement as plain data, for the other processes (``{"none": True}``: the file has none)."""
    if mosaic is None:
        return {"none": True}
    return {
        "ccds": [[c.hdu, c.name, c.x0, c.y0, list(c.data), c.flip_x, c.flip_y] for c in mosaic.ccds],
        "method": mosaic.method,
        "has_wcs": mosaic.has_wcs,
        "compressed": mosaic.compressed,
    }


def _from_placement(f: OpenedFile, stored: Any) -> Mosaic | Literal[False] | None:
    """The mosaic of another process's placement; False when it said the file has none; None when there is
    no placement (or it does not fit)."""
    if not isinstance(stored, dict):
        return None
    if stored.get("none") is True:
        return False
    try:
        ccds = tuple(
            Ccd(int(hdu), str(name), int(x0), int(y0), (int(d[0]), int(d[1]), int(d[2]), int(d[3])), bool(fx), bool(fy))
            for hdu, name, x0, y0, d, fx, fy in stored["ccds"]
        )
        method = stored["method"]
        if method not in ("detsec", "wcs") or not ccds:
            return None
        return Mosaic(
            identity=f.identity,
            width=max(c.x0 + c.width for c in ccds),
            height=max(c.y0 + c.height for c in ccds),
            ccds=ccds,
            planes=tuple(select_plane(f, c.hdu, 0) for c in ccds),
            method=method,
            has_wcs=bool(stored["has_wcs"]),
            compressed=bool(stored["compressed"]),
        )
    except (KeyError, TypeError, ValueError, IndexError, ToyzError):
        return None


def _candidates(f: OpenedFile) -> list[HduInfo]:
    """The image HDUs that could be CCDs of one mosaic."""
    images = [i for i in f.infos if i["is_image"] and i["planes"] == 1]
    if not images:
        return []
    kind = _kind(images[0]["dtype"])
    infos = [i for i in images if _kind(i["dtype"]) == kind]
    # SCI,1 SCI,2 ... beside VAR,1 VAR,2 ...: the CCDs are the HDUs of one EXTNAME.
    named = [i for i in infos if i["name"] == infos[0]["name"]]
    return named if len(named) >= 2 else infos


def _placement(f: OpenedFile, infos: list[HduInfo]) -> tuple[list[Ccd], Literal["detsec", "wcs"]] | None:
    ccds = _by_detsec(f, infos)
    if ccds is not None and not _overlapping(ccds):
        return ccds, "detsec"
    if len({(i["width"], i["height"]) for i in infos}) != 1:
        return None  # CCDs of a camera are alike; HDUs of different shapes are different products
    ccds = _by_wcs(f, infos)
    if ccds is None or _overlapping(ccds) or _spread(ccds) > MAX_SPREAD:
        return None
    return ccds, "wcs"


def _make_mosaic(f: OpenedFile) -> Mosaic | None:
    if f.format != "fits":
        return None
    infos = _candidates(f)
    if len(infos) < 2:
        return None
    placed = _placement(f, infos)
    if placed is None:
        return None
    ccds, method = placed
    left, bottom = min(c.x0 for c in ccds), min(c.y0 for c in ccds)
    ccds = [
        Ccd(c.hdu, c.name, c.x0 - left, c.y0 - bottom, c.data, c.flip_x, c.flip_y) for c in ccds
    ]  # fmt: skip
    return Mosaic(
        identity=f.identity,
        width=max(c.x0 + c.width for c in ccds),
        height=max(c.y0 + c.height for c in ccds),
        ccds=tuple(ccds),
        planes=tuple(select_plane(f, c.hdu, 0) for c in ccds),
        method=method,
        has_wcs=all(i["has_wcs"] for i in infos),
        compressed=any(i["compressed"] for i in infos),
    )


# --- reading ----------------------------------------------------------------------------------


def _placed(ccd: Ccd, src: ImagePlane, level: int) -> tuple[int, int, int, int, int, int]:
    """Return (X, Y, width, height, i0, j0) of a CCD at ``level``: where its level-``level``
    pixels ``[i0, i0 + width) × [j0, j0 + height)`` go, lower-left at mosaic pixel (X, Y)."""
    scale = 2**level
    lw, lh = level_shape(src.width, src.height, level)
    dx0, dx1, dy0, dy1 = ccd.data
    i0, j0 = dx0 // scale, dy0 // scale
    i1, j1 = min(lw, -(-dx1 // scale)), min(lh, -(-dy1 // scale))
    return ccd.x0 // scale, ccd.y0 // scale, i1 - i0, j1 - j0, i0, j0


def _ccd_level(f: OpenedFile, src: ImagePlane, level: int, cache_dir: Path) -> Any:
    """The CCD's level ``level`` as an array; beyond its own pyramid, its top level binned on."""
    if level == 0:  # only for CCDs of one tile
        return read_level_region(f, src, 0, cache_dir, 0, src.height, 0, src.width)
    if level < src.levels:
        return level_array(f, src, level, cache_dir)
    key = f"mosaic-level:{src.hdu}:{level}"
    with f.lock:
        found = f.memo.get(key)
    if found is None:
        found = bin2x2(_ccd_level(f, src, level - 1, cache_dir))  # at most 256×256: cheap
        with f.lock:
            f.remember(key, found)
    return found


def _pieces(
    m: Mosaic, level: int, tx: int, ty: int
) -> Iterator[tuple[Ccd, ImagePlane, tuple[int, int, int, int], tuple[int, int, int, int]]]:
    """Yield the CCDs that tile ``(level, tx, ty)`` covers: each with the part of the tile it
    fills, ``(x0, x1, y0, y1)`` in tile pixels, and the pixels of its own level that go there,
    ``(c0, c1, r0, r1)`` (mirrored if flipped)."""
    w, h = level_shape(m.width, m.height, level)
    tx0, ty0 = tx * TILE_SIZE, ty * TILE_SIZE
    tx1, ty1 = min(tx0 + TILE_SIZE, w), min(ty0 + TILE_SIZE, h)
    for ccd, src in zip(m.ccds, m.planes, strict=True):
        px, py, pw, ph, i0, j0 = _placed(ccd, src, level)
        x0, x1 = max(tx0, px), min(tx1, px + pw)
        y0, y1 = max(ty0, py), min(ty1, py + ph)
        if x0 >= x1 or y0 >= y1:
            continue
        # Offsets inside the placed region, then the CCD's own level pixels (mirrored if flipped).
        u0, u1, v0, v1 = x0 - px, x1 - px, y0 - py, y1 - py
        c0, c1 = (i0 + pw - u1, i0 + pw - u0) if ccd.flip_x else (i0 + u0, i0 + u1)
        r0, r1 = (j0 + ph - v1, j0 + ph - v0) if ccd.flip_y else (j0 + v0, j0 + v1)
        yield ccd, src, (x0 - tx0, x1 - tx0, y0 - ty0, y1 - ty0), (c0, c1, r0, r1)


def needs_building(m: Mosaic, level: int, tx: int, ty: int, cache_dir: Path) -> bool:
    """Whether tile ``(level, tx, ty)`` needs CCD levels that are not built yet, and that a
    preview (:func:`~workers.imaging.pyramid.preview_level`) can stand in for."""
    return any(
        can_preview(src, level) and not level_built(src, level, cache_dir) for _, src, _, _ in _pieces(m, level, tx, ty)
    )


def unbuilt(m: Mosaic, cache_dir: Path) -> bool:
    """Whether some CCD that previews can stand in for has no pyramid yet (one stat per CCD)."""
    return any(previewable(src) and not level_built(src, src.levels - 1, cache_dir) for src in m.planes)


def mosaic_tile(
    f: OpenedFile, m: Mosaic, level: int, tx: int, ty: int, cache_dir: Path, *, preview: bool = False
) -> FloatArray:
    """Return tile ``(level, tx, ty)`` of the mosaic: 256×256 float32, row 0 the lowest ``y``,
    NaN in gaps and padding. Only the CCD pixels the tile covers are read.

    With ``preview``, CCDs whose level is not built yet are shown from their previews instead
    of being built (the whole focal plane at a glance costs a few rows of each CCD).
    """
    out = np.full((TILE_SIZE, TILE_SIZE), np.nan, np.float32)
    for ccd, src, (x0, x1, y0, y1), (c0, c1, r0, r1) in _pieces(m, level, tx, ty):
        if preview and can_preview(src, level) and not level_built(src, level, cache_dir):
            data = preview_level(f, src, level)[r0:r1, c0:c1]
        elif level < src.levels:
            data = read_level_region(f, src, level, cache_dir, r0, r1, c0, c1)
        else:
            data = np.asarray(_ccd_level(f, src, level, cache_dir)[r0:r1, c0:c1], dtype=np.float32)
        if ccd.flip_x:
            data = data[:, ::-1]
        if ccd.flip_y:
            data = data[::-1]
        np.copyto(out[y0:y1, x0:x1], data, where=np.isfinite(data))
    return out


def tiles_with_data(m: Mosaic, level: int) -> set[tuple[int, int]]:
    """Return the tiles ``(tx, ty)`` of ``level`` that at least one CCD reaches."""
    found: set[tuple[int, int]] = set()
    for ccd, src in zip(m.ccds, m.planes, strict=True):
        px, py, pw, ph, _, _ = _placed(ccd, src, level)
        for ty in range(py // TILE_SIZE, (py + ph - 1) // TILE_SIZE + 1):
            for tx in range(px // TILE_SIZE, (px + pw - 1) // TILE_SIZE + 1):
                found.add((tx, ty))
    w, h = level_shape(m.width, m.height, level)
    nx, ny = -(-w // TILE_SIZE), -(-h // TILE_SIZE)
    return {(tx, ty) for tx, ty in found if tx < nx and ty < ny}


def mosaic_sample(f: OpenedFile, m: Mosaic, cache_dir: Path) -> FloatArray:
    """Return about :data:`~workers.imaging.reading.SAMPLE_TARGET` finite values spread over
    every CCD's data section (each CCD's share is proportional to its area)."""
    total = sum(c.width * c.height for c in m.ccds)
    pieces = [
        read_sample(f, src, cache_dir, max(1, SAMPLE_TARGET * c.width * c.height // total), window=c.data)
        for c, src in zip(m.ccds, m.planes, strict=True)
    ]
    return np.concatenate(pieces) if pieces else np.empty(0, np.float32)


def locate(m: Mosaic, x: float, y: float) -> tuple[Ccd, ImagePlane, CcdRef, float, float] | None:
    """Find the CCD under viewer point ``(x, y)`` (level-0 mosaic pixels, pixel ``(i, j)``
    covering ``[i, i+1) × [j, j+1)``).

    Returns
    -------
    (Ccd, ImagePlane, CcdRef, hx, hy) or None
        The CCD, its image plane, the HDU pixel under the point, and the point in that HDU's viewer
        coordinates; None in a gap or outside.
    """
    for ccd, src in zip(reversed(m.ccds), reversed(m.planes), strict=True):  # the last painted wins
        u, v = x - ccd.x0, y - ccd.y0
        if 0 <= u < ccd.width and 0 <= v < ccd.height:
            dx0, dx1, dy0, dy1 = ccd.data
            col = dx1 - 1 - math.floor(u) if ccd.flip_x else dx0 + math.floor(u)
            row = dy1 - 1 - math.floor(v) if ccd.flip_y else dy0 + math.floor(v)
            hx = dx1 - u if ccd.flip_x else dx0 + u
            hy = dy1 - v if ccd.flip_y else dy0 + v
            return ccd, src, CcdRef(hdu=ccd.hdu, name=ccd.name, col=col, row=row), hx, hy
    return None
