"""The analysis endpoints (/api/analysis/...): what a viewer asks for outside a job."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["analysis"])
