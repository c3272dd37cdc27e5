"""Region file endpoints (under /api/analysis/regions/): read a ds9 or CRTF text, write the viewer's regions.

``parse`` takes the text the browser sends (pasted, or a file uploaded from the user's computer) or a
region file of the data roots the user may read; ``export`` returns the text (the browser downloads
it) and, given a folder the user may write, saves it there as a new file (never over another). The
core is :mod:`workers.analysis.regionfiles`; the image, when named, places sky regions on its pixels.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, BinaryIO, Literal

from asgiref.sync import sync_to_async
from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from apps.analysis.schemas import MAX_REGIONS, Region
from apps.files.services import ReadClientPath, Right, User, WriteClientPath, create_file, resolve
from apps.http import ERROR_RESPONSES
from workers.analysis import regionfiles
from workers.errors import ToyzError

router = Router(tags=["analysis"])

#: The largest region file read from the data roots (bytes).
MAX_FILE_BYTES = 4 * regionfiles.MAX_TEXT_CHARS


class RegionImage(BaseModel):
    """The image regions are read against or written for (``ImageRef``'s shape; the view resolves the path)."""

    model_config = ConfigDict(extra="forbid")

    path: ReadClientPath
    hdu: int = Field(default=0, ge=-1, le=10_000)
    plane: int = Field(default=0, ge=0, le=1_000_000)


class ParseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(max_length=regionfiles.MAX_TEXT_CHARS)] | None = Field(
        None, description="The region file's text (pasted, or uploaded from the browser)."
    )
    path: ReadClientPath | None = Field(None, description="Or a region file in the data roots the user may read.")
    format: Literal["ds9", "crtf", "auto"] = "auto"
    image: RegionImage | None = Field(None, description="Report the regions that fall off this image.")

    @model_validator(mode="after")
    def _one_source(self) -> ParseIn:
        if (self.text is None) == (self.path is None):
            raise ValueError("give either the text or the path of a region file")
        return self


class ParseOut(BaseModel):
    regions: list[Region]
    notes: list[str] = Field(description="A sentence per line or region skipped, or lying off the image.")


class RegionsExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regions: list[Region] = Field(
        min_length=1,
        max_length=MAX_REGIONS,
        examples=[[{"id": "r1", "shape": "point", "frame": "image", "points": [[10.5, 10.5]]}]],
    )
    format: Literal["ds9", "crtf"] = "ds9"
    frame: Literal["image", "sky"] = "sky"
    image: RegionImage | None = Field(None, description="Needed when a region must change frame.")
    folder: WriteClientPath | None = Field(None, description="Also save the file in this folder.")
    name: str | None = Field(None, min_length=1, max_length=255, description="The new file's name.")


class RegionsExportOut(BaseModel):
    text: str
    notes: list[str]
    path: str | None = Field(None, description="Where the file was saved, when a folder was given.")


def _resolved_image(user: User, image: RegionImage | None) -> Path | None:
    if image is None:
        return None
    resolved = resolve(user, image.path, Right.READ)
    if resolved.is_dir:
        raise ToyzError("bad_path", "That is a folder, not an image file.")
    return resolved.real


def _frame(path: Path | None, image: RegionImage | None) -> regionfiles.ImageFrame | None:
    return None if path is None or image is None else regionfiles.ImageFrame(path, hdu=image.hdu, plane=image.plane)


def _region_file(user: User, raw_path: str) -> Path:
    where = resolve(user, raw_path, Right.READ)
    if where.is_dir:
        raise ToyzError("bad_path", "That is a folder, not a region file.")
    return where.real


def _read_text(path: Path) -> str:
    """The text of a region file (UTF-8, or Latin-1 for older files)."""
    try:
        with path.open("rb") as file:
            if os.fstat(file.fileno()).st_size > MAX_FILE_BYTES:
                raise ToyzError("too_large", f"Region files larger than {MAX_FILE_BYTES // 1024**2} MB are not read.")
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ToyzError("unreadable", f"{path.name} could not be read.") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_regions(body: ParseIn, region_file: Path | None, image_path: Path | None) -> dict[str, Any]:
    """The work of ``parse`` on paths already checked (runs in the pool)."""
    text = body.text if region_file is None else _read_text(region_file)
    parsed = regionfiles.parse(text or "", body.format)
    image = _frame(image_path, body.image)
    notes = parsed.notes + (regionfiles.off_image(parsed.regions, image) if image else [])
    return {"regions": parsed.regions, "notes": notes}


def check_export(user: User, body: RegionsExportIn) -> Path | None:
    """The rights an export needs, checked before any work; returns the image's real path."""
    if body.folder is not None:
        # apps.files checks again where it makes the file.
        folder = resolve(user, body.folder, Right.WRITE)
        if not folder.is_dir:
            raise ToyzError("bad_path", "Region files are saved into a folder; that is a file.")
    return _resolved_image(user, body.image)


def export_text(body: RegionsExportIn, image_path: Path | None) -> tuple[str, list[str]]:
    """The work of ``export`` (runs in the pool)."""
    regions = [region.model_dump() for region in body.regions]
    return regionfiles.serialize(regions, body.format, body.frame, _frame(image_path, body.image))


def save_text(user: User, body: RegionsExportIn, text: str) -> str:
    """Save the text as a new file of the body's folder; its client path."""
    ending = ".reg" if body.format == "ds9" else ".crtf"
    name = body.name or f"regions{ending}"
    if "." not in name:
        name += ending
    data = text.encode("utf-8")

    def write(out: BinaryIO) -> None:
        out.write(data)

    entry = create_file(user, body.folder, name, write)
    return str(entry["path"])


@router.post("/regions/parse", response={200: ParseOut, **ERROR_RESPONSES}, url_name="analysis-regions-parse")
async def parse(request: HttpRequest, body: ParseIn) -> dict[str, Any]:
    """Read a ds9 or CRTF region text (or a region file the user may read) into the viewer's regions."""
    user = request.auth  # type: ignore[attr-defined]

    def check() -> tuple[Path | None, Path | None]:
        return (_region_file(user, body.path) if body.path is not None else None), _resolved_image(user, body.image)

    # The rights are read from the database in Django's thread for sync code; the parsing runs in the pool.
    region_file, image_path = await sync_to_async(check)()
    return await sync_to_async(parse_regions, thread_sensitive=False)(body, region_file, image_path)


@router.post("/regions/export", response={200: RegionsExportOut, **ERROR_RESPONSES}, url_name="analysis-regions-export")
async def export(request: HttpRequest, body: RegionsExportIn) -> dict[str, Any]:
    """Write regions as a ds9 or CRTF text, in image pixels or ICRS; saved as a new file when a folder is given."""
    user = request.auth  # type: ignore[attr-defined]
    image_path = await sync_to_async(check_export)(user, body)
    text, notes = await sync_to_async(export_text, thread_sensitive=False)(body, image_path)
    path = None if body.folder is None else await sync_to_async(save_text)(user, body, text)
    return {"text": text, "notes": notes, "path": path}
