"""Analysis jobs: source detection (per CCD, in parallel), catalogue editing and cross-matching.

A detection writes a FITS table (`workers.analysis.catalog`) into a folder the user may write — by default
``detections/`` in their home folder — under a new name, never over a file; the client opens it as a data
source and overlays it on the image.
"""

from __future__ import annotations

import io
import os
import socket
import stat
import time
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, BinaryIO, Literal

import numpy as np
from astropy.table import Table
from django.utils import timezone
from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from apps.accounts.services import home_of
from apps.analysis import fanout
from apps.analysis.schemas import ImageRef, Region
from apps.files.services import ReadPath, ResolvedPath, Right, WritePath, create_file, make_folder, resolve, upload
from apps.jobs.services import Coordinate, Flag, JobContext, JobParams, register
from apps.shapes import finite_number, whole_number
from apps.sources.services import open_source
from workers.analysis import catalog
from workers.analysis import detect as core
from workers.analysis.crossmatch import crossmatch as match_sky
from workers.errors import ToyzError

DEFAULT_FOLDER = "detections"
_Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^/\x00]+$")]
_Table = Annotated[int, Field(ge=0, le=10_000)]


class DetectParams(JobParams):
    image: ImageRef = Field(description="The image to detect sources in.")
    region: Region | None = Field(default=None, description="Only inside this region (circle, ellipse, box, polygon).")
    ccd: Annotated[int | None, Field(ge=0, le=10_000), BeforeValidator(whole_number)] = Field(
        default=None, description="On a mosaic: only this CCD (its HDU number)."
    )
    threshold: Annotated[
        float, Field(le=1000, json_schema_extra={"exclusiveMinimum": 0}), BeforeValidator(finite_number)
    ] = Field(default=3.0, description="Detection threshold, in sigma of the background noise (> 0).")
    min_area: Annotated[int, Field(ge=1, le=100_000), BeforeValidator(whole_number)] = Field(
        default=5, description="Minimum number of connected pixels of a source."
    )
    deblend: Flag = Field(default=True, description="Split blended sources.")
    box_size: Annotated[int, Field(ge=4, le=4096), BeforeValidator(whole_number)] = Field(
        default=64, description="Side of the background mesh's boxes, pixels."
    )
    method: Literal["sep", "photutils"] = Field(default="sep", description="The detector.")
    folder: WritePath | None = Field(default=None, description="Where the table goes; default: ~/detections.")
    name: _Name | None = Field(default=None, description="The table's file name; default: the image's name and time.")


class CcdSummary(BaseModel):
    """What detection found on one CCD (the whole image: ccd -1)."""

    ccd: int
    name: str
    rows: int
    seconds: float
    worker: str = Field(default="", description="The host and process that ran it.")


class DetectResult(BaseModel):
    """A detection: the new table (path, table index 0), its row count, per CCD counts, and the wall time."""

    path: str
    table: int
    rows: int
    per_ccd: list[CcdSummary]
    seconds: float


@fanout.piece_worker("detect")
def _detect_one(args: dict[str, Any], index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """One CCD of a detection (in the job's pool or a worker's sub-task); arrays stay numpy (pickled)."""
    piece = core.Piece(**args["pieces"][index])
    start = time.perf_counter()
    rows = core.detect_piece(Path(args["path"]), piece, plane=args["plane"], settings=core.Settings(**args["settings"]))
    keep = args.get("area")
    if keep is not None:
        inside = core.Area(keep["shape"], np.asarray(keep["points"]), keep["size"], keep["angle"]).contains(
            rows["x"], rows["y"]
        )
        rows = {k: v[inside] for k, v in rows.items()}
    # Which process ran it: the distributed mode's pieces spread over the workers.
    where = f"{socket.gethostname()}:{os.getpid()}"
    return rows, {**core.piece_summary(piece, rows, time.perf_counter() - start), "worker": where}


def _output_folder(ctx: JobContext, folder: ResolvedPath | None) -> ResolvedPath:
    if folder is not None:
        return folder
    base = home_of(ctx.user)
    if base is None:
        raise ToyzError("forbidden", "You have no home folder; choose a folder to write the table to.")
    target = str(PurePosixPath(base) / DEFAULT_FOLDER)
    try:
        return resolve(ctx.user, target, Right.WRITE)
    except ToyzError as exc:
        if exc.code != "not_found":
            raise
    try:
        make_folder(ctx.user, base, DEFAULT_FOLDER)
    except ToyzError as exc:
        if exc.code != "exists":  # made meanwhile by another detection
            raise
    return resolve(ctx.user, target, Right.WRITE)


def _new_name(image: ResolvedPath, hdu: int) -> str:
    stem = image.name.split(".")[0] or "image"
    where = "mosaic" if hdu == -1 else f"hdu{hdu}"
    return f"{stem}-{where}-sources-{timezone.now():%Y%m%dT%H%M%S}.fits"


def _write(out: BinaryIO, data: bytes) -> None:
    out.write(data)


def _write_new(ctx: JobContext, folder: ResolvedPath, name: str, data: bytes) -> str:
    """Write `data` as a new file; a taken name gets ``-2``, ``-3``... (never an overwrite)."""
    stem, dot, ending = name.rpartition(".")
    if not dot or ending.lower() not in ("fits", "fit", "fts"):
        stem, ending = name, "fits"
    for attempt in range(1, 100):
        candidate = f"{stem}.{ending}" if attempt == 1 else f"{stem}-{attempt}.{ending}"
        try:
            entry = create_file(ctx.user, folder.client, candidate, lambda out: _write(out, data))
        except ToyzError as exc:
            if exc.code == "exists":
                continue
            raise
        return str(PurePosixPath(folder.client) / entry["name"])
    raise ToyzError("exists", f"Too many files named {stem}-N.{ending} here; choose another name.")


@register(
    "analysis.detect",
    "Detect sources in an image (a CCD, the focal plane or a region) and write them as a new FITS table.",
    params=DetectParams,
    result=DetectResult,
    heavy=True,
)
def detect(ctx: JobContext, params: DetectParams) -> dict[str, Any]:
    start = time.perf_counter()
    image = params.image
    settings = core.Settings(params.threshold, params.min_area, params.deblend, params.box_size, params.method)
    settings.check()
    # The folder first: a refusal to write there should come before minutes of work.
    folder = _output_folder(ctx, params.folder)
    real = Path(image.path.real)
    area = None
    if params.region is not None:
        r = params.region
        area = core.area_of(
            real, hdu=image.hdu, plane=image.plane, shape=r.shape, frame=r.frame,
            points=list(r.points), size=r.size, angle=r.angle,
        )  # fmt: skip
    pieces = core.pieces(real, hdu=image.hdu, plane=image.plane, box=area.box() if area else None)
    if params.ccd is not None:
        pieces = [p for p in pieces if p.ccd == params.ccd]
        if not pieces:
            raise ToyzError("bad_params", f"HDU {params.ccd} is no CCD of this image (or of the region).")
    ctx.progress(0, len(pieces), f"Detecting on {len(pieces)} CCD(s)" if len(pieces) > 1 else "Detecting")
    args = {
        "path": str(real),
        "plane": image.plane,
        "settings": asdict(settings),
        "pieces": [asdict(p) for p in pieces],
        "area": None if area is None else {**asdict(area), "points": area.points.tolist()},
    }
    results = fanout.run_all(
        "detect", args, len(pieces), progress=lambda done, total: ctx.progress(done, total, f"{done}/{total} CCDs")
    )
    merged = core.merge([(piece, rows) for piece, (rows, _) in zip(pieces, results, strict=True)])
    meta = {
        "TOYZIMG": image.path.client[:68],
        "TOYZHDU": image.hdu,
        "TOYZPLN": image.plane,
        "DETTHRSH": settings.threshold,
        "DETMAREA": settings.min_area,
        "DETDEBL": settings.deblend,
        "DETBOX": settings.box_size,
        "DETMETH": settings.method,
    }
    data = catalog.fits_bytes(catalog.to_table(merged, meta))
    path = _write_new(ctx, folder, params.name or _new_name(image.path, image.hdu), data)
    return {
        "path": path,
        "table": 0,
        "rows": int(merged["x"].size),
        "per_ccd": [summary for _, summary in results],
        "seconds": round(time.perf_counter() - start, 3),
    }


# --- editing ----------------------------------------------------------------------------------------


class AddSource(BaseModel):
    """A source to add: at a viewer position (x, y) or a sky position (ra, dec, degrees)."""

    x: Coordinate | None = None
    y: Coordinate | None = None
    ra: Annotated[float, Field(ge=-360, le=360)] | None = None
    dec: Annotated[float, Field(ge=-90, le=90)] | None = None
    label: Annotated[str, StringConstraints(max_length=catalog.MAX_LABEL)] = ""


class Relabel(BaseModel):
    row: Annotated[int, Field(ge=0)]
    label: Annotated[str, StringConstraints(max_length=catalog.MAX_LABEL)]


class CatalogEditParams(JobParams):
    path: WritePath = Field(description="The detection table (a FITS file), rewritten in place: the write right.")
    table: _Table = Field(default=0, description="The table's index in the file.")
    add: Annotated[list[AddSource], Field(max_length=1000)] = Field(default_factory=list)
    delete: Annotated[list[Annotated[int, Field(ge=0)]], Field(max_length=100_000)] = Field(default_factory=list)
    relabel: Annotated[list[Relabel], Field(max_length=10_000)] = Field(default_factory=list)


class CatalogEditResult(BaseModel):
    """The edited table (the same path, a new version) and its row count."""

    path: str
    rows: int


#: Half the side (pixels) of the box an added source is measured in.
ADD_HALF = 16
#: How far (pixels) from the click a detection may be to count as the clicked source.
ADD_RADIUS = 5.0


def _made_by(table: Table, user: Any) -> tuple[ResolvedPath, int, int, core.Settings]:
    """The image and detection settings a table's header names (cards the file may lie in: checked)."""
    meta = table.meta
    try:
        hdu, plane = int(meta.get("TOYZHDU", 0)), int(meta.get("TOYZPLN", 0))
        settings = core.Settings(
            float(meta.get("DETTHRSH", 3.0)), int(meta.get("DETMAREA", 5)), True, int(meta.get("DETBOX", 64)),
            str(meta.get("DETMETH", "sep")),  # type: ignore[arg-type]
        )  # fmt: skip
        settings.check()
    except (TypeError, ValueError, OverflowError, ToyzError):
        raise ToyzError(
            "bad_table", "The table's header cards TOYZHDU, TOYZPLN and DET* are not a detection's."
        ) from None
    if not meta.get("TOYZIMG") or not isinstance(meta["TOYZIMG"], str):
        raise ToyzError(
            "bad_table",
            "The table does not name its image (TOYZIMG): its rows can be deleted and relabelled, not added.",
        )
    return resolve(user, meta["TOYZIMG"], Right.READ), hdu, plane, settings


def _measure_at(
    table: Table, user: Any, x: float | None, y: float | None, ra: float | None, dec: float | None
) -> dict[str, Any]:
    """Detect around a position on the table's image and return the nearest source's row (NaN measurements,
    flag FLAG_UNMEASURED, when there is none)."""
    image, hdu, plane, settings = _made_by(table, user)
    real = Path(image.real)
    if x is None or y is None:
        if ra is None or dec is None:
            raise ToyzError("bad_params", "A source to add needs x and y (viewer pixels) or ra and dec (degrees).")
        from workers.imaging.project import world_to_viewer

        placed = world_to_viewer(real, hdu=hdu, plane=plane, ra=[ra], dec=[dec])
        x, y = float(placed.x[0]), float(placed.y[0])
        if not np.isfinite(x):
            raise ToyzError("bad_region", "That sky position is off the image.")
    box = (x - ADD_HALF, y - ADD_HALF, x + ADD_HALF, y + ADD_HALF)
    pieces = core.pieces(real, hdu=hdu, plane=plane, box=box)
    best: dict[str, Any] | None = None
    best_d = ADD_RADIUS
    for piece in pieces:
        # A small box has one background cell: the box is the background's scale.
        rows = core.detect_piece(
            real, piece, plane=plane, settings=core.Settings(**{**asdict(settings), "box_size": 2 * ADD_HALF})
        )
        d = np.hypot(rows["x"] - x, rows["y"] - y)
        if d.size and float(d.min()) <= best_d:
            i = int(np.argmin(d))
            best_d, best = float(d[i]), {k: v[i] for k, v in rows.items()}
    if best is None:
        return {"x": x, "y": y, "ra": np.nan if ra is None else ra, "dec": np.nan if dec is None else dec,
                "ccd": pieces[0].ccd, "flags": catalog.FLAG_UNMEASURED}  # fmt: skip
    return best


#: The largest table file an edit reads whole (it is held a few times over in memory).
MAX_EDIT_BYTES = 256 * 1024**2


def _read_whole(path: ResolvedPath) -> bytes:
    """The bytes of the very file the resolver checked: a link or another file swapped in since is refused."""
    try:
        fd = os.open(path.real, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        raise ToyzError("bad_path", "That file changed while the server was opening it; try again.") from None
    try:
        st, seen = os.fstat(fd), path.stat_result
        if seen is None or (st.st_dev, st.st_ino) != (seen.st_dev, seen.st_ino):
            raise ToyzError("bad_path", "That file changed while the server was opening it; try again.")
        if not stat.S_ISREG(st.st_mode):
            raise ToyzError("bad_table", "That is a folder, not a table file.")
        if st.st_size > MAX_EDIT_BYTES:
            raise ToyzError("too_large", f"Tables larger than {MAX_EDIT_BYTES // 1024**2} MB cannot be edited here.")
        with os.fdopen(os.dup(fd), "rb") as file:
            return file.read(MAX_EDIT_BYTES + 1)
    finally:
        os.close(fd)


@register(
    "analysis.catalog_edit",
    "Edit a detection table: add a source measured where it was clicked, delete rows, relabel rows.",
    params=CatalogEditParams,
    result=CatalogEditResult,
)
def catalog_edit(ctx: JobContext, params: CatalogEditParams) -> dict[str, Any]:
    path = params.path
    folder = str(PurePosixPath(path.client).parent)
    # The write right on the file's folder is checked before anything is read or measured.
    checked = resolve(ctx.user, path.client, Right.WRITE)
    table = catalog.read_table(_read_whole(checked), params.table)
    added = [
        {**_measure_at(table, ctx.user, a.x, a.y, a.ra, a.dec), **({"label": a.label} if a.label else {})}
        for a in params.add
    ]
    edited = catalog.edit(table, add=added, delete=params.delete, relabel=[(r.row, r.label) for r in params.relabel])
    data = catalog.fits_bytes(edited)
    # A new version in place: written beside it, then renamed over it whole (readers never see half a file).
    upload(ctx.user, folder, path.name, io.BytesIO(data), length=len(data), replace=True)
    return {"path": path.client, "rows": len(edited)}


# --- cross-matching ---------------------------------------------------------------------------------


class CatalogRef(BaseModel):
    """A table and, optionally, its RA/Dec columns (guessed when left out)."""

    path: ReadPath
    table: _Table = 0
    ra: Annotated[str, StringConstraints(max_length=200)] | None = None
    dec: Annotated[str, StringConstraints(max_length=200)] | None = None


class CrossmatchParams(JobParams):
    a: CatalogRef = Field(description="The first catalogue: each of its rows is matched.")
    b: CatalogRef = Field(description="The second catalogue: searched for the nearest neighbour.")
    max_sep: Annotated[float, Field(gt=0, le=3600), BeforeValidator(finite_number)] = Field(
        default=1.0, description="The largest separation of a match, arcseconds."
    )
    folder: WritePath | None = Field(default=None, description="Where the result goes; default: ~/detections.")


class CrossmatchResult(BaseModel):
    """How many rows of A matched, the result table (rows of both and separations), the median separation (arcsec)."""

    matched: int
    path: str
    median_sep: float | None


#: The most rows of one catalogue a cross-match reads (2 M x 2 M: about 10 s and 1 GB; 10^7 would be minutes and GBs).
MAX_MATCH_ROWS = 2_000_000


def _sky_columns(
    user: Any, ref: CatalogRef
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any] | None]:
    from workers.sources.guess import guess_sky

    table = open_source(user, ref.path.client, ref.table)
    names = [c.name for c in table.columns]
    guessed = guess_sky(table.columns)
    ra = ref.ra or (guessed[0] if guessed else None)
    dec = ref.dec or (guessed[1] if guessed else None)
    if ra is None or dec is None:
        raise ToyzError("not_found", f"{ref.path.name} has no RA/Dec columns that could be recognised; name them.")
    for name in (ra, dec):
        if name not in names:
            raise ToyzError("not_found", f"{ref.path.name} has no column {name!r}.")
    if table.rows > MAX_MATCH_ROWS:
        raise ToyzError(
            "too_large",
            f"{ref.path.name} has {table.rows:,} rows; a cross-match takes at most {MAX_MATCH_ROWS:,} per catalogue.",
        )
    try:  # a column of text (sexagesimal, say) is no column of degrees
        sky = np.asarray(table.column(ra), dtype=float), np.asarray(table.column(dec), dtype=float)
    except (TypeError, ValueError):
        raise ToyzError("bad_table", f"The columns {ra!r} and {dec!r} of {ref.path.name} are not degrees.") from None
    ids = table.column("id") if "id" in names else None
    return sky[0], sky[1], ids


@register(
    "analysis.crossmatch",
    "Cross-match two catalogues on the sky and write the matched pairs as a new table.",
    params=CrossmatchParams,
    result=CrossmatchResult,
)
def crossmatch(ctx: JobContext, params: CrossmatchParams) -> dict[str, Any]:
    folder = _output_folder(ctx, params.folder)
    ra_a, dec_a, id_a = _sky_columns(ctx.user, params.a)
    ra_b, dec_b, id_b = _sky_columns(ctx.user, params.b)
    ctx.progress(0, 1, "Matching")
    found = match_sky(ra_a, dec_a, ra_b, dec_b, params.max_sep)
    out = Table(
        {
            "row_a": found.rows_a,
            "row_b": found.rows_b,
            "id_a": found.rows_a + 1 if id_a is None else np.asarray(id_a)[found.rows_a],
            "id_b": found.rows_b + 1 if id_b is None else np.asarray(id_b)[found.rows_b],
            "ra_a": ra_a[found.rows_a],
            "dec_a": dec_a[found.rows_a],
            "ra_b": ra_b[found.rows_b],
            "dec_b": dec_b[found.rows_b],
            "sep": found.separation,
        }
    )
    out["sep"].unit = "arcsec"
    for name in ("ra_a", "dec_a", "ra_b", "dec_b"):
        out[name].unit = "deg"
    out.meta.update(
        {"MATCHA": params.a.path.client[:68], "MATCHB": params.b.path.client[:68], "MAXSEP": params.max_sep}
    )
    stem = f"{params.a.path.name.split('.')[0]}-x-{params.b.path.name.split('.')[0]}-{timezone.now():%Y%m%dT%H%M%S}"
    path = _write_new(ctx, folder, f"{stem}.fits", catalog.fits_bytes(out))
    return {"matched": int(found.rows_a.size), "path": path, "median_sep": found.median}
