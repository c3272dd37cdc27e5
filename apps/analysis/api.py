"""The analysis endpoints (/api/analysis/...): what a viewer asks for outside a job, each concept in its own module."""

from __future__ import annotations

from ninja import Router

from apps.analysis.api_grid import router as grid_router
from apps.analysis.api_regions import router as regions_router

router = Router(tags=["analysis"])
router.add_router("", regions_router)
router.add_router("", grid_router)
