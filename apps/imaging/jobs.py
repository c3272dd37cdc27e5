"""Imaging jobs for the workspace socket."""

from __future__ import annotations

import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from apps.files.permissions import Right
from apps.imaging import services
from apps.jobs.registry import JobContext, Param, register
from workers.errors import JobCancelled, ToyzError

logger = logging.getLogger(__name__)
MAX_LISTED_FAILURES = 100

# HDU -1 is the focal-plane mosaic of a multi-extension file.
_HDU = Param("hdu", "int", minimum=-1, maximum=10_000, nullable=True)
_PLANE = Param("plane", "int", default=0, minimum=0, maximum=10**9)


@register(
    "imaging.describe",
    "Describe an image file: its HDUs, default cut levels and header.",
    params=[Param("path", "path", required=True, right=Right.READ), _HDU, _PLANE],
)
def describe(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    return services.describe_image(params["path"], params["hdu"], params["plane"])


@register(
    "imaging.pixel",
    "The value and world coordinates of the pixel under (x, y).",
    params=[
        Param("path", "path", required=True, right=Right.READ),
        Param("hdu", "int", default=0, minimum=-1, maximum=10_000),
        _PLANE,
        Param("x", "float", required=True, minimum=-1e9, maximum=1e9),
        Param("y", "float", required=True, minimum=-1e9, maximum=1e9),
    ],
)
def pixel(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    return services.pixel(params["path"], params["hdu"], params["plane"], params["x"], params["y"])


@register(
    "imaging.prerender",
    "Build and cache an image's whole tile pyramid.",
    params=[Param("path", "path", required=True, right=Right.READ), _HDU, _PLANE],
    heavy=True,
)
def prerender(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    image = params["path"]
    result = services.prerender(image, params["hdu"], progress=ctx.progress, plane=params["plane"])
    services.keep_cache_in_bounds()
    ctx.prerender_ready(image.client, params["hdu"])
    return result


@register(
    "imaging.prerender_folder",
    "Build and cache the pyramids of every image in a folder, one file after the other.",
    params=[Param("path", "path", required=True, right=Right.READ), Param("recursive", "bool", default=False)],
    heavy=True,
)
def prerender_folder(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    folder = params["path"]
    if not folder.real.is_dir():
        raise ToyzError("bad_path", "That is a file, not a folder; pre-render it with imaging.prerender.")
    files, refused = services.find_images(ctx.user, folder, params["recursive"])
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
        ctx.prerender_ready(image.client, None)
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
