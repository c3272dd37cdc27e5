"""Imaging jobs for the workspace socket, and the event they send when a pyramid is complete."""

from __future__ import annotations

import logging
from typing import Any, Literal

from celery.exceptions import SoftTimeLimitExceeded
from pydantic import BaseModel, Field, RootModel

from apps import events
from apps.files.services import ReadPath, ResolvedPath, to_readers
from apps.imaging import services
from apps.imaging.schemas import DescriptionOut
from apps.jobs.services import (
    PRERENDER,
    Coordinate,
    Flag,
    Hdu,
    JobContext,
    JobParams,
    OptionalHdu,
    Plane,
    describe_module,
    register,
)
from workers.errors import JobCancelled, ToyzError
from workers.imaging import Pixel, file_identity

describe_module("imaging", "Imaging", "Describe images and read pixel values: what viewing needs.")
describe_module(
    "prerender",
    "Pre-rendering",
    "Build whole tile pyramids ahead of viewing: heavy work an admin may keep to some groups (viewing works without it).",
)

logger = logging.getLogger(__name__)


class PixelResult(RootModel[Pixel]):
    """What imaging.pixel returns: the core's Pixel, as the socket's schema names it."""


MAX_LISTED_FAILURES = 100


@events.event_kind
class PrerenderReady(events.Event):
    """A file's pyramid (or one HDU's) is complete: clients showing it reload its tiles."""

    event: Literal["prerender.ready"] = "prerender.ready"
    path: str
    hdu: int | None


def announce_ready(image: ResolvedPath, hdu: int | None) -> None:
    """Tell every open workspace whose user may read the file that its pyramid is complete."""
    to_readers(image, PrerenderReady(path=image.client, hdu=hdu))


class ImageParams(JobParams):
    path: ReadPath = Field(description="The image file.")
    hdu: OptionalHdu = Field(default=None, description="The HDU, -1 for the mosaic; the file's default if null.")
    plane: Plane = Field(default=0, description="The plane of a cube.")


class PixelParams(JobParams):
    path: ReadPath = Field(description="The image file.")
    hdu: Hdu = Field(default=0, description="The HDU, -1 for the mosaic.")
    plane: Plane = Field(default=0, description="The plane of a cube.")
    x: Coordinate = Field(description="Level-0 x (column), 0 at the left edge of the first pixel.")
    y: Coordinate = Field(description="Level-0 y (row), 0 at the bottom edge of the first pixel.")


class FolderParams(JobParams):
    path: ReadPath = Field(description="The folder.")
    recursive: Flag = Field(default=False, description="Include the images in subfolders.")


class PrerenderResult(BaseModel):
    """What pre-rendering one file did: its HDUs (-1 for the mosaic), their largest level count, the tile count."""

    path: str
    hdus: list[int]
    levels: int
    tiles: int
    skipped: bool = Field(description="The pyramid was complete already: nothing was built.")


class PrerenderFailure(BaseModel):
    """A file of a folder that could not be pre-rendered, and why."""

    path: str
    code: str
    message: str


class PrerenderFolderResult(BaseModel):
    """What pre-rendering a folder did, file by file; at most 100 failures are listed."""

    path: str
    files: int
    built: int
    skipped: int
    failed: int
    failures: list[PrerenderFailure]


@register(
    "imaging.describe",
    "Describe an image file: its HDUs, default cut levels and header.",
    params=ImageParams,
    result=DescriptionOut,
)
def describe(ctx: JobContext, params: ImageParams) -> dict[str, Any]:
    return services.describe_image(params.path, params.hdu, params.plane)


@register(
    "imaging.pixel",
    "The value and world coordinates of the pixel under (x, y).",
    params=PixelParams,
    result=PixelResult,
    inline=True,
)
def pixel(ctx: JobContext, params: PixelParams) -> dict[str, Any]:
    return services.pixel(params.path, params.hdu, params.plane, params.x, params.y)


def _same_pyramid(params: ImageParams) -> str:
    """Ten users opening one new exposure build its pyramid once: the file's identity (its real path, size
    and time), the HDU and the plane name the work (a link to the file resolves to the same client path)."""
    return f"{file_identity(params.path.real)}:{params.hdu}:{params.plane}"


@register(
    "imaging.prerender",
    "Build and cache an image's whole tile pyramid.",
    params=ImageParams,
    result=PrerenderResult,
    heavy=True,
    module="prerender",
    queue=PRERENDER,
    share=_same_pyramid,
)
def prerender(ctx: JobContext, params: ImageParams) -> dict[str, Any]:
    image = params.path
    result = services.prerender(image, params.hdu, progress=ctx.progress, plane=params.plane)
    services.keep_cache_in_bounds()
    announce_ready(image, params.hdu)
    return result


@register(
    "imaging.prerender_folder",
    "Build and cache the pyramids of every image in a folder, one file after the other.",
    params=FolderParams,
    result=PrerenderFolderResult,
    heavy=True,
    module="prerender",
    queue=PRERENDER,
)
def prerender_folder(ctx: JobContext, params: FolderParams) -> dict[str, Any]:
    folder = params.path
    if not folder.is_dir:
        raise ToyzError("bad_path", "That is a file, not a folder; pre-render it with imaging.prerender.")
    files, refused = services.find_images(ctx.user, folder, params.recursive)
    failures = [{"path": path, "code": exc.code, "message": exc.message} for path, exc in refused]
    built = skipped = 0
    total = len(files)
    # Files run one after the other inside this job (see docs/architecture.md, "Pre-rendering").
    for index, image in enumerate(files):
        ctx.progress(index, total, image.client)

        def within_file(done: int, steps: int, message: str, index: int = index, name: str = image.client) -> None:
            # Progress counts files; the message tells how far the current one is.
            ctx.progress(index, total, f"{name} ({done}/{steps})")

        try:
            result = services.prerender(image, None, progress=within_file)
        except (JobCancelled, SoftTimeLimitExceeded):
            raise
        except ToyzError as exc:
            failures.append({"path": image.client, "code": exc.code, "message": exc.message})
            continue
        except Exception:
            # One bad file must not stop the night; the trace goes to the log.
            logger.exception("Pre-rendering %s failed", image.client)
            failures.append(
                {"path": image.client, "code": "job_failed", "message": "Unexpected error; it is in the server log."}
            )
            continue
        if result["skipped"]:
            skipped += 1
        else:
            built += 1
        announce_ready(image, None)
    services.keep_cache_in_bounds()
    ctx.progress(total, total, "done")
    return {
        "path": folder.client,
        "files": total + len(refused),
        "built": built,
        "skipped": skipped,
        "failed": len(failures),
        "failures": failures[:MAX_LISTED_FAILURES],
    }
