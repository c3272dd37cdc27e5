"""Imaging jobs for the workspace socket."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.files.permissions import Right
from apps.imaging import services
from apps.jobs.registry import JobContext, Param, register
from workers.imaging import build_pyramid

_HDU = Param("hdu", "int", minimum=0, maximum=10_000, nullable=True)
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
        Param("hdu", "int", default=0, minimum=0, maximum=10_000),
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
    params=[Param("path", "path", required=True, right=Right.READ), _HDU],
)
def prerender(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    image = params["path"]
    summary = build_pyramid(image.real, hdu=params["hdu"], cache_dir=settings.TOYZ_CACHE_DIR, progress=ctx.progress)
    ctx.event({"event": "prerender.ready", "path": image.client, "hdu": params["hdu"]})
    return {"path": image.client, **summary}
