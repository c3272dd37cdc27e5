"""The analysis endpoints (/api/analysis/...): what a viewer asks for outside a job."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["analysis"])

from apps.analysis.api_grid import router as grid_router  # noqa: E402  (each concept in its own module)

router.add_router("", grid_router)
